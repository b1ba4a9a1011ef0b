// The course's exercises, as authored in assets/lessons/*.md: they parse,
// name real steps and options, and every lesson of the course has some.
// (Whether each one's answer matches a live run is checked in the KVM and
// container suites, which run the lessons for real.)
#include <catch2/catch.hpp>

#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;

TEST_CASE("Every lesson's front matter parses and every lesson teaches with an exercise", "[unit][exercise]") {
    for (const auto& lesson : lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        auto exercises = engine::load_exercises(engine::asset_dir(), lesson);
        if (!exercises) FAIL(exercises.error().describe());
        CHECK_FALSE(exercises->exercises.empty());
        // The point of compare/start-time is its histograms: it opens them.
        if (lesson.id == "compare/start-time") CHECK(exercises->first_inspector == "histograms");
        for (const auto& e : exercises->exercises) {
            CAPTURE(e.id);
            CHECK_FALSE(e.prompt.empty());
            if (e.kind == engine::ExerciseKind::predict) CHECK(e.choices.size() >= 2);
            // Hints are what a wrong attempt gets: every exercise has one.
            CHECK_FALSE(e.hints.empty());
            if (e.kind == engine::ExerciseKind::challenge) {
                CAPTURE(e.parameter.initial);
                auto options = e.set;
                options[e.parameter.option] = e.parameter.initial;
                CHECK(lesson.resolve_options(options));  // the editor starts from a value the lesson accepts
            }
        }
    }
}
