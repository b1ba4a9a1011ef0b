#include "engine/session.hpp"

#include <cerrno>

namespace strata::engine {

Session::Session(const Lesson& lesson, LessonOptions options) : lesson_(lesson), options_(std::move(options)) {
    if (auto resolved = lesson_.resolve_options(options_)) options_ = *resolved;
    reset_state();
    stop_hook_.emplace([this] { cancel(); });
}

Session::~Session() {
    stop_hook_.reset();
    // The context's state owns backend resources; release them before the
    // recorder they may still report to.
    std::lock_guard lock(context_mutex_);
    context_.reset();
}

void Session::reset_state() {
    {
        // Destroying the lesson state releases fds, VMs, children, mounts.
        std::unique_ptr<Context> old;
        {
            std::lock_guard lock(context_mutex_);
            old = std::move(context_);
        }
    }
    recorder_.clear();
    working_facts_ = Facts{};
    working_console_.clear();
    // After a stop request nothing new may start; the hook already ran.
    cancelled_ = stop_requested();
    auto context = std::make_unique<Context>(recorder_, working_facts_, working_console_, cancelled_);
    if (lesson_.make_state) context->set_state(lesson_.make_state(options_));
    {
        std::lock_guard lock(context_mutex_);
        context_ = std::move(context);
    }
    static std::atomic<std::uint64_t> runs{0};
    std::lock_guard lock(mutex_);
    run_ = ++runs;
    steps_.assign(lesson_.steps.size(), StepRecord{});
    current_step_ = -1;
    published_facts_ = Facts{};
}

int Session::next_step() const {
    std::lock_guard lock(mutex_);
    int next = current_step_ + 1;
    // A failed step is not retried by step(): restart first.
    if (current_step_ >= 0 && steps_[static_cast<std::size_t>(current_step_)].status != StepStatus::done)
        return static_cast<int>(steps_.size());
    return next;
}

bool Session::finished() const { return next_step() >= static_cast<int>(lesson_.steps.size()); }

Result<StepOutcome> Session::step() {
    const int index = next_step();
    if (index >= static_cast<int>(lesson_.steps.size()))
        return plain_error(lesson_.id, "no step left to run", "restart the lesson to run it again");
    if (cancelled_)
        return errno_error(lesson_.id, ECANCELED, "the lesson was cancelled", "restart the lesson");

    const Step& step = lesson_.steps[static_cast<std::size_t>(index)];
    {
        std::lock_guard lock(mutex_);
        current_step_ = index;
        steps_[static_cast<std::size_t>(index)].status = StepStatus::running;
    }
    recorder_.set_step(index);
    const auto started = recorder_.now();
    Result<StepOutcome> outcome = step.action(*context_);
    const auto elapsed = recorder_.now() - started;
    recorder_.set_step(-1);

    std::lock_guard lock(mutex_);
    StepRecord& record = steps_[static_cast<std::size_t>(index)];
    record.duration = elapsed;
    if (outcome) {
        record.status = StepStatus::done;
        record.summary = outcome->summary;
    } else {
        record.status = cancelled_ ? StepStatus::cancelled : StepStatus::failed;
        record.error = outcome.error().with_context(step.id);
        outcome = std::unexpected(*record.error);
    }
    published_facts_ = working_facts_;
    return outcome;
}

Result<void> Session::run_to_end() {
    while (!finished()) {
        auto outcome = step();
        if (!outcome) return std::unexpected(outcome.error());
    }
    return {};
}

void Session::restart() { reset_state(); }

Result<void> Session::step_back() {
    int target;
    {
        std::lock_guard lock(mutex_);
        target = current_step_;  // replay steps [0, target)
    }
    restart();
    for (int i = 0; i < target; ++i) {
        auto outcome = step();
        if (!outcome) return std::unexpected(outcome.error());
    }
    return {};
}

Result<int> Session::run_interactive_shell() {
    if (!lesson_.interactive_shell)
        return plain_error(lesson_.id, "this lesson offers no shell",
                           lesson_.replay_label ? "a replay has nothing live to enter: run the lesson live"
                                                : "the container lessons that build a root file system offer one");
    if (!finished() || snapshot().steps.back().status != StepStatus::done)
        return plain_error(lesson_.id, "the shell opens after every step has run");
    return lesson_.interactive_shell(*context_);
}

void Session::cancel() {
    cancelled_ = true;
    std::lock_guard lock(context_mutex_);
    if (context_) context_->run_canceller();
}

void Session::set_listener(Recorder::Listener listener) { recorder_.set_listener(std::move(listener)); }

Snapshot Session::snapshot() const {
    Snapshot snap;
    snap.lesson = &lesson_;
    snap.replay_label = lesson_.replay_label;
    snap.options = options_;
    snap.events = recorder_.events();
    std::lock_guard lock(mutex_);
    snap.steps = steps_;
    snap.current_step = current_step_;
    snap.run = run_;
    snap.cancelled = cancelled_;
    snap.facts = published_facts_;
    {
        std::lock_guard context_lock(context_mutex_);
        snap.console = context_ ? context_->console_text() : std::string{};
    }
    snap.finished = current_step_ >= 0 &&
                    (current_step_ + 1 == static_cast<int>(steps_.size()) ||
                     steps_[static_cast<std::size_t>(current_step_)].status != StepStatus::done);
    return snap;
}

}  // namespace strata::engine
