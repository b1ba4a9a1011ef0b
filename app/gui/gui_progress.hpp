// The window's view of the learner's progress (engine/progress_store): the
// copy the views read, kept in step with the file, which every step done
// and every attempt updates at once (so a crash loses nothing and a
// `strata run` in a terminal meanwhile is merged, not overwritten).
//
// Older strata kept "steps completed" in the GUI settings
// ($XDG_CONFIG_HOME/strata/settings.json); those move here once.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/catalogue.hpp"
#include "engine/progress_store.hpp"

namespace strata::gui {

class GuiProgress {
public:
    // `dir` empty: progress lives in memory only (tests).
    explicit GuiProgress(std::filesystem::path dir);

    const engine::Progress& progress() const { return progress_; }
    // What went wrong with the file (moved aside, not saved), for the status line.
    const std::string& problem() const { return problem_; }
    // Lesson id -> steps done, for the navigator.
    std::map<std::string, int> steps_done() const;

    void record_run(const engine::Snapshot& snapshot);
    void record_attempt(const std::string& lesson_id, const engine::Verdict& verdict, bool replay);
    // Brings the settings' old per-lesson counts in (the first N steps of
    // each lesson), when the progress knows nothing of that lesson yet.
    void migrate(const std::map<std::string, int>& steps_completed, const std::string& last_lesson,
                 const engine::Catalogue& catalogue);

    // Merges progress exported elsewhere (`strata progress export`, the
    // browser edition's Export) into this one, and says what happened in a
    // sentence for the learner. Text that cannot be read as progress
    // (broken, or written by a newer strata) changes nothing; with a store
    // it is kept beside the progress file, named as a bad progress file is
    // (".newer-<time>", ".corrupt-<time>"), so nothing brought in is lost.
    std::string import_text(std::string_view text);

private:
    void change(const std::function<void(engine::Progress&)>& apply);

    std::optional<engine::ProgressStore> store_;
    engine::Progress progress_;
    std::string problem_;
};

}  // namespace strata::gui
