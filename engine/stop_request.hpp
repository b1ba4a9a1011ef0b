// A request to stop the whole process (SIGINT, SIGTERM, SIGHUP), turned
// into state that ordinary code can wait on.
//
// A signal handler may do almost nothing (no locks, no allocation, no
// destructors), yet stopping strata means undoing everything the run made:
// cgroups, temp dirs, agents, VMs. So the handler only calls request_stop(),
// which records the signal and makes stop_fd() readable; everything else
// happens in ordinary code:
//   - a watcher thread (start_stop_watcher) runs the StopHooks, e.g. every
//     live Session cancels itself, the GUI wakes its event loop;
//   - blocking waits (a prompt's read, an agent call's poll, where an
//     interactive shell waits too) poll stop_fd() beside what they wait for;
//   - loops between steps ask stop_requested().
// The command then unwinds normally, RAII releases what it owns, and main
// exits with 128 + stop_signal().
#pragma once

#include <functional>
#include <string>

#include "engine/error.hpp"

namespace strata::engine {

namespace detail {
void run_stop_hooks();
}  // namespace detail

// Records the first stop request and makes stop_fd() readable.
// Async-signal-safe (an atomic and a write(2)); later requests change
// nothing and return false.
bool request_stop(int signo) noexcept;
// The signal of the first request, 0 while none came.
int stop_signal() noexcept;
inline bool stop_requested() noexcept { return stop_signal() != 0; }
// What a loop returns when it stops early for a stop request (ECANCELED).
std::unexpected<Error> stop_error(const std::string& operation);
// Readable (POLLIN) from the first request on, for good: put it in a poll()
// beside what a blocking wait waits for. Made when the program starts, so
// no test sees it appear as a new fd; never closed. -1 if the kernel
// refused an eventfd (then only stop_requested() tells).
int stop_fd() noexcept;

// Runs `on_stop` once, from the watcher thread, when a stop is requested
// while the hook exists — or at once, on this thread, if the request came
// before. Destroying the hook waits for a call in progress, so `on_stop`
// may use what the hook's owner owns. `on_stop` must not make or destroy
// StopHooks and must return quickly (cancel, wake; not clean up).
class StopHook {
public:
    explicit StopHook(std::function<void()> on_stop);
    ~StopHook();
    StopHook(const StopHook&) = delete;
    StopHook& operator=(const StopHook&) = delete;

private:
    friend void detail::run_stop_hooks();
    std::function<void()> on_stop_;
};

// Starts the thread that waits on stop_fd() and runs the hooks. Once per
// process; the program's main calls it with the signal handlers.
void start_stop_watcher();

}  // namespace strata::engine
