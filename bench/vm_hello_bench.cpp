#include "bench/vm_hello_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "assets/guests/images.hpp"
#include "backends/kvm/exit_event.hpp"
#include "backends/kvm/hello_vm.hpp"
#include "bench/raw_program.hpp"
#include "bench/stats.hpp"
#include "engine/stop_request.hpp"

namespace strata::bench {

namespace {

// Runs whose numbers are thrown away: the first runs page in code and warm
// the kernel's caches, for strata and for the raw program alike.
constexpr int kWarmupRuns = 5;

double ns(std::chrono::nanoseconds d) { return static_cast<double>(d.count()); }

}  // namespace

const std::vector<std::string>& vm_hello_stages() {
    static const std::vector<std::string> stages = {"open",      "create_vm", "memory", "create_vcpu",
                                                    "registers", "first_run", "total"};
    return stages;
}

engine::Result<StageSamples> measure_strata_vm_hello(int runs) {
    StageSamples samples;
    for (int i = 0; i < runs + kWarmupRuns; ++i) {
        if (engine::stop_requested()) return engine::stop_error("strata bench vm-hello");
        engine::Recorder recorder;  // tracing on, as in a lesson
        const auto t0 = Clock::now();
        kvm::HelloVmTimes t;
        auto machine = kvm::build_hello_vm(recorder, guests::hello(), guests::real_mode_load_address, &t);
        if (!machine) return std::unexpected(machine.error());
        const auto t_regs = Clock::now();
        auto& vcpu = machine->vcpu;
        if (auto r = vcpu->enter(); !r) return std::unexpected(r.error());
        // strata's cost of an exit includes decoding and recording it.
        kvm::Devices devices;
        auto outcome = kvm::handle_exit(*vcpu, devices);
        const auto t_exit = Clock::now();
        if (!std::holds_alternative<kvm::IoExit>(outcome.exit))
            return engine::plain_error("bench vm-hello", "the first exit was not port I/O: " + outcome.name);

        samples["open"].push_back(ns(t.open));
        samples["create_vm"].push_back(ns(t.create_vm));
        samples["memory"].push_back(ns(t.memory));
        samples["create_vcpu"].push_back(ns(t.create_vcpu));
        samples["registers"].push_back(ns(t.registers));
        samples["first_run"].push_back(ns_between(t_regs, t_exit));
        samples["total"].push_back(ns_between(t0, t_exit));
    }
    drop_warmup(samples, kWarmupRuns);
    return samples;
}

engine::Result<StageSamples> parse_stage_lines(const std::string& text) {
    auto lines = json_object_lines(text, "raw bench output");
    if (!lines) return std::unexpected(lines.error());
    StageSamples samples;
    for (const auto& [line_number, j] : *lines)
        for (const auto& stage : vm_hello_stages()) {
            auto it = j.find(stage);
            if (it == j.end() || !it->is_number())
                return engine::plain_error("raw bench output", fmt::format("line {} lacks stage '{}'", line_number, stage));
            samples[stage].push_back(it->get<double>());
        }
    return samples;
}

engine::Result<StageSamples> measure_raw_vm_hello(const std::string& raw_program, int runs) {
    auto output = run_raw_program(raw_program, runs + kWarmupRuns);
    if (!output) return std::unexpected(output.error());
    auto samples = parse_stage_lines(*output);
    if (samples) drop_warmup(*samples, kWarmupRuns);
    return samples;
}

void report_vm_hello(const StageSamples& strata, const StageSamples& raw, bool json) {
    nlohmann::json out = nlohmann::json::object();
    if (!json) {
        std::printf("%-12s %34s %34s %7s\n", "stage", "strata (traced): median [min–max]", "raw ioctls: median [min–max]",
                    "ratio");
    }
    double ratio_total = 0;
    for (const auto& stage : vm_hello_stages()) {
        const auto s = summarize(strata.count(stage) ? strata.at(stage) : std::vector<double>{});
        const auto r = summarize(raw.count(stage) ? raw.at(stage) : std::vector<double>{});
        const double ratio = r.median > 0 ? s.median / r.median : 0;
        if (stage == "total") ratio_total = ratio;
        if (json) {
            out[stage] = {{"strata", {{"median_ns", s.median}, {"min_ns", s.min}, {"max_ns", s.max}}},
                          {"raw", {{"median_ns", r.median}, {"min_ns", r.min}, {"max_ns", r.max}}},
                          {"ratio", ratio}};
        } else {
            std::printf("%-12s %34s %34s %6.2fx\n", stage.c_str(),
                        fmt::format("{} [{}–{}]", format_ns(s.median), format_ns(s.min), format_ns(s.max)).c_str(),
                        fmt::format("{} [{}–{}]", format_ns(r.median), format_ns(r.min), format_ns(r.max)).c_str(), ratio);
        }
    }
    const bool met = ratio_total <= 1.2;
    if (json) {
        out["runs"] = summarize(strata.count("total") ? strata.at("total") : std::vector<double>{}).count;
        out["target_ratio"] = 1.2;
        out["target_met"] = met;
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("\nstrata's traced path costs %.2fx the raw ioctl sequence (target: at most 1.20x): %s\n",
                    ratio_total, met ? "met" : "MISSED");
        std::printf("Method: each run opens /dev/kvm, builds the VM and runs to the first exit; stages timed with "
                    "CLOCK_MONOTONIC in-process, strata and the raw C program (bench/raw_vm_hello.c) in the same run.\n");
    }
}

}  // namespace strata::bench
