// The one way backends/linux records a call it made (or that its agent made
// inside a container): a TraceEvent with the decoded arguments, the result
// or errno and the layers crossed, and on failure an Error whose hint says
// why this call fails with this errno and what to change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::linux {

using engine::EventArg;
using engine::EventKind;
using engine::LayerId;
using engine::Recorder;
using engine::Result;

// What a finished call looked like.
struct CallRecord {
    EventKind kind = EventKind::syscall;
    std::string name;                // "mount(MS_PRIVATE|MS_REC)"
    std::vector<EventArg> args;      // decoded
    std::vector<LayerId> layers;     // crossed, outermost first
    std::int64_t result = 0;
    int error = 0;                   // errno, 0 on success
    std::chrono::nanoseconds start{};
    std::chrono::nanoseconds duration{};
    std::string detail;              // what it means, for the timeline
};

// Records the call; when it failed, returns the Error saying why (its
// message, also the event's detail) and what to do (its hint), as
// errno_explanations.hpp explains the syscall named `syscall` ("mount",
// "unshare", ...) given these arguments.
Result<std::int64_t> record_call(Recorder& recorder, CallRecord call, const std::string& syscall);

// Records a note (a measured fact) touching `layers`.
void record_note(Recorder& recorder, std::string name, std::vector<LayerId> layers, std::string detail,
                 std::vector<EventArg> args = {});

}  // namespace strata::linux
