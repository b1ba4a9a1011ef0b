// Where strata's own files are.
//
// A strata started from its build tree (build/bin/strata, and the test
// binaries next to it) uses the tree: assets from the source directory, the
// container image and helper programs the build made. An installed strata
// uses the install prefix, found from its own path so that the prefix can
// be anything: <prefix>/share/strata for assets, <prefix>/libexec/strata
// for helper programs, and /var/lib/strata/rootfs (<prefix>/var/lib/...
// outside /usr) for the container image, which the package makes from
// Debian's busybox-static when it is installed. An installed strata never reads a build tree that
// happens to be on the same machine.
#pragma once

#include <filesystem>
#include <string_view>

namespace strata::engine {

enum class Installation {
    build_tree,  // running from the build directory
    installed,   // running from anywhere else (a package, `cmake --install`)
};
Installation installation();

// Lesson narratives, recordings, the diagram's layout: $STRATA_ASSETS if
// set, else as above.
std::filesystem::path asset_dir();

// A helper program strata runs (a benchmark's raw floor).
std::filesystem::path helper_program(std::string_view name);

// Where the container image should be, $STRATA_ROOTFS aside (whether it is
// really there is for backends/linux to check).
std::filesystem::path rootfs_dir();

// The installed layout under a prefix (/usr for the package), for the
// man page; the functions below apply it to this binary's own prefix.
struct InstalledPaths {
    std::filesystem::path program, assets, helpers, rootfs;
};
InstalledPaths installed_paths(const std::filesystem::path& prefix);

std::filesystem::path installed_asset_dir();
std::filesystem::path installed_rootfs_dir();
std::filesystem::path installed_helper_dir();

}  // namespace strata::engine
