#include "engine/trace_event.hpp"

#include <fmt/format.h>

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

std::string_view event_kind_meaning(EventKind kind) {
    switch (kind) {
        case EventKind::syscall: return "a system call strata made";
        case EventKind::ioctl: return "an ioctl strata made";
        case EventKind::vm_exit: return "an exit to the VMM: the CPU left the guest and KVM_RUN returned";
        case EventKind::vm_entry: return "KVM_RUN: the VMM entered the guest";
        case EventKind::guest_output: return "bytes the guest or container wrote to its console";
        case EventKind::guest_event: return "something the guest kernel reported about itself";
        case EventKind::process: return "a process started, exited or was killed";
        case EventKind::file_read: return "strata read a kernel interface file";
        case EventKind::note: return "a measured fact";
        case EventKind::exits_in_kvm:
            return "VM exits KVM handled in the kernel, from its statistics: KVM_RUN did not return for them";
    }
    return "";
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

std::string one_line(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else out += c;
    }
    return out;
}

}  // namespace strata::engine
