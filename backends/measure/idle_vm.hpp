// IdleVm: one idle tinyos VM in a process of its own (the strata-idle-vm
// helper, app/helpers/idle_vm.cpp), so that what a VM costs can be read
// from the kernel apart from strata: its VMM process's RSS and PSS, and
// what KVM allocated in the kernel, charged to the cgroup it joined before
// the VM existed. Destroying it kills the helper; the kernel frees the VM.
#pragma once

#include <chrono>

#include "backends/linux/cgroup.hpp"
#include "backends/linux/helper_process.hpp"

namespace strata::measure {

class IdleVm {
public:
    // Spawns the helper, moves it into `cgroup` (may be null), tells it to
    // go and waits until tinyos reached its first user instruction. With
    // `forward_trace` the helper's own recorded KVM calls are added to
    // `recorder` (each marked with the helper's pid), so the diagram shows
    // what the VMM did even though it happened in another process.
    static engine::Result<IdleVm> start(engine::Recorder& recorder, linux::Cgroup* cgroup, bool forward_trace);

    pid_t pid() const { return process_.pid(); }
    std::chrono::nanoseconds boot() const { return boot_; }  // go to first user instruction, in the helper

private:
    explicit IdleVm(linux::HelperProcess process) : process_(std::move(process)) {}
    linux::HelperProcess process_;
    std::chrono::nanoseconds boot_{};
};

}  // namespace strata::measure
