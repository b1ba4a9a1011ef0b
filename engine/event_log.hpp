// EventLog: the append-only list of a run's TraceEvents, shared with the
// views without copying.
//
// A run may record a hundred thousand VM exits while the window redraws
// sixty times a second, so taking a snapshot must not copy the events.
// The log keeps them in fixed-size chunks that never move once written;
// an EventLogView is a pointer to the chunk directory plus a count, so
// making one is O(1) whatever the run's length, and what a view covers
// never changes afterwards (later appends land past its count). Each
// step's first and last positions and per-layer counts are kept as events
// arrive, so "the events of step 3" and "how many touched KVM" do not
// scan the run either.
//
// Appends must be serialised by the caller (Recorder holds its mutex);
// views may be read from any thread once made.
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <map>
#include <memory>
#include <vector>

#include "engine/trace_event.hpp"

namespace strata::engine {

using LayerCounts = std::map<LayerId, std::size_t>;

// Where one step's events are: every event of the step lies in
// [first, end) (others may interleave, from a thread still finishing the
// step before), and how many of them touched each layer.
struct StepEvents {
    std::size_t first = 0;
    std::size_t end = 0;
    LayerCounts layer_counts;
};

namespace detail {
inline constexpr std::size_t kEventChunk = 512;
struct EventChunk {
    std::array<TraceEvent, kEventChunk> events;
};
// Chunk pointers; a full directory is replaced by one twice its size (the
// old one lives on in the views that hold it).
struct EventDirectory {
    std::vector<std::shared_ptr<EventChunk>> chunks;
};
}  // namespace detail

class EventLogView {
public:
    class iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = TraceEvent;
        using difference_type = std::ptrdiff_t;
        using pointer = const TraceEvent*;
        using reference = const TraceEvent&;

        iterator() = default;
        iterator(const EventLogView* view, std::size_t index) : view_(view), index_(index) {}
        reference operator*() const { return (*view_)[index_]; }
        pointer operator->() const { return &(*view_)[index_]; }
        reference operator[](difference_type n) const { return (*view_)[index_ + static_cast<std::size_t>(n)]; }
        iterator& operator++() { ++index_; return *this; }
        iterator operator++(int) { iterator old = *this; ++index_; return old; }
        iterator& operator--() { --index_; return *this; }
        iterator operator--(int) { iterator old = *this; --index_; return old; }
        iterator& operator+=(difference_type n) { index_ += static_cast<std::size_t>(n); return *this; }
        iterator& operator-=(difference_type n) { index_ -= static_cast<std::size_t>(n); return *this; }
        friend iterator operator+(iterator it, difference_type n) { return it += n; }
        friend iterator operator+(difference_type n, iterator it) { return it += n; }
        friend iterator operator-(iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const iterator& a, const iterator& b) {
            return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
        }
        friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }
        friend auto operator<=>(const iterator& a, const iterator& b) { return a.index_ <=> b.index_; }
        std::size_t index() const { return index_; }

    private:
        const EventLogView* view_ = nullptr;
        std::size_t index_ = 0;
    };
    using const_iterator = iterator;
    using value_type = TraceEvent;
    using reverse_iterator = std::reverse_iterator<iterator>;

    EventLogView() = default;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    const TraceEvent& operator[](std::size_t i) const {
        return directory_->chunks[i / detail::kEventChunk]->events[i % detail::kEventChunk];
    }
    const TraceEvent& back() const { return (*this)[size_ - 1]; }
    iterator begin() const { return {this, 0}; }
    iterator end() const { return {this, size_}; }
    reverse_iterator rbegin() const { return reverse_iterator(end()); }
    reverse_iterator rend() const { return reverse_iterator(begin()); }

    // The event with this sequence number, if the view holds it.
    const TraceEvent* find_sequence(std::uint64_t sequence) const;
    // Events of one step, in order (empty if it has not run).
    std::vector<const TraceEvent*> of_step(int step) const;
    // Where that step's events lie, or null if it recorded none.
    const StepEvents* step_events(int step) const;
    // How many events touched each layer (once per place in a path): the
    // whole run, or one step.
    const LayerCounts& layer_counts() const;
    const LayerCounts& layer_counts(int step) const;
    // A copy of every event, for code that keeps or serialises the list.
    std::vector<TraceEvent> to_vector() const;
    // Which log this is a view of: views of one log (one run) share it, so
    // a view that only grew since the last frame can be told from another
    // run's. Never 0 for a log's view.
    std::uint64_t log_id() const { return log_id_; }

private:
    friend class EventLog;
    std::uint64_t log_id_ = 0;
    std::shared_ptr<const detail::EventDirectory> directory_;
    std::size_t size_ = 0;
    // Small (a few steps, a few layers): copied with the view.
    std::shared_ptr<const LayerCounts> run_counts_;
    std::shared_ptr<const std::vector<StepEvents>> steps_;
};

class EventLog {
public:
    EventLog();
    // Appends at position size(); the event's step must be set (or -1).
    void append(TraceEvent event);
    std::size_t size() const { return size_; }
    // O(1) in the number of events: the directory is shared, the per-step
    // index (one entry per step) is copied only when it changed.
    EventLogView view() const;
    void clear();

private:
    std::uint64_t id_ = 0;
    std::shared_ptr<detail::EventDirectory> directory_;
    std::size_t size_ = 0;
    std::shared_ptr<LayerCounts> run_counts_;
    std::shared_ptr<std::vector<StepEvents>> steps_;
    // Set when a view shares run_counts_/steps_: the next append copies
    // them first, so what a view saw never changes.
    mutable bool counts_shared_ = false;
};

// A view of exactly these events, kept as they are (sequence numbers
// included): for replays, tests and tools that hold a list already.
EventLogView event_log_of(std::vector<TraceEvent> events);

}  // namespace strata::engine
