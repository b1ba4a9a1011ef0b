// Replay in the GUI, headless: a lesson this machine cannot run live opens
// as the replay of its shipped recording (the same choice as `strata run`),
// the navigator says "replay", the label is drawn over the diagram and the
// narrative, and the replay lesson outlives every snapshot that points at it.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

#include "app/gui/app_shell.hpp"
#include "app/gui/machine_choice.hpp"
#include "app/gui/navigator_view.hpp"
#include "lessons/catalogue.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using namespace std::chrono_literals;

namespace {

const char* kVmLesson = "vm/hello-kvm";

// Plays the shipped recording whatever this machine can do, without the
// recorded waits: the tests must not depend on /dev/kvm being absent.
// Other lessons open as themselves.
gui::Chooser vm_lesson_replayed() {
    return [](const engine::Lesson& lesson, const engine::LessonOptions& given) {
        return lesson.id == kVmLesson ? gui::replay_chooser(0)(lesson, given) : gui::live_chooser()(lesson, given);
    };
}

}  // namespace

TEST_CASE("A lesson that cannot run live opens as the replay of its recording", "[gui][replay]") {
    REQUIRE(lessons::catalogue().find(kVmLesson));
    gui::Controller controller(lessons::catalogue(), nullptr, vm_lesson_replayed());
    controller.submit({gui::CommandKind::select_lesson, kVmLesson});
    REQUIRE(controller.wait_idle(30s));
    auto before = controller.snapshot();
    REQUIRE(before);
    REQUIRE(before->replay_label);
    CHECK_THAT(*before->replay_label, Catch::StartsWith("A real run on Linux") && Catch::EndsWith(", replayed"));
    CHECK(before->lesson->replay_label == before->replay_label);

    controller.submit({gui::CommandKind::run_to_end});
    REQUIRE(controller.wait_idle(60s));
    auto end = controller.snapshot();
    REQUIRE(end->finished);
    for (const auto& s : end->steps) CHECK(s.status == engine::StepStatus::done);
    REQUIRE_FALSE(end->events.empty());
    for (const auto& e : end->events) CHECK(e.replayed);

    SECTION("the replay lesson outlives the session for snapshots still shown") {
        controller.submit({gui::CommandKind::select_lesson, "container/uts"});
        REQUIRE(controller.wait_idle(30s));
        CHECK(controller.snapshot()->lesson->id == "container/uts");
        // The old session and its replay lesson are gone from the controller;
        // the snapshot a view still holds must keep working.
        CHECK(end->lesson->id == kVmLesson);
        CHECK(end->lesson->steps.size() == end->steps.size());
        CHECK(end->lesson->replay_label == end->replay_label);
    }
}

TEST_CASE("The machine chooser decides as lessons::availability does", "[gui][replay]") {
    const engine::Lesson* lesson = lessons::catalogue().find(kVmLesson);
    REQUIRE(lesson);
    const auto expected = lessons::availability(*lesson, probe::probe_machine(lessons::probe_options_for(*lesson)));
    auto chosen = gui::machine_chooser()(*lesson, {});
    CAPTURE(expected.why);
    if (expected.mode == lessons::Mode::unavailable) {
        CHECK_FALSE(chosen);
    } else {
        REQUIRE(chosen);
        CHECK(chosen->replay == (expected.mode == lessons::Mode::replay));
        CHECK(chosen->lesson->replay_label.has_value() == chosen->replay);
    }
}

TEST_CASE("The navigator marks a replay lesson as such", "[gui][replay]") {
    tests::HeadlessImGui imgui;
    ImGuiStyle style;
    const auto theme = gui::make_theme("dark", style);
    gui::LessonAvailability availability;
    availability.probed = true;
    for (const auto& lesson : lessons::catalogue().lessons())
        availability.lessons[lesson.id] = {lessons::Mode::live, "", std::nullopt};
    auto no_kvm = [&] {
        imgui.frame([&] { gui::navigator_view(lessons::catalogue(), availability, {}, "", theme.palette); });
    };
    no_kvm();
    CHECK_FALSE(tests::HeadlessImGui::drew_colour(theme.palette.replay));
    availability.lessons[kVmLesson] = {lessons::Mode::replay, "/dev/kvm: not found\n  what to do: ...", "x.json"};
    no_kvm();
    CHECK(tests::HeadlessImGui::drew_colour(theme.palette.replay));
}

TEST_CASE("Every step of a replay shows its label over the diagram and the narrative", "[gui][replay]") {
    tests::HeadlessImGui imgui;
    gui::ShellOptions options;
    options.lesson = kVmLesson;
    options.probe_machine = false;
    options.chooser = vm_lesson_replayed();
    gui::AppShell shell(lessons::catalogue(), options, nullptr);
    shell.load_fonts();
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    REQUIRE(shell.controller().wait_idle(30s));
    const int steps = static_cast<int>(lessons::catalogue().find(kVmLesson)->steps.size());
    double t = 0;
    for (int step = -1; step < steps; ++step) {
        CAPTURE(step);
        if (step >= 0) shell.controller().submit({gui::CommandKind::step});
        REQUIRE(shell.controller().wait_idle(30s));
        imgui.raw_frame([&] { shell.frame(t += 1); });
        const auto& banner = shell.last_diagram().replay_banner;
        REQUIRE(banner);
        REQUIRE(shell.narrative_banner());
        CHECK(tests::HeadlessImGui::drew_colour_in(banner->Min, banner->Max, shell.palette().replay_fill));
        CHECK(tests::HeadlessImGui::drew_colour_in(banner->Min, banner->Max, shell.palette().replay_text));
        // The diagram sits below the banner, not under it.
        for (const auto& [layer, rect] : shell.last_diagram().nodes) CHECK(rect.Min.y >= banner->Max.y);
    }
    CHECK(shell.controller().snapshot()->finished);
}

TEST_CASE("strata gui --replay: every lesson is the replay of its recording, without a machine probe",
          "[gui][replay]") {
    const auto availability = gui::replay_availability(lessons::catalogue(), gui::ShellOptions{}.replay_why);
    CHECK(availability.probed);
    for (const auto& lesson : lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        const auto* a = availability.find(lesson.id);
        REQUIRE(a);
        CHECK(a->mode == lessons::Mode::replay);  // every lesson ships one (shipped_recordings_test)
        REQUIRE(a->recording);
        CHECK(std::filesystem::exists(*a->recording));
        CHECK_THAT(a->why, Catch::Contains("recording of a real run"));
    }

    // The shell opens a lesson this machine may well run live as its replay.
    tests::HeadlessImGui imgui(1280, 800);
    gui::ShellOptions o;
    o.replay_only = true;
    o.lesson = "container/uts";
    o.chooser = gui::replay_chooser(0);  // no recorded waits in a test
    gui::AppShell shell(lessons::catalogue(), o, nullptr);
    CHECK(shell.availability_ready());  // nothing to wait for: no probe ran
    REQUIRE(shell.controller().wait_idle(30s));
    shell.controller().submit({gui::CommandKind::run_to_end});
    REQUIRE(shell.controller().wait_idle(60s));
    const auto snap = shell.controller().snapshot();
    REQUIRE(snap);
    REQUIRE(snap->replay_label);
    CHECK(snap->finished);
    REQUIRE_FALSE(snap->events.empty());
    for (const auto& e : snap->events) CHECK(e.replayed);
}
