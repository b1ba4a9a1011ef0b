#include "bench/snapshot_bench.hpp"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assets/guests/images.hpp"
#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/machine_snapshot.hpp"
#include "bench/stats.hpp"
#include "engine/stop_request.hpp"

namespace strata::bench {

namespace {

namespace tinyos = kvm::tinyos;
constexpr int kWarmupRuns = 2;

const char* meaning(const std::string& stage) {
    if (stage == "boot_machine") return "cold boot: open /dev/kvm, VM, irqchip, PIT, RAM slot, vCPU";
    if (stage == "boot_guest") return "cold boot: load tinyos, run its kernel's set-up to the first user instruction";
    if (stage == "boot_total") return "cold boot, all of it";
    if (stage == "save") return "save: finish the exit, vCPU and VM state, memory, encode the file";
    if (stage == "restore_check") return "restore: open /dev/kvm, probe the CPU, check the whole file";
    if (stage == "restore_machine") return "restore: VM, irqchip, PIT, RAM slot, vCPU (as a cold boot's)";
    if (stage == "restore_state") return "restore: saved pages into RAM, every SET ioctl in order";
    if (stage == "restore_total") return "restore, all of it: ready to go on with the programs";
    if (stage == "file_bytes") return "the snapshot file";
    return "";
}

}  // namespace

const std::vector<std::string>& snapshot_stages() {
    static const std::vector<std::string> stages = {"boot_machine", "boot_guest",      "boot_total",
                                                    "save",         "restore_check",   "restore_machine",
                                                    "restore_state", "restore_total", "file_bytes"};
    return stages;
}

engine::Result<StageSamples> measure_snapshot(int runs) {
    StageSamples samples;
    const kvm::RunLimits limits{std::chrono::milliseconds(10000), 200'000};
    for (int i = 0; i < runs + kWarmupRuns; ++i) {
        if (engine::stop_requested()) return engine::stop_error("strata bench snapshot");
        engine::Recorder recorder;  // traced, as in the lesson
        const auto t0 = Clock::now();
        auto k = kvm::Kvm::open(recorder);
        if (!k) return std::unexpected(k.error());
        auto machine = kvm::TinyosVm::create(std::move(*k), tinyos::kSnapshotRamSize, {});
        if (!machine) return std::unexpected(machine.error());
        const auto t_machine = Clock::now();
        auto& m = **machine;
        if (auto r = m.boot(guests::tinyos(), tinyos::Workload::snapshot); !r) return std::unexpected(r.error());
        auto ready = m.run(limits);
        if (!ready) return std::unexpected(ready.error());
        const auto t_ready = Clock::now();
        if (ready->checkpoint != tinyos::ready)
            return engine::plain_error("bench snapshot", "tinyos did not boot: " + ready->description);
        auto halfway = m.run(limits);
        if (!halfway) return std::unexpected(halfway.error());
        if (halfway->checkpoint != tinyos::kHalfwayMark)
            return engine::plain_error("bench snapshot", "tinyos did not reach its halfway mark: " + halfway->description);

        const auto t_save = Clock::now();
        auto snap = kvm::take_snapshot(m, halfway->checkpoint);
        if (!snap) return std::unexpected(snap.error());
        const auto file = kvm::encode_snapshot(*snap);
        const auto t_saved = Clock::now();
        machine->reset();  // the original goes, as in the lesson

        const auto t_restore = Clock::now();
        auto k2 = kvm::Kvm::open(recorder);
        if (!k2) return std::unexpected(k2.error());
        auto host = kvm::probe_host_cpu(*k2);
        if (!host) return std::unexpected(host.error());
        auto valid = kvm::validate_snapshot(file, *host);
        if (!valid) return std::unexpected(valid.error());
        const auto t_checked = Clock::now();
        auto fresh = kvm::TinyosVm::create(std::move(*k2), valid->snapshot().memory.size, {});
        if (!fresh) return std::unexpected(fresh.error());
        const auto t_fresh = Clock::now();
        if (auto r = kvm::load_memory(recorder, (*fresh)->ram(), valid->snapshot().memory); !r) return std::unexpected(r.error());
        if (auto r = kvm::apply_state(**fresh, valid->snapshot().state); !r) return std::unexpected(r.error());
        const auto t_restored = Clock::now();

        samples["boot_machine"].push_back(ns_between(t0, t_machine));
        samples["boot_guest"].push_back(ns_between(t_machine, t_ready));
        samples["boot_total"].push_back(ns_between(t0, t_ready));
        samples["save"].push_back(ns_between(t_save, t_saved));
        samples["restore_check"].push_back(ns_between(t_restore, t_checked));
        samples["restore_machine"].push_back(ns_between(t_checked, t_fresh));
        samples["restore_state"].push_back(ns_between(t_fresh, t_restored));
        samples["restore_total"].push_back(ns_between(t_restore, t_restored));
        samples["file_bytes"].push_back(static_cast<double>(file.size()));
    }
    drop_warmup(samples, kWarmupRuns);
    return samples;
}

void report_snapshot(const StageSamples& samples, bool json) {
    nlohmann::json out = nlohmann::json::object();
    auto of = [&](const std::string& stage) { return summarize(samples.count(stage) ? samples.at(stage) : std::vector<double>{}); };
    if (!json) std::printf("%-16s %34s  %s\n", "stage", "median [min–max]", "what");
    for (const auto& stage : snapshot_stages()) {
        const auto s = of(stage);
        const bool bytes = stage == "file_bytes";
        if (json) {
            out[stage] = {{bytes ? "median_bytes" : "median_ns", s.median}, {bytes ? "min_bytes" : "min_ns", s.min},
                          {bytes ? "max_bytes" : "max_ns", s.max}};
        } else {
            const std::string value = bytes ? fmt::format("{:.0f} B [{:.0f}–{:.0f}]", s.median, s.min, s.max)
                                            : fmt::format("{} [{}–{}]", format_ns(s.median), format_ns(s.min), format_ns(s.max));
            std::printf("%-16s %34s  %s\n", stage.c_str(), value.c_str(), meaning(stage));
        }
    }
    const double boot = of("boot_total").median, restore = of("restore_total").median;
    if (json) {
        out["runs"] = of("boot_total").count;
        out["restore_over_boot"] = boot > 0 ? restore / boot : 0;
        std::printf("%s\n", out.dump(2).c_str());
        return;
    }
    std::printf("\nA restore takes %.2fx a cold boot's time here (median %s against %s).\n", boot > 0 ? restore / boot : 0,
                format_ns(restore).c_str(), format_ns(boot).c_str());
    std::printf("Method: each run boots tinyos's snapshot workload in a fresh VM, pauses it at the writer's halfway "
                "mark, saves it to bytes, destroys that VM and restores the bytes into a fresh one; stages timed with "
                "CLOCK_MONOTONIC in-process, traced as in the lesson, %d warm-up runs dropped.\n", kWarmupRuns);
}

}  // namespace strata::bench
