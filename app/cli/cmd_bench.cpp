// `strata bench WHAT`: benchmarks, strata next to its raw floor and peers,
// all in one run so the numbers compare.
#include <cstdio>
#include <filesystem>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "bench/compare_bench.hpp"
#include "bench/container_bench.hpp"
#include "bench/exit_cost_bench.hpp"
#include "bench/snapshot_bench.hpp"
#include "bench/soak.hpp"
#include "bench/vm_hello_bench.hpp"
#include "engine/install_layout.hpp"

namespace strata::cli {

namespace {

// The raw floors are helper programs: next to strata in the build tree,
// in <prefix>/libexec/strata when installed.
std::string sibling_program(const std::string& name) { return engine::helper_program(name).string(); }

int bench_vm_hello(int runs, bool json) {
    auto strata = bench::measure_strata_vm_hello(runs);
    if (!strata) {
        std::fprintf(stderr, "strata bench: %s\n  %s\n", strata.error().describe().c_str(), strata.error().hint.c_str());
        return exit_requirement;
    }
    auto raw = bench::measure_raw_vm_hello(sibling_program("strata-raw-vm-hello"), runs);
    if (!raw) {
        std::fprintf(stderr, "strata bench: %s\n", raw.error().describe().c_str());
        return exit_failed;
    }
    bench::report_vm_hello(*strata, *raw, json);
    return exit_ok;
}

int bench_exit_cost(int runs, bool json) {
    auto strata = bench::measure_strata_exit_cost(runs);
    if (!strata) {
        std::fprintf(stderr, "strata bench: %s\n  %s\n", strata.error().describe().c_str(), strata.error().hint.c_str());
        return exit_requirement;
    }
    auto raw = bench::measure_raw_exit_cost(sibling_program("strata-raw-exit-cost"), runs);
    if (!raw) {
        std::fprintf(stderr, "strata bench: %s\n", raw.error().describe().c_str());
        return exit_failed;
    }
    bench::report_exit_cost(*strata, *raw, json);
    return exit_ok;
}

// The compare track's comparisons; `all` runs the four in one go (and with
// --json prints one object holding each).
int bench_compare(const std::string& what, int runs, bool runs_given, bool json) {
    const bool text = !json;
    nlohmann::json out = nlohmann::json::object();
    int status = exit_ok;
    auto take = [&](const char* name, bench::BenchOutcome outcome) {
        out[name] = std::move(outcome.json);
        // A failed measurement outranks a missing requirement.
        if (outcome.status == 1 || (outcome.status == 3 && status == exit_ok)) status = outcome.status;
        if (text && what == "all") std::printf("\n");
    };
    // Start times and loop speeds are samples; memory is read once.
    const int samples = runs_given ? runs : 20;
    if ((what == "density" || what == "all") && runs_given && runs > bench::kMaxDensity) {
        std::fprintf(stderr, "strata bench density: -n %d is too many: at most %d idle containers and %d idle VMs at "
                             "once (each VM holds about a MiB of RAM and kernel memory)\n",
                     runs, bench::kMaxDensity, bench::kMaxDensity);
        return exit_usage;
    }
    if (what == "start" || what == "all") take("start", bench::start_bench(samples, text));
    if (what == "footprint" || what == "all") take("footprint", bench::footprint_bench(text));
    if (what == "density" || what == "all") take("density", bench::density_bench(runs_given ? runs : 20, text));
    if (what == "guest-speed" || what == "all") take("guest-speed", bench::guest_speed_bench(runs_given ? runs : 5, text));
    if (json) std::printf("%s\n", (what == "all" ? out : out.begin().value()).dump(2).c_str());
    return status == 1 ? exit_failed : status == 3 ? exit_requirement : exit_ok;
}

int bench_snapshot(int runs, bool json) {
    auto samples = bench::measure_snapshot(runs);
    if (!samples) {
        std::fprintf(stderr, "strata bench: %s\n  %s\n", samples.error().describe().c_str(), samples.error().hint.c_str());
        return exit_requirement;
    }
    bench::report_snapshot(*samples, json);
    return exit_ok;
}

int bench_soak(int runs, bool runs_given, double signal_share, std::uint64_t seed,
               const std::vector<std::string>& lessons, bool json) {
    bench::SoakOptions options;
    options.runs = runs_given ? runs : options.runs;
    options.signal_share = signal_share;
    options.seed = seed;
    options.lessons = lessons;
    options.strata = std::filesystem::read_symlink("/proc/self/exe").string();
    auto report = bench::run_soak(options);
    if (!report) {
        std::fprintf(stderr, "strata bench soak: %s\n  %s\n", report.error().describe().c_str(),
                     report.error().hint.c_str());
        return report.error().message.starts_with("there is no lesson") ? exit_usage : exit_requirement;
    }
    bench::print_soak(*report, json);
    if (report->stopped) return exit_ok;  // main turns the stop into 128 + signal
    return report->leftovers.empty() && report->unexpected_exits == 0 ? exit_ok : exit_failed;
}

}  // namespace

Command add_bench(CLI::App& app) {
    struct Options {
        std::string what;
        int runs = 50;
        bool json = false;
        double signal_share = 0.5;
        std::uint64_t seed = 0;
        std::vector<std::string> lessons;
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("bench", "Benchmarks: strata next to raw programs and peers, measured here");
    sub->add_option("what", options->what,
                    "vm-hello | exit-cost | container | snapshot | start | footprint | density | guest-speed | all | soak")
        ->required()
        ->check(CLI::IsMember({"vm-hello", "exit-cost", "container", "snapshot", "start", "footprint", "density",
                               "guest-speed", "all", "soak"}));
    auto* runs = sub->add_option("-n,--runs", options->runs,
                                 "Runs per measurement (density: the largest number of instances)")
                     ->check(CLI::Range(1, 100000));
    sub->add_flag("--json", options->json, "Print JSON");
    sub->add_option("--signal-share", options->signal_share,
                    "soak: the share of runs stopped by a random signal (default 0.5)")
        ->check(CLI::Range(0.0, 1.0));
    sub->add_option("--seed", options->seed, "soak: repeat the random choices of an earlier soak");
    sub->add_option("--lesson", options->lessons, "soak: only this lesson (repeatable; default every live one)");
    return [options, runs]() {
        if (options->what == "soak")
            return bench_soak(options->runs, runs->count() > 0, options->signal_share, options->seed,
                              options->lessons, options->json);
        if (options->what == "vm-hello") return bench_vm_hello(options->runs, options->json);
        if (options->what == "exit-cost") return bench_exit_cost(options->runs, options->json);
        if (options->what == "container") return bench::run_container_bench(options->runs, options->json);
        if (options->what == "snapshot") return bench_snapshot(options->runs, options->json);
        return bench_compare(options->what, options->runs, runs->count() > 0, options->json);
    };
}

}  // namespace strata::cli
