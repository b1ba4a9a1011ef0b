#include "engine/snapshot.hpp"

#include <algorithm>

namespace strata::engine {

std::string_view step_status_key(StepStatus s) {
    switch (s) {
        case StepStatus::pending: return "pending";
        case StepStatus::running: return "running";
        case StepStatus::done: return "done";
        case StepStatus::failed: return "failed";
        case StepStatus::cancelled: return "cancelled";
    }
    return "";
}

std::vector<const TraceEvent*> Snapshot::events_of_step(int step) const { return events.of_step(step); }

std::vector<LayerId> Snapshot::layers_touched(int step) const {
    std::vector<LayerId> out;
    for (const TraceEvent* e : events.of_step(step))
        for (LayerId l : e->layers)
            if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
    return out;
}

LayerCheck Snapshot::check_layers(int step) const {
    LayerCheck check;
    if (!lesson || step < 0 || step >= static_cast<int>(lesson->steps.size())) return check;
    const auto& expected = lesson->steps[static_cast<std::size_t>(step)].expected_layers;
    const auto touched = layers_touched(step);
    for (LayerId l : expected)
        if (std::find(touched.begin(), touched.end(), l) == touched.end()) check.missing.push_back(l);
    for (LayerId l : touched)
        if (std::find(expected.begin(), expected.end(), l) == expected.end()) check.unexpected.push_back(l);
    return check;
}

}  // namespace strata::engine
