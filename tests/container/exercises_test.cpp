// The container lessons' exercises against the real kernel: each
// prediction has exactly one choice a live run satisfies, the challenges
// pass and fail on real runs (clone flags, a memory limit), and `strata lab
// check` exits by what it found.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "app/cli/exercise_prompt.hpp"
#include "app/cli/lab_check.hpp"
#include "engine/session.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "lessons/catalogue.hpp"
#include "tests/support/live_exercises.hpp"
#include "tests/support/no_leaks.hpp"
#include "tests/support/terminal_prompts.hpp"

using namespace strata;

namespace {

const engine::Lesson& lesson(const std::string& id) {
    const engine::Lesson* l = lessons::catalogue().find(id);
    REQUIRE(l);
    return *l;
}

engine::LessonExercises exercises_of(const std::string& id) {
    auto parsed = engine::load_exercises(engine::asset_dir(), lesson(id));
    if (!parsed) FAIL(parsed.error().describe());
    return *parsed;
}

}  // namespace

TEST_CASE("Every prediction of the namespace lessons has exactly one choice a live run satisfies", "[userns][exercise]") {
    const auto before = tests::HostState::capture();
    std::size_t checked = 0;
    for (const auto& l : lessons::catalogue().lessons()) {
        // cgroups needs root: it has a case of its own below.
        if (l.track != "container" || l.id == "container/cgroups") continue;
        CAPTURE(l.id);
        for (const auto& check : tests::predictions_against_live_run(l, exercises_of(l.id))) {
            CAPTURE(check.exercise);
            CHECK(check.recorded.size() == 1);
            ++checked;
        }
    }
    CHECK(checked >= 14);
    CHECK_NO_LEAKS(before);
}

TEST_CASE("container/cgroups: the prediction has one answer, and only a limit between PID 1's needs and the hog's passes",
          "[root][slow][exercise]") {
    const auto before = tests::HostState::capture();
    const auto& cgroups = lesson("container/cgroups");
    const auto exercises = exercises_of("container/cgroups");
    for (const auto& check : tests::predictions_against_live_run(cgroups, exercises)) {
        CAPTURE(check.exercise);
        CHECK(check.recorded.size() == 1);
    }
    const auto right = tests::challenge_against_live_run(cgroups, exercises, "oom-the-hog", "64");
    CHECK(right.outcome == engine::Outcome::passed);
    const auto roomy = tests::challenge_against_live_run(cgroups, exercises, "oom-the-hog", "1024");
    CHECK(roomy.outcome == engine::Outcome::failed);
    REQUIRE(roomy.hint);
    CHECK_THAT(*roomy.hint, Catch::Contains("the hog exited"));
    const auto tiny = tests::challenge_against_live_run(cgroups, exercises, "oom-the-hog", "1");
    CHECK(tiny.outcome == engine::Outcome::failed);
    REQUIRE(tiny.hint);
    // Which part failed is the kernel's call (PID 1 OOM-killed, or the limit
    // refused); either way the hint comes from what this run recorded.
    CHECK_THAT(*tiny.hint, Catch::Contains("1 MiB") || Catch::Contains("refused"));
    CHECK_NO_LEAKS(before);
}

TEST_CASE("container/pid: only a PID namespace of its own hides the host's processes", "[userns][exercise]") {
    const auto before = tests::HostState::capture();
    const auto& pid = lesson("container/pid");
    const auto exercises = exercises_of("container/pid");
    const auto right = tests::challenge_against_live_run(pid, exercises, "hide-host-pids", "CLONE_NEWPID|CLONE_NEWIPC");
    CHECK(right.outcome == engine::Outcome::passed);
    const auto wrong = tests::challenge_against_live_run(pid, exercises, "hide-host-pids", "CLONE_NEWUTS|CLONE_NEWNET");
    CHECK(wrong.outcome == engine::Outcome::failed);
    REQUIRE(wrong.hint);
    CHECK_THAT(*wrong.hint, Catch::Contains("still shares strata's PID namespace: both are pid:["));
    CHECK_THAT(*wrong.hint, Catch::Contains("EPERM"));
    CHECK_NO_LEAKS(before);
}

TEST_CASE("lab check on container/uts exits 0 with the right answers and 1 with a wrong one", "[userns][exercise]") {
    const auto before = tests::HostState::capture();
    char state[] = "/tmp/container-lab-check-XXXXXX";
    REQUIRE(::mkdtemp(state));
    ::setenv("XDG_STATE_HOME", state, 1);
    cli::LabCheckRequest request;
    request.lessons = {"container/uts"};
    request.json = true;
    request.save_progress = true;

    request.answer_flags = {"hostname-inside=new-name", "hostname-outside=unchanged"};
    auto [code, out] = tests::capture_stdout([&] { return cli::run_lab_check(request); });
    CHECK(code == 0);
    request.answer_flags = {"hostname-inside=host-name", "hostname-outside=unchanged"};
    std::tie(code, out) = tests::capture_stdout([&] { return cli::run_lab_check(request); });
    CHECK(code == 1);
    const auto json = nlohmann::json::parse(out, nullptr, false);
    REQUIRE_FALSE(json.is_discarded());
    CHECK(json["lessons"][0]["exercises"][0]["status"] == "failed");
    CHECK_THAT(json["lessons"][0]["exercises"][0]["summary"].get<std::string>(), Catch::Contains("strata-box"));
    // --save-progress kept both runs' attempts.
    CHECK(std::filesystem::exists(std::filesystem::path(state) / "strata" / "progress.json"));

    ::unsetenv("XDG_STATE_HOME");
    std::filesystem::remove_all(state);
    CHECK_NO_LEAKS(before);
}

TEST_CASE("strata run's prompts: a prediction before its step, its verdict after, a challenge at the end",
          "[userns][exercise]") {
    const auto before = tests::HostState::capture();
    char state[] = "/tmp/container-prompts-XXXXXX";
    REQUIRE(::mkdtemp(state));
    const engine::ProgressStore store(std::filesystem::path(state) / "strata");
    const auto& pid = lesson("container/pid");
    // Choice 1 of pid-inside is "the same number the host knows it by":
    // wrong. The challenge's flags: 1 is CLONE_NEWPID.
    std::istringstream typed("1\n1\n");
    const std::string shown = tests::run_terminal_prompts(pid, pid, exercises_of("container/pid"), store,
                                                          {{"student", "Ada"}}, false, typed);
    CAPTURE(shown);
    CHECK_THAT(shown, Catch::Contains("? Predict (pid-inside)"));
    CHECK_THAT(shown, Catch::Contains("✗ pid-inside: Not this time. What the step recorded: 1"));
    CHECK_THAT(shown, Catch::Contains("hint: Inside, the child is pid 1"));
    CHECK_THAT(shown, Catch::Contains("◆ hide-host-pids"));
    CHECK_THAT(shown, Catch::Contains("Running container/pid for real with namespaces = CLONE_NEWPID"));
    CHECK_THAT(shown, Catch::Contains("✓ hide-host-pids: Goal met"));
    // Both attempts are in the learner's progress.
    auto saved = store.load();
    REQUIRE(saved);
    const auto& ex = saved->progress.lessons.at("container/pid").exercises;
    CHECK(ex.at("pid-inside").attempts.size() == 1);
    CHECK_FALSE(ex.at("pid-inside").passed());
    CHECK(ex.at("hide-host-pids").passed());
    std::filesystem::remove_all(state);
    CHECK_NO_LEAKS(before);
}
