// Checking exercises against a run: conditions are evaluated on a
// Snapshot's recorded events, facts and console, never on the Markdown.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/exercise.hpp"
#include "engine/snapshot.hpp"

namespace strata::engine {

// Values a condition or a hint may name as ${name}: "student" (the
// learner's name), "answer" (what they chose or set).
using Bindings = std::map<std::string, std::string>;

// What a check looks at.
struct Evidence {
    const Snapshot& snapshot;
    int scope_step = -1;  // events of this step only; -1: every step of the run
    Bindings bindings;
};

bool holds(const Condition& condition, const Evidence& evidence);

// Fills ${...} in `text` from the evidence:
//   ${student}, ${answer}      bindings
//   ${fact:KEY}                a recorded fact's value
//   ${first:KIND} ${last:KIND} the name of the first/last event of a kind
//                              (vm-exit, syscall, ...) in scope
//   ${count:KIND}              how many events of that kind are in scope
//   ${failed}                  the first failed call in scope, with errno
//   ${console}                 what the guest or container printed (its end)
// A value that was not recorded reads "(not recorded)".
std::string interpolate(std::string_view text, const Evidence& evidence);
// Fills ${...} where there is no run to read (`strata lab list`, the lab
// report, a challenge not yet run): bindings as they are, and a value only
// a run records in words ("(the number of vm-exit events a run records)"),
// so no output ever shows a placeholder as written.
std::string interpolate_without_run(std::string_view text, const Bindings& bindings);
// The placeholders `text` uses that interpolate() would not understand.
std::vector<std::string> unknown_placeholders(std::string_view text);

enum class Outcome {
    passed,
    failed,
    unresolved,  // the run could not decide (step not run, no choice matched, replay)
};
std::string_view outcome_key(Outcome outcome);

// One part of a challenge's goal that says what it means.
struct GoalPart {
    std::string says;
    bool held = false;
};

struct Verdict {
    std::string exercise_id;
    Outcome outcome = Outcome::unresolved;
    std::string answer;                  // the choice id, or the parameter's value
    std::vector<std::string> recorded;   // predict: the choices the recording satisfies
    std::string summary;                 // one sentence for the learner
    std::vector<GoalPart> goal;          // challenge: its described parts
    std::optional<std::string> hint;     // after a wrong attempt
    std::string explanation;             // after a right one
    bool counts_as_attempt() const { return outcome != Outcome::unresolved; }
};

// A prediction, after its step ran. `snapshot` is the session's.
Verdict check_prediction(const Exercise& exercise, const Snapshot& snapshot, const std::string& choice_id,
                         Bindings bindings = {});
// A challenge, after a run made with the parameter set to `value`.
Verdict check_challenge(const Exercise& exercise, const Snapshot& snapshot, const std::string& value,
                        Bindings bindings = {});

// The step index of `step_id` in the snapshot's lesson, or -1.
int step_index(const Snapshot& snapshot, std::string_view step_id);

}  // namespace strata::engine
