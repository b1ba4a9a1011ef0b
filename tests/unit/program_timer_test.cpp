// Timing a peer until it prints a line (QEMU booting Linux to /init): the
// run ends at the line, not at the program's exit; a program that exits
// first, or stays silent past the timeout, is an error that quotes it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "backends/linux/program_timer.hpp"

using namespace strata;
using namespace std::chrono_literals;

TEST_CASE("time_program_to_output stops at the marker, and kills the program", "[linux]") {
    engine::Recorder recorder;
    // The program would run for 30 s after its marker: only the marker is waited for.
    const auto t0 = std::chrono::steady_clock::now();
    auto sample = linux::time_program_to_output(recorder, {"/bin/sh", "-c", "echo booting; echo READY here; exec sleep 30"},
                                                "READY", 20s, 2, {engine::LayerId::processes});
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE(sample);
    CHECK(sample->size() == 2);  // the warm-up run is dropped
    for (double ns : *sample) CHECK(ns > 0);
    CHECK(took < 20s);  // three runs, none waited for sleep 30
    // One process event for the whole series, with its median.
    REQUIRE(recorder.size() == 1);
    const auto& args = recorder.events()[0].args;
    CHECK(std::any_of(args.begin(), args.end(), [](const engine::EventArg& a) { return a.name == "median"; }));
}

TEST_CASE("time_program_to_output: an exit or silence before the marker is an error that quotes the program",
          "[linux]") {
    engine::Recorder recorder;
    auto exited = linux::time_program_to_output(recorder, {"/bin/sh", "-c", "echo Kernel panic - not syncing; exit 3"},
                                                "READY", 20s, 1, {engine::LayerId::processes});
    REQUIRE_FALSE(exited);
    CHECK_THAT(exited.error().message, Catch::Contains("exited 3") && Catch::Contains("Kernel panic"));

    auto silent = linux::time_program_to_output(recorder, {"/bin/sh", "-c", "echo still booting; exec sleep 30"}, "READY",
                                                300ms, 1, {engine::LayerId::processes});
    REQUIRE_FALSE(silent);
    CHECK_THAT(silent.error().message, Catch::Contains("did not print \"READY\"") && Catch::Contains("still booting"));

    auto missing = linux::time_program_to_output(recorder, {"/nonexistent/qemu"}, "READY", 1s, 1,
                                                 {engine::LayerId::processes});
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().message, Catch::Contains("cannot start /nonexistent/qemu"));
}
