// How long things take to start, phase by phase, measured with strata's
// own backends: a container (linux::run_container_once), the smallest VM
// (the hello guest, to its HLT), tinyos to its first user instruction and
// a stock Linux kernel to its /init.
// compare/start-time shows them as histograms; `strata bench start` prints
// them as a table. Both call these, so both measure the same thing.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "backends/measure/linux_boot_inputs.hpp"
#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::measure {

struct RunOptions {
    int count = 20;                        // starts to time (after one warm-up start)
    std::function<bool()> cancelled = {};  // checked between starts
    bool forget_events = false;            // clear the recorder after each start (long benchmarks)
};

// N starts of one kind: per phase, one sample (ns) per start.
struct StartSeries {
    std::string name;                 // "container (strata)"
    std::vector<std::string> phases;  // in order, "total" last
    std::map<std::string, std::vector<double>> samples;

    const std::vector<double>& of(const std::string& phase) const;
    const std::vector<double>& total() const { return of("total"); }
};

engine::Result<StartSeries> container_starts(engine::Recorder& recorder, const std::string& rootfs,
                                             const RunOptions& options);
// strata's whole container (linux::WholeContainer) from the OCI bundle in
// `bundle` (running /bin/true), every stage a runtime goes through, through
// tearing it down: the row crun runs the same bundle next to.
engine::Result<StartSeries> whole_container_starts(engine::Recorder& recorder, const std::string& bundle,
                                                   const RunOptions& options);
engine::Result<StartSeries> hello_vm_starts(engine::Recorder& recorder, const RunOptions& options);
engine::Result<StartSeries> tinyos_starts(engine::Recorder& recorder, const RunOptions& options);

// A stock Linux kernel under strata's VMM (kvm::LinuxVm), from opening
// /dev/kvm to its /init's first line. Each boot is bounded by
// kLinuxStartTimeout (nested under QEMU's emulation a boot takes seconds).
inline constexpr std::chrono::milliseconds kLinuxStartTimeout{240'000};
engine::Result<StartSeries> linux_vm_starts(engine::Recorder& recorder, const LinuxBootInputs& inputs,
                                            const RunOptions& options);

}  // namespace strata::measure
