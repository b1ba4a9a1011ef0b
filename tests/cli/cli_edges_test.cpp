// The command line's edges: wrong input is a usage error (exit 2) that
// says what is wrong, a mistyped command gets a suggestion, and every
// lesson id named gets an answer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cli/run_strata.hpp"

using strata::tests::run_strata;

TEST_CASE("A mistyped command is a usage error naming the closest command", "[cli]") {
    const auto run = run_strata("rnu vm/hello-kvm");
    CHECK(run.status == 2);
    CHECK(run.output.find("unknown command 'rnu'. Did you mean run?") != std::string::npos);
    const auto doctor = run_strata("docter");
    CHECK(doctor.status == 2);
    CHECK(doctor.output.find("Did you mean doctor?") != std::string::npos);
    // Below a command, too.
    const auto lab = run_strata("lab chek vm/hello-kvm");
    CHECK(lab.status == 2);
    CHECK(lab.output.find("unknown command 'chek'. Did you mean lab check?") != std::string::npos);
    // A positional argument of a command is no command.
    const auto list = run_strata("list extra");
    CHECK(list.status == 2);
    CHECK(list.output.find("unknown command") == std::string::npos);
}

TEST_CASE("A run is live or a replay, never both", "[cli]") {
    for (const char* args : {"run vm/hello-kvm --live --replay", "run vm/hello-kvm --live --recording x.json",
                             "lab check vm/hello-kvm --live --replay"}) {
        CAPTURE(args);
        const auto run = run_strata(args);
        CHECK(run.status == 2);
        CHECK(run.output.find("excludes") != std::string::npos);
    }
}

TEST_CASE("lab list answers for a lesson with no exercises instead of printing nothing", "[cli]") {
    const auto all = run_strata("lab list --json");
    REQUIRE(all.status == 0);
    const auto json = nlohmann::json::parse(all.output, nullptr, false);
    REQUIRE(json.is_array());
    std::string bare;
    for (const auto& lesson : json)
        if (lesson["exercises"].empty()) bare = lesson["lesson"].get<std::string>();
    if (bare.empty()) {
        WARN("every lesson has exercises now");
        return;
    }
    const auto run = run_strata("lab list " + bare);
    CHECK(run.status == 0);
    CHECK(run.output.find(bare + " — ") != std::string::npos);
    CHECK(run.output.find("no exercises") != std::string::npos);
}

TEST_CASE("screenshot refuses a step past the lesson's end and answers lab check would refuse", "[cli]") {
    if (run_strata("screenshot --help").status != 0) {
        WARN("this strata is built without the window");
        return;
    }
    const auto past = run_strata("screenshot --lesson container/uts --step 99 -o /dev/null");
    CHECK(past.status == 2);
    CHECK(past.output.find("--step 99 is past the end: container/uts has") != std::string::npos);
    const auto answer = run_strata("screenshot --lesson vm/hello-kvm --answer foo=bar -o /dev/null");
    CHECK(answer.status == 2);
    CHECK(answer.output.find("there is no exercise 'foo'") != std::string::npos);
    const auto choice = run_strata("screenshot --lesson vm/hello-kvm --answer first-exit=nope -o /dev/null");
    CHECK(choice.status == 2);
    CHECK(choice.output.find("'nope' is not one of its choices") != std::string::npos);
}

TEST_CASE("trace replays where asked, and says why it cannot write its file before running", "[cli][trace]") {
    const auto path = strata::tests::scratch_state_home() / "hello.trace.json";
    const auto run = run_strata("trace vm/hello-kvm --replay -o " + path.string());
    INFO(run.output);
    CHECK(run.status == 0);
    CHECK(run.output.find("), replayed") != std::string::npos);
    std::ifstream in(path);
    const auto json = nlohmann::json::parse(in, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    bool named = false;
    for (const auto& e : json["traceEvents"])
        named |= e["ph"] == "M" && e["name"] == "process_name" && e["args"]["name"] == "vm/hello-kvm — Hello, KVM";
    CHECK(named);
    // Flame-graph viewers (speedscope) need a thread's spans to nest: each
    // span ends before, or inside, the one it starts in.
    std::map<int, std::vector<std::pair<double, double>>> spans;
    for (const auto& e : json["traceEvents"])
        if (e["ph"] == "X")
            spans[e["tid"].get<int>()].emplace_back(e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>());
    int crossing = 0;
    for (auto& [tid, list] : spans) {
        // Outer first: earlier start, then longer.
        std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second > b.second;
        });
        // Times are µs with ns digits: a difference below a nanosecond is rounding.
        constexpr double ns = 1e-3;
        std::vector<double> open_ends;
        for (const auto& [start, end] : list) {
            while (!open_ends.empty() && open_ends.back() <= start + ns) open_ends.pop_back();
            crossing += !open_ends.empty() && end > open_ends.back() + ns;
            open_ends.push_back(end);
        }
    }
    CHECK(spans.size() == 6);  // one track per step
    CHECK(crossing == 0);

    const auto unwritable = run_strata("trace vm/hello-kvm --replay -o /nonexistent/dir/t.json");
    CHECK(unwritable.status == 1);
    CHECK(unwritable.output.find("cannot write /nonexistent/dir/t.json: No such file or directory") !=
          std::string::npos);
    CHECK(unwritable.output.find("replayed") == std::string::npos);  // nothing ran
}
