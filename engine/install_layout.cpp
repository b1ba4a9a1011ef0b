#include "engine/install_layout.hpp"

#include <cstdlib>
#include <string>

namespace strata::engine {

namespace {

namespace fs = std::filesystem;

// The running program, e.g. /usr/bin/strata; empty if /proc is missing.
fs::path own_executable() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe;
}

bool same_directory(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

// <prefix>/bin/strata -> <prefix>; empty if /proc is missing.
fs::path own_prefix() {
    const auto exe = own_executable();
    return exe.empty() ? fs::path() : exe.parent_path().parent_path();
}

}  // namespace

Installation installation() {
    static const Installation cached = [] {
        const auto exe = own_executable();
        if (!exe.empty() && same_directory(exe.parent_path(), STRATA_BUILD_BIN_DIR)) return Installation::build_tree;
        return Installation::installed;
    }();
    return cached;
}

InstalledPaths installed_paths(const fs::path& prefix) {
    // STRATA_INSTALL_*_FROM_BIN are the install destinations relative to
    // the program's directory (e.g. "../share/strata"), so any prefix works.
    const auto bin = prefix / "bin";
    InstalledPaths p;
    p.program = bin / "strata";
    p.assets = (bin / STRATA_INSTALL_DATA_FROM_BIN).lexically_normal();
    p.helpers = (bin / STRATA_INSTALL_LIBEXEC_FROM_BIN).lexically_normal();
    // Generated, not shipped: the package makes it when it is installed.
    // The FHS puts such data under /var/lib for a strata in /usr, and under
    // <prefix>/var/lib for any other prefix (as GNUInstallDirs does).
    const fs::path state = prefix == "/usr" ? fs::path("/var") : prefix / "var";
    p.rootfs = state / "lib" / "strata" / "rootfs";
    return p;
}

fs::path installed_asset_dir() { return installed_paths(own_prefix()).assets; }
fs::path installed_helper_dir() { return installed_paths(own_prefix()).helpers; }
fs::path installed_rootfs_dir() { return installed_paths(own_prefix()).rootfs; }

fs::path asset_dir() {
    if (const char* env = std::getenv("STRATA_ASSETS"); env && *env) return env;
    std::error_code ec;
    if (installation() == Installation::installed) {
        if (auto dir = installed_asset_dir(); !dir.empty() && fs::is_directory(dir, ec)) return dir;
    }
    // A build-tree binary, or one copied out of the tree (the KVM suite
    // runs its binary inside a VM): the source tree, if it is there.
    if (fs::is_directory(STRATA_SOURCE_ASSET_DIR, ec)) return STRATA_SOURCE_ASSET_DIR;
    return installation() == Installation::installed ? installed_asset_dir() : fs::path("assets");
}

fs::path helper_program(std::string_view name) {
    if (installation() == Installation::installed) {
        std::error_code ec;
        const auto installed = installed_helper_dir() / name;
        if (fs::exists(installed, ec)) return installed;
        // A binary copied out with its helpers beside it
        // (tests/kvm-in-qemu/run-in-vm.sh --with).
        const auto sibling = own_executable().parent_path() / name;
        if (fs::exists(sibling, ec)) return sibling;
    }
    return fs::path(STRATA_BUILD_BIN_DIR) / name;
}

fs::path rootfs_dir() {
    return installation() == Installation::installed ? installed_rootfs_dir() : fs::path(STRATA_BUILD_ROOTFS_DIR);
}

}  // namespace strata::engine
