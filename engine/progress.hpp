// A learner's progress: which steps of which lessons they ran, every
// attempt at every exercise, and the measurements of their latest full run
// of each lesson (what a lab report shows). Plain values; the file that
// holds them is engine/progress_store.hpp.
//
// File format (JSON, version 1):
//   {"format": "strata-progress", "version": 1, "student": "...",
//    "updated_at": ISO, "last_lesson": ID, "last_step": N,
//    "lessons": {ID: {"steps": {STEP: {"first_done": ISO, "live": bool}},
//                     "exercises": {EX: {"attempts": [{"at", "answer", "passed", "replay"}]}},
//                     "measurements": {"at": ISO, "live": bool, "values": [[key, value], ...],
//                                      "options": {KEY: VALUE}}}}}
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/exercise_check.hpp"
#include "engine/snapshot.hpp"

namespace strata::engine {

inline constexpr int kProgressVersion = 1;

struct Attempt {
    std::string at;      // ISO 8601 UTC, to the second
    std::string answer;  // the choice id, or the challenge's value
    bool passed = false;
    bool replay = false;  // checked against a recording, not a live run

    bool operator==(const Attempt&) const = default;
};

struct ExerciseProgress {
    std::vector<Attempt> attempts;  // oldest first
    bool passed() const;
};

struct StepProgress {
    std::string first_done;  // ISO 8601 UTC
    bool live = false;       // done at least once live (not only replayed)
};

struct Measurements {
    std::string at;  // when the run ended
    bool live = false;
    std::vector<std::pair<std::string, std::string>> values;  // the run's facts
    LessonOptions options;  // what the run was made with, where not the default
};

struct LessonProgress {
    std::map<std::string, StepProgress> steps;  // step id -> first time done
    std::map<std::string, ExerciseProgress> exercises;
    std::optional<Measurements> measurements;   // the latest run that reached its end
};

struct Progress {
    int version = kProgressVersion;
    std::string student;
    std::string updated_at;
    std::string last_lesson;  // where the learner left: the lesson ...
    int last_step = -1;       // ... and the index of the last step they ran in it
    std::map<std::string, LessonProgress> lessons;
};

// "2026-11-24T10:31:05Z", now.
std::string utc_now();

nlohmann::json progress_to_json(const Progress& progress);

// Why a file cannot be read as progress: broken, or from a newer strata.
enum class ProgressProblem { malformed, future_version };
struct ProgressError {
    ProgressProblem problem;
    Error error;
};
std::expected<Progress, ProgressError> progress_from_json(const nlohmann::json& json);
std::expected<Progress, ProgressError> progress_from_text(std::string_view text);

// What a run of `snapshot`'s lesson adds: its steps that are done, where the
// learner is now, and (once every step is done) its measurements.
void record_run(Progress& progress, const Snapshot& snapshot);
// One attempt at an exercise; unresolved verdicts are not attempts.
void record_attempt(Progress& progress, const std::string& lesson_id, const Verdict& verdict, bool replay);

// Brings `from` (another machine's export) into `into`:
//   steps        union; the earlier first_done; live if live on either
//   attempts     union: an attempt with the same time, answer and result is
//                the same attempt, so importing a file twice adds nothing
//   measurements the newer run
//   student      kept unless empty here
//   last lesson  from whichever file was updated later
// Returns how many steps and attempts were new here.
struct MergeCounts {
    int steps = 0;
    int attempts = 0;
};
MergeCounts merge_progress(Progress& into, const Progress& from);

// The learner's name when none was given: the full name in the password
// database, else the login name.
std::string default_student_name();

}  // namespace strata::engine
