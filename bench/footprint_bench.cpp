// `strata bench footprint` and `strata bench density`: what idle VMs and
// idle containers cost in memory (and on disk), side by side.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/measure/footprint.hpp"
#include "bench/compare_bench.hpp"
#include "bench/report.hpp"

namespace strata::bench {

namespace {

nlohmann::json fleet_json(const measure::FleetMemory& f) {
    nlohmann::json j = {{"what", f.what},
                        {"count", f.count},
                        {"rss_bytes", f.processes.rss},
                        {"pss_bytes", f.processes.pss},
                        {"pss_anon_bytes", f.processes.pss_anon},
                        {"pss_file_bytes", f.processes.pss_file},
                        {"start_all_ns", f.start_all.count()}};
    if (f.charged) {
        j["cgroup_charged_bytes"] = f.charged->charged;
        j["cgroup_kernel_bytes"] = f.charged->kernel ? nlohmann::json(*f.charged->kernel) : nlohmann::json();
    } else {
        j["cgroup"] = f.no_cgroup;
    }
    return j;
}

std::string charged_text(const measure::FleetMemory& f) {
    if (!f.charged) return "n/a";
    return format_bytes(double(f.charged->charged));
}

std::string kernel_text(const measure::FleetMemory& f) {
    if (!f.charged || !f.charged->kernel) return "n/a";
    return format_bytes(double(*f.charged->kernel));
}

}  // namespace

std::vector<int> density_counts(int max_count) {
    std::vector<int> counts;
    for (int n : {1, 5, 10, 20})
        if (n <= max_count) counts.push_back(n);
    if (counts.empty() || counts.back() != max_count) counts.push_back(max_count);
    return counts;
}

BenchOutcome footprint_bench(bool text) {
    BenchOutcome out;
    const auto machine = machine_line();
    out.json["machine"] = machine.json();
    auto rootfs = linux::find_rootfs();
    if (!rootfs) {
        std::fprintf(stderr, "strata bench footprint: %s\n  %s\n", rootfs.error().describe().c_str(),
                     rootfs.error().hint.c_str());
        return {3, out.json};
    }
    engine::Recorder recorder;
    std::vector<measure::FleetMemory> fleets;
    auto container = measure::idle_container_memory(recorder, *rootfs, 1);
    if (container) fleets.push_back(*container);
    else {
        std::fprintf(stderr, "strata bench footprint: idle container: %s\n", container.error().describe().c_str());
        out.status = 1;
    }
    const auto missing = kvm_missing();
    if (!missing) {
        auto vm = measure::idle_vm_memory(recorder, 1, false);
        if (vm) fleets.push_back(*vm);
        else {
            std::fprintf(stderr, "strata bench footprint: idle VM: %s\n", vm.error().describe().c_str());
            out.status = 1;
        }
    } else {
        out.status = 3;
    }
    out.json["memory"] = nlohmann::json::array();
    for (const auto& f : fleets) out.json["memory"].push_back(fleet_json(f));
    const auto disk = measure::disk_use(recorder, *rootfs, guests::tinyos().size());
    out.json["disk"] = nlohmann::json::array();
    for (const auto& d : disk)
        out.json["disk"].push_back({{"what", d.what}, {"bytes", d.bytes ? nlohmann::json(*d.bytes) : nlohmann::json()},
                                    {"how", d.how}});
    if (!text) return out;

    std::printf("One idle container vs one idle VM. %s\n", machine.text().c_str());
    std::printf("%-70s %10s %10s %12s %10s\n", "memory", "RSS", "PSS", "cgroup", "of which kernel");
    for (const auto& f : fleets)
        std::printf("%-70s %10s %10s %12s %10s\n", f.what.c_str(), format_bytes(double(f.processes.rss)).c_str(),
                    format_bytes(double(f.processes.pss)).c_str(), charged_text(f).c_str(), kernel_text(f).c_str());
    if (missing) std::printf("idle VM: not measured: %s\n", missing->c_str());
    if (fleets.size() == 2)
        std::printf("%-70s %10s %9.1fx %11.1fx\n", "VM / container", "",
                    ratio(double(fleets[1].processes.pss), double(fleets[0].processes.pss)),
                    fleets[0].charged && fleets[1].charged
                        ? ratio(double(fleets[1].charged->charged), double(fleets[0].charged->charged))
                        : 0.0);
    for (const auto& f : fleets)
        if (!f.charged) std::printf("(no cgroup for %s: %s)\n", f.what.c_str(), f.no_cgroup.c_str());
    std::printf("\n%-70s %12s\n", "disk", "size");
    for (const auto& d : disk)
        std::printf("%-70s %12s  %s\n", d.what.c_str(), d.bytes ? format_bytes(double(*d.bytes)).c_str() : "-",
                    d.how.c_str());
    std::printf("\nRSS and PSS from /proc/<pid>/smaps_rollup of the container's PID 1 and of the VM's VMM process "
                "(strata-idle-vm). cgroup: bytes charged to a memory cgroup each joined before building its "
                "namespaces or its VM (memory.current, or memory.usage_in_bytes on cgroup v1); kernel: its "
                "kernel part (memory.stat \"kernel\", or memory.kmem.usage_in_bytes), where KVM's own structures "
                "for the VM are counted.\n");
    return out;
}

BenchOutcome density_bench(int max_count, bool text) {
    BenchOutcome out;
    const auto machine = machine_line();
    out.json["machine"] = machine.json();
    auto rootfs = linux::find_rootfs();
    if (!rootfs) {
        std::fprintf(stderr, "strata bench density: %s\n", rootfs.error().describe().c_str());
        return {3, out.json};
    }
    const auto missing = kvm_missing();
    if (missing) out.status = 3;
    engine::Recorder recorder;
    out.json["rows"] = nlohmann::json::array();
    if (text) {
        std::printf("Idle containers vs idle VMs, all alive at once. %s\n", machine.text().c_str());
        std::printf("%5s  %-10s %12s %12s %12s %12s\n", "N", "", "PSS, all", "PSS, each", "cgroup, all", "cgroup, each");
    }
    for (int n : density_counts(max_count)) {
        recorder.clear();
        for (int kind = 0; kind < 2; ++kind) {
            if (kind == 1 && missing) continue;
            auto fleet = kind == 0 ? measure::idle_container_memory(recorder, *rootfs, n)
                                   : measure::idle_vm_memory(recorder, n, false);
            if (!fleet) {
                std::fprintf(stderr, "strata bench density: %d %s: %s\n", n, kind ? "VMs" : "containers",
                             fleet.error().describe().c_str());
                out.status = 1;
                continue;
            }
            out.json["rows"].push_back(fleet_json(*fleet));
            if (text)
                std::printf("%5d  %-10s %12s %12s %12s %12s\n", n, kind ? "VMs" : "containers",
                            format_bytes(double(fleet->processes.pss)).c_str(),
                            format_bytes(double(fleet->processes.pss) / n).c_str(), charged_text(*fleet).c_str(),
                            fleet->charged ? format_bytes(double(fleet->charged->charged) / n).c_str() : "n/a");
        }
    }
    if (text) {
        if (missing) std::printf("VMs: not measured: %s\n", missing->c_str());
        std::printf("\nEach row starts N instances one after the other, measures them all while alive, then removes "
                    "them. PSS sums /proc/<pid>/smaps_rollup over the N processes (shared pages split among their "
                    "sharers); cgroup is what the kernel charged to the one cgroup all N joined, kernel memory "
                    "included.\n");
    }
    return out;
}

}  // namespace strata::bench
