// compare/guest-speed: the same loop — the very same bytes, the routine of
// assets/guests/compute_loop.S — natively, in a container, in a VM as guest
// user code and as guest kernel code, timed. With hardware assistance all
// four run at the CPU's speed; on a software-nested hypervisor such as PVM
// guest user code still runs natively, but guest kernel code is emulated
// instruction by instruction. The verdict is doctor's (probe::probe_kvm).
#include <algorithm>

#include <fmt/format.h>

#include "backends/linux/host_files.hpp"
#include "backends/measure/guest_speed.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/guest-speed";

struct State final : engine::LessonState {
    std::optional<measure::LoopTiming> native, container, user, kernel;
};

const measure::LoopOptions kOptions{5, std::chrono::milliseconds(25)};

void show(Context& ctx, const measure::LoopTiming& t, const std::string& label) {
    ctx.facts().set_value(label + ": ns per iteration", fmt::format("{:.2f}", median(t.ns_per_iteration)));
    ctx.facts().set_value(label + ": iterations per run", std::to_string(t.iterations));
    ctx.facts().set_value(label + ": answer correct",
                          t.answer == measure::loop_reference(t.iterations) ? "yes" : "NO");
}

std::string ratio_to(const State& s, const measure::LoopTiming& t) {
    if (!s.native) return "";
    const double base = median(s.native->ns_per_iteration);
    return base > 0 ? fmt::format(" ({:.1f}x native)", median(t.ns_per_iteration) / base) : "";
}

// "LABEL: times native", the number predictions are judged on (how much
// slower than the same loop natively, 1.00 = as fast).
void show_ratio(Context& ctx, const State& s, const measure::LoopTiming& t, const std::string& label) {
    if (!s.native) return;
    const double base = median(s.native->ns_per_iteration);
    if (base > 0) ctx.facts().set_value(label + ": times native", fmt::format("{:.2f}", median(t.ns_per_iteration) / base));
}

Result<StepOutcome> native(Context& ctx, State& s) {
    auto t = STRATA_TRY(measure::loop_native(ctx.recorder(), kOptions));
    s.native = t;
    show(ctx, t, "native");
    return StepOutcome{fmt::format("natively: {:.2f} ns per iteration ({} iterations per run, {} runs)",
                                   median(t.ns_per_iteration), t.iterations, t.ns_per_iteration.size())};
}

Result<StepOutcome> in_container(Context& ctx, State& s) {
    auto box = STRATA_TRY(container::start_container(ctx, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET));
    auto t = STRATA_TRY(measure::loop_in_container(box, kOptions));
    s.container = t;
    show(ctx, t, "container");
    show_ratio(ctx, s, t, "container");
    return StepOutcome{fmt::format("in a container's own process: {:.2f} ns per iteration{}: a container's code is a "
                                   "host process's code",
                                   median(t.ns_per_iteration), ratio_to(s, t))};
}

Result<StepOutcome> guest(Context& ctx, State& s, int ring) {
    auto t = STRATA_TRY(measure::loop_in_guest(ctx.recorder(), ring, kOptions));
    (ring == 3 ? s.user : s.kernel) = t;
    show(ctx, t, ring == 3 ? "guest ring 3" : "guest ring 0");
    show_ratio(ctx, s, t, ring == 3 ? "guest ring 3" : "guest ring 0");
    return StepOutcome{fmt::format("in the VM as guest {} code: {:.2f} ns per iteration{}",
                                   ring == 3 ? "user (ring 3)" : "kernel (ring 0)", median(t.ns_per_iteration),
                                   ratio_to(s, t))};
}

Result<StepOutcome> guest_user(Context& ctx, State& s) { return guest(ctx, s, 3); }
Result<StepOutcome> guest_kernel(Context& ctx, State& s) { return guest(ctx, s, 0); }

Result<StepOutcome> verdict(Context& ctx, State& s) {
    // What doctor reads to tell the kinds apart: the CPU's flags (vmx/svm).
    STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/cpuinfo", {LayerId::runtime, LayerId::cpu_virt}));
    probe::MachineReport machine;
    probe::probe_kvm(machine, "/dev/kvm");
    const auto kind = machine.facts.kvm_kind;
    const double base = median(s.native->ns_per_iteration);
    engine::TableView table{"the same loop, four places", {"where", "ns per iteration", "x native", "answer"}, {}, {}};
    for (const auto* t : {&*s.native, &*s.container, &*s.user, &*s.kernel}) {
        const double m = median(t->ns_per_iteration);
        table.rows.push_back({t->where, fmt::format("{:.2f}", m), fmt::format("{:.1f}", base > 0 ? m / base : 0),
                              t->answer == measure::loop_reference(t->iterations) ? "correct" : "WRONG"});
        table.row_marked.push_back(base > 0 && m / base > 3);
    }
    ctx.facts().set_table(std::move(table));
    for (const auto& check : machine.checks)
        if (check.id == "kvm.kind") ctx.facts().set_value("doctor's verdict", check.detail);
    ctx.facts().set_value("virtualization kind", std::string(probe::kvm_kind_key(kind)));
    const double kernel_x = base > 0 ? median(s.kernel->ns_per_iteration) / base : 0;
    const double user_x = base > 0 ? median(s.user->ns_per_iteration) / base : 0;
    std::string why;
    if (machine.facts.emulated_machine()) {
        why = fmt::format("this machine is itself emulated ({}): the host's code and the guest's alike run "
                          "instruction by instruction in software, so these ratios (user {:.1f}x, kernel {:.1f}x) "
                          "say nothing about hardware; run it on a lab PC",
                          probe::hypervisor_name(machine.facts.hypervisor), user_x, kernel_x);
        ctx.facts().set_value("emulated machine", "yes");
        return StepOutcome{why};
    }
    switch (kind) {
        case probe::KvmKind::software_nested:
            why = fmt::format("software-nested (PVM): guest user code ran natively ({:.1f}x), guest kernel code was "
                              "emulated instruction by instruction ({:.0f}x)", user_x, kernel_x);
            break;
        case probe::KvmKind::hardware:
            why = fmt::format("hardware-assisted: the CPU runs guest code of every privilege level itself (user "
                              "{:.1f}x, kernel {:.1f}x)", user_x, kernel_x);
            break;
        default:
            why = fmt::format("unknown kind: guest user code {:.1f}x, guest kernel code {:.1f}x", user_x, kernel_x);
    }
    return StepOutcome{why};
}

}  // namespace

engine::Lesson guest_speed_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::userns};
    lesson.step("native", "Natively", {L::processes}, native);
    lesson.step("container", "In a container",
                {L::runtime, L::processes, L::namespaces, L::security, L::mounts, L::container}, in_container);
    lesson.step("guest-user", "In a VM, as user code",
                {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_devices, L::guest_program}, guest_user);
    // KVM_RUN's own event names the guest's program as where it enters;
    // the CPL read from the vCPU says kernel mode.
    lesson
        .step("guest-kernel", "In a VM, as kernel code",
              {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_devices, L::guest_program, L::guest_kernel}, guest_kernel)
        .provides("all four timings", [](const State& s) { return s.native && s.container && s.user && s.kernel; });
    lesson.step("verdict", "Why: trap-and-emulate, hardware assistance, paravirtualization", {L::runtime, L::cpu_virt},
                verdict);
    return lesson.build();
}

}  // namespace strata::lessons::compare
