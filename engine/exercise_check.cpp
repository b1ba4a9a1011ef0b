// Verdicts: a prediction or a challenge against the run that answers it.
#include "engine/exercise_check.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace strata::engine {

std::string_view outcome_key(Outcome outcome) {
    switch (outcome) {
        case Outcome::passed: return "passed";
        case Outcome::failed: return "failed";
        case Outcome::unresolved: return "unresolved";
    }
    return "";
}

std::string_view exercise_kind_key(ExerciseKind kind) { return kind == ExerciseKind::predict ? "predict" : "challenge"; }

std::string_view editor_kind_key(EditorKind kind) {
    switch (kind) {
        case EditorKind::choice: return "choice";
        case EditorKind::flags: return "flags";
        case EditorKind::number: return "number";
        case EditorKind::text: return "text";
        case EditorKind::assembly: return "assembly";
    }
    return "";
}

std::span<const std::string_view> inspector_tab_keys() {
    // The window's inspector tabs (app/gui/inspector_view.cpp), lower-case.
    static constexpr std::string_view keys[] = {"values", "registers", "memory", "tables", "series", "histograms", "console"};
    return keys;
}

const Exercise* LessonExercises::find(std::string_view id) const {
    for (const auto& e : exercises)
        if (e.id == id) return &e;
    return nullptr;
}

std::vector<const Exercise*> LessonExercises::before_step(std::string_view step_id) const {
    std::vector<const Exercise*> out;
    for (const auto& e : exercises)
        if (e.kind == ExerciseKind::predict && e.step == step_id) out.push_back(&e);
    return out;
}

std::vector<const Exercise*> LessonExercises::challenges() const {
    std::vector<const Exercise*> out;
    for (const auto& e : exercises)
        if (e.kind == ExerciseKind::challenge) out.push_back(&e);
    return out;
}

namespace {

// The first hint that applies to this attempt: its `chosen` list names the
// learner's choice (or is empty) and its condition holds on the recording.
std::optional<std::string> pick_hint(const Exercise& exercise, const Evidence& evidence, const std::string& answer) {
    for (const auto& hint : exercise.hints) {
        if (!hint.chosen.empty() && std::find(hint.chosen.begin(), hint.chosen.end(), answer) == hint.chosen.end())
            continue;
        if (hint.when && !holds(*hint.when, evidence)) continue;
        return interpolate(hint.text, evidence);
    }
    return std::nullopt;
}

const Choice* choice_named(const Exercise& exercise, const std::string& id) {
    for (const auto& c : exercise.choices)
        if (c.id == id) return &c;
    return nullptr;
}

// The parts of a goal that say what they mean: the goal itself, or the
// children of a top-level `all`.
void describe_goal(const Condition& goal, const Evidence& evidence, std::vector<GoalPart>& out) {
    if (!goal.says.empty()) {
        out.push_back({interpolate(goal.says, evidence), holds(goal, evidence)});
        return;
    }
    if (goal.kind == Condition::Kind::all)
        for (const auto& child : goal.children)
            if (!child.says.empty()) out.push_back({interpolate(child.says, evidence), holds(child, evidence)});
}

}  // namespace

Verdict check_prediction(const Exercise& exercise, const Snapshot& snapshot, const std::string& choice_id,
                         Bindings bindings) {
    Verdict v;
    v.exercise_id = exercise.id;
    v.answer = choice_id;
    const int index = step_index(snapshot, exercise.step);
    if (index < 0 || index >= static_cast<int>(snapshot.steps.size()) ||
        snapshot.steps[static_cast<std::size_t>(index)].status == StepStatus::pending ||
        snapshot.steps[static_cast<std::size_t>(index)].status == StepStatus::running) {
        v.summary = fmt::format("step {} has not run yet: nothing to check the prediction against", exercise.step);
        return v;
    }
    const Choice* chosen = choice_named(exercise, choice_id);
    if (!chosen) {
        v.summary = fmt::format("'{}' is not one of this exercise's choices", choice_id);
        return v;
    }
    bindings["answer"] = chosen->text;
    const Evidence evidence{snapshot, index, bindings};
    for (const auto& c : exercise.choices)
        if (holds(c.when, evidence)) v.recorded.push_back(c.id);
    if (v.recorded.empty()) {
        v.summary = "none of the choices describes what this run recorded, so it cannot be checked "
                    "(look at the step's events in the timeline)";
        return v;
    }
    std::string what;
    for (const auto& id : v.recorded) what += (what.empty() ? "" : "; ") + choice_named(exercise, id)->text;
    if (std::find(v.recorded.begin(), v.recorded.end(), choice_id) != v.recorded.end()) {
        v.outcome = Outcome::passed;
        v.summary = "Right: the step recorded exactly that.";
        v.explanation = interpolate(exercise.explanation, evidence);
    } else {
        v.outcome = Outcome::failed;
        v.summary = fmt::format("Not this time. What the step recorded: {}", what);
        v.hint = pick_hint(exercise, evidence, choice_id);
    }
    return v;
}

Verdict check_challenge(const Exercise& exercise, const Snapshot& snapshot, const std::string& value,
                        Bindings bindings) {
    Verdict v;
    v.exercise_id = exercise.id;
    v.answer = value;
    if (snapshot.replay_label) {
        v.summary = "a recording plays back one real run: it cannot be re-run with your value (this challenge "
                    "needs a machine that runs the lesson live)";
        return v;
    }
    if (auto it = snapshot.options.find(exercise.parameter.option); it == snapshot.options.end() || it->second != value) {
        v.summary = fmt::format("this run did not use {} = {}", exercise.parameter.option, value);
        return v;
    }
    if (snapshot.current_step < 0) {
        v.summary = "the lesson has not run yet";
        return v;
    }
    bindings["answer"] = value;
    const Evidence evidence{snapshot, exercise.step.empty() ? -1 : step_index(snapshot, exercise.step), bindings};
    describe_goal(exercise.goal, evidence, v.goal);
    if (holds(exercise.goal, evidence)) {
        v.outcome = Outcome::passed;
        v.summary = "Goal met, by a real run with your value.";
        v.explanation = interpolate(exercise.explanation, evidence);
    } else {
        v.outcome = Outcome::failed;
        v.summary = "The real run did not meet the goal.";
        v.hint = pick_hint(exercise, evidence, value);
    }
    return v;
}

}  // namespace strata::engine
