#include "app/cli/stop_signals.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include "engine/stop_request.hpp"

namespace strata::cli {

namespace {

pid_t strata_pid = 0;

// SIGPIPE too: `strata run … | less` and then quitting less, or a helper
// program stopped by the same Ctrl-C while strata writes to it, would
// otherwise end strata at that write with everything left behind.
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

// Async-signal-safe throughout: getpid, kill, sigaction, write and
// request_stop's atomic and eventfd write.
void on_stop_signal(int signo) {
    const int saved = errno;
    if (::getpid() != strata_pid) {
        // A bare clone of strata (an agent, its children before exec) has a
        // copy of this handler: there the signal keeps its usual meaning.
        struct sigaction dfl {};
        dfl.sa_handler = SIG_DFL;
        ::sigaction(signo, &dfl, nullptr);
        ::kill(::getpid(), signo);  // not raise(): glibc's thread id is strata's in a bare clone
    } else if (!engine::request_stop(signo) && signo != SIGPIPE) {
        // A second signal does not cut the clean-up short: half-removed
        // cgroups and temp dirs would be worse than waiting a moment. (Not
        // said for SIGPIPE: the terminal may be the closed pipe itself.)
        static const char busy[] =
            "\nstrata: already stopping, removing what this run made (SIGKILL would leave it for the next strata to sweep)\n";
        (void)!::write(STDERR_FILENO, busy, sizeof busy - 1);
    }
    errno = saved;
}

}  // namespace

void install_stop_signals() {
    strata_pid = ::getpid();
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    // Restart interrupted calls: the waits that must notice a stop poll
    // engine::stop_fd(); every other call carries on as if nothing happened.
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int signo : kStopSignals) sigaddset(&action.sa_mask, signo);
    for (int signo : kStopSignals) {
        struct sigaction old {};
        if (::sigaction(signo, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        ::sigaction(signo, &action, nullptr);
    }
    engine::start_stop_watcher();
}

int exit_code_after_stop(int code) {
    const int signo = engine::stop_signal();
    if (signo == 0) return code;
    const char* name = sigabbrev_np(signo);
    std::fprintf(stderr, "strata: stopped by SIG%s; what this run made has been removed\n", name ? name : "?");
    return 128 + signo;
}

}  // namespace strata::cli
