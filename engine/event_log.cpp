#include "engine/event_log.hpp"

#include <algorithm>
#include <atomic>

namespace strata::engine {

namespace {

std::uint64_t next_log_id() {
    static std::atomic<std::uint64_t> last{0};
    return ++last;
}

const LayerCounts& no_counts() {
    static const LayerCounts empty;
    return empty;
}

}  // namespace

const TraceEvent* EventLogView::find_sequence(std::uint64_t sequence) const {
    // Sequence numbers are positions in the log.
    if (sequence >= size_) return nullptr;
    const TraceEvent& e = (*this)[static_cast<std::size_t>(sequence)];
    return e.sequence == sequence ? &e : nullptr;
}

const StepEvents* EventLogView::step_events(int step) const {
    if (!steps_ || step < 0 || static_cast<std::size_t>(step) >= steps_->size()) return nullptr;
    const StepEvents& s = (*steps_)[static_cast<std::size_t>(step)];
    return s.first == s.end ? nullptr : &s;
}

std::vector<const TraceEvent*> EventLogView::of_step(int step) const {
    std::vector<const TraceEvent*> out;
    const StepEvents* s = step_events(step);
    if (!s) return out;
    const std::size_t end = std::min(s->end, size_);
    for (std::size_t i = s->first; i < end; ++i)
        if ((*this)[i].step == step) out.push_back(&(*this)[i]);
    return out;
}

const LayerCounts& EventLogView::layer_counts() const { return run_counts_ ? *run_counts_ : no_counts(); }

const LayerCounts& EventLogView::layer_counts(int step) const {
    if (!steps_ || step < 0 || static_cast<std::size_t>(step) >= steps_->size()) return no_counts();
    return (*steps_)[static_cast<std::size_t>(step)].layer_counts;
}

std::vector<TraceEvent> EventLogView::to_vector() const { return {begin(), end()}; }

EventLog::EventLog() { clear(); }

void EventLog::append(TraceEvent event) {
    if (counts_shared_) {
        run_counts_ = std::make_shared<LayerCounts>(*run_counts_);
        steps_ = std::make_shared<std::vector<StepEvents>>(*steps_);
        counts_shared_ = false;
    }
    for (LayerId l : event.layers) ++(*run_counts_)[l];
    if (event.step >= 0) {
        const auto step = static_cast<std::size_t>(event.step);
        if (step >= steps_->size()) steps_->resize(step + 1, StepEvents{size_, size_, {}});
        StepEvents& s = (*steps_)[step];
        if (s.first == s.end) s.first = size_;  // its first event
        s.end = size_ + 1;
        for (LayerId l : event.layers) ++s.layer_counts[l];
    }

    const std::size_t chunk = size_ / detail::kEventChunk;
    if (size_ % detail::kEventChunk == 0) {
        if (chunk == directory_->chunks.size()) {
            // Full: a new directory twice the size. Views made before keep
            // the old one, which still points at the same chunks.
            auto bigger = std::make_shared<detail::EventDirectory>();
            bigger->chunks.resize(std::max<std::size_t>(8, directory_->chunks.size() * 2));
            std::copy(directory_->chunks.begin(), directory_->chunks.end(), bigger->chunks.begin());
            directory_ = std::move(bigger);
        }
        // A slot past every view's reach: no reader looks at it yet.
        directory_->chunks[chunk] = std::make_shared<detail::EventChunk>();
    }
    directory_->chunks[chunk]->events[size_ % detail::kEventChunk] = std::move(event);
    ++size_;
}

EventLogView EventLog::view() const {
    EventLogView v;
    v.log_id_ = id_;
    v.directory_ = directory_;
    v.size_ = size_;
    v.run_counts_ = run_counts_;
    v.steps_ = steps_;
    counts_shared_ = true;
    return v;
}

EventLogView event_log_of(std::vector<TraceEvent> events) {
    EventLog log;
    for (auto& e : events) log.append(std::move(e));
    return log.view();
}

void EventLog::clear() {
    // Fresh storage rather than emptied: views of the old run stay whole.
    id_ = next_log_id();
    directory_ = std::make_shared<detail::EventDirectory>();
    size_ = 0;
    run_counts_ = std::make_shared<LayerCounts>();
    steps_ = std::make_shared<std::vector<StepEvents>>();
    counts_shared_ = false;
}

}  // namespace strata::engine
