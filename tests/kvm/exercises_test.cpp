// The VM lessons' exercises against real KVM: each prediction has exactly
// one choice a live run satisfies, the challenges pass and fail on real
// runs, and `strata lab check` exits by what it found.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "app/cli/lab_check.hpp"
#include "engine/exercise_parse.hpp"
#include "lessons/catalogue.hpp"
#include "tests/kvm/lesson_lookup.hpp"
#include "tests/kvm/lesson_markdown.hpp"
#include "tests/support/live_exercises.hpp"
#include "tests/support/no_leaks.hpp"

using namespace strata;
namespace fs = std::filesystem;

namespace {

// The embedded Markdown of `id`, parsed against the real lesson.
engine::LessonExercises exercises_of(const std::string& id) {
    const engine::Lesson* lesson = lessons::catalogue().find(id);
    REQUIRE(lesson);
    for (const auto& md : tests::vm_lesson_markdown())
        if (md.lesson_id == id) {
            auto parsed = engine::parse_exercises(md.text, "assets/lessons/" + id + ".md", *lesson);
            if (!parsed) FAIL(parsed.error().describe());
            return *parsed;
        }
    FAIL("no embedded Markdown for " + id);
    return {};
}

const engine::Lesson& lesson(const std::string& id) {
    const engine::Lesson* l = lessons::catalogue().find(id);
    REQUIRE(l);
    return *l;
}

// STRATA_ASSETS with the embedded Markdown, and XDG_STATE_HOME, in a
// scratch directory: what `lab check` reads, wherever this binary runs.
struct LabScratch {
    fs::path root;
    LabScratch() {
        std::string pattern = (fs::temp_directory_path() / "kvm-lab-check-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()));
        root = pattern;
        fs::create_directories(root / "assets" / "lessons" / "vm");
        for (const auto& md : tests::vm_lesson_markdown())
            std::ofstream(root / "assets" / "lessons" / (md.lesson_id + ".md")) << md.text;
        ::setenv("STRATA_ASSETS", (root / "assets").c_str(), 1);
        ::setenv("XDG_STATE_HOME", (root / "state").c_str(), 1);
    }
    ~LabScratch() {
        ::unsetenv("STRATA_ASSETS");
        ::unsetenv("XDG_STATE_HOME");
        std::error_code ec;
        fs::remove_all(root, ec);
    }
};

}  // namespace

TEST_CASE("Every prediction of every VM lesson has exactly one choice a live run satisfies", "[kvm][exercise]") {
    const auto before = tests::HostState::capture();
    std::size_t checked = 0;
    for (const auto& md : tests::vm_lesson_markdown()) {
        CAPTURE(md.lesson_id);
        if (tests::boots_a_linux_kernel(lesson(md.lesson_id))) continue;  // boot_linux_in_qemu runs it live
        const auto exercises = exercises_of(md.lesson_id);
        for (const auto& check : tests::predictions_against_live_run(lesson(md.lesson_id), exercises)) {
            CAPTURE(check.exercise);
            CHECK(check.recorded.size() == 1);
            ++checked;
        }
    }
    CHECK(checked >= 14);  // two per VM lesson
    CHECK_NO_LEAKS(before);
}

TEST_CASE("vm/hello-kvm: the guest printing your name is checked by its real console output", "[kvm][exercise]") {
    const auto before = tests::HostState::capture();
    const auto exercises = exercises_of("vm/hello-kvm");
    const auto& hello = lesson("vm/hello-kvm");

    SECTION("a program that prints the name passes") {
        const std::string program =
            "mov $msg, %si\nmov $0x3f8, %dx\nnext: lodsb\ntest %al, %al\njz done\nout %al, (%dx)\njmp next\n"
            "done: hlt\nmsg: .asciz \"Ada\"\n";
        const auto v = tests::challenge_against_live_run(hello, exercises, "print-your-name", program, "Ada");
        CHECK(v.outcome == engine::Outcome::passed);
        REQUIRE(v.goal.size() == 2);
        CHECK(v.goal[0].held);
        CHECK(v.goal[1].held);
    }
    SECTION("one that prints something else fails, and the hint quotes what it printed") {
        const auto v = tests::challenge_against_live_run(
            hello, exercises, "print-your-name", "mov $0x3f8, %dx\nmovb $'A', %al\nout %al, (%dx)\nhlt\n", "Ada");
        CHECK(v.outcome == engine::Outcome::failed);
        REQUIRE(v.hint);
        CHECK_THAT(*v.hint, Catch::Contains("printed \"A\" in 2 exits"));
    }
    SECTION("one that never halts is stopped by the watchdog, and the hint says to end with hlt") {
        const auto v = tests::challenge_against_live_run(hello, exercises, "print-your-name",
                                                         "mov $0x3f8, %dx\nmovb $'A', %al\nspin: out %al, (%dx)\njmp spin\n", "A");
        CHECK(v.outcome == engine::Outcome::failed);
        REQUIRE(v.hint);
        CHECK_THAT(*v.hint, Catch::Contains("did not reach `hlt`"));
    }
    CHECK_NO_LEAKS(before);
}

TEST_CASE("vm/tiny-os: only the triple fault makes KVM report a SHUTDOWN", "[kvm][exercise]") {
    const auto before = tests::HostState::capture();
    const auto exercises = exercises_of("vm/tiny-os");
    const auto& tiny = lesson("vm/tiny-os");
    CHECK(tests::challenge_against_live_run(tiny, exercises, "make-it-shut-down", "triple-fault").outcome ==
          engine::Outcome::passed);
    const auto none = tests::challenge_against_live_run(tiny, exercises, "make-it-shut-down", "none");
    CHECK(none.outcome == engine::Outcome::failed);
    REQUIRE(none.hint);
    CHECK_THAT(*none.hint, Catch::Contains("With fault=none the run ended with"));
    CHECK_NO_LEAKS(before);
}

TEST_CASE("vm/snapshot: only a pause by time passes the pause-anywhere challenge", "[kvm][exercise]") {
    const auto before = tests::HostState::capture();
    const auto exercises = exercises_of("vm/snapshot");
    const auto& snapshot = lesson("vm/snapshot");
    const auto timed = tests::challenge_against_live_run(snapshot, exercises, "pause-anywhere", "time");
    CHECK(timed.outcome == engine::Outcome::passed);
    REQUIRE(timed.goal.size() == 2);
    CHECK(timed.goal[0].held);
    CHECK(timed.goal[1].held);
    const auto at_mark = tests::challenge_against_live_run(snapshot, exercises, "pause-anywhere", "mark");
    CHECK(at_mark.outcome == engine::Outcome::failed);
    REQUIRE(at_mark.goal.size() == 2);
    CHECK_FALSE(at_mark.goal[0].held);
    CHECK(at_mark.goal[1].held);  // the restore works there too; only the pause was the guest's
    REQUIRE(at_mark.hint);
    CHECK_THAT(*at_mark.hint, Catch::Contains("stopped at mark 0x1"));
    CHECK_NO_LEAKS(before);
}

TEST_CASE("lab check on vm/hello-kvm exits 0 when every answer is right and 1 when one is wrong", "[kvm][exercise]") {
    const auto before = tests::HostState::capture();
    {
        LabScratch scratch;
        cli::LabCheckRequest request;
        request.lessons = {"vm/hello-kvm"};
        request.student = "Ada";
        request.json = true;
        request.answer_flags = {"first-exit=io", "exit-count=per-byte",
                                "print-your-name=mov $0x3f8, %dx; movb $'A', %al; out %al, (%dx); movb $'d', %al; "
                                "out %al, (%dx); movb $'a', %al; out %al, (%dx); hlt"};
        auto [code, out] = tests::capture_stdout([&] { return cli::run_lab_check(request); });
        CHECK(code == 0);
        auto json = nlohmann::json::parse(out, nullptr, false);
        REQUIRE_FALSE(json.is_discarded());
        CHECK(json["passed"] == true);
        CHECK(json["lessons"][0]["mode"] == "live");
        for (const auto& e : json["lessons"][0]["exercises"]) CHECK(e["status"] == "passed");

        request.answer_flags = {"first-exit=hlt", "exit-count=per-byte"};
        std::tie(code, out) = tests::capture_stdout([&] { return cli::run_lab_check(request); });
        CHECK(code == 1);
        json = nlohmann::json::parse(out, nullptr, false);
        REQUIRE_FALSE(json.is_discarded());
        const auto& results = json["lessons"][0]["exercises"];
        REQUIRE(results.size() == 3);
        CHECK(results[0]["status"] == "failed");
        CHECK_FALSE(results[0]["hint"].is_null());
        CHECK(results[1]["status"] == "passed");
        CHECK(results[2]["status"] == "unanswered");

        SECTION("only the exercises asked for are checked") {
            request.only = {"exit-count"};
            std::tie(code, out) = tests::capture_stdout([&] { return cli::run_lab_check(request); });
            CHECK(code == 0);
        }
    }
    CHECK_NO_LEAKS(before);
}
