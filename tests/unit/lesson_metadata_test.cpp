#include <catch2/catch.hpp>

#include <filesystem>

#include "engine/lesson_metadata.hpp"

using namespace strata::engine;

TEST_CASE("A lesson's title and summary are read from its front matter", "[unit][engine]") {
    auto m = parse_lesson_metadata("---\ntitle: \"Boot Linux: a real kernel\"\nsummary: >-\n  two\n  lines\n"
                                   "exercises: []\n---\n\nIntro.\n",
                                   "x.md");
    REQUIRE(m);
    CHECK(m->title == "Boot Linux: a real kernel");
    CHECK(m->summary == "two lines");
}

TEST_CASE("A lesson's Markdown without a title or summary is an error naming the file", "[unit][engine]") {
    const auto [text, missing] = GENERATE(table<std::string, std::string>({
        {"---\nsummary: s\n---\n", "title"},
        {"---\ntitle: t\n---\n", "summary"},
        {"---\ntitle: ''\nsummary: s\n---\n", "title"},
    }));
    CAPTURE(text);
    auto m = parse_lesson_metadata(text, "x.md");
    REQUIRE_FALSE(m);
    CHECK(m.error().operation == "x.md");
    CHECK(m.error().message.find(missing) != std::string::npos);
    CHECK_FALSE(parse_lesson_metadata("# Only prose\n", "x.md"));
    CHECK_FALSE(parse_lesson_metadata("---\ntitle: [unclosed\n---\n", "x.md"));
}

TEST_CASE("A lesson whose Markdown is missing is still listed, under its id, and the problem is said",
          "[unit][engine]") {
    std::vector<Lesson> lessons(1);
    lessons[0].id = "vm/not-written-yet";
    const auto problems = fill_metadata(lessons, std::filesystem::path("/nonexistent"));
    CHECK(lessons[0].title == "vm/not-written-yet");
    CHECK(lessons[0].summary.empty());
    CHECK(lessons[0].track == "vm");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].starts_with("vm/not-written-yet: "));
}

TEST_CASE("The track is the lesson id's first part", "[unit][engine]") {
    CHECK(track_of("container/uts") == "container");
    CHECK(track_of("compare/start-time") == "compare");
    CHECK(track_of("solo") == "solo");
}
