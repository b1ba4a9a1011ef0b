// What a Linux VM start boots, read and built once so that strata's VMM
// and its peer (QEMU -M microvm) boot exactly the same thing: the kernel,
// the initramfs strata makes from the container image (busybox + the
// /init of vm/boot-linux, which prints its marker first), and one command
// line; both in linux_guest::kDefaultRamSize of RAM.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/kvm/bzimage.hpp"
#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::measure {

struct LinuxBootInputs {
    std::string kernel_path;
    std::vector<std::uint8_t> kernel;
    kvm::SetupHeader header;
    std::vector<std::uint8_t> initramfs;
    std::string cmdline;
    std::string marker;  // the console line that says /init runs
};

// Reads and checks the kernel at `kernel_path`, packs `rootfs` as the
// initramfs. A missing or non-bzImage kernel is an error that says so.
engine::Result<LinuxBootInputs> linux_boot_inputs(const std::string& kernel_path, const std::string& rootfs);

}  // namespace strata::measure
