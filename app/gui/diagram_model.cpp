#include "app/gui/diagram_model.hpp"

#include <algorithm>

namespace strata::gui {

std::string_view crossing_description(CrossingKind kind) {
    switch (kind) {
        case CrossingKind::into_kernel: return "system call into the kernel";
        case CrossingKind::vm_entry: return "VM entry into the guest";
        case CrossingKind::vm_exit: return "exit to the VMM (KVM_RUN returned)";
        case CrossingKind::kept_in_kvm: return "VM exits KVM handled itself (KVM_RUN did not return)";
        case CrossingKind::other: return "event";
    }
    return "";
}

CrossingKind crossing_kind(const engine::TraceEvent& event) {
    switch (event.kind) {
        case engine::EventKind::syscall:
        case engine::EventKind::ioctl: return CrossingKind::into_kernel;
        case engine::EventKind::vm_entry: return CrossingKind::vm_entry;
        case engine::EventKind::vm_exit: return CrossingKind::vm_exit;
        case engine::EventKind::exits_in_kvm: return CrossingKind::kept_in_kvm;
        default: return CrossingKind::other;
    }
}

DiagramModel build_diagram_model(const engine::Snapshot& snapshot) {
    DiagramModel model;
    model.step = snapshot.current_step;
    extend_diagram_model(model, snapshot, 0);
    return model;
}

void extend_diagram_model(DiagramModel& model, const engine::Snapshot& snapshot, std::size_t from) {
    model.counts = snapshot.layer_counts();
    const engine::StepEvents* where = snapshot.events.step_events(model.step);
    if (!where) return;
    const std::size_t end = std::min(where->end, snapshot.events.size());
    for (std::size_t i = std::max(from, where->first); i < end; ++i) {
        const engine::TraceEvent& event = snapshot.events[i];
        if (event.step != model.step) continue;
        // Counted as the event log counts the run's: once per place in the path.
        for (engine::LayerId layer : event.layers) {
            model.lit.insert(layer);
            ++model.step_counts[layer];
        }
        if (!event.layers.empty()) model.crossings.push_back({&event, crossing_kind(event), event.layers});
    }
}

std::vector<const engine::TraceEvent*> events_touching(const engine::Snapshot& snapshot, engine::LayerId layer,
                                                       std::size_t limit) {
    std::vector<const engine::TraceEvent*> out;
    for (auto it = snapshot.events.rbegin(); it != snapshot.events.rend() && out.size() < limit; ++it)
        if (it->touches(layer)) out.push_back(&*it);
    return out;
}

}  // namespace strata::gui
