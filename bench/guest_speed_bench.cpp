// `strata bench guest-speed`: the same routine natively, in a container,
// and in a VM as guest user code and as guest kernel code.
#include <cstdio>
#include <sched.h>

#include <fmt/format.h>

#include "backends/linux/agent.hpp"
#include "backends/measure/guest_speed.hpp"
#include "bench/compare_bench.hpp"
#include "bench/report.hpp"

namespace strata::bench {

BenchOutcome guest_speed_bench(int runs, bool text) {
    BenchOutcome out;
    const auto machine = machine_line();
    out.json["machine"] = machine.json();
    engine::Recorder recorder;
    const measure::LoopOptions options{runs, std::chrono::milliseconds(25)};
    std::vector<measure::LoopTiming> timings;
    std::vector<std::string> missing_rows;
    auto note_failure = [&](const std::string& where, const engine::Error& e) {
        missing_rows.push_back(where + ": " + e.describe());
        if (out.status == 0) out.status = 1;
    };

    if (auto native = measure::loop_native(recorder, options)) timings.push_back(*native);
    else note_failure("native", native.error());

    linux::AgentOptions box;
    box.clone_flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET;
    if (auto agent = linux::Agent::start(recorder, box)) {
        if (auto t = measure::loop_in_container(*agent, options)) timings.push_back(*t);
        else note_failure("container", t.error());
    } else {
        note_failure("container", agent.error());
    }

    if (auto missing = kvm_missing()) {
        missing_rows.push_back("guest: " + *missing);
        out.status = 3;
    } else {
        for (int ring : {3, 0}) {
            if (auto t = measure::loop_in_guest(recorder, ring, options)) timings.push_back(*t);
            else note_failure(ring ? "guest ring 3" : "guest ring 0", t.error());
        }
    }

    const double native = timings.empty() || timings[0].where.find("natively") == std::string::npos
                              ? 0
                              : summarize(timings[0].ns_per_iteration).median;
    bool same_answers = true;
    out.json["rows"] = nlohmann::json::array();
    for (const auto& t : timings) {
        const auto s = summarize(t.ns_per_iteration);
        const bool right = t.answer == measure::loop_reference(t.iterations);
        same_answers = same_answers && right;
        out.json["rows"].push_back({{"where", t.where}, {"iterations_per_run", t.iterations}, {"runs", s.count},
                                    {"median_ns_per_iteration", s.median}, {"min_ns_per_iteration", s.min},
                                    {"max_ns_per_iteration", s.max}, {"ratio_to_native", ratio(s.median, native)},
                                    {"answer_correct", right}});
    }
    out.json["not_measured"] = missing_rows;
    if (!same_answers) out.status = 1;
    if (!text) return out;

    std::printf("The same xorshift loop (assets/guests/compute_loop.S, the same bytes everywhere), %d runs each. %s\n",
                runs, machine.text().c_str());
    std::printf("%-44s %14s %12s %12s %12s %10s\n", "", "iterations/run", "median", "min", "max", "x native");
    for (const auto& t : timings) {
        const auto s = summarize(t.ns_per_iteration);
        std::printf("%-44s %14llu %9.2f ns %9.2f ns %9.2f ns %9.1fx%s\n", t.where.c_str(),
                    static_cast<unsigned long long>(t.iterations), s.median, s.min, s.max, ratio(s.median, native),
                    t.answer == measure::loop_reference(t.iterations) ? "" : "  WRONG ANSWER");
    }
    for (const auto& m : missing_rows) std::printf("not measured: %s\n", m.c_str());
    std::printf("\nTimes are per loop iteration (11 instructions). Each place first grows its iteration count until "
                "one run lasts 25 ms, so entering and leaving the guest or the container costs nothing measurable. "
                "Virtualization here: %s.\n", machine.kvm_kind.c_str());
    return out;
}

}  // namespace strata::bench
