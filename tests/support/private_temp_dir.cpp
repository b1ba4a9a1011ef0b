#include "tests/support/private_temp_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "backends/linux/temp_dir.hpp"

namespace strata::tests {

namespace {

// A test that leaked a mount under the directory must not have the tree
// removed through it: the leak check reports the mount, and the directory
// stays for a person to look at.
bool has_mount_under(const std::filesystem::path& dir) {
    std::ifstream mountinfo("/proc/self/mountinfo");
    const std::string prefix = dir.string() + "/";
    for (std::string line; std::getline(mountinfo, line);) {
        std::istringstream fields(line);
        std::string id, parent, devices, root, mount_point;
        fields >> id >> parent >> devices >> root >> mount_point;
        if (mount_point == dir.string() || mount_point.starts_with(prefix)) return true;
    }
    return false;
}

}  // namespace

PrivateTempDir::PrivateTempDir() {
    std::error_code ec;
    auto base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string templ = (base / ("strata-" + std::to_string(::getpid()) + "-tests-XXXXXX")).string();
    if (!::mkdtemp(templ.data()))
        throw std::runtime_error("cannot make a private temp directory " + templ + ": " + std::strerror(errno));
    path_ = templ;
    // Like /tmp: tests drop to nobody and must still be able to work here.
    ::chmod(path_.c_str(), 01777);
    if (const char* old = std::getenv("TMPDIR")) {
        had_tmpdir_ = true;
        previous_tmpdir_ = old;
    }
    ::setenv("TMPDIR", path_.c_str(), 1);
}

PrivateTempDir::~PrivateTempDir() {
    if (had_tmpdir_) ::setenv("TMPDIR", previous_tmpdir_.c_str(), 1);
    else ::unsetenv("TMPDIR");
    if (has_mount_under(path_)) return;
    linux::remove_tree(path_);
}

}  // namespace strata::tests
