// Checks a lesson's authored exercises against a live run, for the backend
// suites: every prediction must have exactly one choice that what the run
// recorded satisfies (else the exercise cannot be answered right, or has
// two right answers), and a challenge's verdict is the real run's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/exercise.hpp"
#include "engine/exercise_check.hpp"

namespace strata::tests {

struct PredictionCheck {
    std::string exercise;
    std::vector<std::string> recorded;  // the choices the live run satisfied
};

// Runs `lesson` with its default options to the end (REQUIREs that every
// step succeeds) and returns, per prediction, the choices its step's
// recording satisfied.
std::vector<PredictionCheck> predictions_against_live_run(const engine::Lesson& lesson,
                                                          const engine::LessonExercises& exercises);

// Runs `challenge` of `lesson` live with `value` and returns the verdict.
engine::Verdict challenge_against_live_run(const engine::Lesson& lesson, const engine::LessonExercises& exercises,
                                           const std::string& challenge, const std::string& value,
                                           const std::string& student = "Ada");

// What `body` prints on stdout, and its result.
std::pair<int, std::string> capture_stdout(const std::function<int()>& body);

}  // namespace strata::tests
