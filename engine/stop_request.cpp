#include "engine/stop_request.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <poll.h>
#include <unistd.h>
#ifndef __EMSCRIPTEN__
#include <sys/eventfd.h>
#endif

namespace strata::engine {

namespace {

std::atomic<int> requested_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "request_stop runs in a signal handler");

// Made before main, so it is there before any handler or test looks. The
// browser edition has neither signals nor eventfd: -1, as when the kernel
// refuses one.
#ifdef __EMSCRIPTEN__
const int event_fd = -1;
#else
const int event_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
#endif

struct Hooks {
    std::mutex mutex;
    std::vector<StopHook*> live;
    bool ran = false;
};

// Never destroyed: the watcher thread is detached and may still look at it
// while static objects are torn down after main returns.
Hooks& hooks() {
    static Hooks* h = new Hooks;
    return *h;
}

}  // namespace

bool request_stop(int signo) noexcept {
    int none = 0;
    if (!requested_signal.compare_exchange_strong(none, signo)) return false;
    if (event_fd >= 0) {
        const int saved = errno;
        const std::uint64_t one = 1;
        (void)!::write(event_fd, &one, sizeof one);
        errno = saved;
    }
    return true;
}

int stop_signal() noexcept { return requested_signal.load(); }

int stop_fd() noexcept { return event_fd; }

std::unexpected<Error> stop_error(const std::string& operation) {
    return errno_error(operation, ECANCELED, "strata was asked to stop (a signal) before this finished");
}

StopHook::StopHook(std::function<void()> on_stop) : on_stop_(std::move(on_stop)) {
    Hooks& h = hooks();
    std::unique_lock lock(h.mutex);
    if (!h.ran) {
        h.live.push_back(this);
        return;
    }
    lock.unlock();
    on_stop_();  // the watcher has been and gone: stop now
}

StopHook::~StopHook() {
    Hooks& h = hooks();
    std::lock_guard lock(h.mutex);  // waits for the watcher to finish calling us
    h.live.erase(std::remove(h.live.begin(), h.live.end(), this), h.live.end());
}

void detail::run_stop_hooks() {
    Hooks& h = hooks();
    std::lock_guard lock(h.mutex);
    h.ran = true;
    for (StopHook* hook : h.live) hook->on_stop_();
}

void start_stop_watcher() {
    static std::once_flag once;
    std::call_once(once, [] {
        std::thread([] {
            pollfd p{event_fd, POLLIN, 0};
            // Without an eventfd, look every 50 ms instead.
            while (!stop_requested()) ::poll(&p, 1, event_fd < 0 ? 50 : -1);
            detail::run_stop_hooks();
        }).detach();
    });
}

}  // namespace strata::engine
