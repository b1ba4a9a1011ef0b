#include "backends/kvm/system.hpp"

#include <cerrno>

#include <fcntl.h>
#include "backends/kvm/linux_kvm.hpp"

#include "backends/kvm/vm.hpp"

namespace strata::kvm {

std::string open_kvm_hint(int e) {
    switch (e) {
        case EACCES:
        case EPERM:
            return "your user may not open /dev/kvm. Add yourself to its group "
                   "(usually kvm: `sudo usermod -aG kvm $USER`, then log out and in), "
                   "or ask the lab admin to; `strata doctor` shows the group.";
        case ENOENT:
        case ENODEV:
        case ENXIO:
            return "there is no KVM device. Enable virtualization (VT-x/AMD-V) in the "
                   "firmware and load the module (`modprobe kvm_intel` or `kvm_amd`); inside "
                   "a VM, the outer hypervisor must offer nested virtualization.";
        case EBUSY:
            return "another hypervisor (VirtualBox, VMware) holds the CPU's virtualization "
                   "extensions; close it and try again.";
        default:
            return "";
    }
}

Result<Kvm> Kvm::open(Recorder& recorder, const std::string& path) {
    engine::Span span(recorder, engine::EventKind::syscall, "openat(" + path + ")",
                      {LayerId::vmm, LayerId::kvm});
    span.arg("flags", "O_RDWR|O_CLOEXEC");
    const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    const int error = fd < 0 ? errno : 0;
    std::string hint = error ? open_kvm_hint(error) : std::string{};
    if (error) span.detail(hint);
    span.finish(fd, error);
    if (fd < 0) return engine::errno_error("open " + path, error, "cannot open the KVM device", std::move(hint));
    return Kvm(recorder, sys::Fd(fd));
}

Result<int> Kvm::api_version() { return traced_ioctl(*recorder_, fd(), KVM_GET_API_VERSION, 0ul); }

Result<int> Kvm::check_extension(int capability) {
    return traced_ioctl(*recorder_, fd(), KVM_CHECK_EXTENSION, static_cast<unsigned long>(capability),
                        {{"capability", std::to_string(capability)}});
}

Result<std::size_t> Kvm::vcpu_mmap_size() {
    auto size = traced_ioctl(*recorder_, fd(), KVM_GET_VCPU_MMAP_SIZE, 0ul);
    if (!size) return std::unexpected(size.error());
    return static_cast<std::size_t>(*size);
}

Result<Vm> Kvm::create_vm() {
    // Machine type 0: the default x86 VM.
    auto fd = traced_ioctl(*recorder_, this->fd(), KVM_CREATE_VM, 0ul, {{"type", "0 (default)"}});
    if (!fd) return std::unexpected(fd.error());
    return Vm(*this, sys::Fd(*fd));
}

}  // namespace strata::kvm
