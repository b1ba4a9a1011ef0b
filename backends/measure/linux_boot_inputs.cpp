#include "backends/measure/linux_boot_inputs.hpp"

#include <cerrno>
#include <fstream>
#include <iterator>

#include "backends/kvm/initramfs.hpp"
#include "backends/kvm/linux_boot.hpp"

namespace strata::measure {

engine::Result<LinuxBootInputs> linux_boot_inputs(const std::string& kernel_path, const std::string& rootfs) {
    LinuxBootInputs in;
    in.kernel_path = kernel_path;
    std::ifstream file(kernel_path, std::ios::binary);
    if (!file) return engine::errno_error("open " + kernel_path, errno, "cannot read the kernel to boot");
    in.kernel.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    auto header = kvm::read_setup_header(in.kernel, kernel_path);
    if (!header) return std::unexpected(header.error());
    in.header = *header;
    auto initramfs = kvm::build_initramfs(rootfs, kvm::init_script(false));
    if (!initramfs) return std::unexpected(initramfs.error());
    in.initramfs = std::move(initramfs->archive);
    in.cmdline = kvm::linux_guest::default_cmdline(true);
    in.marker = kvm::kInitMarker;
    return in;
}

}  // namespace strata::measure
