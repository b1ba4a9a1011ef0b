#include <catch2/catch.hpp>

#include <memory>
#include <optional>

#include "engine/lesson_builder.hpp"
#include "engine/session.hpp"

using namespace strata::engine;

namespace {

struct BoxState final : LessonState {
    std::optional<int> box;
    std::unique_ptr<int> file;
    int seen = 0;
};

Result<StepOutcome> make_box(Context&, BoxState& s) {
    s.box = 7;
    return StepOutcome{"made"};
}

Result<StepOutcome> use_box(Context&, BoxState& s) {
    s.seen = *s.box;
    return StepOutcome{"used"};
}

Result<StepOutcome> lose_box(Context&, BoxState& s) {
    s.box.reset();
    return StepOutcome{"lost"};
}

Result<StepOutcome> nothing(Context&, BoxState&) { return StepOutcome{"nothing"}; }

// Makes what it says only when the state says so; STRATA_TRY passes a
// failed Result up unchanged.
Result<int> may_fail(bool ok) {
    if (!ok) return plain_error("may_fail", "refused");
    return 3;
}

}  // namespace

TEST_CASE("A built lesson is a plain Lesson whose steps receive their state", "[unit][engine]") {
    LessonBuilder<BoxState> b("test/box");
    b.requirements = {Requirement::userns};
    b.step("make", "Make it", {LayerId::runtime}, make_box).provides(&BoxState::box, "the box");
    b.step("use", "Use it", {LayerId::container}, use_box);
    const Lesson lesson = b.build();
    CHECK(lesson.id == "test/box");
    REQUIRE(lesson.steps.size() == 2);
    CHECK(lesson.steps[1].id == "use");
    CHECK(lesson.steps[1].title == "Use it");
    CHECK(lesson.steps[1].expected_layers == std::vector<LayerId>{LayerId::container});

    Session session(lesson);
    REQUIRE(session.step());
    auto used = session.step();
    REQUIRE(used);
    CHECK(used->summary == "used");
}

TEST_CASE("What an earlier step provides is checked before every later step", "[unit][engine]") {
    LessonBuilder<BoxState> b("test/box");
    b.step("make", "Make it", {LayerId::runtime}, make_box).provides(&BoxState::box, "the box");
    b.step("lose", "Lose it", {LayerId::runtime}, lose_box);
    b.step("use", "Use it", {LayerId::runtime}, use_box);
    const Lesson lesson = b.build();
    Session session(lesson);
    REQUIRE(session.step());
    REQUIRE(session.step());
    auto refused = session.step();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().operation == "use: test/box");  // the Session names the step
    CHECK(refused.error().message == "the box does not exist yet");
}

TEST_CASE("A step that does not make what it provides fails, and consumes() ends the check", "[unit][engine]") {
    SECTION("unkept") {
        LessonBuilder<BoxState> b("test/box");
        b.step("make", "Make it", {LayerId::runtime}, nothing).provides("a file", [](const BoxState& s) {
            return s.file != nullptr;
        });
        const Lesson lesson = b.build();
        Session session(lesson);
        auto refused = session.step();
        REQUIRE_FALSE(refused);
        CHECK(refused.error().message.find("a file does not exist") != std::string::npos);
    }
    SECTION("consumed") {
        LessonBuilder<BoxState> b("test/box");
        b.step("make", "Make it", {LayerId::runtime}, make_box).provides(&BoxState::box, "the box");
        b.step("lose", "Lose it", {LayerId::runtime}, lose_box).consumes("the box");
        b.step("after", "After", {LayerId::runtime}, nothing);
        const Lesson lesson = b.build();
        Session session(lesson);
        for (int i = 0; i < 3; ++i) REQUIRE(session.step());
    }
}

TEST_CASE("STRATA_TRY yields the value or returns the error", "[unit][engine]") {
    auto twice = [](bool ok) -> Result<int> { return 2 * STRATA_TRY(may_fail(ok)); };
    CHECK(twice(true) == 6);
    auto failed = twice(false);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().operation == "may_fail");
    auto void_ok = [](bool ok) -> Result<void> {
        STRATA_TRY(may_fail(ok));
        return {};
    };
    CHECK(void_ok(true));
    CHECK_FALSE(void_ok(false));
}
