// The learner's files in the browser: strata keeps its progress and
// settings under $XDG_STATE_HOME and $XDG_CONFIG_HOME, as on the desktop;
// here those directories are Emscripten IDBFS mounts, kept in the
// browser's IndexedDB for the page's origin. The engine reads and writes
// them as files (engine/progress_store.hpp), with no browser code of its
// own; this file loads them before the app starts and writes changes back.
#pragma once

#include <string>
#include <vector>

namespace strata::web {

// Mounts each directory on IndexedDB and loads what it held, then calls
// `ready` (asynchronously: IndexedDB answers later). Storage the browser
// refuses (a private window that forbids it) leaves the directories in
// memory: progress then lasts as long as the page, and `ready` still runs.
void open_browser_storage(const std::vector<std::string>& dirs, void (*ready)());

// Writes the directories back to IndexedDB when a file in them changed
// since the last call. Cheap when nothing changed; the frame loop calls
// it about once a second, and the page when it is hidden.
void persist_browser_storage();

}  // namespace strata::web
