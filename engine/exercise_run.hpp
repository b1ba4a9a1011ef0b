// Running a lesson to answer its exercises: the predictions of one run
// checked step by step, and a challenge's own run with the learner's value.
// Shared by `strata run` (prompts), `strata lab check` (an autograder) and
// the tests that check the course's exercises against live runs.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/exercise_check.hpp"
#include "engine/session.hpp"

namespace strata::engine {

// Exercise id -> choice id (predict) or parameter value (challenge).
using Answers = std::map<std::string, std::string>;

struct ExerciseResult {
    const Exercise* exercise = nullptr;
    std::optional<Verdict> verdict;  // nullopt: no answer was given
};

// Every answer must name an exercise of its lesson, a predict answer one of
// its choices, and a challenge value one the lesson accepts: `strata lab
// check` and `strata screenshot --answer` refuse the same answers.
Result<void> validate_answers(const LessonExercises& exercises, const Lesson& lesson, const Answers& answers);

// Steps `session` to the end (or its first failing step), checking after
// each step the predictions asked before it that `answers` answers.
// `on_step(index)` runs after each step (the CLI prints it). Returns a
// result for every predict exercise in `exercises` (selected by `only`
// when it is not empty), in file order.
std::vector<ExerciseResult> run_predictions(Session& session, const LessonExercises& exercises, const Answers& answers,
                                            const std::vector<std::string>& only, const Bindings& bindings,
                                            const std::function<void(int)>& on_step = {});

// Runs `lesson` (a live one: a challenge needs real calls) with the
// challenge's fixed options and `value`, to its end or first failure, and
// checks the goal on that run. An invalid value is an Error (the option's
// validator says why), not a failed attempt.
struct ChallengeRun {
    Verdict verdict;
    Snapshot snapshot;
};
Result<ChallengeRun> run_challenge(const Lesson& lesson, const Exercise& challenge, const std::string& value,
                                   const Bindings& bindings, const std::function<void(const Session&)>& on_step = {});

}  // namespace strata::engine
