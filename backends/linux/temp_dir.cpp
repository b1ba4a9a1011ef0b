#include "backends/linux/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>

#include <fmt/format.h>
#include <unistd.h>

namespace strata::linux {

namespace fs = std::filesystem;

engine::Result<TempDir> TempDir::create(const std::string& purpose) {
    std::error_code ec;
    auto base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string templ = (base / fmt::format("strata-{}-{}-XXXXXX", ::getpid(), purpose)).string();
    if (!::mkdtemp(templ.data()))
        return engine::errno_error("mkdtemp " + templ, errno, "cannot make a working directory",
                                   "set TMPDIR to a writable directory");
    TempDir dir;
    dir.path_ = templ;
    return dir;
}

void remove_tree(const fs::path& path) {
    std::error_code ec;
    if (path.empty() || !fs::exists(fs::symlink_status(path, ec))) return;
    // Overlayfs creates work/work with mode 000; give the owner access back.
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
    if (ec) {
        // A second pass after fixing modes uncovered by the first.
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
}

void TempDir::remove() {
    if (path_.empty()) return;
    remove_tree(path_);
    path_.clear();
}

}  // namespace strata::linux
