// The normal window's other interactions, headless: dragging the splitters
// between panels (and saving them), links in the narrative, and a timeline
// row under the mouse drawing that event's path in the diagram.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/gui/diagram_view.hpp"
#include "app/gui/link_opener.hpp"
#include "app/gui/markdown.hpp"
#include "app/gui/narrative_view.hpp"
#include "app/gui/panel_splits.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/timeline_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using engine::LayerId;

namespace {

gui::Palette palette() {
    ImGuiStyle style;
    return gui::make_theme("dark", style).palette;
}

bool disjoint(const ImRect& a, const ImRect& b) { return !a.Overlaps(b); }

}  // namespace

TEST_CASE("Panels tile the window at any size and never overlap", "[gui][panels]") {
    const float w = GENERATE(1920.0f, 1280.0f, 300.0f, 20.0f);
    CAPTURE(w);
    const auto l = gui::panel_layout(ImVec2(w, w * 0.6f), 20, {});
    const ImRect all[] = {l.navigator, l.diagram, l.timeline, l.narrative, l.inspectors};
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(all[i].GetWidth() >= 1);
        CHECK(all[i].GetHeight() >= 1);
        for (std::size_t j = i + 1; j < 5; ++j) CHECK(disjoint(all[i], all[j]));
    }
}

TEST_CASE("Dragging a splitter resizes the panels beside it, within limits", "[gui][panels]") {
    tests::HeadlessImGui imgui(1280, 800);
    gui::PanelSplits splits;
    const float top = 20;
    const auto before = gui::panel_layout(ImVec2(1280, 800), top, splits);
    ImGuiIO& io = ImGui::GetIO();
    auto frame = [&] { imgui.raw_frame([&] { gui::panel_splitters(io.DisplaySize, top, splits); }); };
    io.MousePos = before.split_navigator.GetCenter();
    frame();
    io.MouseDown[0] = true;
    frame();
    for (int i = 0; i < 4; ++i) {
        io.MousePos.x += 25;  // 100 px to the right
        frame();
    }
    io.MouseDown[0] = false;
    bool released = false;
    imgui.raw_frame([&] { released = gui::panel_splitters(io.DisplaySize, top, splits); });
    CHECK(released);
    const auto after = gui::panel_layout(ImVec2(1280, 800), top, splits);
    CHECK(after.navigator.GetWidth() == Approx(before.navigator.GetWidth() + 100).margin(2));
    CHECK(after.diagram.Min.x == Approx(after.navigator.Max.x));
    CHECK(after.narrative.Min.x == Approx(before.narrative.Min.x));  // the other border stayed

    SECTION("the diagram/timeline border moves up and down") {
        io.MousePos = after.split_diagram.GetCenter();
        frame();
        io.MouseDown[0] = true;
        frame();
        io.MousePos.y -= 80;
        frame();
        io.MouseDown[0] = false;
        frame();
        const auto moved = gui::panel_layout(ImVec2(1280, 800), top, splits);
        CHECK(moved.diagram.GetHeight() == Approx(after.diagram.GetHeight() - 80).margin(2));
    }
    SECTION("shares are clamped: a panel cannot be dragged away") {
        gui::PanelSplits wild{0.0f, 0.99f, 2.0f, -1.0f};
        const auto c = wild.clamped();
        CHECK(c.navigator >= 0.08f);
        CHECK(c.right <= 0.55f);
        CHECK(c.diagram <= 0.85f);
        CHECK(c.narrative >= 0.20f);
    }
}

TEST_CASE("Panel splits and demo settings are saved and read back", "[gui][panels][settings]") {
    const auto dir = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-panels-test");
    gui::Settings s;
    s.panels = {0.25f, 0.35f, 0.5f, 0.7f};
    s.demo.font_scale = 2.6f;
    s.demo.theme = "dark";
    s.demo.fullscreen = false;
    REQUIRE(gui::save_settings(dir, s));
    const auto back = gui::load_settings(dir);
    CHECK(back.panels.navigator == Approx(0.25f));
    CHECK(back.panels.right == Approx(0.35f));
    CHECK(back.panels.diagram == Approx(0.5f));
    CHECK(back.panels.narrative == Approx(0.7f));
    CHECK(back.demo.font_scale == Approx(2.6f));
    CHECK(back.demo.theme == "dark");
    CHECK_FALSE(back.demo.fullscreen);
    CHECK(back.font_scale == 1.0f);
    SECTION("a malformed panels entry keeps the defaults") {
        std::ofstream(gui::settings_file(dir)) << R"({"panels": {"navigator": "wide"}, "demo": 3})";
        const auto bad = gui::load_settings(dir);
        CHECK(bad.panels.navigator == Approx(gui::PanelSplits{}.navigator));
        CHECK(bad.demo.font_scale == Approx(2.0f));
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("Clicking a narrative link asks to open it: only web links open, through xdg-open", "[gui][narrative][links]") {
    tests::HeadlessImGui imgui;
    const auto blocks = gui::parse_markdown("See [the KVM API](https://docs.kernel.org/virt/kvm/api.html) here.");
    gui::FontSet fonts;
    fonts.regular = ImGui::GetIO().Fonts->Fonts[0];
    const auto p = palette();
    gui::Commands commands;
    imgui.frame([&] { gui::draw_markdown(blocks, fonts, p, &commands); });
    // The link is drawn in the link colour: find its words, click there.
    ImVec2 at(-1, -1);
    for (int l = 0; l < ImGui::GetDrawData()->CmdListsCount; ++l)
        for (const ImDrawVert& v : ImGui::GetDrawData()->CmdLists[l]->VtxBuffer)
            if (v.col == p.link && at.x < 0) at = ImVec2(v.pos.x + 3, v.pos.y + 3);
    REQUIRE(at.x >= 0);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = at;
    imgui.frame([&] { gui::draw_markdown(blocks, fonts, p, &commands); });
    io.MouseDown[0] = true;
    imgui.frame([&] { gui::draw_markdown(blocks, fonts, p, &commands); });
    io.MouseDown[0] = false;
    REQUIRE(commands.size() == 1);
    CHECK(commands[0].kind == gui::CommandKind::open_link);
    CHECK(commands[0].text == "https://docs.kernel.org/virt/kvm/api.html");

    SECTION("the shell's opener runs xdg-open with the URL") {
        // A stand-in xdg-open first on PATH records what it was given.
        const auto dir = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-xdg-test");
        std::filesystem::create_directories(dir);
        const auto out = dir / "opened";
        {
            std::ofstream script(dir / "xdg-open");
            script << "#!/bin/sh\nprintf '%s' \"$1\" > '" << out.string() << "'\n";
        }
        std::filesystem::permissions(dir / "xdg-open", std::filesystem::perms::owner_all);
        const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
        ::setenv("PATH", (dir.string() + ":" + old_path).c_str(), 1);
        const std::string message = gui::open_with_xdg_open(commands[0].text);
        for (int i = 0; i < 200 && !std::filesystem::exists(out); ++i) ::usleep(10000);
        ::setenv("PATH", old_path.c_str(), 1);
        CHECK_THAT(message, Catch::Contains("opening"));
        std::ifstream in(out);
        std::string opened((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(opened == "https://docs.kernel.org/virt/kvm/api.html");
        std::filesystem::remove_all(dir);
    }
    SECTION("anything but http(s) is refused") {
        CHECK_FALSE(gui::openable_link("file:///etc/passwd"));
        CHECK_FALSE(gui::openable_link("javascript:alert(1)"));
        CHECK_FALSE(gui::openable_link("https://x\n--flag"));
        CHECK_THAT(gui::open_with_xdg_open("file:///etc/passwd"), Catch::Contains("not opened"));
    }
}

TEST_CASE("Hovering a timeline row draws that event's path in the diagram", "[gui][timeline][diagram]") {
    tests::HeadlessImGui imgui;
    const auto p = palette();
    const auto snap = tests::fixture_snapshot(2);  // events 0 (step 1), 1-3 (step 2)
    gui::TimelineViewState timeline;
    imgui.frame([&] { gui::timeline_view(&snap, p, timeline); });
    CHECK_FALSE(timeline.hovered);
    // Row 1 (the first event: step 1's unshare) sits under the header row.
    const float row = ImGui::GetTextLineHeightWithSpacing();
    ImGui::GetIO().MousePos = ImVec2(400, ImGui::GetFrameHeightWithSpacing() + row * 1.6f + 8);
    imgui.frame([&] { gui::timeline_view(&snap, p, timeline); });
    imgui.frame([&] { gui::timeline_view(&snap, p, timeline); });
    REQUIRE(timeline.hovered);
    const engine::TraceEvent* hovered = nullptr;
    for (const auto& e : snap.events)
        if (e.sequence == *timeline.hovered) hovered = &e;
    REQUIRE(hovered);
    CHECK(hovered->step == 0);  // not the current step: its path is not drawn otherwise

    auto layout = gui::load_diagram_layout(gui::default_diagram_layout_path());
    REQUIRE(layout);
    gui::DiagramViewState state;
    state.still = true;
    state.highlight = timeline.hovered;
    gui::DiagramFrame frame;
    ImGui::GetIO().MousePos = ImVec2(-100, -100);
    imgui.frame([&] { gui::diagram_view(&snap, *layout, p, state, std::nullopt, 0, &frame); });
    CHECK(frame.highlighted == hovered->layers);
    // Its nodes are ringed; a node off its path is not.
    const auto ns = frame.node_rect(LayerId::namespaces);
    const auto ram = frame.node_rect(LayerId::ram);
    REQUIRE(ns);
    REQUIRE(ram);
    auto ring = [&](const ImRect& r) {
        return tests::HeadlessImGui::drew_colour_in(ImVec2(r.Min.x - 6, r.Min.y - 6), ImVec2(r.Min.x - 1, r.Max.y + 6),
                                                    p.node_filtered);
    };
    CHECK(ring(*ns));
    CHECK_FALSE(ring(*ram));
    state.highlight.reset();
    frame = {};
    imgui.frame([&] { gui::diagram_view(&snap, *layout, p, state, std::nullopt, 0, &frame); });
    CHECK(frame.highlighted.empty());
    CHECK_FALSE(ring(*ns));
}
