#include "tests/compare/lesson_run.hpp"

#include <catch2/catch.hpp>

#include "engine/exercise_check.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/install_layout.hpp"

#include <cstdlib>

#include "lessons/catalogue.hpp"
#include "tests/support/host_state.hpp"

namespace strata::tests {

std::string CompareRun::value(const std::string& key) const {
    for (const auto& [k, v] : snapshot.facts.values)
        if (k == key) return v;
    return "<missing " + key + ">";
}

const engine::TableView* CompareRun::table(const std::string& title) const {
    for (const auto& t : snapshot.facts.tables)
        if (t.title == title) return &t;
    return nullptr;
}

const engine::HistogramView* CompareRun::histogram(const std::string& title) const {
    for (const auto& h : snapshot.facts.histograms)
        if (h.title == title) return &h;
    return nullptr;
}

const engine::SeriesView* CompareRun::series(const std::string& title) const {
    for (const auto& s : snapshot.facts.series)
        if (s.title == title) return &s;
    return nullptr;
}

int CompareRun::step(const std::string& id) const {
    for (std::size_t i = 0; i < snapshot.lesson->steps.size(); ++i)
        if (snapshot.lesson->steps[i].id == id) return static_cast<int>(i);
    return -1;
}

CompareRun run_compare_lesson(const std::string& id, const engine::LessonOptions& options) {
    CompareRun run;
    const auto* lesson = lessons::catalogue().find(id);
    if (!lesson) {
        run.error = "no lesson " + id;
        return run;
    }
    const auto before = HostState::capture();
    {
        auto resolved = lesson->resolve_options(options);
        if (!resolved) {
            run.error = resolved.error().describe();
            return run;
        }
        engine::Session session(*lesson, *resolved);
        auto result = session.run_to_end();
        run.ok = bool(result);
        if (!result) run.error = result.error().describe() + " | hint: " + result.error().hint;
        run.snapshot = session.snapshot();
        for (int i = 0; i < static_cast<int>(lesson->steps.size()); ++i) {
            const auto check = run.snapshot.check_layers(i);
            for (auto l : check.missing)
                run.layer_problems.push_back(lesson->steps[i].id + ": missing " + std::string(engine::layer_key(l)));
            for (auto l : check.unexpected)
                run.layer_problems.push_back(lesson->steps[i].id + ": unexpected " + std::string(engine::layer_key(l)));
        }
    }
    run.leaks = leaks_between(before, HostState::capture());
    if (run.ok) check_predictions_resolve(*lesson, run.snapshot);
    return run;
}

void check_predictions_resolve(const engine::Lesson& lesson, const engine::Snapshot& snapshot) {
    auto exercises = engine::load_exercises(engine::asset_dir(), lesson);
    REQUIRE(exercises);
    for (const auto& e : exercises->exercises) {
        if (e.kind != engine::ExerciseKind::predict) continue;
        // The predictions judge facts the run measured, which a later step
        // keeps: the last snapshot holds what each one's step recorded.
        const auto verdict = engine::check_prediction(e, snapshot, e.choices.front().id);
        std::string held;
        for (const auto& c : verdict.recorded) held += " " + c;
        INFO(lesson.id << " " << e.id << ": the choices this run satisfies:" << (held.empty() ? " none" : held));
        CHECK(verdict.recorded.size() == 1);
    }
}

long long kib_of(const std::string& value) { return std::atoll(value.c_str()); }

}  // namespace strata::tests
