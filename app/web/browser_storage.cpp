#include "app/web/browser_storage.hpp"

#include <filesystem>
#include <functional>

#include <emscripten/emscripten.h>

namespace strata::web {

namespace {

std::vector<std::string> g_dirs;
void (*g_ready)() = nullptr;
std::size_t g_saved_signature = 0;

EM_JS(void, mount_idbfs, (const char* dir), {
    var path = UTF8ToString(dir);
    FS.mkdirTree(path);
    FS.mount(IDBFS, {}, path);
});
// Loads every IDBFS mount from IndexedDB, then calls back into C++.
EM_JS(void, load_idbfs, (), {
    FS.syncfs(true, function(err) {
        if (err) console.warn("strata: browser storage unavailable, progress lasts as long as the page:", err);
        Module._strata_storage_loaded();
    });
});
// One write-back at a time (IndexedDB would do the work twice): a change
// made while one is in flight is written by one more pass after it.
EM_JS(void, save_idbfs, (), {
    if (Module.strataSaving) {
        Module.strataSaveAgain = true;
        return;
    }
    Module.strataSaving = true;
    function done(err) {
        if (err) console.warn("strata: could not save progress to browser storage:", err);
        if (Module.strataSaveAgain) {
            Module.strataSaveAgain = false;
            FS.syncfs(false, done);
        } else {
            Module.strataSaving = false;
        }
    }
    FS.syncfs(false, done);
});

// Sizes and modification times of every file under the directories: a
// change to any of them changes this.
std::size_t signature() {
    std::size_t sum = 0;
    std::error_code ec;
    for (const auto& dir : g_dirs) {
        for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
             !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec)) continue;
            const auto size = it->file_size(ec);
            const auto time = it->last_write_time(ec).time_since_epoch().count();
            sum = sum * 31 + std::hash<std::string>{}(it->path().string()) + size * 7 + static_cast<std::size_t>(time);
        }
    }
    return sum;
}

}  // namespace

void open_browser_storage(const std::vector<std::string>& dirs, void (*ready)()) {
    g_dirs = dirs;
    g_ready = ready;
    for (const auto& dir : dirs) mount_idbfs(dir.c_str());
    load_idbfs();
}

void persist_browser_storage() {
    const std::size_t now = signature();
    if (now == g_saved_signature) return;
    g_saved_signature = now;
    save_idbfs();
}

}  // namespace strata::web

extern "C" EMSCRIPTEN_KEEPALIVE void strata_storage_loaded() {
    strata::web::g_saved_signature = strata::web::signature();
    if (strata::web::g_ready) strata::web::g_ready();
}
