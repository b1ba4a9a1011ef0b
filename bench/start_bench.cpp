// `strata bench start`: how long containers and VMs take to start, per
// phase, next to the peers.
#include <algorithm>
#include <cstdio>

#include "backends/linux/oci_spec.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/measure/linux_boot_inputs.hpp"
#include "backends/measure/peers.hpp"
#include "backends/probe/guest_kernel.hpp"
#include "backends/measure/start_time.hpp"
#include "bench/compare_bench.hpp"
#include "bench/report.hpp"
#include "engine/stop_request.hpp"

namespace strata::bench {

namespace {

void add_series(std::vector<TimingRow>& rows, const measure::StartSeries& series) {
    rows.push_back({series.name, summarize(series.total()), "", 0});
    for (const auto& phase : series.phases)
        if (phase != "total") rows.push_back({phase, summarize(series.of(phase)), "", 1});
}

void add_peers(std::vector<TimingRow>& rows, const std::vector<measure::PeerResult>& peers) {
    for (const auto& p : peers) rows.push_back({"peer: " + p.name, summarize(p.samples), p.note, 0});
}

// Linux boots take a second or more even on hardware (seconds nested under
// QEMU's emulation): at most this many, whatever -n asks of the small starts.
constexpr int kMaxLinuxRuns = 5;
constexpr const char* kLinuxRow = "Linux VM to /init (strata)";

// "Linux VM to /init" under strata's VMM, next to QEMU -M microvm booting
// the same kernel and initramfs. Returns 0, or the bench status to raise
// (1: strata's own boot failed, 3: nothing to boot, or KVM cannot here).
int add_linux_rows(std::vector<TimingRow>& rows, engine::Recorder& recorder, const std::string& rootfs,
                   const MachineLine& machine, int runs, const measure::RunOptions& options) {
    if (machine.kvm_kind == "software-nested") {
        rows.push_back({kLinuxRow, {}, "not measured: KVM here is software-nested (PVM), which emulates guest kernel "
                                       "code; one Linux boot takes minutes (docs/PERFORMANCE.md shows how to measure "
                                       "it in the QEMU fallback)", 0});
        return 3;
    }
    const auto kernel = probe::find_guest_kernel();
    if (kernel.path.empty()) {
        rows.push_back({kLinuxRow, {}, "not measured: no Linux kernel to boot (" + kernel.why_none() + ")", 0});
        return 3;
    }
    auto inputs = measure::linux_boot_inputs(kernel.path, rootfs);
    if (!inputs) {
        rows.push_back({kLinuxRow, {}, "failed: " + inputs.error().describe(), 0});
        return 1;
    }
    measure::RunOptions linux_options = options;
    linux_options.count = std::min(runs, kMaxLinuxRuns);
    int status = 0;
    if (auto linux_vm = measure::linux_vm_starts(recorder, *inputs, linux_options)) {
        const auto total_row = rows.size();
        add_series(rows, *linux_vm);
        rows[total_row].note = kernel.path + " (" + kernel.source + ")";
    } else {
        rows.push_back({kLinuxRow, {}, "failed: " + linux_vm.error().describe(), 0});
        status = 1;
    }
    add_peers(rows, {measure::qemu_microvm_linux(recorder, *inputs, linux_options.count)});
    return status;
}

}  // namespace

BenchOutcome start_bench(int runs, bool text) {
    BenchOutcome out;
    const auto machine = machine_line();
    out.json["machine"] = machine.json();
    out.json["runs"] = runs;
    auto rootfs = linux::find_rootfs();
    if (!rootfs) {
        std::fprintf(stderr, "strata bench start: %s\n  %s\n", rootfs.error().describe().c_str(), rootfs.error().hint.c_str());
        return {3, out.json};
    }
    engine::Recorder recorder;  // the backends record; nobody reads it here
    const measure::RunOptions options{runs, [] { return engine::stop_requested(); }, true};
    std::vector<TimingRow> rows;
    double baseline = 0;
    auto container = measure::container_starts(recorder, *rootfs, options);
    if (container) {
        add_series(rows, *container);
        baseline = summarize(container->total()).median;
    } else {
        rows.push_back({"container (strata)", {}, "failed: " + container.error().describe(), 0});
        out.status = 1;
    }
    add_peers(rows, measure::container_start_peers(recorder, *rootfs, runs));
    // The whole container and crun, each from the same OCI bundle: strata's.
    if (auto bundle = linux::TempDir::create("bench-bundle")) {
        const std::string dir = bundle->path().string();
        if (auto written = linux::write_bundle(dir, *rootfs, {"/bin/true"}); !written) {
            rows.push_back({"whole container (strata)", {}, "failed: " + written.error().describe(), 0});
        } else if (auto whole = measure::whole_container_starts(recorder, dir, options)) {
            add_series(rows, *whole);
            add_peers(rows, {measure::crun_on_bundle(recorder, dir, runs)});
        } else {
            rows.push_back({"whole container (strata)", {}, "failed: " + whole.error().describe(), 0});
            out.status = 1;
        }
    }
    const auto missing = kvm_missing();
    if (missing) {
        rows.push_back({"VMs (strata)", {}, "not measured: " + *missing, 0});
        out.status = 3;
    } else {
        for (auto measure_vm : {measure::hello_vm_starts, measure::tinyos_starts}) {
            auto vm = measure_vm(recorder, options);
            if (vm) add_series(rows, *vm);
            else {
                rows.push_back({"VM (strata)", {}, "failed: " + vm.error().describe(), 0});
                out.status = 1;
            }
        }
    }
    add_peers(rows, measure::vm_start_peers(recorder, runs));
    if (!missing)
        if (const int linux_status = add_linux_rows(rows, recorder, *rootfs, machine, runs, options);
            linux_status == 1 || (linux_status == 3 && out.status == 0))
            out.status = linux_status;
    out.json["rows"] = timings_json(rows, baseline);
    out.json["ratio_to"] = "container (strata) total";
    if (text) {
        std::printf("Start to ready, %d runs each after one warm-up. %s\n", runs, machine.text().c_str());
        print_timings(rows, baseline, "x ctr");
        std::printf("\nx ctr: median over strata's container start. A container is ready when /bin/true has run and "
                    "exited; the whole container when it went through every stage of strata's OCI bundle (cgroup, "
                    "loopback, mounts, /proc masks, capabilities, seccomp), ran /bin/true and was torn down, as crun "
                    "does with the same config.json; the hello VM when its guest has printed a line and halted; tinyos when its kernel has "
                    "set itself up and is about to run its first user program; the Linux VM when the kernel has "
                    "booted and its /init (busybox from the container image) has printed its first line, at most %d "
                    "boots. Peers run whole processes, start to exit, except QEMU booting Linux: start to the same "
                    "/init line on its serial console. Phases are timed with CLOCK_MONOTONIC inside strata (backends/measure/start_time.cpp).\n",
                    kMaxLinuxRuns);
    }
    return out;
}

}  // namespace strata::bench
