// Exercises: front matter parsed with yaml-cpp, predictions and challenges
// checked against what a (fixture) run recorded, hints chosen from it.
#include <catch2/catch.hpp>

#include "engine/exercise_check.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/session.hpp"
#include "tests/unit/exercise_fixture.hpp"

using namespace strata;
using engine::Outcome;

namespace {

const std::string kFile = R"(---
title: ignored by the exercise loader
exercises:
  - id: first-exit
    kind: predict
    step: run
    prompt: Which exit comes first?
    choices:
      - id: io
        text: An I/O exit on port 0x3f8
        when: {event: {kind: vm-exit, position: first, name: "exit: IO*", args: {port: "0x3f8"}}}
      - id: hlt
        text: A HLT exit
        when: {event: {kind: vm-exit, position: first, name: "exit: HLT"}}
      - id: none
        text: No exit at all
        when: {count: {kind: vm-exit, equals: 0}}
    hints:
      - chosen: hlt
        when: {count: {kind: vm-exit, name: "exit: IO*", at_least: 1}}
        text: "The guest wrote ${count:vm-exit} times... first came ${first:vm-exit}; it printed ${fact:VM exits} exits"
      - text: fallback hint
    explain: "Each OUT is an exit; the last was ${last:vm-exit}."
  - id: mount-fails
    kind: predict
    step: mount
    prompt: What does mount(proc) return?
    choices:
      - id: ok
        text: It works
        when: {event: {name: "mount(proc*", errno: none}}
      - id: eperm
        text: EPERM
        when: {event: {name: "mount(proc*", errno: EPERM}, step: {id: mount, status: failed}}
  - id: halt-cleanly
    kind: challenge
    prompt: Give the guest enough budget to halt.
    set: {colour: blue}
    parameter: {option: budget, editor: number, unit: exits, min: 0, max: 100, initial: "4"}
    goal:
      all:
        - event: {kind: vm-exit, name: "exit: HLT", position: last}
          says: the guest halted
        - console: {contains: "Hi"}
          says: "it printed Hi"
        - fact: {key: budget used, at_least: 10}
    hints:
      - when: {event: {name: "exit: SHUTDOWN*"}}
        text: "With ${answer} the run ended in ${last:vm-exit}, printing ${console}."
---

Intro.

## Run {#run}

Text.
)";

engine::LessonExercises parsed(const std::string& text = kFile) {
    auto out = engine::parse_exercises(text, "fixture.md", tests::exercise_fixture_lesson());
    if (!out) FAIL(out.error().describe());
    return *out;
}

engine::Snapshot run(int steps, engine::LessonOptions options = {}) {
    const auto& lesson = tests::exercise_fixture_lesson();
    auto resolved = lesson.resolve_options(options);
    REQUIRE(resolved);
    engine::Session session(lesson, *resolved);
    for (int i = 0; i < steps; ++i) (void)session.step();
    return session.snapshot();
}

}  // namespace

TEST_CASE("Front matter becomes exercises and leaves the narrative alone", "[unit][exercise]") {
    const auto ex = parsed();
    REQUIRE(ex.exercises.size() == 3);
    const auto* first = ex.find("first-exit");
    REQUIRE(first);
    CHECK(first->kind == engine::ExerciseKind::predict);
    CHECK(first->line == 4);
    CHECK(first->choices.size() == 3);
    CHECK(first->choices[0].line == 9);
    CHECK(ex.before_step("run").size() == 1);
    CHECK(ex.before_step("boot").empty());
    const auto* challenge = ex.find("halt-cleanly");
    REQUIRE(challenge);
    CHECK(challenge->parameter.editor == engine::EditorKind::number);
    CHECK(challenge->parameter.initial == "4");
    CHECK(challenge->parameter.label == "how many exits the guest may make");
    CHECK(challenge->set.at("colour") == "blue");
    CHECK(ex.challenges().size() == 1);

    const auto n = engine::parse_narrative(kFile);
    CHECK(n.introduction == "\nIntro.\n\n");
    REQUIRE(n.sections.size() == 1);
    CHECK(n.sections[0].id == "run");
}

TEST_CASE("A file without front matter has no exercises", "[unit][exercise]") {
    CHECK(parsed("# Just prose\n\n## Run {#run}\n").exercises.empty());
    CHECK(parsed("---\ntitle: x\n---\n# Prose\n").exercises.empty());
}

TEST_CASE("Front matter may name the inspector tab the window opens first", "[unit][exercise]") {
    CHECK(parsed("---\ninspector: histograms\n---\n# T\n").first_inspector == "histograms");
    CHECK(parsed("# Just prose\n").first_inspector.empty());
    auto bad = engine::parse_exercises("---\nexercises: []\ninspector: graphs\n---\n# T\n", "f.md",
                                       tests::exercise_fixture_lesson());
    REQUIRE_FALSE(bad);
    CHECK(bad.error().operation == "f.md:3");
    CHECK_THAT(bad.error().message, Catch::Contains("one of values, registers, memory, tables, series, histograms, console"));
}

TEST_CASE("A prediction is checked against the step's recorded events", "[unit][exercise]") {
    const auto ex = parsed();
    const auto& first = *ex.find("first-exit");
    const auto after_run = run(2);

    SECTION("the choice the recording satisfies passes, with the explanation filled from the run") {
        const auto v = engine::check_prediction(first, after_run, "io");
        CHECK(v.outcome == Outcome::passed);
        CHECK(v.recorded == std::vector<std::string>{"io"});
        CHECK(v.explanation == "Each OUT is an exit; the last was exit: HLT.");
        CHECK_FALSE(v.hint);
    }
    SECTION("another choice fails, says what was recorded, and picks the hint for that choice") {
        const auto v = engine::check_prediction(first, after_run, "hlt");
        CHECK(v.outcome == Outcome::failed);
        CHECK_THAT(v.summary, Catch::Contains("An I/O exit on port 0x3f8"));
        REQUIRE(v.hint);
        CHECK(*v.hint == "The guest wrote 3 times... first came exit: IO out port 0x3f8; it printed 3 exits");
    }
    SECTION("a choice no specific hint names gets the fallback") {
        const auto v = engine::check_prediction(first, after_run, "none");
        CHECK(v.outcome == Outcome::failed);
        CHECK(v.hint == std::optional<std::string>("fallback hint"));
    }
    SECTION("before the step ran there is nothing to check") {
        const auto v = engine::check_prediction(first, run(1), "io");
        CHECK(v.outcome == Outcome::unresolved);
        CHECK_FALSE(v.counts_as_attempt());
    }
    SECTION("an unknown choice is not an attempt") {
        CHECK(engine::check_prediction(first, after_run, "maybe").outcome == Outcome::unresolved);
    }
}

TEST_CASE("A prediction about a failing step is checked by its errno and status", "[unit][exercise]") {
    const auto ex = parsed();
    const auto& mount = *ex.find("mount-fails");
    const auto after = run(3);
    REQUIRE(after.steps[2].status == engine::StepStatus::failed);
    CHECK(engine::check_prediction(mount, after, "eperm").outcome == Outcome::passed);
    CHECK(engine::check_prediction(mount, after, "ok").outcome == Outcome::failed);
}

TEST_CASE("A prediction whose choices all miss the recording is unresolved, not wrong", "[unit][exercise]") {
    auto ex = parsed();
    auto first = *ex.find("first-exit");
    first.choices.erase(first.choices.begin());  // drop the one that happens
    const auto v = engine::check_prediction(first, run(2), "hlt");
    CHECK(v.outcome == Outcome::unresolved);
    CHECK_THAT(v.summary, Catch::Contains("none of the choices"));
}

TEST_CASE("A challenge is checked against the run made with the learner's value", "[unit][exercise]") {
    const auto ex = parsed();
    const auto& challenge = *ex.find("halt-cleanly");
    auto options = challenge.set;

    SECTION("a value that works passes, every described part holding") {
        options["budget"] = "12";
        const auto v = engine::check_challenge(challenge, run(2, options), "12");
        CHECK(v.outcome == Outcome::passed);
        REQUIRE(v.goal.size() == 2);
        CHECK(v.goal[0].says == "the guest halted");
        CHECK(v.goal[0].held);
        CHECK(v.goal[1].held);
    }
    SECTION("a value that does not work fails, with the hint built from what that run recorded") {
        options["budget"] = "4";
        const auto v = engine::check_challenge(challenge, run(2, options), "4");
        CHECK(v.outcome == Outcome::failed);
        REQUIRE(v.goal.size() == 2);
        CHECK_FALSE(v.goal[0].held);
        CHECK(v.goal[1].held);
        CHECK(v.hint == std::optional<std::string>("With 4 the run ended in exit: SHUTDOWN (triple fault), printing Hi."));
    }
    SECTION("a run made with another value does not count") {
        options["budget"] = "12";
        CHECK(engine::check_challenge(challenge, run(2, options), "50").outcome == Outcome::unresolved);
    }
    SECTION("a replay cannot answer a challenge") {
        options["budget"] = "12";
        auto snap = run(2, options);
        snap.replay_label = "A real run on Linux 6.1.0-test (2026-11-24), replayed";
        const auto v = engine::check_challenge(challenge, snap, "12");
        CHECK(v.outcome == Outcome::unresolved);
        CHECK_THAT(v.summary, Catch::Contains("recording"));
    }
}

namespace {
// Pieces of exercises for the table below (GENERATE cannot capture locals).
const std::string head = "---\nexercises:\n";
const std::string predict = "  - id: p\n    kind: predict\n    step: run\n    prompt: Q?\n";
const std::string choices =
    "    choices:\n"
    "      - {id: a, text: A, when: {event: {kind: vm-exit}}}\n"
    "      - {id: b, text: B, when: {event: {kind: ioctl}}}\n";
}  // namespace

TEST_CASE("Mistakes in front matter name the file, the line and the problem", "[unit][exercise]") {
    using Row = std::tuple<std::string, std::string, std::string>;
    auto [body, where, message] = GENERATE(table<std::string, std::string, std::string>({
        Row{predict + "    chioces: []\n", "fixture.md:7", "unknown key 'chioces'"},
        Row{"  - id: p\n    kind: predict\n    step: nope\n    prompt: Q?\n" + choices, "fixture.md:5",
            "test/exercises has no step 'nope'"},
        Row{predict + "    choices:\n      - {id: a, text: A, when: {event: {kind: vm-exits}}}\n"
                      "      - {id: b, text: B, when: {event: {kind: ioctl}}}\n",
            "fixture.md:8", "'vm-exits' is not an event kind"},
        Row{predict + "    choices:\n      - {id: a, text: A}\n      - {id: b, text: B, when: {fact: {key: x}}}\n",
            "fixture.md:8", "choice 'a' needs `when`"},
        Row{predict + "    choices:\n      - {id: a, text: A, when: {event: {errno: EWHAT}}}\n"
                      "      - {id: b, text: B, when: {event: {kind: ioctl}}}\n",
            "fixture.md:8", "'EWHAT' is not an errno name"},
        Row{predict + choices + "    hints:\n      - {chosen: c, text: x}\n", "fixture.md:11",
            "names choice 'c'"},
        Row{predict + choices + "    hints:\n      - {text: \"${fact}\"}\n", "fixture.md:11",
            "unknown placeholder ${fact}"},
        Row{predict + "    choices:\n      - {id: a, text: A, when: {evnt: {}}}\n"
                      "      - {id: b, text: B, when: {event: {kind: ioctl}}}\n",
            "fixture.md:8", "unknown condition 'evnt'"},
        Row{"  - id: c\n    kind: challenge\n    prompt: Q\n    parameter: {option: speed}\n    goal: {console: {contains: x}}\n",
            "fixture.md:6", "has no option 'speed'"},
        Row{"  - id: c\n    kind: challenge\n    prompt: Q\n    parameter: {option: colour, editor: number}\n"
            "    goal: {console: {contains: x}}\n",
            "fixture.md:6", "has fixed choices"},
        Row{"  - id: c\n    kind: challenge\n    prompt: Q\n    set: {colour: green}\n    parameter: {option: budget}\n"
            "    goal: {console: {contains: x}}\n",
            "fixture.md:6", "option colour cannot be 'green'"},
        Row{"  - id: c\n    kind: challenge\n    prompt: Q\n    parameter: {option: budget}\n", "fixture.md:3",
            "needs `goal`"},
        Row{"  - id: Bad_Id\n", "fixture.md:3", "use lower-case letters"},
        Row{predict + "    choices:\n      - {id: yes, text: A, when: {event: {kind: ioctl}}}\n"
                      "      - {id: b, text: B, when: {event: {kind: ioctl}}}\n",
            "fixture.md:8", "reads as a boolean"},
        Row{predict + choices + predict + choices, "fixture.md:10", "a second exercise with id 'p'"},
        Row{"  - id: p\n    kind: predict\n   step: [unclosed\n", "fixture.md:5", "YAML:"},
    }));
    CAPTURE(body);
    auto out = engine::parse_exercises(head + body + "---\n# T\n", "fixture.md", tests::exercise_fixture_lesson());
    REQUIRE_FALSE(out);
    CHECK(out.error().operation == where);
    CHECK_THAT(out.error().message, Catch::Contains(message));
}

TEST_CASE("An unclosed front matter is an error naming line 1, and the narrative keeps the text", "[unit][exercise]") {
    const std::string text = "---\nexercises: []\n# Title\n";
    auto out = engine::parse_exercises(text, "f.md", tests::exercise_fixture_lesson());
    REQUIRE_FALSE(out);
    CHECK(out.error().operation == "f.md:1");
    CHECK_THAT(out.error().message, Catch::Contains("never closed"));
    CHECK(engine::parse_narrative(text).introduction.find("exercises") != std::string::npos);
}

TEST_CASE("A free-form lesson option has a default and refuses what its validator refuses", "[unit][exercise]") {
    const auto& lesson = tests::exercise_fixture_lesson();
    auto defaults = lesson.resolve_options({});
    REQUIRE(defaults);
    CHECK(defaults->at("budget") == "32");
    auto bad = lesson.resolve_options({{"budget", "lots"}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "option budget cannot be 'lots'");
    CHECK(bad.error().hint == "a whole number");
}
