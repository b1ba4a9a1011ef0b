// A lesson's outline (engine/lesson_outline.hpp): the course as JSON with
// no code, which a build without backends replays from. Made from the real
// catalogue and read back, every lesson is the same but for its code, and
// every shipped recording plays against it exactly as against the lesson
// itself. A damaged outline is refused with where and what.
#include <catch2/catch.hpp>

#include <filesystem>

#include "backends/replay/recording.hpp"
#include "backends/replay/replayer.hpp"
#include "engine/install_layout.hpp"
#include "engine/lesson_outline.hpp"
#include "engine/session.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;

namespace {

std::vector<engine::Lesson> outline_of_course() {
    // Through text, as `strata list --outline` hands it to another build.
    const auto text = engine::lessons_to_outline(lessons::catalogue().lessons()).dump();
    auto lessons = engine::lessons_from_outline(nlohmann::json::parse(text));
    if (!lessons) FAIL(lessons.error().describe());
    return std::move(*lessons);
}

std::string error_reading(const nlohmann::json& outline) {
    auto lessons = engine::lessons_from_outline(outline);
    REQUIRE_FALSE(lessons);
    return lessons.error().describe();
}

}  // namespace

TEST_CASE("The course's outline, read back, is every lesson but its code", "[unit][outline]") {
    const auto outlined = outline_of_course();
    const auto course = lessons::catalogue().lessons();
    REQUIRE(outlined.size() == course.size());
    for (std::size_t i = 0; i < course.size(); ++i) {
        const auto& live = course[i];
        const auto& copy = outlined[i];
        CAPTURE(live.id);
        CHECK(copy.id == live.id);
        CHECK(copy.title == live.title);
        CHECK(copy.track == live.track);
        CHECK(copy.summary == live.summary);
        CHECK(copy.requirements == live.requirements);
        REQUIRE(copy.options.size() == live.options.size());
        for (std::size_t o = 0; o < live.options.size(); ++o) {
            CHECK(copy.options[o].key == live.options[o].key);
            CHECK(copy.options[o].choices == live.options[o].choices);
        }
        const auto copy_defaults = copy.resolve_options({}), live_defaults = live.resolve_options({});
        REQUIRE(copy_defaults);
        REQUIRE(live_defaults);
        CHECK(*copy_defaults == *live_defaults);
        REQUIRE(copy.steps.size() == live.steps.size());
        for (std::size_t s = 0; s < live.steps.size(); ++s) {
            CHECK(copy.steps[s].id == live.steps[s].id);
            CHECK(copy.steps[s].title == live.steps[s].title);
            CHECK(copy.steps[s].expected_layers == live.steps[s].expected_layers);
        }
    }
}

TEST_CASE("Every shipped recording plays against the outline as against the lesson", "[unit][outline][replay]") {
    const auto outlined = outline_of_course();
    engine::Catalogue outline_course(outlined);
    std::size_t played = 0;
    const auto root = engine::asset_dir() / "recordings";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".json") continue;
        const auto id = std::filesystem::relative(entry.path(), root).replace_extension().string();
        CAPTURE(id);
        const auto* live = lessons::catalogue().find(id.substr(0, id.find('@')));
        const auto* copy = outline_course.find(id.substr(0, id.find('@')));
        REQUIRE(live);
        REQUIRE(copy);
        auto from_live = replay::load_recording(entry.path(), *live);
        auto from_outline = replay::load_recording(entry.path(), *copy);
        if (!from_outline) FAIL(from_outline.error().describe());
        REQUIRE(from_live);
        const auto replayed = replay::make_replay_lesson(*copy, std::make_shared<const replay::Recording>(*from_outline), {0});
        engine::Session session(replayed);
        (void)session.run_to_end();
        const auto snap = session.snapshot();
        // A variant's run may end early (a guest that hangs until the watchdog): its recorded steps.
        REQUIRE(snap.steps.size() >= from_live->steps.size());
        for (std::size_t s = 0; s < from_live->steps.size(); ++s) {
            CHECK(snap.steps[s].status == from_live->steps[s].status);
            CHECK(snap.steps[s].summary == from_live->steps[s].summary);
        }
        CHECK(snap.events.size() == from_live->events.size());
        ++played;
    }
    CHECK(played >= lessons::catalogue().lessons().size());
}

TEST_CASE("A lesson from its outline cannot run live, and says so", "[unit][outline]") {
    const auto outlined = outline_of_course();
    engine::Session session(outlined.front());
    (void)session.run_to_end();
    const auto snap = session.snapshot();
    REQUIRE_FALSE(snap.steps.empty());
    REQUIRE(snap.steps.front().error);
    CHECK_THAT(snap.steps.front().error->describe(), Catch::Contains("can only be replayed"));
}

TEST_CASE("A damaged or newer outline is refused with where and what", "[unit][outline]") {
    const auto good = engine::lessons_to_outline(lessons::catalogue().lessons());
    CHECK_THAT(error_reading(nlohmann::json::object()), Catch::Contains("not a lesson outline"));
    CHECK_THAT(error_reading(nlohmann::json::array()), Catch::Contains("not a lesson outline"));
    auto newer = good;
    newer["version"] = engine::kLessonOutlineVersion + 1;
    CHECK_THAT(error_reading(newer), Catch::Contains("comes from a newer strata"));
    auto unknown_layer = good;
    unknown_layer["lessons"][0]["steps"][0]["layers"].push_back("flux-capacitor");
    CHECK_THAT(error_reading(unknown_layer), Catch::Contains("vm/hello-kvm: step") &&
                                                 Catch::Contains("unknown layer \"flux-capacitor\""));
    auto twice = good;
    twice["lessons"][0]["steps"].push_back(twice["lessons"][0]["steps"][0]);
    CHECK_THAT(error_reading(twice), Catch::Contains("is listed twice"));
    auto no_title = good;
    no_title["lessons"][1].erase("title");
    CHECK_THAT(error_reading(no_title), Catch::Contains("\"title\" is missing"));
    auto lesson_twice = good;
    lesson_twice["lessons"].push_back(lesson_twice["lessons"][0]);
    CHECK_THAT(error_reading(lesson_twice), Catch::Contains("the lesson is listed twice"));
    auto bad_requirement = good;
    bad_requirement["lessons"][0]["requirements"] = {"warp-drive"};
    CHECK_THAT(error_reading(bad_requirement), Catch::Contains("unknown requirement \"warp-drive\""));
}
