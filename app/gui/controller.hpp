// The Controller owns the lesson Session and runs it on a worker thread, so
// a step that blocks (a guest running, a child waiting) never freezes the
// window. It is the only code that changes the session; views see it
// through immutable Snapshots.
//
// Threads: submit(), cancel(), snapshot(), busy() are for the UI thread;
// the worker runs one lesson command at a time, publishes a Snapshot after
// each step and calls `wake` so a window waiting for events redraws.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "app/gui/command.hpp"
#include "engine/catalogue.hpp"
#include "engine/session.hpp"

namespace strata::gui {

class Controller {
public:
    using Wake = std::function<void()>;

    Controller(const engine::Catalogue& catalogue, Wake wake);
    ~Controller();  // cancels the running step and joins the worker
    Controller(const Controller&) = delete;
    Controller& operator=(const Controller&) = delete;

    // Queues a lesson command. `cancel` acts at once instead: it asks the
    // running step to stop (Session::cancel is thread-safe) and drops the
    // queued commands.
    void submit(const Command& command);

    // The latest published snapshot (null before a lesson is selected).
    // While a step runs, this includes the events recorded so far.
    std::shared_ptr<const engine::Snapshot> snapshot() const;
    // Increments whenever snapshot() would return something new.
    std::uint64_t generation() const;
    // A command is running or queued.
    bool busy() const;
    // Blocks until the queue is empty and nothing runs (for screenshots
    // and tests), at most `timeout`. Returns false on timeout.
    bool wait_idle(std::chrono::milliseconds timeout) const;
    // The error of the last failed command that was not a step failure
    // (unknown lesson, ...), for the status line.
    std::string last_problem() const;

private:
    void worker_loop();
    void execute(const Command& command);
    void publish();

    const engine::Catalogue& catalogue_;
    Wake wake_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::deque<Command> queue_;
    bool running_command_ = false;
    bool stopping_ = false;
    std::shared_ptr<engine::Session> session_;  // replaced only by the worker
    // mutable: snapshot() refreshes it with live events while a step runs.
    mutable std::shared_ptr<const engine::Snapshot> snapshot_;
    std::uint64_t generation_ = 0;
    std::string problem_;
    // Events recorded by the running step and not yet in snapshot_: the
    // recording thread bumps it, snapshot() catches up from the session.
    std::atomic<std::uint64_t> live_events_{0};
    mutable std::uint64_t live_seen_ = 0;
    std::atomic<std::int64_t> last_wake_ns_{0};

    std::thread worker_;  // last: started after every member above exists
};

}  // namespace strata::gui
