// The whole app shell, headless: the controller steps a lesson on its
// worker thread while frames are drawn; bad situations keep the UI alive.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>

#include "app/gui/app_shell.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using namespace std::chrono_literals;

namespace {

void build_atlas() {
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

gui::ShellOptions options(const std::string& lesson) {
    gui::ShellOptions o;
    o.lesson = lesson;
    o.probe_machine = false;
    o.keys = {80, 82, 61, 334, 45, 333};
    return o;
}

}  // namespace

TEST_CASE("The controller runs steps on its worker and publishes snapshots", "[gui][controller]") {
    int wakes = 0;
    gui::Controller controller(tests::fixture_catalogue(), [&wakes] { ++wakes; });
    CHECK(controller.snapshot() == nullptr);
    controller.submit({gui::CommandKind::select_lesson, "test/fixture"});
    controller.submit({gui::CommandKind::step});
    controller.submit({gui::CommandKind::step});
    REQUIRE(controller.wait_idle(10s));
    auto snap = controller.snapshot();
    REQUIRE(snap);
    CHECK(snap->current_step == 1);
    CHECK(snap->events.size() == 4);
    CHECK(wakes > 0);

    controller.submit({gui::CommandKind::step_back});
    REQUIRE(controller.wait_idle(10s));
    CHECK(controller.snapshot()->current_step == 0);

    controller.submit({gui::CommandKind::run_to_end});
    REQUIRE(controller.wait_idle(10s));
    snap = controller.snapshot();
    CHECK(snap->steps[3].status == engine::StepStatus::failed);
    CHECK(snap->steps[3].error->errno_value == EPERM);

    controller.submit({gui::CommandKind::restart});
    REQUIRE(controller.wait_idle(10s));
    CHECK(controller.snapshot()->current_step == -1);

    SECTION("an unknown lesson is reported, not fatal") {
        controller.submit({gui::CommandKind::select_lesson, "vm/nope"});
        REQUIRE(controller.wait_idle(10s));
        CHECK(controller.last_problem() == "unknown lesson vm/nope");
    }
}

TEST_CASE("The shell survives a failing step, a tiny window and huge text", "[gui][shell]") {
    const float width = GENERATE(1280.0f, 90.0f, 12.0f);
    const float scale = GENERATE(1.0f, 4.0f);
    CAPTURE(width, scale);
    tests::HeadlessImGui imgui(width, width * 0.6f);
    auto o = options("test/fixture");
    o.font_scale = scale;
    gui::AppShell shell(tests::fixture_catalogue(), o, nullptr);
    shell.load_fonts();
    build_atlas();
    shell.controller().submit({gui::CommandKind::run_to_end});
    double t = 0;
    for (int i = 0; i < 6; ++i) {
        imgui.raw_frame([&] { shell.frame(t += 0.5); });
        shell.controller().wait_idle(5s);
    }
    const auto snap = shell.controller().snapshot();
    REQUIRE(snap);
    CHECK(snap->steps[3].status == engine::StepStatus::failed);
    // At a usable size the failed call is on screen, in red; at 12 px
    // nothing fits, and what counts is that no frame asserted.
    if (width >= 1280 && scale == 1.0f) CHECK(tests::HeadlessImGui::drew_colour(shell.palette().failed));
    CHECK(shell.fonts().problem.empty());
}

TEST_CASE("A missing font falls back to ImGui's built-in font and says so", "[gui][shell]") {
    ::setenv("STRATA_FONT_DIR", "/nonexistent-strata-fonts", 1);
    tests::HeadlessImGui imgui;
    gui::AppShell shell(tests::fixture_catalogue(), options("test/fixture"), nullptr);
    shell.load_fonts();
    ::unsetenv("STRATA_FONT_DIR");
    build_atlas();
    CHECK_THAT(shell.fonts().problem, Catch::Contains("built-in font"));
    CHECK_THAT(shell.status_problem(), Catch::Contains("fonts-dejavu-core"));
    imgui.raw_frame([&] { shell.frame(0); });
}
