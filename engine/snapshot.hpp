// Snapshot: an immutable picture of a session after a step. Views (GUI, CLI,
// reports) read only snapshots; they never reach into backends.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/event_log.hpp"
#include "engine/facts.hpp"
#include "engine/lesson.hpp"
#include "engine/trace_event.hpp"

namespace strata::engine {

enum class StepStatus { pending, running, done, failed, cancelled };
std::string_view step_status_key(StepStatus s);

struct StepRecord {
    StepStatus status = StepStatus::pending;
    std::string summary;                 // from StepOutcome, when done
    std::optional<Error> error;          // when failed
    std::chrono::nanoseconds duration{};
};

// Expected layers of a step vs those its recorded events touched.
struct LayerCheck {
    std::vector<LayerId> missing;     // expected, never touched
    std::vector<LayerId> unexpected;  // touched, not declared
    bool ok() const { return missing.empty() && unexpected.empty(); }
};

struct Snapshot {
    const Lesson* lesson = nullptr;
    // The run's events up to this snapshot, shared with the recorder.
    EventLogView events;
    std::vector<StepRecord> steps;
    int current_step = -1;  // index of the last step that ran, -1 before any
    bool finished = false;  // every step ran (done or failed)
    bool cancelled = false;
    Facts facts;
    std::string console;
    // Per layer, how many events touched it (all steps so far).
    const LayerCounts& layer_counts() const { return events.layer_counts(); }
    // Set when events come from a recording rather than a live run.
    std::optional<std::string> replay_label;
    // The options the session runs with (defaults filled in): a challenge's
    // verdict checks that its run used the learner's value.
    LessonOptions options;
    // Which run this is: different for every Session and every restart, so
    // a view can tell a fresh run from the one it saw before.
    std::uint64_t run = 0;

    // Events of one step (empty if it has not run).
    std::vector<const TraceEvent*> events_of_step(int step) const;
    // Layers the events of one step touched, without duplicates, in first-touch order.
    std::vector<LayerId> layers_touched(int step) const;
    LayerCheck check_layers(int step) const;
};

}  // namespace strata::engine
