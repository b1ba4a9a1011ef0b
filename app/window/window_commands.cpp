#include "app/window/window_commands.hpp"

#include <chrono>
#include <cstdio>
#include <memory>

#include "app/window/layout_audit.hpp"
#include "app/platform/bench.hpp"
#include "app/platform/run_loop.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/exercise_run.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "engine/stop_request.hpp"
#include "lessons/catalogue.hpp"

namespace strata::gui {

namespace {

using platform::Backend;

struct GuiArgs {
    std::string platform = "glfw";
    std::string lesson;
    std::string theme;
    float font_scale = 0;
    std::string size;
    bool demo = false;
    bool replay = false;
    double auto_advance = 0;
    int bench_frames = 0;
    double bench_idle = 0;
    bool full_redraw = false;
};

bool parse_size(const std::string& text, platform::WindowOptions& window) {
    if (text.empty()) return true;
    int w = 0, h = 0;
    if (std::sscanf(text.c_str(), "%dx%d", &w, &h) != 2 || w < 64 || h < 64 || w > 16384 || h > 16384) return false;
    window.width = w;
    window.height = h;
    return true;
}

void add_common(CLI::App* sub, GuiArgs& args) {
    sub->add_option("--platform", args.platform, "window system layer: glfw (default) or sdl2")
        ->check(CLI::IsMember({"glfw", "sdl2"}));
    sub->add_option("--theme", args.theme, "dark, light or high-contrast")->check(CLI::IsMember({"dark", "light", "high-contrast"}));
    sub->add_option("--font-scale", args.font_scale, "text size factor, of the demo's type with --demo (Ctrl +/- in the app)")->check(CLI::Range(0.5, 4.0));
    sub->add_option("--size", args.size, "window size, WIDTHxHEIGHT (default 1280x800)");
    sub->add_flag("--demo", args.demo, "instructor demo mode: full screen, large type, presenter keys (Esc leaves)");
}

void add_auto_advance(CLI::App* sub, GuiArgs& args) {
    sub->add_option("--auto-advance", args.auto_advance,
                    "demo mode: step every SECONDS, back to the start after the last step (kiosk loop)")
        ->check(CLI::Range(0.5, 3600.0));
}

// Opens the window or explains why not; null with the exit code set.
std::unique_ptr<platform::Gui> open_gui(const GuiArgs& args, ShellOptions shell, bool remember, int& exit_code,
                                        double* first_frame = nullptr, bool vsync = true) {
    const auto started = std::chrono::steady_clock::now();
    platform::WindowOptions window;
    window.vsync = vsync;
    if (!parse_size(args.size, window)) {
        std::fprintf(stderr, "strata: --size wants WIDTHxHEIGHT, e.g. 1280x800 (got %s)\n", args.size.c_str());
        exit_code = platform::kExitUsage;
        return nullptr;
    }
    if (remember) {
        shell.config_dir = config_dir();
        shell.state_dir = engine::state_dir();
        if (args.size.empty()) {
            const Settings saved = load_settings(shell.config_dir);
            window.width = std::max(saved.window_width, 320);
            window.height = std::max(saved.window_height, 240);
        }
    }
    shell.lesson = args.lesson;
    shell.demo = args.demo || args.auto_advance > 0;
    shell.replay_only = shell.replay_only || args.replay;
    shell.auto_advance = args.auto_advance;
    if (!args.theme.empty()) shell.theme = args.theme;
    if (args.font_scale > 0) shell.font_scale = args.font_scale;
    const Backend backend = *platform::backend_from_name(args.platform);
    platform::OpenFailure failure;
    auto gui = platform::Gui::open(lessons::catalogue(), backend, window, std::move(shell), failure);
    if (!gui) {
        std::fprintf(stderr, "%s\n", failure.message.c_str());
        exit_code = failure.exit_code;
        return nullptr;
    }
    gui->render_frame();
    if (first_frame) *first_frame = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return gui;
}

// What `strata screenshot` is asked to picture must exist: a step past the
// lesson's last or an answer `strata lab check` would refuse is a usage
// error, not a picture of something else. Only predictions can be locked
// in before the steps run.
bool screenshot_input_valid(const engine::Lesson& lesson, int steps, const std::vector<std::string>& answers) {
    const auto count = static_cast<int>(lesson.steps.size());
    if (steps > count) {
        std::fprintf(stderr, "strata: --step %d is past the end: %s has %d steps (0 to %d)\n", steps, lesson.id.c_str(),
                     count, count);
        return false;
    }
    if (answers.empty()) return true;
    auto exercises = engine::load_exercises(engine::asset_dir(), lesson);
    if (!exercises) {
        std::fprintf(stderr, "strata: %s\n", exercises.error().describe().c_str());
        return false;
    }
    engine::Answers given;
    for (const auto& answer : answers) {
        const auto eq = answer.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::fprintf(stderr, "strata: --answer takes EXERCISE=CHOICE, not '%s'\n", answer.c_str());
            return false;
        }
        const auto id = answer.substr(0, eq);
        if (const auto* e = exercises->find(id); e && e->kind != engine::ExerciseKind::predict) {
            std::fprintf(stderr, "strata: %s %s is a challenge; --answer locks in predictions only\n",
                         lesson.id.c_str(), id.c_str());
            return false;
        }
        given[id] = answer.substr(eq + 1);
    }
    if (auto ok = engine::validate_answers(*exercises, lesson, given); !ok) {
        std::fprintf(stderr, "strata: %s\n  %s\n", ok.error().describe().c_str(), ok.error().hint.c_str());
        return false;
    }
    return true;
}

bool known_lesson(const std::string& id) {
    if (id.empty() || lessons::catalogue().find(id)) return true;
    std::fprintf(stderr, "strata: unknown lesson %s", id.c_str());
    const auto close = lessons::catalogue().closest(id);
    if (!close.empty()) std::fprintf(stderr, " (did you mean %s?)", close.front().c_str());
    std::fprintf(stderr, "\n");
    return false;
}

// Steps the lesson `steps` times through the controller, the way a user would.
void step_to(platform::Gui& gui, int steps) {
    for (int i = 0; i < steps && !engine::stop_requested(); ++i) {
        gui.shell().controller().submit({CommandKind::step});
        gui.shell().controller().wait_idle(std::chrono::seconds(60));
    }
}

}  // namespace

bool display_present() { return platform::display_present(); }

int run_gui_default() {
    GuiArgs args;
    int code = platform::kExitOk;
    auto gui = open_gui(args, {}, /*remember=*/true, code);
    return gui ? gui->run() : code;
}

std::function<int()> add_demo_launch(CLI::App& app) {
    auto args = std::make_shared<GuiArgs>();
    app.add_flag("--demo", args->demo, "open the window in instructor demo mode (also: strata gui --demo)");
    add_auto_advance(&app, *args);
    return [args]() -> int {
        if (!args->demo && args->auto_advance <= 0) return -1;
        if (!platform::display_present()) {
            std::fprintf(stderr, "%s\n", platform::no_display_message().c_str());
            return platform::kExitRequirement;
        }
        int code = platform::kExitOk;
        auto gui = open_gui(*args, {}, /*remember=*/true, code);
        return gui ? gui->run() : code;
    };
}

cli::Command add_gui(CLI::App& app) {
    auto args = std::make_shared<GuiArgs>();
    CLI::App* sub = app.add_subcommand("gui", "open the strata window (the default when a display is present)");
    add_common(sub, *args);
    add_auto_advance(sub, *args);
    sub->add_option("--lesson", args->lesson, "open this lesson, e.g. container/uts");
    sub->add_flag("--replay", args->replay,
                  "every lesson plays the shipped recording of a real run, whatever this machine can do (no probe)");
    sub->add_option("--bench-frames", args->bench_frames, "measure: draw N animated frames, print fps, CPU, memory")
        ->check(CLI::Range(1, 100000));
    sub->add_option("--bench-idle", args->bench_idle, "with --bench-frames: also measure S seconds idle")
        ->check(CLI::Range(0.0, 600.0));
    sub->add_flag("--full-redraw", args->full_redraw, "with --bench-frames: redraw every pixel every frame, to compare");
    return [args]() -> int {
        if (!known_lesson(args->lesson)) return platform::kExitUsage;
        if (args->bench_frames == 0) {
            int code = platform::kExitOk;
            auto gui = open_gui(*args, {}, /*remember=*/true, code);
            return gui ? gui->run() : code;
        }
        ShellOptions shell;
        shell.loop_animation = true;
        shell.probe_machine = false;
        double first_frame = 0;
        int code = platform::kExitOk;
        GuiArgs bench_args = *args;
        if (bench_args.lesson.empty()) bench_args.lesson = "container/uts";
        if (!lessons::catalogue().find(bench_args.lesson)) {
            std::fprintf(stderr, "strata: the benchmark needs a lesson (--lesson ID)\n");
            return platform::kExitUsage;
        }
        // No vsync: the benchmark measures how fast frames can be made.
        auto gui = open_gui(bench_args, shell, /*remember=*/false, code, &first_frame, /*vsync=*/false);
        if (!gui) return code;
        step_to(*gui, 1);
        gui->settle();
        return platform::run_bench(*gui, {args->bench_frames, args->bench_idle, first_frame, args->full_redraw});
    };
}

// --audit: `strata screenshot --audit` measures every lesson's pictures
// instead of writing one (layout_audit.hpp).
struct AuditArgs {
    bool on = false;
    std::string sizes = "1024x768,1280x800,1920x1080,3840x2160";
    std::string modes = "normal,demo";
    std::string themes = "dark,light,high-contrast";
    bool last_step_only = false;
    std::string fail_on = "none";
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        if (comma > start) out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

int run_audit(const GuiArgs& args, const AuditArgs& audit, const std::string& output) {
    LayoutAuditOptions options;
    options.platform = args.platform;
    if (!args.lesson.empty()) options.lessons = {args.lesson};
    for (const auto& size : split_list(audit.sizes)) {
        platform::WindowOptions window;
        if (!parse_size(size, window)) {
            std::fprintf(stderr, "strata: --audit-sizes wants WIDTHxHEIGHT,... (got %s)\n", size.c_str());
            return platform::kExitUsage;
        }
        options.sizes.emplace_back(window.width, window.height);
    }
    for (const auto& mode : split_list(audit.modes)) {
        if (mode != "normal" && mode != "demo") {
            std::fprintf(stderr, "strata: --audit-modes takes normal and demo (got %s)\n", mode.c_str());
            return platform::kExitUsage;
        }
        options.demo_modes.push_back(mode == "demo");
    }
    for (const auto& theme : split_list(audit.themes)) {
        if (std::find(theme_keys().begin(), theme_keys().end(), theme) == theme_keys().end()) {
            std::fprintf(stderr, "strata: unknown theme %s\n", theme.c_str());
            return platform::kExitUsage;
        }
        options.themes.push_back(theme);
    }
    options.last_step_only = audit.last_step_only;
    options.fail_on_diagram = audit.fail_on == "diagram" || audit.fail_on == "all";
    options.fail_on_panels = audit.fail_on == "all";
    std::FILE* out = stdout;
    if (!output.empty()) {
        out = std::fopen(output.c_str(), "w");
        if (!out) {
            std::fprintf(stderr, "strata: cannot write %s\n", output.c_str());
            return platform::kExitFailed;
        }
    }
    const int code = run_layout_audit(options, out);
    if (out != stdout) std::fclose(out);
    return code;
}

cli::Command add_screenshot(CLI::App& app) {
    auto args = std::make_shared<GuiArgs>();
    auto step = std::make_shared<int>(0);
    auto output = std::make_shared<std::string>();
    auto answers = std::make_shared<std::vector<std::string>>();
    auto audit = std::make_shared<AuditArgs>();
    CLI::App* sub = app.add_subcommand("screenshot", "render a lesson after N steps to a PNG file, or audit every lesson's layout");
    add_common(sub, *args);
    sub->add_option("--lesson", args->lesson, "lesson id, e.g. container/uts (with --audit: only this lesson)");
    sub->add_option("--step", *step, "how many steps to run first (0 = none)")->check(CLI::Range(0, 1000));
    sub->add_option("-o,--output", *output, "PNG file to write (with --audit: the JSON report, else standard output)");
    sub->add_option("--answer", *answers, "EXERCISE=CHOICE: a prediction locked in before the steps run");
    sub->add_flag("--audit", audit->on,
                  "measure instead: every lesson, every step, in windows of each size, mode and theme (recordings "
                  "replayed), printing clipped and overlapping text, wires over boxes or text, and the lowest "
                  "contrast as JSON");
    sub->add_option("--audit-sizes", audit->sizes, "with --audit: window sizes, WIDTHxHEIGHT,...");
    sub->add_option("--audit-modes", audit->modes, "with --audit: normal, demo or both (normal,demo)");
    sub->add_option("--audit-themes", audit->themes, "with --audit: themes, e.g. dark,light,high-contrast");
    sub->add_flag("--last-step-only", audit->last_step_only, "with --audit: each lesson's last step only");
    sub->add_option("--fail-on", audit->fail_on, "with --audit: exit 1 on problems in the diagram, in all text, or none")
        ->check(CLI::IsMember({"none", "diagram", "all"}));
    return [args, step, output, answers, audit]() -> int {
        if (!known_lesson(args->lesson)) return platform::kExitUsage;
        if (audit->on) return run_audit(*args, *audit, *output);
        if (args->lesson.empty() || output->empty()) {
            std::fprintf(stderr, "strata: screenshot needs --lesson and -o (or --audit)\n");
            return platform::kExitUsage;
        }
        if (!screenshot_input_valid(*lessons::catalogue().find(args->lesson), *step, *answers))
            return platform::kExitUsage;
        ShellOptions shell;
        shell.allow_fullscreen = false;  // the picture is --size, whatever the screen
        int code = platform::kExitOk;
        // A fresh, unsaved configuration: screenshots look the same on
        // every machine, whatever the user set.
        auto gui = open_gui(*args, shell, /*remember=*/false, code);
        if (!gui) return code;
        gui->ignore_pointer(true);
        gui->shell().set_still_diagram(true);
        gui->settle();
        for (const auto& answer : *answers) {
            const auto eq = answer.find('=');
            gui->shell().lock_prediction(answer.substr(0, eq), answer.substr(eq + 1));
        }
        step_to(*gui, *step);
        while (!gui->shell().availability_ready() && gui->seconds() < 20 && !engine::stop_requested()) gui->settle(0.05);
        if (engine::stop_requested()) return platform::kExitFailed;  // no picture of a cancelled lesson
        if (!gui->settle()) std::fprintf(stderr, "strata: the lesson is still running; capturing anyway\n");
        gui->render_frame(/*capture=*/true);
        std::string error;
        if (!platform::write_png(*output, gui->last_capture(), error)) {
            std::fprintf(stderr, "strata: %s\n", error.c_str());
            return platform::kExitFailed;
        }
        std::printf("wrote %s (%dx%d, %s, after %d step%s)\n", output->c_str(), gui->last_capture().width,
                    gui->last_capture().height, args->platform.c_str(), *step, *step == 1 ? "" : "s");
        return platform::kExitOk;
    };
}

cli::WindowCommands window_commands() {
    cli::WindowCommands window;
    window.subcommands = {{"gui", add_gui}, {"screenshot", add_screenshot}};
    window.add_top_level_options = add_demo_launch;
    window.open_by_default = []() -> int { return display_present() ? run_gui_default() : -1; };
    return window;
}

}  // namespace strata::gui
