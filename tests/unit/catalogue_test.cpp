#include <catch2/catch.hpp>

#include <set>

#include "engine/catalogue.hpp"
#include "engine/lesson_metadata.hpp"
#include "engine/narrative.hpp"
#include "lessons/catalogue.hpp"

using namespace strata::engine;

TEST_CASE("Edit distance counts single-character edits", "[unit][engine]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("kvm", "kvm") == 0);
    CHECK(edit_distance("kvm", "kvn") == 1);
    CHECK(edit_distance("vm/helo-kvm", "vm/hello-kvm") == 1);
    CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("A mistyped lesson id gets the closest ids suggested", "[unit][engine]") {
    const auto& course = strata::lessons::catalogue();
    REQUIRE(course.find("vm/hello-kvm") != nullptr);
    CHECK(course.find("vm/hello") == nullptr);

    SECTION("a typo") { CHECK(course.closest("vm/helo-kvm").front() == "vm/hello-kvm"); }
    SECTION("the name without its track") { CHECK(course.closest("hello-kvm").front() == "vm/hello-kvm"); }
    SECTION("nothing alike gets no suggestion") { CHECK(course.closest("zzzzzzzzzzzzzzzzzzzzzzzz").empty()); }
}

TEST_CASE("Every lesson has a unique id, steps, and a narrative section per step", "[unit][engine]") {
    const auto& course = strata::lessons::catalogue();
    std::set<std::string> ids;
    for (const auto& lesson : course.lessons()) {
        CAPTURE(lesson.id);
        CHECK(ids.insert(lesson.id).second);
        CHECK_FALSE(lesson.steps.empty());
        auto narrative = load_narrative(asset_dir(), lesson.id);
        REQUIRE(narrative);
        for (const auto& step : lesson.steps) {
            CAPTURE(step.id);
            CHECK(narrative->section(step.id) != nullptr);
            CHECK_FALSE(step.expected_layers.empty());
        }
    }
}

TEST_CASE("Every lesson's title and summary come from its Markdown, and the title is written only there",
          "[unit][engine]") {
    CHECK(strata::lessons::catalogue_problems().empty());
    for (const auto& lesson : strata::lessons::catalogue().lessons()) {
        CAPTURE(lesson.id);
        auto metadata = load_lesson_metadata(asset_dir(), lesson.id);
        REQUIRE(metadata);
        CHECK(lesson.title == metadata->title);
        CHECK(lesson.summary == metadata->summary);
        CHECK(lesson.track == track_of(lesson.id));
        // No `# Title` heading repeats it: an H1 would be shown as text.
        auto narrative = load_narrative(asset_dir(), lesson.id);
        REQUIRE(narrative);
        CHECK(narrative->introduction.find(lesson.title) == std::string::npos);
    }
}
