#include "app/gui/gui_progress.hpp"

#include <fstream>

#include <fmt/format.h>

namespace strata::gui {

GuiProgress::GuiProgress(std::filesystem::path dir) {
    if (dir.empty()) return;
    store_.emplace(std::move(dir));
    auto loaded = store_->load();
    if (!loaded) {
        problem_ = "progress: " + loaded.error().describe();
        return;
    }
    progress_ = std::move(loaded->progress);
    if (loaded->problem) problem_ = *loaded->problem;
}

std::map<std::string, int> GuiProgress::steps_done() const {
    std::map<std::string, int> out;
    for (const auto& [id, lesson] : progress_.lessons) out[id] = static_cast<int>(lesson.steps.size());
    return out;
}

void GuiProgress::change(const std::function<void(engine::Progress&)>& apply) {
    if (!store_) {
        apply(progress_);
        return;
    }
    auto saved = store_->update(apply);
    if (!saved) {
        apply(progress_);  // keep showing it; say it was not saved
        problem_ = "progress not saved: " + saved.error().describe();
        return;
    }
    progress_ = std::move(saved->progress);
    if (saved->problem) problem_ = *saved->problem;
}

void GuiProgress::record_run(const engine::Snapshot& snapshot) {
    change([&](engine::Progress& p) { engine::record_run(p, snapshot); });
}

void GuiProgress::record_attempt(const std::string& lesson_id, const engine::Verdict& verdict, bool replay) {
    if (!verdict.counts_as_attempt()) return;
    change([&](engine::Progress& p) { engine::record_attempt(p, lesson_id, verdict, replay); });
}

void GuiProgress::migrate(const std::map<std::string, int>& steps_completed, const std::string& last_lesson,
                          const engine::Catalogue& catalogue) {
    bool needed = false;
    for (const auto& [id, count] : steps_completed) needed = needed || (count > 0 && !progress_.lessons.count(id));
    if (!needed && (last_lesson.empty() || !progress_.last_lesson.empty())) return;
    change([&](engine::Progress& p) {
        const std::string now = engine::utc_now();
        for (const auto& [id, count] : steps_completed) {
            const engine::Lesson* lesson = catalogue.find(id);
            if (!lesson || count <= 0 || p.lessons.count(id)) continue;
            // Steps run in order: the old count was the first N. Whether
            // they ran live was never kept, so they are not claimed live.
            for (int i = 0; i < count && i < static_cast<int>(lesson->steps.size()); ++i)
                p.lessons[id].steps[lesson->steps[static_cast<std::size_t>(i)].id] = {now, false};
        }
        if (p.last_lesson.empty()) p.last_lesson = last_lesson;
    });
}

std::string GuiProgress::import_text(std::string_view text) {
    auto theirs = engine::progress_from_text(text);
    if (!theirs) {
        const bool newer = theirs.error().problem == engine::ProgressProblem::future_version;
        const engine::Error& why = theirs.error().error;
        std::string message = "not imported: " + why.message + (why.hint.empty() ? "" : " (" + why.hint + ")");
        if (store_) {
            const auto aside = store_->aside_path(newer ? "newer" : "corrupt");
            std::ofstream out(aside, std::ios::binary);
            out << text;
            if (out.flush()) message += "; kept as " + aside.string();
        }
        return message + "; your progress is unchanged";
    }
    engine::MergeCounts counts;
    change([&](engine::Progress& mine) { counts = engine::merge_progress(mine, *theirs); });
    return fmt::format("imported: {} new step(s) and {} new attempt(s) merged", counts.steps, counts.attempts);
}

}  // namespace strata::gui
