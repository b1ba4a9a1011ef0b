#include "bench/container_bench.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "backends/linux/fast_start.hpp"
#include "backends/linux/helper_process.hpp"
#include "backends/linux/program_timer.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/measure/peers.hpp"
#include "bench/stats.hpp"
#include "engine/install_layout.hpp"
#include "engine/recorder.hpp"
#include "engine/stop_request.hpp"

namespace strata::bench {

namespace {

struct Row {
    std::string name;
    std::string command;
    Summary ns;
    std::string note;
};

// Whole-process time: posix_spawn to waitpid, output discarded, the first
// run dropped (linux::time_program); `ok` says whether every run succeeded.
std::vector<double> time_command(const std::vector<std::string>& argv, int runs, bool& ok) {
    engine::Recorder scratch;
    auto sample = linux::time_program(scratch, argv, runs, {engine::LayerId::processes});
    ok = sample.has_value();
    return ok ? std::move(*sample) : std::vector<double>{};
}

}  // namespace

int run_container_bench(int runs, bool json) {
    auto rootfs = linux::find_rootfs();
    if (!rootfs) {
        std::fprintf(stderr, "%s\n%s\n", rootfs.error().describe().c_str(), rootfs.error().hint.c_str());
        return 1;
    }
    std::vector<Row> rows;
    bool failed = false;

    // 1. The raw floor, a separate process like every peer; its own
    //    in-process times exclude its exec, so time the whole process.
    const std::string raw = engine::helper_program("strata-raw-container").string();
    {
        bool ok = false;
        auto sample = time_command({raw, *rootfs, "1"}, runs, ok);
        if (!ok) failed = true;
        rows.push_back({"raw C (clone3 + pivot_root + exec)", raw, summarize(sample), ok ? "" : "failed"});
    }
    // 2. strata's own path, in process (as the app runs it), plus what a
    //    process start costs, measured by /bin/true alone.
    {
        engine::Recorder recorder;
        std::vector<double> sample;
        for (int i = 0; i < runs + 1; ++i) {
            if (engine::stop_requested()) {
                failed = true;
                break;
            }
            const auto t0 = std::chrono::steady_clock::now();
            auto r = linux::run_container_once(recorder, *rootfs, "/bin/true");
            if (!r || *r != 0) {
                failed = true;
                std::fprintf(stderr, "strata: %s\n", r ? "container exited non-zero" : r.error().describe().c_str());
                break;
            }
            if (i > 0) sample.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count());
            recorder.clear();
        }
        bool ok = false;
        auto true_alone = summarize(time_command({"/bin/true"}, runs, ok));
        auto s = summarize(sample);
        // Put strata on the same footing as the peers: they pay for one
        // process start (fork+exec of the runtime) that an in-process call
        // does not.
        for (auto* v : {&s.median, &s.min, &s.max}) *v += true_alone.median;
        rows.push_back({"strata (linux::run_container_once)", "in process + one process start",
                        s, fmt::format("+{} for a process start", format_ns(true_alone.median))});
    }
    // 3. Peers, when installed (the same ones `strata bench start` runs).
    {
        engine::Recorder recorder;
        for (auto& peer : measure::container_start_peers(recorder, *rootfs, runs))
            rows.push_back({peer.name, peer.command, summarize(peer.samples), peer.note});
    }
    const double floor = rows[0].ns.median;
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rows)
            out.push_back({{"name", r.name}, {"command", r.command}, {"runs", r.ns.count}, {"median_ns", r.ns.median},
                           {"min_ns", r.ns.min}, {"max_ns", r.ns.max},
                           {"ratio_to_raw", floor > 0 && r.ns.count ? r.ns.median / floor : 0.0}, {"note", r.note}});
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("container start-to-exit (/bin/true), %d runs each, image %s\n", runs, rootfs->c_str());
        std::printf("%-38s %10s %10s %10s %7s\n", "", "median", "min", "max", "x raw");
        for (const auto& r : rows) {
            if (r.ns.count == 0) {
                std::printf("%-38s %s\n", r.name.c_str(), r.note.c_str());
                continue;
            }
            std::printf("%-38s %10s %10s %10s %6.2fx %s\n", r.name.c_str(), format_ns(r.ns.median).c_str(),
                        format_ns(r.ns.min).c_str(), format_ns(r.ns.max).c_str(), floor > 0 ? r.ns.median / floor : 0.0,
                        r.note.c_str());
        }
    }
    return failed ? 1 : 0;
}

}  // namespace strata::bench
