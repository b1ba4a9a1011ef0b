// Session: runs one lesson step by step. It is the one object that changes
// lesson state; views read Snapshots and send it commands.
//
// Thread model: step()/run_to_end()/restart()/step_back() are called from
// one thread (the CLI's main thread, the GUI's worker). snapshot() and
// cancel() may be called from any thread at any time.
//
// A stop request (SIGINT, SIGTERM, SIGHUP: engine/stop_request.hpp)
// cancels every live Session, and one made after it starts cancelled, so
// the command driving it unwinds and the lesson state is destroyed.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/lesson.hpp"
#include "engine/recorder.hpp"
#include "engine/snapshot.hpp"
#include "engine/stop_request.hpp"

namespace strata::engine {

class Session {
public:
    // `options` must come from lesson.resolve_options().
    explicit Session(const Lesson& lesson, LessonOptions options = {});
    // The session keeps a reference: the lesson must outlive it.
    Session(Lesson&&, LessonOptions = {}) = delete;
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const Lesson& lesson() const { return lesson_; }

    // Runs the next step. Fails if the step fails, the session was
    // cancelled, or there is no step left.
    Result<StepOutcome> step();
    // Runs every remaining step, stopping at the first failure.
    Result<void> run_to_end();
    // Tears everything down (the lesson state's destructor releases every
    // resource) and starts over before the first step.
    void restart();
    // Restarts and replays up to, but not including, the last step run.
    Result<void> step_back();
    // Asks a running step to stop; returns at once. Thread-safe.
    void cancel();
    // After the last step: the lesson's interactive shell inside what it
    // built (Lesson::interactive_shell), on the controlling terminal.
    // Returns the shell's exit status.
    Result<int> run_interactive_shell();

    int next_step() const;  // index of the step step() would run
    bool finished() const;
    Snapshot snapshot() const;

    // Called for every event as it is recorded (from the recording thread).
    void set_listener(Recorder::Listener listener);
    Recorder& recorder() { return recorder_; }

private:
    void reset_state();

    const Lesson& lesson_;
    LessonOptions options_;
    Recorder recorder_;
    std::atomic<bool> cancelled_{false};

    // Written only by the stepping thread; the working copies below are
    // what the running step's Context mutates.
    Facts working_facts_;
    std::string working_console_;
    std::unique_ptr<Context> context_;
    // Guards the context_ pointer itself: cancel() and snapshot() read it
    // from other threads while restart() replaces it.
    mutable std::mutex context_mutex_;

    // Published after each step for snapshot(); guarded by mutex_.
    mutable std::mutex mutex_;
    std::vector<StepRecord> steps_;
    int current_step_ = -1;
    Facts published_facts_;
    std::uint64_t run_ = 0;  // Snapshot::run

    // Cancels this session when the process is asked to stop. Made last and
    // dropped first, so it never calls cancel() on a half-made session.
    std::optional<StopHook> stop_hook_;
};

}  // namespace strata::engine
