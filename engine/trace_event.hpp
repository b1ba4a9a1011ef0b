// TraceEvent: one real thing that happened, recorded by a backend wrapper
// around the real call. Only backends create them; the diagram, timeline,
// CLI output, recordings and tests all read them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/layers.hpp"

namespace strata::engine {

enum class EventKind {
    syscall,       // a system call made by strata (unshare, mount, ...)
    ioctl,         // an ioctl (every KVM call is one)
    vm_exit,       // an exit to the VMM: the vCPU left the guest and KVM_RUN returned
    vm_entry,      // the VMM entered the guest (KVM_RUN)
    guest_output,  // bytes the guest or container wrote to its console
    guest_event,   // something the guest kernel reported about itself
    process,       // a process started, exited or was killed
    file_read,     // strata read a kernel interface file (/proc, /sys)
    note,          // a measured fact worth showing (a duration, a count)
    exits_in_kvm,  // VM exits KVM handled in the kernel over one run, counted
                   // from its statistics: KVM_RUN did not return for them
};

std::string_view event_kind_key(EventKind kind);
// What an event of this kind is, in the course's words ("an exit to the
// VMM: KVM_RUN returned"), for tooltips and legends.
std::string_view event_kind_meaning(EventKind kind);

// An argument's value on one line, as the terminal and the timeline show an
// event: a value read from a file (/proc/self/uid_map) or a script passed
// to a shell can hold newlines and other control characters; they are
// written as escapes (\n, \t, \x1b).
std::string one_line(const std::string& value);
bool event_kind_from_key(std::string_view key, EventKind& out);

struct EventArg {
    std::string name;   // "flags"
    std::string value;  // decoded: "CLONE_NEWNS|CLONE_NEWPID"
};

struct TraceEvent {
    std::uint64_t sequence = 0;            // order within the run
    std::chrono::nanoseconds start{};      // since the run began (monotonic)
    std::chrono::nanoseconds duration{};
    EventKind kind = EventKind::note;
    std::string name;                      // "ioctl(KVM_CREATE_VM)"
    std::vector<EventArg> args;
    std::int64_t result = 0;               // the call's return value
    int error = 0;                         // errno, 0 on success
    std::string detail;                    // hint or explanation, if any
    std::vector<LayerId> layers;           // crossed, in order: vmm -> kvm -> cpu-virt
    int step = -1;                         // index of the lesson step, -1 outside steps
    bool replayed = false;                 // true when re-emitted from a recording

    bool failed() const { return error != 0; }
    bool touches(LayerId layer) const;
};

}  // namespace strata::engine
