// What the compare lessons share: a whole container made in one step, the
// way the container track makes it step by step; tinyos running, with its
// console and Cancel wired to the step; and small readers of what a step
// recorded (events of a kind; VM exits by device come from vm/machine.hpp).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "backends/kvm/tinyos_vm.hpp"
#include "backends/linux/agent.hpp"
#include "engine/lesson.hpp"
#include "lessons/container/common.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::compare {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

// VM exits by the device that took them (vm/machine.hpp).
using vm::exits_by_device;

// The container of container/mount-pivot and container/pid with every
// namespace of the track: user (root inside, you outside), PID, mount, UTS,
// IPC, network and cgroup; mounts private, the image bound read-only and
// pivoted into, the old root detached, a /proc of its own, and its own
// host name `hostname`.
Result<linux::Agent> start_full_container(Context& ctx, const std::string& hostname = "strata-box");

// tinyos (its tour) built, loaded and run to its first user instruction;
// what it prints goes to the lesson's console.
Result<std::unique_ptr<kvm::TinyosVm>> boot_tinyos(Context& ctx);
// Runs tinyos on to `checkpoint`, cancellable from the step.
Result<kvm::RunReport> run_tinyos(Context& ctx, kvm::TinyosVm& vm, std::uint32_t checkpoint);
// The line tinyos's uname program printed ("tinyos 0.1 #1 ..."), looked
// for in what the guest wrote after `from` bytes of its output.
std::string guest_uname_line(const kvm::TinyosVm& vm, std::size_t from);

// Events of a kind recorded at or after event `from`.
std::size_t count_events(Context& ctx, std::size_t from, engine::EventKind kind);

// "1.23 ms" for a duration in nanoseconds.
std::string ms(double ns);
// "1.23 MiB" for a size in bytes.
std::string mib(std::uint64_t bytes);
// The median of a sample (the mean of the middle two for an even count), 0 when empty.
double median(std::vector<double> sample);

}  // namespace strata::lessons::compare
