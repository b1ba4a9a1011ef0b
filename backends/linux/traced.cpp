#include "backends/linux/traced.hpp"

#include <cerrno>

#include <fmt/format.h>

#include "backends/linux/errno_explanations.hpp"

namespace strata::linux {

Result<std::int64_t> record_call(Recorder& recorder, CallRecord call, const std::string& syscall) {
    engine::TraceEvent event;
    event.kind = call.kind;
    event.name = call.name;
    event.args = std::move(call.args);
    event.layers = std::move(call.layers);
    event.result = call.result;
    event.error = call.error;
    event.start = call.start;
    event.duration = call.duration;
    // Why (on the event and in the error) and what to do (the error's hint)
    // are different sentences, chosen by what the call was given.
    const Explanation explained =
        call.error ? explain_failure({syscall, call.error, event.args}) : Explanation{};
    event.detail = call.error ? explained.why : call.detail;
    recorder.record(std::move(event));
    if (call.error) return engine::errno_error(call.name, call.error, explained.why, explained.what_to_do);
    return call.result;
}

void record_note(Recorder& recorder, std::string name, std::vector<LayerId> layers, std::string detail,
                 std::vector<EventArg> args) {
    engine::TraceEvent event;
    event.kind = EventKind::note;
    event.name = std::move(name);
    event.layers = std::move(layers);
    event.detail = std::move(detail);
    event.args = std::move(args);
    event.start = recorder.now();
    recorder.record(std::move(event));
}

}  // namespace strata::linux
