#include "app/gui/exercise_tracker.hpp"

#include "engine/exercise_parse.hpp"

#include <cerrno>

namespace strata::gui {

ExerciseTracker::ExerciseTracker(GuiProgress& progress, std::filesystem::path assets, std::string student)
    : progress_(progress), assets_(std::move(assets)) {
    panel_.bindings["student"] = std::move(student);
}

void ExerciseTracker::load(const engine::Lesson& lesson) {
    const std::string student = panel_.bindings["student"];
    panel_ = ExercisePanel{};
    panel_.bindings["student"] = student;
    panel_.lesson_id = lesson.id;
    pending_.reset();
    run_ = 0;
    auto loaded = engine::load_exercises(assets_, lesson);
    if (!loaded) {
        // No Markdown file at all is the narrative's to report; a file that
        // cannot be read as exercises is this panel's.
        if (loaded.error().errno_value != ENOENT) panel_.problem = loaded.error().describe();
        return;
    }
    panel_.exercises = std::make_shared<const engine::LessonExercises>(std::move(*loaded));
    for (const auto& e : panel_.exercises->exercises) {
        if (e.kind == engine::ExerciseKind::challenge) {
            panel_.challenges.push_back({&e, std::nullopt, false});
            continue;
        }
        int index = -1;
        for (std::size_t i = 0; i < lesson.steps.size(); ++i)
            if (lesson.steps[i].id == e.step) index = static_cast<int>(i);
        panel_.predictions.push_back({&e, index, std::nullopt, std::nullopt});
    }
    refresh_record();
}

void ExerciseTracker::refresh_record() {
    panel_.record.clear();
    const auto& lessons = progress_.progress().lessons;
    auto it = lessons.find(panel_.lesson_id);
    if (it == lessons.end()) return;
    for (const auto& [id, e] : it->second.exercises) panel_.record[id] = {static_cast<int>(e.attempts.size()), e.passed()};
}

void ExerciseTracker::new_run(const engine::Snapshot& snap) {
    run_ = snap.run;
    steps_checked_ = -1;
    steps_recorded_ = 0;
    // A fresh run asks every prediction again.
    for (auto& p : panel_.predictions) p.locked.reset(), p.verdict.reset();
    panel_.replay = snap.replay_label.has_value();
    const auto defaults = snap.lesson->resolve_options({});
    const bool default_options = defaults && *defaults == snap.options;
    if (default_options) panel_.challenge_run.clear();
    // Where the learner left off, unless that was the lesson's end.
    const auto& p = progress_.progress();
    const int last = static_cast<int>(snap.lesson->steps.size()) - 1;
    panel_.resume_step = default_options && p.last_lesson == panel_.lesson_id && p.last_step < last ? p.last_step : -1;
}

void ExerciseTracker::observe(const std::shared_ptr<const engine::Snapshot>& snapshot) {
    if (!snapshot || !snapshot->lesson) return;
    const engine::Snapshot& snap = *snapshot;
    if (snap.lesson->id != panel_.lesson_id) load(*snap.lesson);
    if (snap.run != run_) new_run(snap);
    if (snap.current_step >= 0) panel_.resume_step = -1;

    // Steps that ended in this run: check what was predicted for them.
    int ended = -1;
    for (std::size_t i = 0; i < snap.steps.size(); ++i) {
        const auto s = snap.steps[i].status;
        if (s == engine::StepStatus::done || s == engine::StepStatus::failed || s == engine::StepStatus::cancelled)
            ended = static_cast<int>(i);
    }
    for (auto& p : panel_.predictions) {
        if (p.step <= steps_checked_ || p.step > ended || !p.locked || p.verdict) continue;
        p.verdict = engine::check_prediction(*p.exercise, snap, *p.locked, panel_.bindings);
        progress_.record_attempt(panel_.lesson_id, *p.verdict, panel_.replay);
    }
    steps_checked_ = std::max(steps_checked_, ended);

    int done = 0;
    for (const auto& s : snap.steps) done += s.status == engine::StepStatus::done;
    if (done > steps_recorded_) {
        progress_.record_run(snap);
        steps_recorded_ = done;
    }

    // The challenge's own run: its verdict once it has ended.
    if (pending_ && snap.run != pending_->after_run) {
        for (auto& c : panel_.challenges) {
            if (c.exercise->id != pending_->exercise) continue;
            panel_.challenge_run = c.exercise->id;
            c.running = !snap.finished && !snap.cancelled;
            if (c.running) break;
            c.verdict = engine::check_challenge(*c.exercise, snap, pending_->value, panel_.bindings);
            progress_.record_attempt(panel_.lesson_id, *c.verdict, false);
            pending_.reset();
            break;
        }
    }
    refresh_record();
}

void ExerciseTracker::settle(bool busy, const std::string& problem) {
    if (!pending_ || busy || run_ != pending_->after_run) return;
    for (auto& c : panel_.challenges) {
        if (c.exercise->id != pending_->exercise) continue;
        c.running = false;
        engine::Verdict v;
        v.exercise_id = c.exercise->id;
        v.answer = pending_->value;
        v.summary = problem.empty() ? "the run did not start" : "the run did not start: " + problem;
        c.verdict = v;
    }
    pending_.reset();
}

std::optional<Command> ExerciseTracker::apply(const Command& c, const engine::Snapshot* snapshot) {
    if (c.kind == CommandKind::answer_prediction) {
        for (auto& p : panel_.predictions)
            if (p.exercise->id == c.text && !p.verdict) p.locked = c.value;
        return std::nullopt;
    }
    if (c.kind != CommandKind::start_challenge || !snapshot || !snapshot->lesson) return std::nullopt;
    for (auto& ch : panel_.challenges) {
        if (ch.exercise->id != c.text) continue;
        pending_ = Pending{c.text, c.value, snapshot->run};
        ch.running = true;
        ch.verdict.reset();
        Command run{CommandKind::run_with_options, panel_.lesson_id};
        run.options = ch.exercise->set;
        run.options[ch.exercise->parameter.option] = c.value;
        return run;
    }
    return std::nullopt;
}

}  // namespace strata::gui
