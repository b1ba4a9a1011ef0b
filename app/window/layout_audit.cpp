#include "app/window/layout_audit.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "app/gui/diagram_audit.hpp"
#include "app/gui/draw_audit.hpp"
#include "app/platform/run_loop.hpp"
#include "engine/stop_request.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

namespace strata::gui {

namespace {

using nlohmann::json;

// The shipped recordings, played fast: the audit is about how steps look,
// and a recording draws what a live run drew, on any machine.
Chooser fast_replay() { return replay_chooser(/*speed=*/1000.0); }

struct Totals {
    json counts = json::object();
    double lowest_panel_contrast = 21, lowest_diagram_contrast = 21;
    void add(const std::string& key, int n) { counts[key] = counts.value(key, 0) + n; }
};

json measure(platform::Gui& gui, Totals& totals, bool& diagram_bad, bool& panels_bad) {
    const ImDrawData* data = ImGui::GetDrawData();
    const auto lines = data ? text_lines(*data, ImGui::GetIO().Fonts->TexID, gui.shell().clear_colour(), ImGui::GetFontSize())
                            : std::vector<TextLine>{};
    const DrawAudit panels = audit_text(lines);
    const DiagramAudit diagram = audit_diagram(gui.shell().last_diagram());
    json findings = json::array();
    for (const auto& f : diagram.findings)
        if (findings.size() < 8) findings.push_back("diagram: " + f);
    for (const auto& f : panels.findings)
        if (findings.size() < 16) findings.push_back("window: " + f);
    json j = {
        {"window_text", {{"lines", panels.lines},
                         {"clipped", panels.clipped_sideways},
                         {"clipped_vertically", panels.clipped_vertically},
                         {"scrolled_out", panels.scrolled_out},
                         {"overlapping", panels.overlapping},
                         {"lowest_contrast", panels.lowest_contrast}}},
        {"diagram", {{"wires_through_boxes", diagram.wires_through_boxes},
                     {"wires_over_text", diagram.wires_over_text},
                     {"wires_coinciding", diagram.wires_coinciding},
                     {"text_clipped", diagram.text_clipped},
                     {"text_overlapping", diagram.text_overlapping},
                     {"badges_over_names", diagram.badges_over_names},
                     {"lowest_contrast", diagram.lowest_contrast}}},
        {"findings", findings},
    };
    for (const auto& [key, value] : j["diagram"].items())
        if (key != "lowest_contrast") {
            totals.add("diagram." + key, value.get<int>());
            diagram_bad = diagram_bad || value.get<int>() > 0;
        }
    for (const char* key : {"clipped", "clipped_vertically", "scrolled_out", "overlapping"}) totals.add(std::string("window_text.") + key, j["window_text"][key].get<int>());
    panels_bad = panels_bad || panels.clipped_sideways > 0 || panels.clipped_vertically > 0 || panels.overlapping > 0 ||
                 panels.lowest_contrast < kReadableContrast;
    totals.lowest_panel_contrast = std::min(totals.lowest_panel_contrast, panels.lowest_contrast);
    totals.lowest_diagram_contrast = std::min(totals.lowest_diagram_contrast, diagram.lowest_contrast);
    return j;
}

// Two frames after the run settles: ImGui sizes a table that just
// appeared from the frame before, as a user never sees.
void show(platform::Gui& gui) {
    gui.settle();
    gui.render_frame();
    gui.render_frame();
}

}  // namespace

int run_layout_audit(const LayoutAuditOptions& options, std::FILE* out) {
    const auto started = std::chrono::steady_clock::now();
    const auto& catalogue = lessons::catalogue();
    std::vector<const engine::Lesson*> lessons;
    for (const auto& lesson : catalogue.lessons())
        if (options.lessons.empty() ||
            std::find(options.lessons.begin(), options.lessons.end(), lesson.id) != options.lessons.end())
            lessons.push_back(&lesson);
    if (lessons.empty()) {
        std::fprintf(stderr, "strata: no lesson to audit\n");
        return platform::kExitUsage;
    }
    Totals totals;
    bool diagram_bad = false, panels_bad = false;
    json pictures = json::array();
    for (const auto& [width, height] : options.sizes)
        for (bool demo : options.demo_modes)
            for (const std::string& theme : options.themes) {
                platform::WindowOptions window;
                window.width = width;
                window.height = height;
                window.vsync = false;
                ShellOptions shell;
                shell.lesson = lessons.front()->id;
                shell.theme = theme;
                shell.demo = demo;
                shell.allow_fullscreen = false;
                shell.probe_machine = false;
                shell.chooser = fast_replay();
                platform::OpenFailure failure;
                auto gui = platform::Gui::open(catalogue, *platform::backend_from_name(options.platform), window,
                                               std::move(shell), failure);
                if (!gui) {
                    std::fprintf(stderr, "%s\n", failure.message.c_str());
                    return failure.exit_code;
                }
                gui->ignore_pointer(true);
                gui->shell().set_still_diagram(true);
                const std::string size = std::to_string(width) + "x" + std::to_string(height);
                for (const engine::Lesson* lesson : lessons) {
                    if (engine::stop_requested()) return platform::kExitFailed;
                    auto& controller = gui->shell().controller();
                    controller.submit({CommandKind::select_lesson, lesson->id});
                    controller.wait_idle(std::chrono::seconds(60));
                    const int steps = static_cast<int>(lesson->steps.size());
                    for (int step = options.last_step_only ? steps : 1; step <= steps; ++step) {
                        controller.submit({options.last_step_only ? CommandKind::run_to_end : CommandKind::step});
                        controller.wait_idle(std::chrono::seconds(120));
                        show(*gui);
                        json picture = measure(*gui, totals, diagram_bad, panels_bad);
                        picture["lesson"] = lesson->id;
                        picture["step"] = step;
                        picture["size"] = size;
                        picture["mode"] = demo ? "demo" : "normal";
                        picture["theme"] = theme;
                        pictures.push_back(std::move(picture));
                    }
                }
            }
    totals.counts["window_text.lowest_contrast"] = totals.lowest_panel_contrast;
    totals.counts["diagram.lowest_contrast"] = totals.lowest_diagram_contrast;
    const json report = {
        {"pictures", pictures},
        {"totals", totals.counts},
        {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()},
    };
    std::fprintf(out, "%s\n", report.dump(1).c_str());
    if ((options.fail_on_diagram && diagram_bad) || (options.fail_on_panels && panels_bad)) return platform::kExitFailed;
    return platform::kExitOk;
}

}  // namespace strata::gui
