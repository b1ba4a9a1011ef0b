#include "tests/support/private_temp_dir.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "backends/linux/mountinfo.hpp"

namespace strata::tests {

namespace {

// A test that leaked a mount under the directory must not have the tree
// removed through it: the leak check reports the mount, and the directory
// stays for a person to look at.
bool has_mount_under(const std::filesystem::path& dir) {
    std::ifstream file("/proc/self/mountinfo");
    const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    const std::string prefix = dir.string() + "/";
    for (const auto& mount : linux::parse_mountinfo(text))
        if (mount.mount_point == dir.string() || mount.mount_point.starts_with(prefix)) return true;
    return false;
}

}  // namespace

PrivateTempDir::PrivateTempDir() {
    auto dir = linux::TempDir::create("tests");
    if (!dir) throw std::runtime_error("cannot make a private temp directory: " + dir.error().describe());
    dir_ = std::move(*dir);
    // Like /tmp: tests drop to nobody and must still be able to work here.
    ::chmod(dir_.path().c_str(), 01777);
    if (const char* old = std::getenv("TMPDIR")) previous_tmpdir_ = old;
    ::setenv("TMPDIR", dir_.path().c_str(), 1);
}

PrivateTempDir::~PrivateTempDir() {
    if (previous_tmpdir_) ::setenv("TMPDIR", previous_tmpdir_->c_str(), 1);
    else ::unsetenv("TMPDIR");
    if (has_mount_under(dir_.path())) dir_.release();
}

}  // namespace strata::tests
