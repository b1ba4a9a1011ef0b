#include "engine/recorder.hpp"

namespace strata::engine {

Recorder::Recorder() : epoch_(Clock::now()) {}

void Recorder::record(TraceEvent event) {
    Listener listener;
    {
        std::lock_guard lock(mutex_);
        if (holding_) {
            if (event.step < 0) event.step = step_;
            held_.push_back(std::move(event));
            return;
        }
        event.sequence = events_.size();
        if (event.step < 0) event.step = step_;
        listener = listener_;
        if (!listener) {
            events_.append(std::move(event));
            return;
        }
        events_.append(event);
    }
    // Outside the lock: a listener may print or take its time.
    listener(event);
}

std::chrono::nanoseconds Recorder::now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch_);
}

void Recorder::set_step(int step) {
    std::lock_guard lock(mutex_);
    step_ = step;
}

void Recorder::hold() {
    std::lock_guard lock(mutex_);
    holding_ = true;
}

void Recorder::release_after(TraceEvent lead) {
    std::vector<TraceEvent> held;
    {
        std::lock_guard lock(mutex_);
        holding_ = false;
        held.swap(held_);
    }
    record(std::move(lead));
    for (auto& event : held) record(std::move(event));
}

void Recorder::set_listener(Listener listener) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
}

EventLogView Recorder::events() const {
    std::lock_guard lock(mutex_);
    return events_.view();
}

std::size_t Recorder::size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
}

void Recorder::clear() {
    std::lock_guard lock(mutex_);
    events_.clear();
    held_.clear();
    holding_ = false;
    epoch_ = Clock::now();
    step_ = -1;
}

Span::Span(Recorder& recorder, EventKind kind, std::string name, std::vector<LayerId> layers)
    : recorder_(recorder) {
    event_.kind = kind;
    event_.name = std::move(name);
    event_.layers = std::move(layers);
    event_.start = recorder_.now();
}

Span& Span::arg(std::string name, std::string value) {
    event_.args.push_back({std::move(name), std::move(value)});
    return *this;
}

Span& Span::detail(std::string text) {
    event_.detail = std::move(text);
    return *this;
}

void Span::finish(std::int64_t result, int error) {
    event_.duration = recorder_.now() - event_.start;
    event_.result = result;
    event_.error = error;
    recorder_.record(std::move(event_));
}

}  // namespace strata::engine
