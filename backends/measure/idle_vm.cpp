#include "backends/measure/idle_vm.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/install_layout.hpp"
#include "engine/trace_json.hpp"

namespace strata::measure {

namespace {

using engine::LayerId;

// The helper is strata's own program, but what it prints is still input:
// bounded and validated like a recording.
constexpr int kMaxForwardedEvents = 5000;

}  // namespace

engine::Result<IdleVm> IdleVm::start(engine::Recorder& recorder, linux::Cgroup* cgroup, bool forward_trace) {
    const auto program = engine::helper_program("strata-idle-vm").string();
    const auto spawned_at = recorder.now();
    auto helper = linux::HelperProcess::spawn(recorder, {program}, {LayerId::vmm, LayerId::processes});
    if (!helper) return std::unexpected(helper.error());
    IdleVm vm(std::move(*helper));
    if (cgroup)
        if (auto r = cgroup->add(vm.pid()); !r) return std::unexpected(r.error());
    if (auto r = vm.process_.send(forward_trace ? "t" : "g"); !r) return std::unexpected(r.error());
    int forwarded = 0;
    for (;;) {
        auto line = vm.process_.read_line(std::chrono::seconds(20));
        if (!line) return std::unexpected(line.error().with_context("strata-idle-vm"));
        if (line->starts_with("ready ")) {
            vm.boot_ = std::chrono::nanoseconds(std::stoll(line->substr(6)));
            return vm;
        }
        if (line->starts_with("error "))
            return engine::plain_error("strata-idle-vm", line->substr(6), "the idle VM's own KVM calls failed");
        if (!line->starts_with("event ") || ++forwarded > kMaxForwardedEvents)
            return engine::plain_error("strata-idle-vm", "said something unexpected: " + line->substr(0, 80));
        auto json = nlohmann::json::parse(line->substr(6), nullptr, false);
        auto event = engine::event_from_json(json);
        if (!event) return std::unexpected(event.error().with_context("strata-idle-vm's trace"));
        event->start += spawned_at;  // its clock started when it was spawned
        event->args.push_back({"process", fmt::format("strata-idle-vm, pid {}", vm.pid())});
        recorder.record(std::move(*event));
    }
}

}  // namespace strata::measure
