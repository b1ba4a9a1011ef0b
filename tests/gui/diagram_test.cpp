#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include "app/gui/contrast.hpp"
#include "app/gui/diagram_audit.hpp"
#include "app/gui/diagram_layout.hpp"
#include "app/gui/diagram_view.hpp"
#include "tests/gui/fixture_lesson.hpp"
#include "tests/gui/headless.hpp"

using namespace strata;
using engine::LayerId;

namespace {

gui::DiagramLayout layout() {
    auto l = gui::load_diagram_layout(gui::default_diagram_layout_path());
    REQUIRE(l);
    return *l;
}

gui::Palette palette() {
    ImGuiStyle style;
    return gui::make_theme("dark", style).palette;
}

}  // namespace

TEST_CASE("The diagram lights exactly the layers the current step's recorded events touched", "[gui][diagram]") {
    tests::HeadlessImGui imgui;
    const auto l = layout();
    const auto p = palette();
    const int steps = GENERATE(0, 1, 2, 3);
    CAPTURE(steps);
    const auto snap = tests::fixture_snapshot(steps);
    const auto touched = snap.layers_touched(snap.current_step);

    gui::DiagramViewState state;
    state.still = true;
    gui::DiagramFrame frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 0.0, &frame); });
    REQUIRE(frame.nodes.size() == engine::all_layers().size());
    for (const auto& [layer, rect] : frame.nodes) {
        const bool recorded = std::find(touched.begin(), touched.end(), layer) != touched.end();
        CAPTURE(engine::layer_key(layer));
        CHECK(tests::HeadlessImGui::drew_colour_in(rect.Min, rect.Max, p.node_lit) == recorded);
    }
    if (steps == 0) CHECK(touched.empty());
}

TEST_CASE("A layer a step declares but never touches does not light up", "[gui][diagram]") {
    const auto snap = tests::fixture_snapshot(3);  // step "declared-only": declares mounts, records processes
    const auto model = gui::build_diagram_model(snap);
    CHECK(model.is_lit(LayerId::processes));
    CHECK_FALSE(model.is_lit(LayerId::mounts));
    CHECK(model.lit.size() == 1);
}

TEST_CASE("Each event of the step becomes a crossing that follows its layers in order", "[gui][diagram]") {
    const auto snap = tests::fixture_snapshot(2);
    const auto model = gui::build_diagram_model(snap);
    REQUIRE(model.crossings.size() == 3);
    CHECK(model.crossings[0].kind == gui::CrossingKind::into_kernel);
    CHECK(model.crossings[1].kind == gui::CrossingKind::vm_entry);
    CHECK(model.crossings[2].kind == gui::CrossingKind::vm_exit);
    CHECK(std::vector<LayerId>(model.crossings[2].path.begin(), model.crossings[2].path.end()) ==
          std::vector<LayerId>{LayerId::guest_program, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm});
    SECTION("counters count every event of the run, per layer") {
        CHECK(model.counts.at(LayerId::kvm) == 3);
        CHECK(model.counts.at(LayerId::namespaces) == 1);
        CHECK(model.counts.count(LayerId::mounts) == 0);
    }
}

TEST_CASE("VM exits KVM kept are drawn apart from exits to the VMM: a path that stops at KVM, in its own colour",
          "[gui][diagram]") {
    engine::TraceEvent back;
    back.kind = engine::EventKind::vm_exit;
    back.name = "exit: IO out port 0x501";
    back.layers = {LayerId::guest_program, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm};
    back.step = 0;
    engine::TraceEvent kept = back;
    kept.kind = engine::EventKind::exits_in_kvm;
    kept.name = "VM exits KVM handled itself";
    kept.layers = {LayerId::cpu_virt, LayerId::kvm};
    engine::Snapshot snap;
    snap.events = engine::event_log_of({back, kept});
    snap.current_step = 0;

    const auto model = gui::build_diagram_model(snap);
    REQUIRE(model.crossings.size() == 2);
    CHECK(model.crossings[0].kind == gui::CrossingKind::vm_exit);
    CHECK(model.crossings[1].kind == gui::CrossingKind::kept_in_kvm);
    CHECK(model.crossings[1].path.back() == LayerId::kvm);
    CHECK(gui::crossing_description(gui::CrossingKind::kept_in_kvm) !=
          gui::crossing_description(gui::CrossingKind::vm_exit));
    const std::string theme = GENERATE("dark", "light", "high-contrast");
    CAPTURE(theme);
    ImGuiStyle style;
    const auto p = gui::make_theme(theme, style).palette;
    CHECK(gui::path_colour(p, kept) != gui::path_colour(p, back));
    CHECK(gui::path_colour(p, kept) != p.path_other);
}

TEST_CASE("The diagram animates after a step and then stops, so an idle window can sleep", "[gui][diagram]") {
    tests::HeadlessImGui imgui;
    const auto l = layout();
    const auto p = palette();
    const auto snap = tests::fixture_snapshot(2);
    gui::DiagramViewState state;
    gui::DiagramFrame frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 10.0, &frame); });
    CHECK(frame.animating);
    frame = {};
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 10.0 + gui::animation_length(3) + 0.1, &frame); });
    CHECK_FALSE(frame.animating);
}

TEST_CASE("Clicking a node asks to filter the timeline by that layer", "[gui][diagram]") {
    tests::HeadlessImGui imgui;
    const auto l = layout();
    const auto p = palette();
    const auto snap = tests::fixture_snapshot(2);
    gui::DiagramViewState state;
    gui::DiagramFrame frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 0, &frame); });
    const auto kvm = frame.node_rect(LayerId::kvm);
    REQUIRE(kvm);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = kvm->GetCenter();
    gui::Commands commands;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 0, &frame); });  // hover
    io.MouseDown[0] = true;
    imgui.frame([&] { commands = gui::diagram_view(&snap, l, p, state, std::nullopt, 0, &frame); });
    io.MouseDown[0] = false;
    REQUIRE(commands.size() == 1);
    CHECK(commands[0].kind == gui::CommandKind::filter_layer);
    CHECK(commands[0].layer == LayerId::kvm);
}

TEST_CASE("The diagram geometry is data and is validated", "[gui][diagram]") {
    SECTION("the shipped layout has a node for every layer") { CHECK(layout().nodes.size() == engine::all_layers().size()); }
    SECTION("a node for an unknown layer is an error naming it") {
        auto r = gui::parse_diagram_layout(R"({"canvas":{"width":10,"height":10},"nodes":[{"layer":"gpu","x":0,"y":0,"width":1,"height":1}]})");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message, Catch::Contains("gpu"));
    }
    SECTION("a layer without a node is an error") {
        auto r = gui::parse_diagram_layout(R"({"canvas":{"width":10,"height":10},"nodes":[]})");
        REQUIRE_FALSE(r);
        CHECK_THAT(r.error().message, Catch::Contains("no node for layer"));
    }
    SECTION("malformed JSON is an error, not an exception") { CHECK_FALSE(gui::parse_diagram_layout("{nope")); }
}

TEST_CASE("The two lanes are captioned from the layout data, clear of every node", "[gui][diagram]") {
    const auto l = layout();
    REQUIRE(l.lanes.size() == 2);
    CHECK_THAT(l.lanes[0].title, Catch::StartsWith("Virtual machine"));
    CHECK_THAT(l.lanes[1].title, Catch::StartsWith("Container"));
    for (const auto& lane : l.lanes) {
        CAPTURE(lane.title);
        for (const auto& node : l.nodes) {
            const bool apart = lane.caption.x + lane.caption.width <= node.rect.x ||
                               node.rect.x + node.rect.width <= lane.caption.x ||
                               lane.caption.y + lane.caption.height <= node.rect.y ||
                               node.rect.y + node.rect.height <= lane.caption.y;
            CAPTURE(engine::layer_key(node.layer));
            CHECK(apart);
        }
    }
    // The VM's caption sits over the VM's side (the VMM), the container's over the runtime's.
    CHECK(l.lanes[0].caption.center_x() < l.node(LayerId::runtime)->rect.x);
    CHECK(l.lanes[1].caption.x > l.node(LayerId::vmm)->rect.x + l.node(LayerId::vmm)->rect.width);

    SECTION("they are drawn, with no snapshot at all") {
        tests::HeadlessImGui imgui;
        const auto p = palette();
        gui::DiagramViewState state;
        state.still = true;
        gui::DiagramFrame frame;
        imgui.frame([&] { gui::diagram_view(nullptr, l, p, state, std::nullopt, 0.0, &frame); });
        REQUIRE(frame.lanes.size() == 2);
        for (const auto& [title, rect] : frame.lanes) {
            CAPTURE(title);
            CHECK(tests::HeadlessImGui::drew_colour_in(rect.Min, rect.Max, p.band_title));
        }
    }
    SECTION("a lane without a title or outside the canvas is refused") {
        const std::string nodes = R"("nodes":[)" + [] {
            std::string all;
            for (const auto& info : engine::all_layers())
                all += (all.empty() ? "" : ",") + std::string(R"({"layer":")") + std::string(info.key) +
                       R"(","x":0,"y":0,"width":1,"height":1})";
            return all;
        }() + "]";
        auto ok = gui::parse_diagram_layout(R"({"canvas":{"width":10,"height":10},)" + nodes +
                                            R"(,"lanes":[{"title":"VM","x":1,"y":1,"width":3,"height":2}]})");
        CHECK(ok);
        auto outside = gui::parse_diagram_layout(R"({"canvas":{"width":10,"height":10},)" + nodes +
                                                 R"(,"lanes":[{"title":"VM","x":8,"y":1,"width":3,"height":2}]})");
        REQUIRE_FALSE(outside);
        CHECK_THAT(outside.error().message, Catch::Contains("lane"));
        CHECK_FALSE(gui::parse_diagram_layout(R"({"canvas":{"width":10,"height":10},)" + nodes +
                                              R"(,"lanes":[{"x":1,"y":1,"width":3,"height":2}]})"));
    }
}

TEST_CASE("Badges count this step's events unless the legend switched them to the whole run, and say which",
          "[gui][diagram][badges]") {
    tests::HeadlessImGui imgui;
    const auto l = layout();
    const auto p = palette();
    const auto snap = tests::fixture_snapshot(3);  // three steps ran: kvm was touched before this one
    const auto model = gui::build_diagram_model(snap);
    gui::DiagramViewState state;
    state.still = true;
    const bool cumulative = GENERATE(false, true);
    state.cumulative = cumulative;
    gui::DiagramFrame frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 0.0, &frame); });
    const auto& expected = cumulative ? model.counts : model.step_counts;
    std::size_t shown = 0;
    for (const auto& [layer, count] : frame.counters) {
        CAPTURE(engine::layer_key(layer));
        REQUIRE(expected.count(layer));
        CHECK(count == expected.at(layer));
        ++shown;
    }
    std::size_t nonzero = 0;
    for (const auto& [layer, count] : expected) nonzero += count > 0;
    CHECK(shown == nonzero);
    // The fixture's earlier steps touched kvm; this one did not.
    CHECK(model.counts.at(LayerId::kvm) > 0);
    CHECK(model.step_counts.count(LayerId::kvm) == 0);
    CHECK_THAT(frame.legend, Catch::Contains(cumulative ? "whole run" : "this step"));
}

TEST_CASE("Badges stay off the nodes' names and every diagram text fits its box, up to twice the type size",
          "[gui][diagram][badges]") {
    const auto l = layout();
    const auto p = palette();
    const float scale = GENERATE(1.0f, 1.5f, 2.0f);
    // The diagram's panel in windows of 1024x768, 1280x800 and 1920x1080.
    const auto size = GENERATE(ImVec2(470, 330), ImVec2(640, 430), ImVec2(960, 600));
    CAPTURE(scale, size.x);
    tests::HeadlessImGui imgui(size.x, size.y);
    ImGui::GetIO().FontGlobalScale = scale;
    const auto snap = tests::fixture_snapshot(3);
    gui::DiagramViewState state;
    state.still = true;
    state.cumulative = true;  // the most badges
    gui::DiagramFrame frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 0.0, &frame); });
    ImGui::GetIO().FontGlobalScale = 1.0f;
    REQUIRE_FALSE(frame.badges.empty());
    const auto audit = gui::audit_diagram(frame);
    INFO(audit.findings_text());
    CHECK(audit.badges_over_names == 0);
    CHECK(audit.text_overlapping == 0);
    CHECK(audit.text_clipped == 0);
}

TEST_CASE("The audit finds text cut off, text over text, badges over names and wires through boxes or text",
          "[gui][diagram][audit]") {
    // A frame built to fail every check once.
    gui::DiagramFrame frame;
    const ImRect kvm(ImVec2(100, 100), ImVec2(200, 150));
    const ImRect vmm(ImVec2(100, 300), ImVec2(200, 350));
    const ImRect ram(ImVec2(100, 200), ImVec2(200, 250));
    frame.nodes = {{LayerId::kvm, kvm}, {LayerId::vmm, vmm}, {LayerId::ram, ram}};
    const ImU32 white = IM_COL32(255, 255, 255, 255), grey = IM_COL32(128, 128, 128, 255);
    frame.texts = {
        {"KVM module", ImRect(ImVec2(106, 110), ImVec2(230, 130)), kvm, 14, white, grey},  // wider than its box
        {"strata VMM", ImRect(ImVec2(106, 310), ImVec2(180, 330)), vmm, 14, white, IM_COL32(0, 0, 0, 255)},
        {"caption", ImRect(ImVec2(300, 100), ImVec2(400, 120)), ImRect(ImVec2(0, 0), ImVec2(999, 999)), 14, white,
         IM_COL32(0, 0, 0, 255)},
        {"other caption", ImRect(ImVec2(350, 110), ImVec2(450, 130)), ImRect(ImVec2(0, 0), ImVec2(999, 999)), 14,
         white, IM_COL32(0, 0, 0, 255)},
    };
    frame.badges = {{LayerId::vmm, ImRect(ImVec2(150, 290), ImVec2(190, 315))}};
    // Straight from vmm up to kvm: through ram. Then a second wire along
    // the same line, and one through the captions.
    frame.wires = {{{LayerId::vmm, LayerId::kvm, gui::CrossingKind::into_kernel}, {ImVec2(150, 300), ImVec2(150, 150)}},
                   {{LayerId::vmm, LayerId::kvm, gui::CrossingKind::vm_entry}, {ImVec2(150, 290), ImVec2(150, 160)}},
                   {{LayerId::kvm, LayerId::vmm, gui::CrossingKind::vm_exit},
                    {ImVec2(200, 125), ImVec2(500, 125), ImVec2(500, 325), ImVec2(200, 325)}}};
    const auto audit = gui::audit_diagram(frame);
    INFO(audit.findings_text());
    CHECK(audit.text_clipped == 1);
    CHECK(audit.text_overlapping == 1);
    CHECK(audit.badges_over_names == 1);
    CHECK(audit.wires_through_boxes == 2);   // both straight wires run through ram
    CHECK(audit.wires_over_text == 2);       // the long wire: a caption, and the name spilling out of kvm
    CHECK(audit.wires_coinciding == 1);
    CHECK(audit.lowest_contrast == Approx(gui::contrast_ratio(white, grey)));
    CHECK(gui::contrast_ratio(white, IM_COL32(0, 0, 0, 255)) == Approx(21.0));
}

TEST_CASE("The caption of the event in flight has free room of its own: no box, no other text under it",
          "[gui][diagram]") {
    const auto l = layout();
    REQUIRE(l.caption);
    REQUIRE(l.legend);
    auto meets = [](const gui::CanvasRect& a, const gui::CanvasRect& b) {
        return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    };
    for (const auto& n : l.nodes) {
        CHECK_FALSE(meets(*l.caption, n.rect));
        CHECK_FALSE(meets(*l.legend, n.rect));
    }
    for (const auto& lane : l.lanes) CHECK_FALSE(meets(*l.caption, lane.caption));
    CHECK_FALSE(meets(*l.caption, *l.legend));

    // Mid-animation, in demo mode's large type: the caption is drawn, and
    // over no node and no other text.
    tests::HeadlessImGui imgui(1880, 900);
    ImGui::GetIO().FontGlobalScale = 2.0f;
    const auto snap = tests::fixture_snapshot(3);
    gui::DiagramViewState state;
    state.line_scale = 2.0f;
    gui::DiagramFrame first, frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, palette(), state, std::nullopt, 0.0, &first); });
    imgui.frame([&] { gui::diagram_view(&snap, l, palette(), state, std::nullopt, 0.1, &frame); });
    ImGui::GetIO().FontGlobalScale = 1.0f;
    REQUIRE(frame.animating);
    const auto caption = std::find_if(frame.texts.begin(), frame.texts.end(),
                                      [](const gui::DiagramText& t) { return t.text.find("  (") != std::string::npos; });
    REQUIRE(caption != frame.texts.end());
    for (const auto& [layer, rect] : frame.nodes) CHECK_FALSE(caption->rect.Overlaps(rect));
    const auto audit = gui::audit_diagram(frame);
    CHECK(audit.text_overlapping == 0);
    CHECK(audit.text_clipped == 0);
}

TEST_CASE("Each layer has one colour, its stratum's, in the diagram and the timeline's chips, in every theme",
          "[gui][diagram][theme]") {
    const auto l = layout();
    const std::string theme(GENERATE(from_range(gui::theme_keys())));
    CAPTURE(theme);
    ImGuiStyle style;
    const auto p = gui::make_theme(theme, style).palette;
    // Four strata, four different colours.
    for (int a = 0; a < 4; ++a)
        for (int b = a + 1; b < 4; ++b) CHECK(p.stratum_accent[a] != p.stratum_accent[b]);
    tests::HeadlessImGui imgui;
    const auto snap = tests::fixture_snapshot(2);
    gui::DiagramViewState state;
    state.still = true;
    gui::DiagramFrame frame;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 0.0, &frame); });
    for (const auto& [layer, rect] : frame.nodes) {
        CAPTURE(engine::layer_key(layer));
        const ImU32 colour = gui::layer_colour(p, layer);
        CHECK(colour == p.stratum_accent[static_cast<int>(engine::layer_info(layer).stratum)]);
        CHECK(tests::HeadlessImGui::drew_colour_in(rect.Min, rect.Max, colour));
    }
}

TEST_CASE("While a step streams events, the diagram extends its model and draws what a fresh view draws",
          "[gui][diagram]") {
    tests::HeadlessImGui imgui;
    const auto l = layout();
    const auto p = palette();
    engine::EventLog log;
    engine::Snapshot snap;
    snap.current_step = 1;
    gui::DiagramViewState state;
    state.still = true;
    gui::DiagramFrame frame;
    std::uint64_t next = 0;
    auto add = [&](int step, std::vector<LayerId> layers, engine::EventKind kind) {
        engine::TraceEvent e;
        e.sequence = next++;
        e.step = step;
        e.kind = kind;
        e.name = "event";
        e.layers = std::move(layers);
        log.append(std::move(e));
    };
    add(0, {LayerId::vmm, LayerId::kvm}, engine::EventKind::ioctl);  // another step's: not drawn
    for (int round = 0; round < 4; ++round) {
        for (int i = 0; i < 100; ++i)
            add(1, {LayerId::guest_program, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm}, engine::EventKind::vm_exit);
        if (round == 2) add(1, {LayerId::vmm, LayerId::kvm}, engine::EventKind::ioctl);
        snap.events = log.view();
        frame = {};
        imgui.frame([&] { gui::diagram_view(&snap, l, p, state, std::nullopt, 1.0, &frame); });
    }
    CHECK(state.model.seen == 402);
    CHECK(state.model.model.crossings.size() == 401);
    CHECK(state.model.model.step_counts.at(LayerId::vmm) == 401);
    CHECK(state.model.model.counts.at(LayerId::vmm) == 402);

    gui::DiagramViewState fresh_state;
    fresh_state.still = true;
    gui::DiagramFrame fresh;
    imgui.frame([&] { gui::diagram_view(&snap, l, p, fresh_state, std::nullopt, 1.0, &fresh); });
    CHECK(state.model.hops == fresh_state.model.hops);
    CHECK(state.model.takers == fresh_state.model.takers);
    REQUIRE(frame.wires.size() == fresh.wires.size());
    CHECK(frame.wires.size() == state.model.hops.size());
    CHECK(frame.counters == fresh.counters);

    SECTION("the model is the pure function's") {
        const auto model = gui::build_diagram_model(snap);
        CHECK(model.crossings.size() == state.model.model.crossings.size());
        CHECK(model.lit == state.model.model.lit);
        CHECK(model.step_counts == state.model.model.step_counts);
    }
}
