// Exercises in `strata run` on a terminal: a prediction is asked before its
// step and checked after it; the challenges are offered once the lesson
// ends, each running the lesson again, for real, with the learner's value.
// Every attempt goes into the learner's progress.
#pragma once

#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include "engine/exercise.hpp"
#include "engine/exercise_check.hpp"
#include "engine/progress_store.hpp"
#include "engine/snapshot.hpp"

namespace strata::cli {

class TerminalExercises {
public:
    // `in`/`out` are the terminal (std::cin / stdout in `strata run`).
    TerminalExercises(engine::LessonExercises exercises, const engine::ProgressStore& store, engine::Bindings bindings,
                      bool replay, std::istream& in, std::FILE* out);

    bool empty() const { return exercises_.exercises.empty(); }
    // Before step `step_id` runs: asks its predictions.
    void before_step(const std::string& step_id, const engine::Snapshot& snapshot);
    // After it ran: checks the answers given, prints verdicts and hints.
    void after_step(const std::string& step_id, const engine::Snapshot& snapshot);
    // After the lesson: offers each challenge until passed or skipped.
    // `live` is the lesson itself; null when this machine cannot run it live.
    void offer_challenges(const engine::Lesson* live);

private:
    std::optional<std::string> ask_choice(const engine::Exercise& exercise, const engine::Snapshot& snapshot);
    std::optional<std::string> ask_value(const engine::Exercise& exercise);
    void print_verdict(const engine::Verdict& verdict);
    void record(const engine::Verdict& verdict, bool replay);
    std::optional<std::string> read_line();

    engine::LessonExercises exercises_;
    const engine::ProgressStore& store_;
    engine::Bindings bindings_;
    bool replay_;
    std::istream& in_;
    std::FILE* out_;
    std::map<std::string, std::string> pending_;  // exercise id -> choice id, until its step ran
};

}  // namespace strata::cli
