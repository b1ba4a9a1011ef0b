#include "engine/trace_event.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace strata::engine {

namespace {
constexpr std::array<std::pair<EventKind, std::string_view>, 10> kKinds = {{
    {EventKind::syscall, "syscall"},
    {EventKind::ioctl, "ioctl"},
    {EventKind::vm_exit, "vm-exit"},
    {EventKind::vm_entry, "vm-entry"},
    {EventKind::guest_output, "guest-output"},
    {EventKind::guest_event, "guest-event"},
    {EventKind::process, "process"},
    {EventKind::file_read, "file-read"},
    {EventKind::note, "note"},
    {EventKind::exits_in_kvm, "exits-in-kvm"},
}};
}  // namespace

std::string_view event_kind_key(EventKind kind) {
    for (const auto& [k, key] : kKinds)
        if (k == kind) return key;
    return "note";
}

bool event_kind_from_key(std::string_view key, EventKind& out) {
    for (const auto& [k, name] : kKinds)
        if (name == key) {
            out = k;
            return true;
        }
    return false;
}

bool TraceEvent::touches(LayerId layer) const {
    return std::find(layers.begin(), layers.end(), layer) != layers.end();
}

}  // namespace strata::engine
