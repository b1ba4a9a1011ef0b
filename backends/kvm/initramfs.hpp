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
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace strata::kvm {

// Lines /init prints, which the lesson watches for on the console.
inline constexpr const char* kInitMarker = "STRATA-INIT: /init is running";
inline constexpr const char* kGuestUnameMarker = "STRATA-GUEST-UNAME: ";
inline constexpr const char* kShellMarker = "STRATA-SHELL: ";
inline constexpr const char* kPowerOffMarker = "STRATA-POWER-OFF: ";
// vm/virtio's /init.
inline constexpr const char* kVirtioReadyMarker = "STRATA-VIRTIO-READY: ";
inline constexpr const char* kDiskReadMarker = "STRATA-DISK-READ: ";
inline constexpr const char* kDiskWrittenMarker = "STRATA-DISK-WRITTEN: ";
inline constexpr const char* kVirtioFailedMarker = "STRATA-VIRTIO-FAILED: ";

// The /init script: mounts /proc, /sys and /dev, prints the markers and
// the guest's `uname -r`, then offers a shell (`shell`) or goes straight
// on to power off with `reboot -f`.
std::string init_script(bool shell);

// vm/virtio's /init: loads `modules` (paths in the initramfs, in order),
// waits for /dev/vda, reads its sector 0 and prints it, writes `line` to
// sector 1 and fsyncs, then powers off like init_script's.
std::string virtio_init_script(const std::vector<std::string>& modules, const std::string& line);

struct Initramfs {
    std::vector<std::uint8_t> archive;
    std::size_t files = 0;  // members, directories and links included
};

// A file the initramfs carries besides the image (a kernel module, say).
struct InitramfsFile {
    std::string path;  // in the archive, without the leading '/': "lib/modules/virtio.ko"
    std::vector<std::uint8_t> bytes;
    std::uint32_t permissions = 0644;
};

// Packs every file, directory and symbolic link under `image_root` (the
// busybox image), /dev/console, the `extra` files, and `init` as /init.
engine::Result<Initramfs> build_initramfs(const std::filesystem::path& image_root, std::string_view init,
                                          const std::vector<InitramfsFile>& extra = {});

}  // namespace strata::kvm
