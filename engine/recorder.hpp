// The Recorder collects the TraceEvents of one run.
//
// Backends hold a Recorder& and call record() (or use a Span to time a
// call). It is thread-safe: the vCPU thread, the watchdog and container
// helpers may record concurrently. Listeners see each event as it happens
// (the CLI prints them live); Snapshots share the log (EventLog) rather
// than copy it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/event_log.hpp"
#include "engine/trace_event.hpp"

namespace strata::engine {

class Recorder {
public:
    using Clock = std::chrono::steady_clock;
    using Listener = std::function<void(const TraceEvent&)>;

    Recorder();

    // Appends the event, stamping its sequence number and step.
    void record(TraceEvent event);

    // Time since the run began, for events' start stamps.
    std::chrono::nanoseconds now() const;
    Clock::time_point epoch() const { return epoch_; }

    void set_step(int step);

    // Holds the events recorded from now on; release_after() records
    // `lead` and then them. The VMM uses it so that what a device did while
    // handling an exit (console output, say) is listed after the exit that
    // caused it, although the exit's own event is complete only later.
    void hold();
    void release_after(TraceEvent lead);
    void set_listener(Listener listener);

    // The events so far: O(1), and unchanged by later records.
    EventLogView events() const;
    std::size_t size() const;
    // Forgets all events and restarts the clock (Session::restart).
    void clear();

private:
    mutable std::mutex mutex_;
    EventLog events_;
    Clock::time_point epoch_;
    int step_ = -1;
    Listener listener_;
    bool holding_ = false;
    std::vector<TraceEvent> held_;
};

// Times one call: construct before the call, fill in the rest, finish().
// Typical use in a backend wrapper:
//     auto span = Span(recorder, EventKind::ioctl, "ioctl(KVM_CREATE_VM)", layers);
//     int r = ::ioctl(fd, KVM_CREATE_VM, 0);
//     span.finish(r, r < 0 ? errno : 0);
class Span {
public:
    Span(Recorder& recorder, EventKind kind, std::string name, std::vector<LayerId> layers);
    Span& arg(std::string name, std::string value);
    Span& detail(std::string text);
    void finish(std::int64_t result, int error);

private:
    Recorder& recorder_;
    TraceEvent event_;
};

}  // namespace strata::engine
