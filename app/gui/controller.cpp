#include "app/gui/controller.hpp"

#include <chrono>

namespace strata::gui {

namespace {

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Controller::Controller(const engine::Catalogue& catalogue, Wake wake)
    : catalogue_(catalogue), wake_(std::move(wake)), worker_([this] { worker_loop(); }) {}

Controller::~Controller() {
    std::shared_ptr<engine::Session> session;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        queue_.clear();
        session = session_;
    }
    if (session) session->cancel();
    changed_.notify_all();
    worker_.join();
}

void Controller::submit(const Command& command) {
    if (!command.is_lesson_command()) return;
    if (command.kind == CommandKind::cancel) {
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
    std::uint64_t live = live_events_.load();
    {
        std::lock_guard lock(mutex_);
        if (!running_command_ || live == live_seen_ || !session_) return snapshot_;
        session = session_;
    }
    // A step is running and recorded more events: show them now rather than
    // when it ends (a guest printing, a container starting).
    auto fresh = std::make_shared<engine::Snapshot>(session->snapshot());
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

bool Controller::wait_idle(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return !running_command_ && queue_.empty(); });
}

std::string Controller::last_problem() const {
    std::lock_guard lock(mutex_);
    return problem_;
}

void Controller::worker_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
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
}

void Controller::publish() {
    std::shared_ptr<engine::Session> session;
    {
        std::lock_guard lock(mutex_);
        session = session_;
    }
    auto snap = session ? std::make_shared<const engine::Snapshot>(session->snapshot()) : nullptr;
    {
        std::lock_guard lock(mutex_);
        snapshot_ = std::move(snap);
        ++generation_;
    }
    if (wake_) wake_();
}

void Controller::execute(const Command& command) {
    std::shared_ptr<engine::Session> session;
    {
        std::lock_guard lock(mutex_);
        session = session_;
        problem_.clear();
    }
    if (command.kind == CommandKind::select_lesson) {
        const engine::Lesson* lesson = catalogue_.find(command.text);
        if (!lesson) {
            std::lock_guard lock(mutex_);
            problem_ = "unknown lesson " + command.text;
            return;
        }
        // The old session (and every resource its lesson held) is released
        // here, on the worker, never on the UI thread.
        auto fresh = std::make_shared<engine::Session>(*lesson);
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
        }
        session.reset();
        return;
    }
    if (!session) return;
    switch (command.kind) {
        case CommandKind::step:
            if (!session->finished()) (void)session->step();
            break;
        case CommandKind::run_to_end:
            // Step by step, publishing each, so the view follows along and
            // a cancel or a newer command gets in between steps.
            while (!session->finished()) {
                auto outcome = session->step();
                publish();
                if (!outcome) break;
                std::lock_guard lock(mutex_);
                if (stopping_ || !queue_.empty()) break;
            }
            break;
        case CommandKind::restart: session->restart(); break;
        case CommandKind::step_back: (void)session->step_back(); break;
        default: break;
    }
}

}  // namespace strata::gui
