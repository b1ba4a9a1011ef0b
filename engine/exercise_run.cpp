#include "engine/exercise_run.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace strata::engine {

namespace {

bool selected(const std::vector<std::string>& only, const std::string& id) {
    return only.empty() || std::find(only.begin(), only.end(), id) != only.end();
}

}  // namespace

std::vector<ExerciseResult> run_predictions(Session& session, const LessonExercises& exercises, const Answers& answers,
                                            const std::vector<std::string>& only, const Bindings& bindings,
                                            const std::function<void(int)>& on_step) {
    std::vector<ExerciseResult> results;
    for (const auto& e : exercises.exercises)
        if (e.kind == ExerciseKind::predict && selected(only, e.id)) results.push_back({&e, std::nullopt});

    while (!session.finished()) {
        const int index = session.next_step();
        const auto outcome = session.step();
        if (on_step) on_step(index);
        const auto snapshot = session.snapshot();
        const std::string& step_id = session.lesson().steps[static_cast<std::size_t>(index)].id;
        for (auto& r : results) {
            if (r.exercise->step != step_id) continue;
            if (auto it = answers.find(r.exercise->id); it != answers.end())
                r.verdict = check_prediction(*r.exercise, snapshot, it->second, bindings);
        }
        if (!outcome) break;
    }
    // Answered, but their step never ran (an earlier one failed).
    const auto snapshot = session.snapshot();
    for (auto& r : results)
        if (!r.verdict)
            if (auto it = answers.find(r.exercise->id); it != answers.end())
                r.verdict = check_prediction(*r.exercise, snapshot, it->second, bindings);
    return results;
}

Result<ChallengeRun> run_challenge(const Lesson& lesson, const Exercise& challenge, const std::string& value,
                                   const Bindings& bindings, const std::function<void(const Session&)>& on_step) {
    LessonOptions options = challenge.set;
    options[challenge.parameter.option] = value;
    auto resolved = lesson.resolve_options(options);
    if (!resolved) return std::unexpected(resolved.error());
    Session session(lesson, *resolved);
    while (!session.finished()) {
        const auto outcome = session.step();
        if (on_step) on_step(session);
        if (!outcome) break;  // the goal may well be about the failure
    }
    ChallengeRun run{{}, session.snapshot()};
    run.verdict = check_challenge(challenge, run.snapshot, value, bindings);
    return run;
}

Result<void> validate_answers(const LessonExercises& exercises, const Lesson& lesson, const Answers& answers) {
    for (const auto& [id, value] : answers) {
        const Exercise* e = exercises.find(id);
        if (!e) {
            std::string ids;
            for (const auto& ex : exercises.exercises) ids += (ids.empty() ? "" : ", ") + ex.id;
            return plain_error(lesson.id, fmt::format("there is no exercise '{}'", id),
                               ids.empty() ? "this lesson has no exercises" : "its exercises: " + ids);
        }
        if (e->kind == ExerciseKind::predict) {
            std::string ids;
            bool known = false;
            for (const auto& c : e->choices) {
                ids += (ids.empty() ? "" : ", ") + c.id;
                known = known || c.id == value;
            }
            if (!known)
                return plain_error(lesson.id + " " + id, fmt::format("'{}' is not one of its choices", value),
                                   "its choices: " + ids);
        } else {
            auto options = e->set;
            options[e->parameter.option] = value;
            if (auto ok = lesson.resolve_options(options); !ok) return std::unexpected(ok.error().with_context(id));
        }
    }
    return {};
}

}  // namespace strata::engine
