// strata-idle-vm: one idle virtual machine in a process of its own, so that
// what a VM costs can be measured apart from strata itself
// (compare/footprint, `strata bench footprint|density`). It is a complete
// VMM for tinyos, built from strata's own backend:
//
//   1. wait for one byte on stdin, "g" (go) or "t" (go and report the
//      trace): strata first moves this process into a memory cgroup, so
//      what KVM allocates for the VM in the kernel is charged there;
//   2. build the VM and boot tinyos to its first user instruction;
//   3. for "t", print every call this VMM made as "event <JSON>" (the
//      format of `strata run --json`), so strata's diagram can show them;
//   4. print "ready <ns from go to the first user instruction>" and hold the
//      VM — its memory stays, its vCPU does not run — until stdin closes.
//
// A failure prints "error <what>" and exits 1.
#include <chrono>
#include <csignal>
#include <cstdio>

#include <sys/prctl.h>
#include <unistd.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/tinyos_vm.hpp"
#include "engine/trace_json.hpp"

namespace {

int fail(const strata::engine::Error& error) {
    std::printf("error %s\n", error.describe().c_str());
    std::fflush(stdout);
    return 1;
}

}  // namespace

int main() {
    // 1. Never outlive strata.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() == 1) return 1;
    char go = 0;
    if (::read(0, &go, 1) != 1) return 0;  // strata changed its mind

    // 2. Boot.
    const auto t0 = std::chrono::steady_clock::now();
    strata::engine::Recorder recorder;
    auto vm = strata::kvm::TinyosVm::start(recorder, strata::guests::tinyos(), strata::kvm::tinyos::Workload::tour);
    if (!vm) return fail(vm.error());
    if (auto r = (*vm)->run_to(strata::kvm::tinyos::ready); !r) return fail(r.error());
    const auto boot = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0);
    // 3. The trace, when asked for; then forget it (it is not the VM's cost).
    if (go == 't')
        for (const auto& event : recorder.events())
            std::printf("event %s\n", strata::engine::event_to_json(event).dump().c_str());
    recorder.clear();

    // 4. Hold it.
    std::printf("ready %lld\n", static_cast<long long>(boot.count()));
    std::fflush(stdout);
    for (char c; ::read(0, &c, 1) > 0;) {
    }
    return 0;
}
