// `strata bench WHAT`: benchmarks, strata next to its raw floor and peers,
// all in one run so the numbers compare.
#include <cstdio>
#include <filesystem>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "bench/container_bench.hpp"
#include "bench/exit_cost_bench.hpp"
#include "bench/snapshot_bench.hpp"
#include "bench/vm_hello_bench.hpp"

namespace strata::cli {

namespace {

// Helper programs are installed next to the strata binary.
std::string sibling_program(const std::string& name) {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return (exe.parent_path() / name).string();
}

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

int bench_snapshot(int runs, bool json) {
    auto samples = bench::measure_snapshot(runs);
    if (!samples) {
        std::fprintf(stderr, "strata bench: %s\n  %s\n", samples.error().describe().c_str(), samples.error().hint.c_str());
        return exit_requirement;
    }
    bench::report_snapshot(*samples, json);
    return exit_ok;
}

}  // namespace

Command add_bench(CLI::App& app) {
    struct Options {
        std::string what;
        int runs = 50;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("bench", "Benchmarks: strata next to raw programs and peers, measured here");
    sub->add_option("what", options->what, "vm-hello | exit-cost | container | snapshot")
        ->required()
        ->check(CLI::IsMember({"vm-hello", "exit-cost", "container", "snapshot"}));
    sub->add_option("-n,--runs", options->runs, "Runs per measurement")->check(CLI::Range(1, 100000));
    sub->add_flag("--json", options->json, "Print JSON");
    return [options]() {
        if (options->what == "vm-hello") return bench_vm_hello(options->runs, options->json);
        if (options->what == "exit-cost") return bench_exit_cost(options->runs, options->json);
        if (options->what == "container") return bench::run_container_bench(options->runs, options->json);
        if (options->what == "snapshot") return bench_snapshot(options->runs, options->json);
        return static_cast<int>(exit_usage);
    };
}

}  // namespace strata::cli
