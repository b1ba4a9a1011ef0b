// Demo mode as a lecture hall sees it, headless: a step whose title and
// outcome are long and written in Markdown, at projector and laptop sizes.
// Nothing is cut at the side, no raw backtick shows, and the type scale
// (title over body over caption) holds with body text of 28 px or more.
#include <catch2/catch.hpp>

#include <chrono>

#include "app/gui/app_shell.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using namespace std::chrono_literals;

namespace {

// The fixture, its first step titled and summed up as real lessons are.
const engine::Catalogue& wordy_catalogue() {
    static const engine::Catalogue catalogue([] {
        engine::Lesson lesson = tests::fixture_lesson();
        auto& step = lesson.steps[0];
        step.title = "`unshare(CLONE_NEWUTS)`: a host name of its own";
        step.action = [run = step.action](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
            if (auto done = run(ctx); !done) return done;
            return engine::StepOutcome{"the container's `hostname` printed `strata-box` while the host's stayed "
                                       "`debian-lab-machine-07`: `CLONE_NEWUTS` gave it a name of its own (27 events)"};
        };
        return std::vector<engine::Lesson>{lesson};
    }());
    return catalogue;
}

void frame(tests::HeadlessImGui& imgui, gui::AppShell& shell, double t) {
    if (shell.fonts_dirty()) {
        shell.load_fonts();
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    }
    imgui.raw_frame([&] { shell.frame(t); });
    shell.controller().wait_idle(5s);
}

// True when some glyph drawn last frame is a backtick, in any of the fonts.
bool drew_backtick(const gui::FontSet& fonts) {
    std::vector<ImVec2> corners;
    for (ImFont* f : {fonts.regular, fonts.bold, fonts.italic, fonts.mono, fonts.heading, fonts.caption})
        if (f)
            if (const ImFontGlyph* g = f->FindGlyphNoFallback('`')) corners.emplace_back(g->U0, g->V0);
    const ImDrawData* data = ImGui::GetDrawData();
    for (int l = 0; l < data->CmdListsCount; ++l)
        for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer)
            for (const ImVec2& c : corners)
                if (v.uv.x == c.x && v.uv.y == c.y) return true;
    return false;
}

}  // namespace

TEST_CASE("Demo mode wraps and renders a long Markdown step at projector and laptop sizes", "[gui][demo][fit]") {
    const auto [width, height] = GENERATE(std::pair{1920.0f, 1080.0f}, std::pair{1280.0f, 800.0f}, std::pair{1024.0f, 768.0f});
    CAPTURE(width, height);
    tests::HeadlessImGui imgui(width, height);
    gui::ShellOptions o;
    o.lesson = "test/fixture";
    o.probe_machine = false;
    o.demo = true;
    o.allow_fullscreen = false;
    gui::AppShell shell(wordy_catalogue(), o, nullptr);
    frame(imgui, shell, 0);
    shell.controller().submit({gui::CommandKind::step});
    for (int i = 1; i < 4; ++i) frame(imgui, shell, i);
    REQUIRE(shell.controller().snapshot()->current_step == 0);

    const gui::FontSet& fonts = shell.fonts();
    REQUIRE(fonts.heading);
    REQUIRE(fonts.caption);
    CHECK(fonts.heading->FontSize > fonts.regular->FontSize);
    CHECK(fonts.caption->FontSize < fonts.regular->FontSize);
    if (width == 1920) CHECK(fonts.regular->FontSize >= 28);

    CHECK_FALSE(drew_backtick(fonts));
    const auto cut = tests::HeadlessImGui::text_cut_sideways({"##demo-diagram"});
    CAPTURE(cut);
    CHECK(cut.empty());
}
