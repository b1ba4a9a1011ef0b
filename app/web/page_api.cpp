// What the page around the canvas calls (app/web/page/strata-page.js):
// its Export / Import progress buttons, the banner naming the machine a
// replay was recorded on, saving when the page is hidden, and the state
// the browser tests read (tests/web) to know where the diagram's nodes
// are and which of them the step's recorded events touched.
#include <string>

#include <emscripten/emscripten.h>
#include <nlohmann/json.hpp>

#include "app/web/browser_storage.hpp"
#include "app/web/downloads.hpp"
#include "app/web/web_app.hpp"
#include "engine/layers.hpp"
#include "engine/progress.hpp"

namespace {

using strata::web::running_app;

// The answer handed back to JavaScript; valid until the next call.
const char* answer(std::string text) {
    static std::string held;
    held = std::move(text);
    return held.c_str();
}

nlohmann::json rect_json(const ImRect& r) { return {r.Min.x, r.Min.y, r.Max.x, r.Max.y}; }
nlohmann::json rgb_json(ImU32 c) { return {c & 0xff, (c >> 8) & 0xff, (c >> 16) & 0xff}; }

}  // namespace

extern "C" {

// Downloads the learner's progress as strata-progress.json: the file
// `strata progress import` reads on the desktop.
EMSCRIPTEN_KEEPALIVE const char* strata_export_progress() {
    auto* app = running_app();
    if (!app) return answer("strata has not started");
    const auto& progress = app->shell->progress();
    strata::web::offer_download("strata-progress.json", strata::engine::progress_to_json(progress.progress()).dump(2) + "\n");
    return answer("exported the progress of " + std::to_string(progress.progress().lessons.size()) + " lesson(s)");
}

// Merges a file from `strata progress export` (or this page) into the
// learner's progress; says what happened.
EMSCRIPTEN_KEEPALIVE const char* strata_import_progress(const char* text) {
    auto* app = running_app();
    if (!app) return answer("strata has not started");
    std::string said = app->shell->import_progress(text ? text : "");
    strata::web::persist_browser_storage();
    return answer(std::move(said));
}

// The replay label of the lesson shown ("A real run on Linux ..., replayed").
EMSCRIPTEN_KEEPALIVE const char* strata_replay_label() {
    auto* app = running_app();
    if (!app) return answer("");
    auto snap = app->shell->controller().snapshot();
    return answer(snap && snap->replay_label ? *snap->replay_label : "");
}

// The page is being hidden or closed: settings and progress are saved now.
EMSCRIPTEN_KEEPALIVE void strata_page_hidden() {
    auto* app = running_app();
    if (!app) return;
    const auto [w, h] = app->platform->window_size();
    app->shell->save(w, h);
    strata::web::persist_browser_storage();
}

// For tests/web: what the last frame drew and what the lesson recorded,
// in canvas pixels (device pixels; the tests divide by the pixel ratio).
EMSCRIPTEN_KEEPALIVE const char* strata_test_state() {
    auto* app = running_app();
    if (!app) return answer("{}");
    const strata::gui::AppShell& shell = *app->shell;
    nlohmann::json state;
    state["frames"] = app->frames;
    state["busy"] = app->shell->controller().busy();
    state["animating"] = app->animating;
    state["problem"] = shell.status_problem() + app->shell->controller().last_problem();
    state["node_lit"] = rgb_json(shell.palette().node_lit);
    state["background"] = rgb_json(shell.palette().window_background);
    auto snap = app->shell->controller().snapshot();
    if (snap && snap->lesson) {
        state["lesson"] = snap->lesson->id;
        state["steps"] = snap->lesson->steps.size();
        state["current_step"] = snap->current_step;
        state["finished"] = snap->finished;
        state["events"] = snap->events.size();
        state["replay_label"] = snap->replay_label.value_or("");
        nlohmann::json touched = nlohmann::json::array();
        if (snap->current_step >= 0)
            for (auto layer : snap->layers_touched(snap->current_step))
                touched.push_back(std::string(strata::engine::layer_key(layer)));
        state["touched"] = touched;
    }
    nlohmann::json nodes = nlohmann::json::object();
    for (const auto& [layer, rect] : shell.last_diagram().nodes) nodes[std::string(strata::engine::layer_key(layer))] = rect_json(rect);
    state["nodes"] = nodes;
    nlohmann::json predictions = nlohmann::json::array();
    for (const auto& p : shell.exercises().predictions) {
        nlohmann::json one{{"id", p.exercise->id}, {"step", p.step}, {"locked", p.locked.value_or("")}};
        if (p.verdict) one["verdict"] = p.verdict->summary;
            one["passed"] = p.verdict->outcome == strata::engine::Outcome::passed;
        const auto& edits = shell.exercise_edits();
        if (auto it = edits.choice_buttons.find(p.exercise->id); it != edits.choice_buttons.end())
            for (const auto& r : it->second) one["choices"].push_back(rect_json(r));
        if (auto it = edits.lock_in_buttons.find(p.exercise->id); it != edits.lock_in_buttons.end())
            one["lock_in"] = rect_json(it->second);
        predictions.push_back(one);
    }
    state["predictions"] = predictions;
    state["demo"] = shell.demo();
    const auto& filter = shell.timeline().filter.layer;
    state["timeline_filter"] = filter ? std::string(strata::engine::layer_key(*filter)) : "";
    if (const auto& r = shell.timeline().export_button) state["timeline_export"] = rect_json(*r);
    if (const auto& r = shell.timeline().save_button) state["timeline_save"] = rect_json(*r);
    state["steps_done"] = shell.progress().steps_done();
    return answer(state.dump());
}

}  // extern "C"
