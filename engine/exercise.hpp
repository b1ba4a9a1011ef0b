// Lab exercises: authored in a lesson's Markdown front matter
// (docs/AUTHORING.md), checked against what a real run recorded.
//
// Two kinds:
//   predict    asked before a step runs; each choice carries a condition on
//              the step's recorded events and facts, and the right answer
//              is whichever choice's condition the recording satisfies. The
//              Markdown never says which choice is right: the run does.
//   challenge  the learner sets a lesson option (a memory limit, clone
//              flags, guest code); the lesson runs for real with it and the
//              goal condition is checked against that run.
// Hints are conditions too: after a wrong attempt the first hint whose
// condition holds on what was recorded is shown, with recorded values
// filled in (${fact:...}, ${first:vm-exit}, ...).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lesson.hpp"
#include "engine/trace_event.hpp"

namespace strata::engine {

// Which recorded events a condition looks at.
struct EventSelector {
    std::optional<EventKind> kind;
    std::string name;  // glob (fnmatch), empty: any name
    std::vector<std::pair<std::string, std::string>> args;  // arg name -> glob of its value
    std::optional<std::string> error;  // errno name ("EPERM"), "any" or "none"
    std::string step;  // a step id; empty: the exercise's scope
};

enum class EventPosition { any, first, last };

struct Condition {
    enum class Kind { all, any, negate, event, count, fact, console, step };
    Kind kind = Kind::all;
    int line = 0;         // in the Markdown file, for errors
    std::string says;     // what it means, for the verdict ("the hog was OOM-killed")

    std::vector<Condition> children;  // all, any, negate (one child)

    EventSelector event;  // event, count
    EventPosition position = EventPosition::any;

    std::string key;  // fact: the fact's key; step: the step id
    // Text tests (fact, console). Strings may use ${...} (see interpolate).
    std::optional<std::string> equals, not_equals, matches, contains;
    // Numeric tests (count; fact: the first number in its value).
    std::optional<double> at_least, at_most;
    std::string status;  // step: done, failed, cancelled, pending, ran
};

struct Choice {
    std::string id;    // stable: answers files and progress name it
    std::string text;  // what the learner reads
    Condition when;    // true when the recording shows this choice happened
    int line = 0;
};

struct Hint {
    std::vector<std::string> chosen;  // only after one of these choices (predict); empty: any
    std::optional<Condition> when;    // only when the recording shows this; empty: always
    std::string text;                 // may use ${...}
    int line = 0;
};

// How a challenge's parameter is edited (GUI) and asked for (CLI).
enum class EditorKind { choice, flags, number, text, assembly };
std::string_view editor_kind_key(EditorKind kind);

struct Parameter {
    std::string option;              // the LessonOption it sets
    EditorKind editor = EditorKind::text;
    std::vector<std::string> flags;  // flags: the ones to tick, joined with '|'
    std::vector<std::string> choices;  // choice: from the LessonOption (filled in on validation)
    std::string initial;             // what the editor starts with
    std::string unit;                // number: "MiB"
    std::optional<double> min, max;  // number
    std::string label;               // "memory limit"
};

enum class ExerciseKind { predict, challenge };
std::string_view exercise_kind_key(ExerciseKind kind);

struct Exercise {
    std::string id;  // unique within its lesson
    ExerciseKind kind = ExerciseKind::predict;
    std::string prompt;
    // predict: asked before this step, checked after it. challenge: empty,
    // or the step whose events the goal looks at by default.
    std::string step;
    std::vector<Choice> choices;  // predict
    LessonOptions set;            // challenge: options fixed for the attempt
    Parameter parameter;          // challenge
    Condition goal;               // challenge
    std::vector<Hint> hints;
    std::string explanation;      // shown once answered right
    int line = 0;
};

struct LessonExercises {
    std::string lesson_id;
    std::string source;  // the Markdown file, for messages
    std::vector<Exercise> exercises;
    // Front matter `inspector:`, the inspector tab the window brings to the
    // front when it first has data (one of inspector_tab_keys()); empty:
    // the window's own choice.
    std::string first_inspector;

    const Exercise* find(std::string_view id) const;
    // Predict exercises asked before `step_id`, in file order.
    std::vector<const Exercise*> before_step(std::string_view step_id) const;
    std::vector<const Exercise*> challenges() const;
};

// The inspector tabs a lesson may name in `inspector:`.
std::span<const std::string_view> inspector_tab_keys();

}  // namespace strata::engine
