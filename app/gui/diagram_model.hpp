// What the layer diagram shows for a snapshot, computed from recorded
// events only: which nodes the current step touched, the paths its events
// took through the layers, and per-node counters. A pure function, so tests
// can check "nothing lights up that was not recorded" without drawing.
#pragma once

#include <map>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "engine/snapshot.hpp"

namespace strata::gui {

enum class CrossingKind {
    into_kernel,  // a system call or ioctl going down from user space
    vm_entry,     // the VMM entering the guest
    vm_exit,      // an exit to the VMM: the guest leaving back to it
    kept_in_kvm,  // VM exits KVM handled in the kernel: the path stops at KVM
    other,        // output, process events, kernel files read, notes
};
std::string_view crossing_description(CrossingKind kind);

// One recorded event's path, in the order TraceEvent::layers lists them.
struct Crossing {
    const engine::TraceEvent* event = nullptr;
    CrossingKind kind = CrossingKind::other;
    std::span<const engine::LayerId> path;  // the event's own list, not a copy
};

struct DiagramModel {
    int step = -1;                      // the step shown (the current one)
    std::set<engine::LayerId> lit;      // touched by that step's events
    std::vector<Crossing> crossings;    // that step's events, in order
    std::map<engine::LayerId, std::size_t> counts;       // whole run so far
    std::map<engine::LayerId, std::size_t> step_counts;  // the shown step only

    bool is_lit(engine::LayerId layer) const { return lit.count(layer) != 0; }
};

CrossingKind crossing_kind(const engine::TraceEvent& event);
DiagramModel build_diagram_model(const engine::Snapshot& snapshot);
// Adds to `model` the events of its step from position `from` of the log
// on, and takes the run's counts afresh: a view that saw the log at
// `from` events catches up without looking at the rest again. The events
// must outlive the model (it points at them).
void extend_diagram_model(DiagramModel& model, const engine::Snapshot& snapshot, std::size_t from);
// Events of the run that touched `layer`, most recent first, at most `limit`.
std::vector<const engine::TraceEvent*> events_touching(const engine::Snapshot& snapshot, engine::LayerId layer,
                                                       std::size_t limit);

}  // namespace strata::gui
