// The initramfs strata gives a Linux guest: the container lessons' busybox
// image (assets/rootfs), packed as a cpio archive in memory, plus /init.
//
// The same files a container gets as its root file system become the VM's
// first file system — the difference the course is about: the container
// runs them on the host's kernel, the VM on a kernel of its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace strata::kvm {

// Lines /init prints, which the lesson watches for on the console.
inline constexpr const char* kInitMarker = "STRATA-INIT: /init is running";
inline constexpr const char* kGuestUnameMarker = "STRATA-GUEST-UNAME: ";
inline constexpr const char* kShellMarker = "STRATA-SHELL: ";
inline constexpr const char* kPowerOffMarker = "STRATA-POWER-OFF: ";

// The /init script: mounts /proc, /sys and /dev, prints the markers and
// the guest's `uname -r`, then offers a shell (`shell`) or goes straight
// on to power off with `reboot -f`.
std::string init_script(bool shell);

struct Initramfs {
    std::vector<std::uint8_t> archive;
    std::size_t files = 0;  // members, directories and links included
};

// Packs every file, directory and symbolic link under `image_root` (the
// busybox image), /dev/console, and /init.
engine::Result<Initramfs> build_initramfs(const std::filesystem::path& image_root, bool shell);

}  // namespace strata::kvm
