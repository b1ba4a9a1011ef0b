// The exercise panel, headless: the tracker checks locked-in predictions
// when their step has run and a challenge when its own run ends, saving
// each attempt; the view returns the right commands when clicked; the
// shell saves progress to the state dir and resumes from it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include <imgui_internal.h>

#include "app/gui/app_shell.hpp"
#include "app/gui/exercise_tracker.hpp"
#include "app/gui/exercise_view.hpp"
#include "engine/session.hpp"
#include "tests/gui/exercise_scratch.hpp"
#include "tests/gui/headless.hpp"
#include "tests/unit/exercise_fixture.hpp"

using namespace strata;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using gui::CommandKind;

namespace {

const char* kMarkdown = R"md(---
exercises:
  - id: first-exit
    kind: predict
    step: run
    prompt: "Which exit comes first? (${fact:VM exits} so far)"
    choices:
      - {id: hlt, text: A HLT exit, when: {event: {kind: vm-exit, position: first, name: "exit: HLT"}}}
      - {id: io, text: An I/O exit, when: {event: {kind: vm-exit, position: first, name: "exit: IO*"}}}
    hints:
      - {chosen: hlt, text: "The first exit was ${first:vm-exit}."}
  - id: halt-cleanly
    kind: challenge
    prompt: Give the guest enough budget to halt.
    set: {colour: blue}
    parameter: {option: budget, editor: number, initial: "4"}
    goal: {event: {kind: vm-exit, name: "exit: HLT"}, says: the guest halted}
    hints:
      - {text: "With ${answer} it ended in ${last:vm-exit}."}
---
# Exercise fixture

## Boot {#boot}
## Run {#run}
## Mount {#mount}
)md";

// The fixture's Markdown in a scratch assets dir, removed afterwards.
struct Scratch : tests::ExerciseScratch {
    Scratch() : ExerciseScratch(kMarkdown) {}
};

const engine::Catalogue& catalogue() { return tests::exercise_fixture_catalogue(); }

void build_atlas() { tests::HeadlessImGui::build_font_atlas(); }

std::shared_ptr<const engine::Snapshot> shot(const engine::Session& s) {
    return std::make_shared<const engine::Snapshot>(s.snapshot());
}

}  // namespace

TEST_CASE("A locked-in prediction is checked once its step has run, and saved", "[gui][exercise]") {
    Scratch scratch;
    gui::GuiProgress progress(scratch.state());
    gui::ExerciseTracker tracker(progress, scratch.assets(), "Ada");
    const auto& lesson = tests::exercise_fixture_lesson();
    engine::Session session(lesson, *lesson.resolve_options({}));

    tracker.observe(shot(session));
    REQUIRE(tracker.panel().predictions.size() == 1);
    REQUIRE(tracker.panel().challenges.size() == 1);
    CHECK(tracker.panel().predictions[0].step == 1);
    CHECK(tracker.apply({CommandKind::answer_prediction, "first-exit", 0, std::nullopt, "hlt"}, nullptr) == std::nullopt);

    (void)session.step();  // boot: not the prediction's step
    tracker.observe(shot(session));
    CHECK_FALSE(tracker.panel().predictions[0].verdict);
    (void)session.step();  // run
    tracker.observe(shot(session));
    const auto& verdict = tracker.panel().predictions[0].verdict;
    REQUIRE(verdict);
    CHECK(verdict->outcome == engine::Outcome::failed);
    CHECK(verdict->hint == std::optional<std::string>("The first exit was exit: IO out port 0x3f8."));

    // Saved: the attempt and the steps, in the file, at once.
    engine::ProgressStore store(scratch.state());
    auto saved = store.load();
    REQUIRE(saved);
    const auto& p = saved->progress.lessons.at("test/exercises");
    CHECK(p.steps.size() == 2);
    REQUIRE(p.exercises.at("first-exit").attempts.size() == 1);
    CHECK(p.exercises.at("first-exit").attempts[0].answer == "hlt");
    CHECK(tracker.panel().record.at("first-exit") == std::pair<int, bool>{1, false});

    SECTION("a restart asks again") {
        session.restart();
        tracker.observe(shot(session));
        CHECK_FALSE(tracker.panel().predictions[0].locked);
        CHECK_FALSE(tracker.panel().predictions[0].verdict);
    }
}

TEST_CASE("A challenge asks for a run with the learner's value and judges that run", "[gui][exercise]") {
    Scratch scratch;
    gui::GuiProgress progress({});
    gui::ExerciseTracker tracker(progress, scratch.assets(), "Ada");
    const auto& lesson = tests::exercise_fixture_lesson();
    engine::Session first(lesson, *lesson.resolve_options({}));
    auto before = shot(first);
    tracker.observe(before);

    const auto value = GENERATE(std::string("12"), std::string("4"));
    CAPTURE(value);
    auto command = tracker.apply({CommandKind::start_challenge, "halt-cleanly", 0, std::nullopt, value}, before.get());
    REQUIRE(command);
    CHECK(command->kind == CommandKind::run_with_options);
    CHECK(command->text == "test/exercises");
    CHECK(command->options == engine::LessonOptions{{"colour", "blue"}, {"budget", value}});
    CHECK(tracker.panel().challenges[0].running);

    // What the controller does with it: a fresh session with those options, run to the end.
    engine::Session run(lesson, *lesson.resolve_options(command->options));
    (void)run.step();
    tracker.observe(shot(run));
    CHECK(tracker.panel().challenges[0].running);  // not ended yet: no verdict
    CHECK_FALSE(tracker.panel().challenges[0].verdict);
    (void)run.run_to_end();
    tracker.observe(shot(run));
    const auto& c = tracker.panel().challenges[0];
    CHECK_FALSE(c.running);
    REQUIRE(c.verdict);
    CHECK(tracker.panel().challenge_run == "halt-cleanly");
    if (value == "12") {
        CHECK(c.verdict->outcome == engine::Outcome::passed);
    } else {
        CHECK(c.verdict->outcome == engine::Outcome::failed);
        CHECK(c.verdict->hint == std::optional<std::string>("With 4 it ended in exit: SHUTDOWN (triple fault)."));
    }
    CHECK(progress.progress().lessons.at("test/exercises").exercises.at("halt-cleanly").attempts.size() == 1);
}

TEST_CASE("A challenge the controller refused to run says so instead of spinning", "[gui][exercise]") {
    Scratch scratch;
    gui::GuiProgress progress({});
    gui::ExerciseTracker tracker(progress, scratch.assets(), "Ada");
    engine::Session session(tests::exercise_fixture_lesson(), *tests::exercise_fixture_lesson().resolve_options({}));
    auto snap = shot(session);
    tracker.observe(snap);
    REQUIRE(tracker.apply({CommandKind::start_challenge, "halt-cleanly", 0, std::nullopt, "12"}, snap.get()));
    tracker.settle(/*busy=*/true, "");
    CHECK(tracker.panel().challenges[0].running);
    tracker.settle(/*busy=*/false, "test/exercises plays a recording here");
    CHECK_FALSE(tracker.panel().challenges[0].running);
    REQUIRE(tracker.panel().challenges[0].verdict);
    CHECK_THAT(tracker.panel().challenges[0].verdict->summary, Catch::Contains("plays a recording"));
    CHECK(progress.progress().lessons.empty());  // not an attempt
}

namespace {

// The vertical centres of the panel's interactive items, top to bottom,
// found by moving the mouse down the left edge and asking ImGui what it
// hovers (the view's layout is not hard-coded here).
std::vector<float> item_rows(tests::HeadlessImGui& imgui, const std::function<void()>& draw) {
    std::vector<float> rows;
    ImGuiID last = 0;
    for (float y = 0; y < 560; y += 2) {
        ImGui::GetIO().MousePos = ImVec2(24, y);
        imgui.frame(draw);
        const ImGuiID now = GImGui->HoveredId;  // what this frame hovered
        if (now != 0 && now != last) rows.push_back(y + 3);
        last = now;
    }
    return rows;
}

gui::Commands click(tests::HeadlessImGui& imgui, float y, const std::function<gui::Commands()>& draw) {
    gui::Commands out;
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(24, y);
    imgui.frame([&] { draw(); });
    io.MouseDown[0] = true;
    imgui.frame([&] { auto c = draw(); out.insert(out.end(), c.begin(), c.end()); });
    io.MouseDown[0] = false;
    imgui.frame([&] { auto c = draw(); out.insert(out.end(), c.begin(), c.end()); });
    return out;
}

}  // namespace

TEST_CASE("Choosing and locking in a prediction in the panel returns the answer", "[gui][exercise]") {
    Scratch scratch;
    tests::HeadlessImGui imgui(700, 600);
    gui::GuiProgress progress({});
    gui::ExerciseTracker tracker(progress, scratch.assets(), "Ada");
    const auto& lesson = tests::exercise_fixture_lesson();
    engine::Session session(lesson, *lesson.resolve_options({}));
    (void)session.step();  // the next step is "run", which has a prediction
    const auto snap = shot(session);
    tracker.observe(snap);
    gui::FontSet fonts;
    fonts.regular = ImGui::GetIO().Fonts->Fonts[0];
    const gui::Palette palette = gui::make_theme("dark", ImGui::GetStyle()).palette;
    gui::ExerciseEditState edits;
    auto draw = [&] { return gui::exercise_view(snap.get(), tracker.panel(), false, fonts, palette, edits); };

    imgui.frame([&] { draw(); });
    imgui.frame([&] { draw(); });  // the panel sizes itself from the first frame
    const auto rows = item_rows(imgui, [&] { draw(); });
    // Two choices and the challenges' header, then, below the scrolling
    // part, the lock-in button.
    REQUIRE(rows.size() == 4);
    REQUIRE(edits.lock_in_buttons.count("first-exit") == 1);
    const float button = edits.lock_in_buttons.at("first-exit").GetCenter().y;
    CHECK(button > rows[2]);
    CHECK(click(imgui, button, draw).empty());   // nothing chosen yet: the button is disabled
    CHECK(click(imgui, rows[1], draw).empty());  // choosing is not yet answering
    CHECK(edits.selected.at("first-exit") == 1);
    const auto locked = click(imgui, button, draw);
    REQUIRE(locked.size() == 1);
    CHECK(locked[0].kind == CommandKind::answer_prediction);
    CHECK(locked[0].text == "first-exit");
    CHECK(locked[0].value == "io");
}

TEST_CASE("The shell saves progress in the state dir and opens where the learner left", "[gui][exercise]") {
    Scratch scratch;
    const fs::path config = scratch.root / "config";
    fs::create_directories(config);
    // An older strata kept progress in the settings: it moves over once.
    std::ofstream(config / "settings.json") << R"({"theme": "dark", "steps_completed": {"test/exercises": 1}})";
    {
        tests::HeadlessImGui imgui;
        gui::ShellOptions o;
        o.lesson = "test/exercises";
        o.probe_machine = false;
        o.config_dir = config;
        o.state_dir = scratch.state();
        o.chooser = gui::live_chooser();
        gui::AppShell shell(catalogue(), o, nullptr);
        shell.load_fonts();
        build_atlas();
        CHECK(shell.progress().steps_done().at("test/exercises") == 1);  // migrated
        shell.controller().submit({CommandKind::step});
        shell.controller().submit({CommandKind::step});
        for (int i = 0; i < 4; ++i) {
            REQUIRE(shell.controller().wait_idle(5s));
            imgui.raw_frame([&] { shell.frame(i); });
        }
        shell.save(800, 600);
    }
    engine::ProgressStore store(scratch.state());
    auto saved = store.load();
    REQUIRE(saved);
    CHECK(saved->progress.last_lesson == "test/exercises");
    CHECK(saved->progress.last_step == 1);
    CHECK(saved->progress.lessons.at("test/exercises").steps.size() == 2);

    // A new window, no lesson asked for: it opens the last one, offering to resume.
    tests::HeadlessImGui imgui;
    gui::ShellOptions o;
    o.probe_machine = false;
    o.config_dir = config;
    o.state_dir = scratch.state();
    o.chooser = gui::live_chooser();
    gui::AppShell shell(catalogue(), o, nullptr);
    shell.load_fonts();
    build_atlas();
    REQUIRE(shell.controller().wait_idle(5s));
    imgui.raw_frame([&] { shell.frame(0); });
    const auto snap = shell.controller().snapshot();
    REQUIRE(snap);
    CHECK(snap->lesson->id == "test/exercises");
    CHECK(shell.exercises().resume_step == 1);
    // The window's ini went where the shell said, not to a stray path.
    CHECK(fs::exists(config / "imgui.ini"));
    // Settings no longer carry progress.
    std::ifstream in(config / "settings.json");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, !Catch::Contains("steps_completed"));
}

TEST_CASE("The controller runs a challenge's options in a fresh session to the end, or says why not",
          "[gui][exercise][controller]") {
    gui::Controller controller(catalogue(), nullptr, gui::live_chooser());
    controller.submit({CommandKind::select_lesson, "test/exercises"});
    REQUIRE(controller.wait_idle(5s));
    const auto first_run = controller.snapshot()->run;

    gui::Command run{CommandKind::run_with_options, "test/exercises"};
    run.options = {{"budget", "12"}, {"colour", "blue"}};
    controller.submit(run);
    REQUIRE(controller.wait_idle(5s));
    auto snap = controller.snapshot();
    CHECK(snap->run != first_run);
    CHECK(snap->options.at("budget") == "12");
    CHECK(snap->finished);  // every step ran (the last one fails, as the fixture's does)
    CHECK(snap->steps[1].status == engine::StepStatus::done);

    SECTION("a value the lesson refuses is reported and the session stays") {
        run.options = {{"budget", "lots"}};
        controller.submit(run);
        REQUIRE(controller.wait_idle(5s));
        CHECK_THAT(controller.last_problem(), Catch::Contains("option budget cannot be 'lots'"));
        CHECK(controller.snapshot()->options.at("budget") == "12");
    }
    SECTION("resuming runs the steps up to the one asked for") {
        controller.submit({CommandKind::select_lesson, "test/exercises"});
        controller.submit({CommandKind::run_to_step, {}, 1});
        REQUIRE(controller.wait_idle(5s));
        CHECK(controller.snapshot()->current_step == 1);
        CHECK(controller.snapshot()->options.at("budget") == "32");
    }
}
