// strata in the browser: the course from its outline, every lesson the
// replay of a real run, in the same AppShell the desktop runs, drawn on
// the page's canvas frame by frame from the browser's animation loop.
//
// Start-up: mount the learner's directories on IndexedDB and load them
// (asynchronous), then read the course, open the canvas and start the
// loop. Anything that stops it is shown on the page in words, not only
// in the console.
#include <cstdlib>
#include <fstream>
#include <string>

#include <emscripten/emscripten.h>
#include <imgui.h>
#include <nlohmann/json.hpp>

#include "app/gui/machine_choice.hpp"
#include "app/gui/settings.hpp"
#include "app/web/browser_machine.hpp"
#include "app/web/browser_storage.hpp"
#include "app/web/downloads.hpp"
#include "app/web/web_app.hpp"
#include "app/web/web_platform.hpp"
#include "engine/install_layout.hpp"
#include "engine/lesson_metadata.hpp"
#include "engine/lesson_outline.hpp"
#include "engine/progress_store.hpp"

namespace strata::web {

namespace {

// Where the page's files are (packed into strata.data by the build) and
// where the learner's are (IndexedDB).
constexpr const char* kOutline = "/strata/lesson-outline.json";
constexpr const char* kStateHome = "/strata/state";
constexpr const char* kConfigHome = "/strata/config";

WebApp* g_app = nullptr;

EM_JS(void, show_page_error, (const char* message), {
    if (Module.onStrataError) Module.onStrataError(UTF8ToString(message));
    else console.error(UTF8ToString(message));
});
EM_JS(void, announce_ready, (), {
    if (Module.onStrataReady) Module.onStrataReady();
});
// "#lesson=vm/hello-kvm&demo=1": a course page can link straight to a
// lesson, or open it for the projector.
EM_JS(char*, page_fragment, (), {
    var text = location.hash.replace(/^#/, "");
    try {
        text = decodeURIComponent(text);
    } catch (e) {
        // A mangled link: read it as it is; an unknown lesson is said below.
    }
    var size = lengthBytesUTF8(text) + 1;
    var out = _malloc(size);
    stringToUTF8(text, out, size);
    return out;
});
EM_JS(void, open_in_new_tab, (const char* url), { window.open(UTF8ToString(url), "_blank", "noopener"); });
EM_JS(void, say_on_page, (const char* text), {
    var box = document.getElementById("page-message");
    if (box) box.textContent = UTF8ToString(text);
});

std::string fragment_value(const std::string& fragment, const std::string& key) {
    const std::string wanted = key + "=";
    std::size_t at = 0;
    while (at <= fragment.size()) {
        const std::size_t end = std::min(fragment.find('&', at), fragment.size());
        if (fragment.compare(at, wanted.size(), wanted) == 0) return fragment.substr(at + wanted.size(), end - at - wanted.size());
        at = end + 1;
    }
    return {};
}

engine::Result<engine::Catalogue> load_course() {
    std::ifstream in(kOutline);
    if (!in) return engine::errno_error(std::string("open ") + kOutline, errno, "the page's data did not load");
    auto json = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded())
        return engine::plain_error(kOutline, "the course outline is not JSON", "rebuild the page: make web");
    auto lessons = engine::lessons_from_outline(json);
    if (!lessons) return std::unexpected(lessons.error());
    // Titles and summaries from the lessons' Markdown, as the desktop's
    // catalogue gets them (lessons/catalogue.cpp).
    for (const auto& problem : engine::fill_metadata(*lessons, engine::asset_dir()))
        std::fprintf(stderr, "strata: %s\n", problem.c_str());
    return engine::Catalogue(std::move(*lessons));
}

void frame() {
    WebApp& app = *g_app;
    platform::Platform& platform = *app.platform;
    gui::AppShell& shell = *app.shell;
    if (shell.fonts_dirty()) {
        shell.load_fonts();
        platform.reload_font_texture();
    }
    platform.new_frame();
    ImGui::NewFrame();
    shell.set_fullscreen_state(platform.fullscreen());
    const gui::FrameOutcome outcome = shell.frame(ImGui::GetTime());
    ImGui::Render();
    platform.render(shell.clear_colour());
    platform.swap();
    if (outcome.fullscreen) platform.set_fullscreen(*outcome.fullscreen);
    app.animating = outcome.animating;
    ++app.frames;
    // Progress and settings reach IndexedDB within about a second.
    if (app.frames % 60 == 0) persist_browser_storage();
}

void start() {
    auto course = load_course();
    if (!course) {
        show_page_error(("strata could not load its lessons: " + course.error().describe()).c_str());
        return;
    }
    auto app = std::make_unique<WebApp>(WebApp{std::move(*course), nullptr, nullptr});
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    platform::OpenFailure failure;
    app->platform = open_canvas(failure);
    if (!app->platform) {
        show_page_error(("strata cannot draw here: " + failure.message).c_str());
        return;
    }
    char* raw = page_fragment();
    const std::string fragment = raw;
    std::free(raw);

    gui::ShellOptions shell;
    shell.lesson = fragment_value(fragment, "lesson");
    if (!shell.lesson.empty() && !app->catalogue.find(shell.lesson)) {
        // As `strata run` answers an unknown id: say so, and open the course.
        say_on_page(("no lesson \"" + shell.lesson + "\" in this course (its ids are those of strata list)").c_str());
        shell.lesson.clear();
    }
    shell.demo = fragment_value(fragment, "demo") == "1";
    shell.dpi_scale = app->platform->dpi_scale();
    shell.keys = app->platform->key_map();
    shell.config_dir = gui::config_dir();
    shell.state_dir = engine::state_dir();
    shell.replay_only = true;
    shell.replay_why = browser_replay_why();
    shell.chooser = gui::machine_chooser();
    shell.stepping = gui::Stepping::frame_loop;
    shell.open_link = [](const std::string& url) {
        open_in_new_tab(url.c_str());
        return "opened " + url + " in a new tab";
    };
    shell.offer_file = [](const std::filesystem::path& file) { offer_download(file); };
    app->shell = std::make_unique<gui::AppShell>(app->catalogue, std::move(shell), [] {});
    app->shell->load_fonts();
    if (!app->shell->fonts().problem.empty()) std::fprintf(stderr, "strata: %s\n", app->shell->fonts().problem.c_str());
    g_app = app.release();  // lives as long as the page
    announce_ready();
    emscripten_set_main_loop(frame, 0, /*simulate_infinite_loop=*/false);
}

}  // namespace

WebApp* running_app() { return g_app; }

}  // namespace strata::web

int main() {
    using namespace strata::web;
    // The engine finds its files and the learner's as on the desktop:
    // through the variables it already reads.
    setenv("STRATA_ASSETS", "/strata/assets", 1);
    setenv("STRATA_FONT_DIR", "/strata/fonts", 1);
    setenv("XDG_STATE_HOME", kStateHome, 1);
    setenv("XDG_CONFIG_HOME", kConfigHome, 1);
    open_browser_storage({kStateHome, kConfigHome}, start);
    return 0;
}
