// The Controller owns the lesson Session and runs it on a worker thread, so
// a step that blocks (a guest running, a child waiting) never freezes the
// window. It is the only code that changes the session; views see it
// through immutable Snapshots.
//
// A lesson that cannot run live here but has a recording of a real run
// opens as its replay (the Chooser decides, as `strata run` does). The
// replay lesson is owned here and kept alive by every Session and Snapshot
// that points at it.
//
// Threads: submit(), cancel(), snapshot(), busy() are for the UI thread;
// the worker runs one lesson command at a time, publishes a Snapshot after
// each step and calls `wake` so a window waiting for events redraws.
//
// Where there are no threads (the browser edition: WebAssembly without
// SharedArrayBuffer), Stepping::frame_loop runs the same commands on the
// UI thread instead, one per pump(), which the shell calls once a frame.
// Only replays that never wait (speed 0) belong there: a live step or a
// paced replay would freeze the page while it runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/gui/command.hpp"
#include "app/gui/lesson_choice.hpp"
#include "app/gui/shell_relay.hpp"
#include "engine/catalogue.hpp"
#include "engine/session.hpp"

namespace strata::gui {

// The lesson's interactive shell as the console panel sees it.
struct ShellState {
    bool running = false;
    std::string transcript;          // what the shell printed (and echoed)
    std::optional<int> exit_status;  // after it ended
    std::string problem;             // why it could not start or failed
};

enum class Stepping { worker_thread, frame_loop };

class Controller {
public:
    using Wake = std::function<void()>;

    // An empty `chooser` means machine_chooser(): live or replay, measured.
    Controller(const engine::Catalogue& catalogue, Wake wake, Chooser chooser = {},
               Stepping stepping = Stepping::worker_thread);
    ~Controller();  // cancels the running step and joins the worker
    Controller(const Controller&) = delete;
    Controller& operator=(const Controller&) = delete;

    // Queues a lesson command. `cancel` acts at once instead: it asks the
    // running step to stop (Session::cancel is thread-safe) and drops the
    // queued commands. `shell_input` also acts at once: the worker is busy
    // running the shell. A lesson command that would leave the lesson
    // (select, restart, step back) first ends a running shell (^C, ^D).
    void submit(const Command& command);

    // The latest published snapshot (null before a lesson is selected).
    // While a step runs, this includes the events recorded so far.
    std::shared_ptr<const engine::Snapshot> snapshot() const;
    // Increments whenever snapshot() would return something new.
    std::uint64_t generation() const;
    // A command is running or queued.
    bool busy() const;
    // Stepping::frame_loop: runs the next queued command, here and now
    // (a no-op with a worker thread, which runs them itself).
    void pump();
    // Blocks until the queue is empty and nothing runs (for screenshots
    // and tests), at most `timeout`. Returns false on timeout. With
    // Stepping::frame_loop it runs the queue itself, to the end.
    bool wait_idle(std::chrono::milliseconds timeout);
    // The error of the last failed command that was not a step failure
    // (unknown lesson, ...), for the status line.
    std::string last_problem() const;
    ShellState shell_state() const;

private:
    void worker_loop();
    // Takes the first queued command and runs it; `lock` (on mutex_) is
    // held on entry and on return, not while the command runs.
    void run_next(std::unique_lock<std::mutex>& lock);
    void execute(const Command& command);
    void publish();
    // Runs steps of `session` up to index `last`, publishing after each.
    void run_steps(engine::Session& session, int last);
    void run_shell(engine::Session& session);
    void end_shell();  // asks a running shell to exit; returns at once
    void clear_shell();  // forgets the last shell's transcript (restart)
    // A snapshot of `session` that keeps `owned` (its replay lesson) alive.
    static std::shared_ptr<const engine::Snapshot> take_snapshot(const engine::Session& session,
                                                                 const std::shared_ptr<const engine::Lesson>& owned);

    const engine::Catalogue& catalogue_;
    Wake wake_;
    Chooser chooser_;
    Stepping stepping_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::deque<Command> queue_;
    bool running_command_ = false;
    bool stopping_ = false;
    std::shared_ptr<engine::Session> session_;  // replaced only by the worker
    std::shared_ptr<const engine::Lesson> owned_;  // session_'s replay lesson, if it is one
    // mutable: snapshot() refreshes it with live events while a step runs.
    mutable std::shared_ptr<const engine::Snapshot> snapshot_;
    std::uint64_t generation_ = 0;
    std::string problem_;
    std::shared_ptr<ShellRelay> shell_;  // while the shell runs
    ShellState shell_done_;              // the last shell, once it ended
    // Events recorded by the running step and not yet in snapshot_: the
    // recording thread bumps it, snapshot() catches up from the session.
    std::atomic<std::uint64_t> live_events_{0};
    mutable std::uint64_t live_seen_ = 0;
    std::atomic<std::int64_t> last_wake_ns_{0};

    // Stepping::worker_thread only. Last: started after every member above
    // exists.
    std::thread worker_;
};

}  // namespace strata::gui
