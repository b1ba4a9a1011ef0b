#include "app/gui/controller.hpp"

#include <algorithm>
#include <chrono>

#include "app/gui/machine_choice.hpp"
#include "engine/shell_io.hpp"

namespace strata::gui {

namespace {

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Controller::Controller(const engine::Catalogue& catalogue, Wake wake, Chooser chooser, Stepping stepping)
    : catalogue_(catalogue),
      wake_(std::move(wake)),
      chooser_(chooser ? std::move(chooser) : machine_chooser()),
      stepping_(stepping) {
    if (stepping_ == Stepping::worker_thread) worker_ = std::thread([this] { worker_loop(); });
}

std::shared_ptr<const engine::Snapshot> Controller::take_snapshot(const engine::Session& session,
                                                                  const std::shared_ptr<const engine::Lesson>& owned) {
    auto snap = std::make_shared<const engine::Snapshot>(session.snapshot());
    if (!owned) return snap;
    // Snapshot::lesson points into the replay lesson: views may hold the
    // snapshot after the session is gone, so it keeps the lesson alive.
    const engine::Snapshot* raw = snap.get();
    // (The snapshot's destructor never reads the lesson, so the order in
    // which the deleter's captures go does not matter.)
    return std::shared_ptr<const engine::Snapshot>(raw, [snap, keep = owned](const engine::Snapshot*) {});
}

Controller::~Controller() {
    std::shared_ptr<engine::Session> session;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
        session = session_;
    }
    if (session) session->cancel();
    end_shell();
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void Controller::submit(const Command& command) {
    if (!command.is_lesson_command()) return;
    if (command.kind == CommandKind::shell_input) {
        std::shared_ptr<ShellRelay> shell;
        {
            std::lock_guard lock(mutex_);
            shell = shell_;
        }
        if (shell) shell->send(command.text);
        return;
    }
    if (command.kind == CommandKind::select_lesson || command.kind == CommandKind::run_with_options ||
        command.kind == CommandKind::restart || command.kind == CommandKind::step_back)
        end_shell();
    if (command.kind == CommandKind::cancel) {
        end_shell();
        std::shared_ptr<engine::Session> session;
        {
            std::lock_guard lock(mutex_);
            queue_.clear();
            session = session_;
        }
        if (session) session->cancel();
        changed_.notify_all();
        return;
    }
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(command);
    }
    changed_.notify_all();
    if (wake_) wake_();
}

std::shared_ptr<const engine::Snapshot> Controller::snapshot() const {
    std::shared_ptr<engine::Session> session;
    std::shared_ptr<const engine::Lesson> owned;
    std::uint64_t live = live_events_.load();
    {
        std::lock_guard lock(mutex_);
        if (!running_command_ || live == live_seen_ || !session_) return snapshot_;
        session = session_;
        owned = owned_;
    }
    // A step is running and recorded more events: show them now rather than
    // when it ends (a guest printing, a container starting).
    auto fresh = take_snapshot(*session, owned);
    std::lock_guard lock(mutex_);
    live_seen_ = live;
    if (session == session_ && running_command_) snapshot_ = fresh;
    return snapshot_;
}

std::uint64_t Controller::generation() const {
    std::lock_guard lock(mutex_);
    return generation_ + live_events_.load();
}

bool Controller::busy() const {
    std::lock_guard lock(mutex_);
    return running_command_ || !queue_.empty();
}

void Controller::pump() {
    if (stepping_ != Stepping::frame_loop) return;
    std::unique_lock lock(mutex_);
    // Not again from inside a command (a wake that draws a frame).
    if (running_command_ || stopping_ || queue_.empty()) return;
    run_next(lock);
}

void Controller::run_next(std::unique_lock<std::mutex>& lock) {
    Command command = queue_.front();
    queue_.pop_front();
    running_command_ = true;
    lock.unlock();
    execute(command);
    publish();
    lock.lock();
    running_command_ = false;
    changed_.notify_all();
}

bool Controller::wait_idle(std::chrono::milliseconds timeout) {
    if (stepping_ == Stepping::frame_loop) {
        // Nothing else runs the queue: run it now, as the frames would.
        while (busy()) pump();
        return true;
    }
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return !running_command_ && queue_.empty(); });
}

std::string Controller::last_problem() const {
    std::lock_guard lock(mutex_);
    return problem_;
}

ShellState Controller::shell_state() const {
    std::lock_guard lock(mutex_);
    if (!shell_) return shell_done_;
    ShellState state;
    state.running = true;
    state.transcript = shell_->transcript();
    return state;
}

void Controller::end_shell() {
    std::shared_ptr<ShellRelay> shell;
    {
        std::lock_guard lock(mutex_);
        shell = shell_;
    }
    // ^C stops a command the shell is running, ^D at an empty line ends the
    // shell; the worker then finishes run_shell() and takes the next command.
    if (shell) shell->send("\x03\x04");
}

void Controller::clear_shell() {
    std::lock_guard lock(mutex_);
    shell_done_ = {};
}

void Controller::run_shell(engine::Session& session) {
    auto opened = ShellRelay::open(wake_);
    if (!opened) {
        std::lock_guard lock(mutex_);
        shell_done_ = {};
        shell_done_.problem = opened.error().describe();
        return;
    }
    std::shared_ptr<ShellRelay> relay = std::move(*opened);
    {
        std::lock_guard lock(mutex_);
        shell_ = relay;
        shell_done_ = {};
    }
    if (wake_) wake_();
    engine::Result<int> status = 0;
    {
        // The lesson starts the shell through its backend, on this thread,
        // with our pipes as its terminal.
        engine::ShellIOScope io(relay->shell_side());
        status = session.run_interactive_shell();
    }
    relay->close_shell_side();
    relay->finish();  // everything the shell wrote is in the transcript now
    std::lock_guard lock(mutex_);
    shell_done_.transcript = relay->transcript();
    if (status) shell_done_.exit_status = *status;
    else shell_done_.problem = status.error().describe();
    shell_.reset();
}

void Controller::worker_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        run_next(lock);
    }
}

void Controller::publish() {
    std::shared_ptr<engine::Session> session;
    std::shared_ptr<const engine::Lesson> owned;
    {
        std::lock_guard lock(mutex_);
        session = session_;
        owned = owned_;
    }
    auto snap = session ? take_snapshot(*session, owned) : nullptr;
    {
        std::lock_guard lock(mutex_);
        snapshot_ = std::move(snap);
        ++generation_;
    }
    if (wake_) wake_();
}

void Controller::run_steps(engine::Session& session, int last) {
    // Step by step, publishing each, so the view follows along and a cancel
    // or a newer command gets in between steps.
    while (!session.finished() && session.next_step() <= last) {
        auto outcome = session.step();
        publish();
        if (!outcome) break;
        std::lock_guard lock(mutex_);
        if (stopping_ || !queue_.empty()) break;
    }
}

void Controller::execute(const Command& command) {
    std::shared_ptr<engine::Session> session;
    {
        std::lock_guard lock(mutex_);
        session = session_;
        problem_.clear();
    }
    if (command.kind == CommandKind::select_lesson || command.kind == CommandKind::run_with_options) {
        const engine::Lesson* lesson = catalogue_.find(command.text);
        if (!lesson) {
            std::lock_guard lock(mutex_);
            problem_ = "unknown lesson " + command.text;
            return;
        }
        // Live, or the replay of a real run when this machine cannot run it:
        // for a challenge's options, the recording of that very run.
        const bool with_options = command.kind == CommandKind::run_with_options;
        auto playable = chooser_(*lesson, with_options ? command.options : engine::LessonOptions{});
        if (!playable) {
            std::lock_guard lock(mutex_);
            problem_ = playable.error().describe();
            if (!playable.error().hint.empty()) problem_ += " (" + playable.error().hint + ")";
            return;
        }
        engine::LessonOptions options;
        if (with_options) {
            auto resolved = lesson->resolve_options(command.options);
            if (!resolved) {
                std::lock_guard lock(mutex_);
                problem_ = resolved.error().describe() + " (" + resolved.error().hint + ")";
                return;
            }
            options = std::move(*resolved);
        }
        std::shared_ptr<const engine::Lesson> owned = playable->owned;
        // The Session keeps a reference to its lesson: its deleter holds the
        // replay lesson until the session is gone. The old session (and every
        // resource its lesson held) is released here, on the worker, never on
        // the UI thread.
        std::shared_ptr<engine::Session> fresh(new engine::Session(*playable->lesson, options),
                                               [owned](engine::Session* s) { delete s; });
        fresh->set_listener([this](const engine::TraceEvent&) {
            ++live_events_;
            // At most ~60 wake-ups a second however fast events come.
            const auto now = steady_ns();
            if (now - last_wake_ns_.load() > 16'000'000) {
                last_wake_ns_ = now;
                if (wake_) wake_();
            }
        });
        {
            std::lock_guard lock(mutex_);
            session_ = fresh;
            owned_ = owned;
            shell_done_ = {};
        }
        session.reset();
        if (with_options) run_steps(*fresh, static_cast<int>(lesson->steps.size()) - 1);
        return;
    }
    if (!session) return;
    switch (command.kind) {
        case CommandKind::step:
            if (!session->finished()) (void)session->step();
            break;
        case CommandKind::run_to_end: run_steps(*session, static_cast<int>(session->lesson().steps.size()) - 1); break;
        case CommandKind::run_to_step: run_steps(*session, static_cast<int>(command.number)); break;
        case CommandKind::restart:
            session->restart();
            clear_shell();
            break;
        case CommandKind::step_back:
            (void)session->step_back();
            clear_shell();
            break;
        case CommandKind::jump_to_step: {
            // Forward: the steps in between run; back: start over and
            // replay, as step back does.
            const int target = std::clamp(static_cast<int>(command.number), 0,
                                          static_cast<int>(session->lesson().steps.size()));
            if (target < session->next_step()) {
                session->restart();
                clear_shell();
                publish();
            }
            while (session->next_step() < target && !session->finished()) {
                auto outcome = session->step();
                publish();
                if (!outcome) break;
                std::lock_guard lock(mutex_);
                if (stopping_ || !queue_.empty()) break;
            }
            break;
        }
        case CommandKind::start_shell: run_shell(*session); break;
        default: break;
    }
}

}  // namespace strata::gui
