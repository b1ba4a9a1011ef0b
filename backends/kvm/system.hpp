// Kvm: the system fd, /dev/kvm. Asks what KVM can do and creates VMs.
#pragma once

#include <string>

#include "backends/kvm/ioctl.hpp"
#include "backends/sys/fd.hpp"

namespace strata::kvm {

class Vm;

class Kvm {
public:
    // Opens /dev/kvm (or `path`). The error explains EACCES (join group
    // kvm), ENOENT (no KVM module / no nested virtualization) and others.
    static Result<Kvm> open(Recorder& recorder, const std::string& path = "/dev/kvm");

    int fd() const { return fd_.get(); }
    Recorder& recorder() const { return *recorder_; }

    // KVM_GET_API_VERSION; every KVM since Linux 2.6.22 answers 12.
    Result<int> api_version();
    // KVM_CHECK_EXTENSION: 0 when absent, otherwise capability-specific.
    Result<int> check_extension(int capability);
    // KVM_GET_VCPU_MMAP_SIZE: size of each vCPU's shared kvm_run area.
    Result<std::size_t> vcpu_mmap_size();
    Result<Vm> create_vm();

private:
    Kvm(Recorder& recorder, sys::Fd fd) : recorder_(&recorder), fd_(std::move(fd)) {}
    Recorder* recorder_;
    sys::Fd fd_;
};

// Explains why /dev/kvm could not be opened, and what to do about it.
std::string open_kvm_hint(int errno_value);

}  // namespace strata::kvm
