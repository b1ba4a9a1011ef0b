// A lesson's exercises in the window: the predictions the learner locked in
// for this run, their verdicts once their steps ran, the challenge whose
// run is under way and its verdict, every attempt saved to progress. The
// app shell feeds it each new snapshot and the exercise view's commands;
// the view draws what it publishes. No ImGui here: it is tested alone.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/command.hpp"
#include "app/gui/gui_progress.hpp"
#include "engine/exercise_check.hpp"

namespace strata::gui {

struct PredictionState {
    const engine::Exercise* exercise = nullptr;
    int step = -1;                       // index of the step it is asked before
    std::optional<std::string> locked;   // the choice id locked in for this run
    std::optional<engine::Verdict> verdict;
};

struct ChallengeState {
    const engine::Exercise* exercise = nullptr;
    std::optional<engine::Verdict> verdict;  // of the last attempt
    bool running = false;                    // its run is under way
};

struct ExercisePanel {
    std::string lesson_id;
    std::shared_ptr<const engine::LessonExercises> exercises;  // owns what the states point to
    std::string problem;  // the front matter could not be read
    std::vector<PredictionState> predictions;
    std::vector<ChallengeState> challenges;
    std::string challenge_run;  // the challenge whose options the shown run uses, if any
    bool replay = false;
    // From the learner's progress, per exercise id: attempts so far, passed once.
    std::map<std::string, std::pair<int, bool>> record;
    int resume_step = -1;  // last time the learner got to this step; -1: nothing to resume
    engine::Bindings bindings;
};

class ExerciseTracker {
public:
    ExerciseTracker(GuiProgress& progress, std::filesystem::path assets, std::string student);

    // Every snapshot the window shows, in order.
    void observe(const std::shared_ptr<const engine::Snapshot>& snapshot);
    // answer_prediction and start_challenge from the view. Returns the
    // lesson command a challenge needs the controller to run.
    std::optional<Command> apply(const Command& command, const engine::Snapshot* snapshot);

    // Once per frame: a challenge run the controller refused to start (it
    // is idle and no new run appeared) is marked as such, with why.
    void settle(bool busy, const std::string& problem);

    const ExercisePanel& panel() const { return panel_; }

private:
    void load(const engine::Lesson& lesson);
    void new_run(const engine::Snapshot& snapshot);
    void refresh_record();

    GuiProgress& progress_;
    std::filesystem::path assets_;
    ExercisePanel panel_;
    std::uint64_t run_ = 0;          // the run the states belong to
    int steps_checked_ = -1;         // steps of this run whose predictions were checked
    int steps_recorded_ = 0;         // steps of this run already in progress
    struct Pending {
        std::string exercise;
        std::string value;
        std::uint64_t after_run = 0;  // the verdict belongs to the first run after this one
    };
    std::optional<Pending> pending_;
};

}  // namespace strata::gui
