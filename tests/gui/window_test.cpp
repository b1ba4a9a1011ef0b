// Real windows under Xvfb, for the platform given on the command line
// (--platform glfw|sdl2): open strata, step a real container lesson with
// simulated key presses, read back the pixels and check them. Screenshots
// are kept (--screenshots DIR) so a person can look at what was checked.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "app/platform/gl_check.hpp"
#include "app/platform/glx_copy.hpp"
#include "app/platform/run_loop.hpp"
#include <fmt/format.h>

#include "backends/probe/machine_report.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;
using namespace std::chrono_literals;

namespace {

std::string g_platform = "glfw";
std::string g_screenshots;
const char* kLesson = "container/uts";

bool near(std::uint32_t a, std::uint32_t b) {
    for (int shift = 0; shift < 24; shift += 8) {
        const int ca = static_cast<int>((a >> shift) & 0xff), cb = static_cast<int>((b >> shift) & 0xff);
        if (std::abs(ca - cb) > 2) return false;
    }
    return true;
}

// Clearly another colour: some channel differs by more than a quarter.
bool far_from(std::uint32_t a, std::uint32_t b) {
    for (int shift = 0; shift < 24; shift += 8)
        if (std::abs(static_cast<int>((a >> shift) & 0xff) - static_cast<int>((b >> shift) & 0xff)) > 64) return true;
    return false;
}

// Share of the pixels inside `rect` (inset, to skip the border) that have
// colour `colour`.
double share_with_colour(const platform::Image& image, const ImRect& rect, ImU32 colour) {
    int match = 0, total = 0;
    for (int y = static_cast<int>(rect.Min.y) + 4; y < static_cast<int>(rect.Max.y) - 4; ++y)
        for (int x = static_cast<int>(rect.Min.x) + 4; x < static_cast<int>(rect.Max.x) - 4; ++x) {
            ++total;
            match += near(image.pixel(x, y), colour);
        }
    return total ? static_cast<double>(match) / total : 0;
}

std::size_t distinct_colours(const platform::Image& image) {
    std::vector<std::uint32_t> seen;
    for (int y = 0; y < image.height; y += 7)
        for (int x = 0; x < image.width; x += 7) {
            const auto p = image.pixel(x, y);
            if (std::find(seen.begin(), seen.end(), p) == seen.end()) seen.push_back(p);
            if (seen.size() > 200) return seen.size();
        }
    return seen.size();
}

void save(platform::Gui& gui, const std::string& name) {
    if (g_screenshots.empty()) return;
    std::filesystem::create_directories(g_screenshots);
    std::string error;
    const std::string path = g_screenshots + "/" + g_platform + "-" + name + ".png";
    CHECK(platform::write_png(path, gui.last_capture(), error));
    std::printf("screenshot: %s\n", path.c_str());
}

std::set<std::string> files_in(const std::filesystem::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
    return names;
}

// A real key press: down for a frame, then up, as a user would.
void press(platform::Gui& gui, platform::TestKey key) {
    gui.platform().inject_key(key, true);
    gui.poll();
    gui.render_frame();
    gui.platform().inject_key(key, false);
    gui.poll();
    gui.render_frame();
}

// Shell options for a lesson, without probing the machine again.
gui::ShellOptions shell_for(const char* lesson) {
    gui::ShellOptions shell;
    shell.lesson = lesson;
    shell.probe_machine = false;
    return shell;
}

// Opens strata's window on the platform under test, or fails the test
// with the reason it could not.
std::unique_ptr<platform::Gui> open_window(const gui::ShellOptions& shell, const platform::WindowOptions& window = {}) {
    platform::OpenFailure failure;
    auto gui = platform::Gui::open(lessons::catalogue(), *platform::backend_from_name(g_platform), window, shell, failure);
    INFO(failure.message);
    REQUIRE(gui);
    return gui;
}

// Whether every step of the run is done; the first one that is not says why.
bool all_steps_done(const engine::Snapshot& snap) {
    for (std::size_t i = 0; i < snap.steps.size(); ++i)
        if (const auto& s = snap.steps[i]; s.status != engine::StepStatus::done) {
            UNSCOPED_INFO("step " << i + 1 << " is " << engine::step_status_key(s.status) << ": "
                                  << (s.error ? s.error->describe() : s.summary));
            return false;
        }
    return true;
}

const engine::Snapshot& settled(platform::Gui& gui) {
    REQUIRE(gui.shell().controller().wait_idle(30s));
    REQUIRE(gui.settle(30));
    gui.render_frame(/*capture=*/true);
    static std::shared_ptr<const engine::Snapshot> keep;
    keep = gui.shell().controller().snapshot();
    REQUIRE(keep);
    return *keep;
}

}  // namespace

TEST_CASE("A real window steps a real container lesson and lights exactly its layers", "[gui][window]") {
    const auto config = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-window-test");
    std::filesystem::remove_all(config);
    const auto cwd_ini = std::filesystem::current_path() / "imgui.ini";
    const bool ini_before = std::filesystem::exists(cwd_ini);
    const auto cwd_before = files_in(std::filesystem::current_path());
    {
        auto shell = shell_for(kLesson);
        shell.config_dir = config;
        auto gui = open_window(shell);
        gui->shell().set_still_diagram(true);

        // Before any step: a real picture, and nothing lit.
        const auto& before = settled(*gui);
        CHECK(before.current_step == -1);
        save(*gui, "1-before");
        const auto& image0 = gui->last_capture();
        CHECK(image0.width == 1280);
        CHECK(distinct_colours(image0) > 20);  // not blank
        const ImU32 lit = gui->shell().palette().node_lit;
        const auto runtime = gui->shell().last_diagram().node_rect(engine::LayerId::runtime);
        const auto namespaces = gui->shell().last_diagram().node_rect(engine::LayerId::namespaces);
        const auto kvm = gui->shell().last_diagram().node_rect(engine::LayerId::kvm);
        REQUIRE(runtime);
        REQUIRE(namespaces);
        REQUIRE(kvm);
        CHECK(share_with_colour(image0, *runtime, lit) == 0.0);
        CHECK(share_with_colour(image0, *namespaces, lit) == 0.0);

        // Space: step 1 of the real lesson, on the controller's worker.
        press(*gui, platform::TestKey::space);
        const auto& one = settled(*gui);
        REQUIRE(one.current_step == 0);
        REQUIRE(one.steps[0].status == engine::StepStatus::done);
        save(*gui, "2-after-step-1");
        const auto touched = one.layers_touched(0);
        REQUIRE_FALSE(touched.empty());
        for (const auto& [layer, rect] : gui->shell().last_diagram().nodes) {
            const bool recorded = std::find(touched.begin(), touched.end(), layer) != touched.end();
            const double share = share_with_colour(gui->last_capture(), rect, lit);
            CAPTURE(engine::layer_key(layer), share);
            if (recorded) CHECK(share > 0.5);   // most of the node is the highlight colour
            else CHECK(share == 0.0);           // not a single highlight pixel
        }

        // Right arrow: step 2 (unshare(CLONE_NEWUTS) lights namespaces).
        press(*gui, platform::TestKey::right);
        const auto& two = settled(*gui);
        REQUIRE(two.current_step == 1);
        CHECK(std::find(two.layers_touched(1).begin(), two.layers_touched(1).end(), engine::LayerId::namespaces) !=
              two.layers_touched(1).end());
        CHECK(share_with_colour(gui->last_capture(), *namespaces, lit) > 0.5);
        CHECK(share_with_colour(gui->last_capture(), *kvm, lit) == 0.0);
        save(*gui, "3-after-step-2");

        // Left arrow: step back = restart and replay to the previous step.
        press(*gui, platform::TestKey::left);
        CHECK(settled(*gui).current_step == 0);

        // End: run to the end; every step done.
        press(*gui, platform::TestKey::end);
        const auto& end = settled(*gui);
        CHECK(end.finished);
        CHECK(all_steps_done(end));
        save(*gui, "4-finished");

        // Home: restart; nothing lit again.
        press(*gui, platform::TestKey::home);
        CHECK(settled(*gui).current_step == -1);
        CHECK(share_with_colour(gui->last_capture(), *namespaces, lit) == 0.0);
    }
    // Settings went to the config dir, never imgui.ini in the working directory.
    CHECK(std::filesystem::exists(config / "settings.json"));
    CHECK(std::filesystem::exists(cwd_ini) == ini_before);
    // Nor any other file there (ImGui's ini under a stale name, say).
    CHECK(files_in(std::filesystem::current_path()) == cwd_before);
    std::filesystem::remove_all(config);
}

// Every node this step's recorded events touched is mostly the highlight
// colour; every other node has not one highlight pixel.
void check_lit_nodes(platform::Gui& gui, const engine::Snapshot& snap, int step) {
    const auto touched = snap.layers_touched(step);
    REQUIRE_FALSE(touched.empty());
    const ImU32 lit = gui.shell().palette().node_lit;
    for (const auto& [layer, rect] : gui.shell().last_diagram().nodes) {
        const bool recorded = std::find(touched.begin(), touched.end(), layer) != touched.end();
        const double share = share_with_colour(gui.last_capture(), rect, lit);
        CAPTURE(step, engine::layer_key(layer), share);
        if (recorded) CHECK(share > 0.5);
        else CHECK(share == 0.0);
    }
}

// The replay label is on screen: a strip mostly in the banner colour with
// text in the banner's text colour on it.
void check_banner(platform::Gui& gui, const std::optional<ImRect>& banner) {
    REQUIRE(banner);
    const auto& palette = gui.shell().palette();
    const double fill = share_with_colour(gui.last_capture(), *banner, palette.replay_fill);
    const double text = share_with_colour(gui.last_capture(), *banner, palette.replay_text);
    CAPTURE(fill, text);
    CHECK(fill > 0.5);
    CHECK(text > 0.005);  // glyphs, not an empty strip (antialiased edges are other shades)
}

TEST_CASE("vm/hello-kvm steps into the guest: live with /dev/kvm, else as a labelled replay", "[gui][window][kvm]") {
    const engine::Lesson* lesson = lessons::catalogue().find("vm/hello-kvm");
    REQUIRE(lesson);
    // The window makes the same choice as `strata run` (lessons::availability).
    const auto a = lessons::availability(*lesson, probe::probe_machine(lessons::probe_options_for(*lesson)));
    if (a.mode == lessons::Mode::unavailable) {
        std::printf("SKIPPED part: vm/hello-kvm can neither run live nor replay here: %s\n", a.why.c_str());
        return;
    }
    const bool replay = a.mode == lessons::Mode::replay;
    std::printf("vm/hello-kvm runs %s here\n", replay ? "as a replay" : "live");
    auto gui = open_window(shell_for("vm/hello-kvm"));
    gui->shell().set_still_diagram(true);
    const auto& before = settled(*gui);
    CHECK(before.replay_label.has_value() == replay);
    if (replay) {
        check_banner(*gui, gui->shell().last_diagram().replay_banner);
        check_banner(*gui, gui->shell().narrative_banner());
    }
    // Space through every step: the label stays on each, and the nodes lit
    // are exactly those the (replayed) events touched.
    const int steps = static_cast<int>(lesson->steps.size());
    for (int i = 0; i < steps; ++i) {
        press(*gui, platform::TestKey::space);
        const auto& snap = settled(*gui);
        REQUIRE(snap.current_step == i);
        REQUIRE(snap.steps[static_cast<std::size_t>(i)].status == engine::StepStatus::done);
        for (const auto* e : snap.events_of_step(i)) CHECK(e->replayed == replay);
        check_lit_nodes(*gui, snap, i);
        if (replay) {
            check_banner(*gui, gui->shell().last_diagram().replay_banner);
            check_banner(*gui, gui->shell().narrative_banner());
        }
        if (i == 0 || i + 1 == steps) save(*gui, fmt::format("5-hello-kvm-{}-step-{}", replay ? "replay" : "live", i + 1));
    }
    const auto& end = settled(*gui);
    CHECK(end.finished);
    const auto guest = gui->shell().last_diagram().node_rect(engine::LayerId::guest_program);
    REQUIRE(guest);
    CHECK(share_with_colour(gui->last_capture(), *guest, gui->shell().palette().node_lit) > 0.5);
}

TEST_CASE("The console runs the lesson's shell: typing hostname shows the container's own hostname", "[gui][window][shell]") {
    const char* id = "container/mount-pivot";
    const engine::Lesson* lesson = lessons::catalogue().find(id);
    REQUIRE(lesson);
    REQUIRE(lesson->interactive_shell);
    auto gui = open_window(shell_for(id));
    gui->shell().set_still_diagram(true);
    settled(*gui);
    press(*gui, platform::TestKey::end);
    const auto& end = settled(*gui);
    REQUIRE(end.finished);
    REQUIRE(all_steps_done(end));
    auto& controller = gui->shell().controller();
    // What the console's button and input line send (the view test checks
    // the widgets); the shell itself is the lesson's, through its backend.
    controller.submit({gui::CommandKind::start_shell});
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!controller.shell_state().running && std::chrono::steady_clock::now() < deadline) gui->render_frame();
    REQUIRE(controller.shell_state().running);
    // Before it hands out a shell, strata gives the container a UTS
    // namespace of its own, named "container" (shell_lockdown.hpp): that is
    // what its shell must print (and echo the command), never the host's.
    char host[256] = {};
    REQUIRE(::gethostname(host, sizeof host - 1) == 0);
    REQUIRE(std::string(host) != "container");
    controller.submit({gui::CommandKind::shell_input, "hostname\n"});
    controller.submit({gui::CommandKind::shell_input, "ls /old-root | wc -l; echo pid=$$\n"});
    std::string transcript;
    while (std::chrono::steady_clock::now() < deadline) {
        gui->render_frame();
        transcript = controller.shell_state().transcript;
        // Both commands' output (not just their echo) arrived.
        if (transcript.find("\npid=") != std::string::npos) break;
        std::this_thread::sleep_for(10ms);
    }
    CAPTURE(transcript);
    CHECK_THAT(transcript, Catch::Contains("hostname\ncontainer"));
    CHECK_THAT(transcript, !Catch::Contains("hostname\n" + std::string(host)));
    // Inside: the old root was detached (empty), and the shell is a low pid
    // in the container's own PID namespace.
    CHECK_THAT(transcript, Catch::Contains("\n0\n"));
    // BusyBox asked its terminal for the cursor position after each prompt;
    // the console shows the prompt, not the request.
    CHECK(transcript.find('\x1b') == std::string::npos);
    CHECK_THAT(transcript, Catch::Contains("container# "));
    gui->settle(2);
    gui->render_frame(/*capture=*/true);
    save(*gui, "6-mount-pivot-shell");
    controller.submit({gui::CommandKind::shell_input, "exit 7\n"});
    REQUIRE(controller.wait_idle(20s));
    const auto done = controller.shell_state();
    CHECK_FALSE(done.running);
    REQUIRE(done.exit_status);
    CHECK(*done.exit_status == 7);
}

// Partial frames (frame_renderer.hpp) must show exactly what a full redraw
// would: after the lesson steps and the diagram animates with only the
// changed part redrawn, the back buffer and the window the X server shows
// both match a frame drawn in full, pixel for pixel.
TEST_CASE("Frames that redraw only what changed show the same picture as full frames", "[gui][window][frames]") {
    auto gui = open_window(shell_for(kLesson));
    platform::FrameRenderer& renderer = gui->platform().renderer();
    if (!renderer.partial_frames()) {
        std::printf("SKIPPED part: this display gets full frames only (%s)\n", platform::current_gl_renderer().c_str());
        return;
    }
    settled(*gui);
    press(*gui, platform::TestKey::space);
    settled(*gui);  // a key pressed while a step runs is ignored
    press(*gui, platform::TestKey::right);
    REQUIRE(gui->shell().controller().wait_idle(30s));
    // Animated frames: the diagram's paths move, the rest stays.
    renderer.set_collect_stats(true);
    double smallest = 1;
    for (int i = 0; i < 40; ++i) {
        gui->poll();
        gui->render_frame();
        smallest = std::min(smallest, renderer.stats().damaged_share);
    }
    CAPTURE(smallest);
    CHECK(smallest < 0.6);  // partial frames did happen
    // Then still: the last frames are partial too, then one full one.
    gui->shell().set_still_diagram(true);
    REQUIRE(gui->settle(10));
    gui->render_frame(/*capture=*/true);
    const platform::Image partial = gui->last_capture();
    const auto [w, h] = gui->platform().framebuffer_size();
    const platform::Image shown = gui->platform().read_window();
    renderer.invalidate();
    gui->render_frame(/*capture=*/true);
    const platform::Image full = gui->last_capture();
    renderer.set_collect_stats(false);
    REQUIRE(full.width == partial.width);
    REQUIRE(full.height == partial.height);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < full.rgba.size(); ++i) differ += full.rgba[i] != partial.rgba[i];
    CHECK(differ == 0);
    REQUIRE(shown.width == w);
    std::size_t shown_differ = 0;
    for (std::size_t i = 0; i < full.rgba.size(); ++i) shown_differ += full.rgba[i] != shown.rgba[i];
    CHECK(shown_differ == 0);
    CHECK(distinct_colours(full) > 20);
}

// A real click (press, then release, through the platform's own input
// path) on a diagram node filters the timeline by that layer; a second
// click clears it.
TEST_CASE("Clicking a diagram node in a real window filters the timeline", "[gui][window][click]") {
    auto gui = open_window(shell_for(kLesson));
    gui->shell().set_still_diagram(true);
    settled(*gui);
    press(*gui, platform::TestKey::space);
    settled(*gui);  // a key pressed while a step runs is ignored
    press(*gui, platform::TestKey::right);
    const auto& snap = settled(*gui);
    REQUIRE(snap.current_step == 1);
    const std::size_t all_rows = gui->shell().timeline().rows_shown;
    // A node some, but not all, of the events touched: the filter must
    // visibly narrow the timeline.
    std::optional<engine::LayerId> layer;
    std::size_t touching = 0;
    for (const auto& [candidate, count] : snap.layer_counts())
        if (count > 0 && count < all_rows && (!layer || count < touching)) {
            layer = candidate;
            touching = count;
        }
    REQUIRE(layer);
    CAPTURE(engine::layer_key(*layer), touching, all_rows);
    const auto node = gui->shell().last_diagram().node_rect(*layer);
    REQUIRE(node);
    auto click = [&](ImVec2 at) {
        gui->platform().inject_mouse(at.x, at.y, platform::TestMouse::move);
        for (int i = 0; i < 2; ++i) {
            gui->poll();
            gui->render_frame();
        }
        gui->platform().inject_mouse(at.x, at.y, platform::TestMouse::press);
        gui->poll();
        gui->render_frame();
        gui->platform().inject_mouse(at.x, at.y, platform::TestMouse::release);
        for (int i = 0; i < 3; ++i) {
            gui->poll();
            gui->render_frame();
        }
    };
    click(node->GetCenter());
    REQUIRE(gui->shell().timeline().filter.layer == layer);
    CHECK(gui->shell().timeline().rows_shown == touching);
    // The filtered node is outlined in the filter colour on screen.
    gui->render_frame(/*capture=*/true);
    save(*gui, "7-clicked-node");
    const ImRect ring(ImVec2(node->Min.x - 3, node->Min.y - 3), ImVec2(node->Min.x - 1, node->Max.y));
    int ring_pixels = 0;
    for (int y = static_cast<int>(ring.Min.y); y < static_cast<int>(ring.Max.y); ++y)
        ring_pixels += near(gui->last_capture().pixel(static_cast<int>(ring.Min.x) + 1, y), gui->shell().palette().node_filtered);
    CHECK(ring_pixels > node->GetHeight() / 2);

    click(node->GetCenter());
    CHECK_FALSE(gui->shell().timeline().filter.layer);
    CHECK(gui->shell().timeline().rows_shown == all_rows);
    // The X pointer outlives the window: park it where the next test's
    // window shows no tooltip.
    gui->platform().inject_mouse(2, 790, platform::TestMouse::move);
    gui->poll();
}

void demo_window_steps(const gui::ShellOptions& shell, const platform::WindowOptions& window);

// The whole demo picture is on screen, not a part of it in a corner of a
// bigger image (a full-screen window whose GL drawable kept its old size):
// every node's border is drawn, and the bar holds its buttons.
void check_whole_picture(platform::Gui& gui) {
    const auto& palette = gui.shell().palette();
    const auto& image = gui.last_capture();
    for (const auto& [layer, rect] : gui.shell().last_diagram().nodes) {
        int border = 0;
        for (int x = static_cast<int>(rect.Min.x) + 8; x < static_cast<int>(rect.Max.x) - 8; ++x)
            for (int y = static_cast<int>(rect.Max.y) - 3; y <= static_cast<int>(rect.Max.y); ++y)
                border += far_from(image.pixel(x, y), palette.window_background);  // the edge, antialiased
        CAPTURE(engine::layer_key(layer), border);
        CHECK(border > (rect.GetWidth() - 16) / 2);  // its bottom edge, drawn
    }
    const ImRect bar = gui.shell().last_demo().layout.bar;
    std::vector<std::uint32_t> seen;
    for (int y = static_cast<int>(bar.Min.y); y < static_cast<int>(bar.Max.y); y += 2)
        for (int x = 0; x < static_cast<int>(bar.GetWidth() / 2); x += 2)
            if (std::find(seen.begin(), seen.end(), image.pixel(x, y)) == seen.end()) seen.push_back(image.pixel(x, y));
    CHECK(seen.size() > 3);  // buttons and text, not an empty strip
}

// Demo mode in a real window: full screen, presenter keys, blank screen,
// jumping to a step, the notes column, and back to a window with F.
TEST_CASE("Demo mode in a real window: full screen, presenter keys, blank, jump, notes", "[gui][window][demo]") {
    const auto config = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-demo-window");
    std::filesystem::remove_all(config);
    auto shell = shell_for(kLesson);
    shell.config_dir = config;
    shell.demo = true;
    platform::WindowOptions window;
    window.width = 1024;
    window.height = 640;
    demo_window_steps(shell, window);
    // The window saved demo mode's settings apart from the normal ones.
    const auto saved = gui::load_settings(config);
    CHECK(saved.demo.notes);
    CHECK_FALSE(saved.demo.fullscreen);  // F left full screen, and that is remembered
    CHECK(saved.demo.font_scale > 2.0f);
    CHECK(saved.font_scale == 1.0f);
    std::filesystem::remove_all(config);
}

void demo_window_steps(const gui::ShellOptions& shell, const platform::WindowOptions& window) {
    auto gui = open_window(shell, window);
    gui->shell().set_still_diagram(true);
    gui->platform().inject_mouse(2, 630, platform::TestMouse::move);  // no tooltip over the diagram
    settled(*gui);
    // Full screen: the window covers Xvfb's 1280x800 screen.
    CHECK(gui->platform().fullscreen());
    settled(*gui);
    CHECK(gui->last_capture().width == 1280);
    CHECK(gui->last_capture().height == 800);
    save(*gui, "8-demo-before");

    press(*gui, platform::TestKey::page_down);
    CHECK(settled(*gui).current_step == 0);  // (a key while a step runs is ignored)
    press(*gui, platform::TestKey::space);
    const auto& two = settled(*gui);
    REQUIRE(two.current_step == 1);
    save(*gui, "8-demo-step-2");
    check_lit_nodes(*gui, two, 1);
    check_whole_picture(*gui);
    // The diagram fills most of the screen, under the bar.
    const auto& layout = gui->shell().last_demo().layout;
    CHECK(layout.diagram.GetArea() > 0.5 * 1280 * 800);
    for (const auto& [layer, rect] : gui->shell().last_diagram().nodes) CHECK(layout.diagram.Contains(rect));

    // B: everything black; B again: back.
    press(*gui, platform::TestKey::b);
    settled(*gui);
    REQUIRE(gui->shell().blank());
    CHECK(distinct_colours(gui->last_capture()) == 1);
    CHECK(near(gui->last_capture().pixel(640, 400), IM_COL32(0, 0, 0, 255)));
    press(*gui, platform::TestKey::b);
    settled(*gui);
    CHECK(distinct_colours(gui->last_capture()) > 5);

    // Page Up: one step back; 2: jump forward to step 2 again.
    press(*gui, platform::TestKey::page_up);
    CHECK(settled(*gui).current_step == 0);
    press(*gui, platform::TestKey::digit_2);
    const auto& jumped = settled(*gui);
    CHECK(jumped.current_step == 1);
    check_lit_nodes(*gui, jumped, 1);

    // N: the speaker notes column, right of the diagram; + makes text bigger.
    const float font_before = ImGui::GetFontSize();
    press(*gui, platform::TestKey::n);
    press(*gui, platform::TestKey::plus);
    settled(*gui);
    const auto& with_notes = gui->shell().last_demo().layout;
    CHECK(with_notes.notes.GetWidth() > 100);
    CHECK(with_notes.diagram.GetArea() > with_notes.notes.GetArea());
    CHECK(ImGui::GetFontSize() > font_before);
    save(*gui, "8-demo-notes");
    check_whole_picture(*gui);

    // F: back to the window it was.
    press(*gui, platform::TestKey::f);
    settled(*gui);
    CHECK_FALSE(gui->platform().fullscreen());
    settled(*gui);
    CHECK(gui->last_capture().width == 1024);
}

int main(int argc, char** argv) {
    std::vector<char*> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--platform") == 0 && i + 1 < argc) g_platform = argv[++i];
        else if (std::strcmp(argv[i], "--screenshots") == 0 && i + 1 < argc) g_screenshots = argv[++i];
        else rest.push_back(argv[i]);
    }
    const bool listing = std::any_of(rest.begin(), rest.end(), [](char* a) { return std::strncmp(a, "--list", 6) == 0; });
    if (!listing) {
        if (!platform::display_present()) {
            std::printf("SKIPPED: no display (run under xvfb-run -a)\n");
            return 77;
        }
        if (!lessons::catalogue().find(kLesson)) {
            std::printf("SKIPPED: lesson %s is not built in\n", kLesson);
            return 77;
        }
        auto report = probe::probe_machine({false, true});
        for (auto r : lessons::catalogue().find(kLesson)->requirements)
            if (auto missing = report.missing(r)) {
                std::printf("SKIPPED: %s cannot run here: %s\n", kLesson, missing->c_str());
                return 77;
            }
    }
    return Catch::Session().run(static_cast<int>(rest.size()), rest.data());
}
