// SIGINT, SIGTERM and SIGHUP become a stop request (engine/stop_request.hpp)
// instead of killing strata on the spot, so that whatever a command is
// doing — a step, a prompt, a shell, a window — unwinds and releases what
// the run made before strata exits with 128 + the signal.
#pragma once

namespace strata::cli {

// Installs the handlers and starts the stop watcher. Once, first thing in
// main, before any thread or child exists. A signal the caller ignores
// (`nohup`, a background job's SIGINT) stays ignored.
void install_stop_signals();

// `code` when no stop was requested; otherwise says which signal stopped
// strata and returns 128 + that signal (the shells' convention).
int exit_code_after_stop(int code);

}  // namespace strata::cli
