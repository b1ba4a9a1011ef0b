// Every container lesson has a narrative with one section per step.
#include <catch2/catch.hpp>

#include "engine/narrative.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;

TEST_CASE("Each container lesson's narrative has a titled section for every step", "[unit][container]") {
    int lessons_seen = 0;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        if (lesson.track != "container") continue;
        ++lessons_seen;
        CAPTURE(lesson.id);
        auto narrative = engine::load_narrative(engine::asset_dir(), lesson.id);
        REQUIRE(narrative);
        CHECK(lesson.title != lesson.id);  // named by its Markdown's front matter
        for (const auto& step : lesson.steps) {
            CAPTURE(step.id);
            const auto* section = narrative->section(step.id);
            REQUIRE(section != nullptr);
            // Said before the step runs, or revealed after it (reveal-after-predict).
            CHECK(section->markdown.size() + section->revealed.size() > 100);
        }
        CHECK(narrative->sections.size() == lesson.steps.size());
    }
    CHECK(lessons_seen >= 7);
}
