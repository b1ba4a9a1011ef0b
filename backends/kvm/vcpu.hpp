// Vcpu: one virtual CPU (the fd KVM_CREATE_VCPU returned) and its shared
// kvm_run area, where KVM says why the guest stopped.
#pragma once

#include <cstdint>
#include <span>

#include "backends/kvm/ioctl.hpp"
#include "backends/kvm/registers.hpp"
#include "backends/sys/fd.hpp"
#include "backends/sys/mapping.hpp"

namespace strata::kvm {

class Vcpu {
public:
    Vcpu(Recorder& recorder, int id, sys::Fd fd, sys::Mapping run);

    int id() const { return id_; }
    int fd() const { return fd_.get(); }
    Recorder& recorder() const { return *recorder_; }

    Result<Registers> get_registers();
    Result<void> set_registers(const Registers& regs);
    Result<SpecialRegisters> get_special_registers();
    Result<void> set_special_registers(const SpecialRegisters& sregs);

    // The kvm_run page, as bytes (exit decoding reads it, device handlers
    // write IN data into it).
    std::span<std::uint8_t> run_page() const { return run_.bytes(); }
    // kvm_run.immediate_exit: when set, KVM_RUN returns EINTR at once.
    // Safe to call from a signal handler or another thread.
    void request_immediate_exit(bool on);

    // One KVM_RUN: enters the guest and returns when it exits. Recorded as a
    // VM entry; the exit itself is recorded by the run loop.
    Result<void> enter();

private:
    Recorder* recorder_;
    int id_;
    sys::Fd fd_;
    sys::Mapping run_;
};

}  // namespace strata::kvm
