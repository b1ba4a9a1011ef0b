// vm/interrupts: who raises a guest's interrupts.
//
// First KVM does (in-kernel PIC + PIT): the guest counts 100 timer ticks
// and the VMM compares the count with the time that passed, having seen a
// single exit. Then, in a second VM without an irqchip, the VMM injects
// every interrupt itself with KVM_INTERRUPT, waiting for the interrupt
// window when the guest has interrupts off.
#include <cstring>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/irq_injector.hpp"
#include "backends/kvm/real_mode.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

constexpr const char* kLesson = "interrupts";
constexpr std::uint64_t kRamSize = 0x10000;
constexpr std::uint16_t kStackTop = 0x8000;
constexpr std::uint64_t kCounter = 0x600;
constexpr std::uint64_t kHaltCounter = 0x604;  // timer_ticks.S: the HLTs it executed
constexpr std::uint32_t kTicksWanted = 100;   // timer_ticks.S: WANTED
constexpr std::uint32_t kInjections = 20;     // irq_inject.S: WANTED
constexpr std::uint8_t kVector = 0x20;

struct Computer {
    std::unique_ptr<kvm::CheckpointPort> checkpoint;
    Machine machine;
};

struct InterruptsState final : engine::LessonState {
    std::optional<Computer> with_irqchip;
    std::string irqchip_missing;  // the skip message, when a capability is missing
    std::optional<Computer> without_irqchip;
};

std::uint32_t read_u32(Machine& m, std::uint64_t gpa) {
    std::uint32_t v = 0;
    if (auto* ram = m.ram_for(gpa))
        if (auto b = ram->bytes(gpa, 4)) std::memcpy(&v, b->data(), 4);
    return v;
}

std::uint32_t counter(Machine& m) { return read_u32(m, kCounter); }

// RAM with the guest, one vCPU in real mode, the checkpoint port.
Result<void> finish_machine(Context& ctx, Computer& vm, std::span<const std::uint8_t> image, bool irqchip) {
    auto& m = vm.machine;
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, kRamSize));
    if (auto r = ram->write(guests::real_mode_load_address, image); !r) return r;
    if (auto r = m.create_vcpu(); !r) return r;
    if (irqchip)
        if (auto r = m.vcpu->route_pic_through_lapic(); !r) return r;
    if (auto r = kvm::enter_real_mode(*m.vcpu, guests::real_mode_load_address, kStackTop); !r) return r;
    vm.checkpoint = std::make_unique<kvm::CheckpointPort>(m.devices);
    return m.devices.pio.attach(0x501, 1, *vm.checkpoint);
}

Result<StepOutcome> build_with_irqchip(Context& ctx, InterruptsState& s) {
    auto& vm = s.with_irqchip.emplace();
    STRATA_TRY(vm.machine.open(ctx));
    for (auto cap : {kvm::Capability::irqchip, kvm::Capability::pit2}) {
        auto check = STRATA_TRY(vm.machine.check(cap));
        ctx.facts().set_value(check.name, check.present ? "present" : "missing");
        if (!check.present && s.irqchip_missing.empty()) s.irqchip_missing = check.skip_message();
    }
    if (!s.irqchip_missing.empty()) return StepOutcome{"skipped: " + s.irqchip_missing};
    // The irqchip must exist before the vCPUs, whose LAPICs it creates;
    // the PIT needs only the irqchip (it raises IRQ 0 on the PIC).
    STRATA_TRY(vm.machine.vm->create_irqchip());
    STRATA_TRY(vm.machine.vm->create_pit2());
    STRATA_TRY(finish_machine(ctx, vm, guests::timer_ticks(), true));
    return StepOutcome{"KVM now emulates two 8259 PICs, an IOAPIC, the vCPU's local APIC and an 8254 timer in the "
                       "kernel; LINT0 of the LAPIC is set to ExtINT so the PIC's interrupts reach the vCPU"};
}

Result<StepOutcome> count_ticks(Context& ctx, InterruptsState& s) {
    if (!s.irqchip_missing.empty()) return StepOutcome{"skipped: " + s.irqchip_missing};
    auto& m = s.with_irqchip->machine;
    const auto started = std::chrono::steady_clock::now();
    auto report = m.run(ctx, "timer", kvm::RunLimits{std::chrono::milliseconds(5000), 1000});
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (!report) return std::unexpected(report.error());
    STRATA_TRY(expect_stop(*report, 1));
    const std::uint32_t ticks = counter(m);
    const double rate = ticks / (elapsed_ms / 1000.0);
    ctx.facts().set_value("ticks counted by the guest", std::to_string(ticks));
    // timer_ticks.S counts its own HLTs: what KVM's halt_exits should equal.
    const std::uint32_t halts = read_u32(m, kHaltCounter);
    ctx.facts().set_value("HLTs the guest executed", std::to_string(halts));
    ctx.facts().set_value("elapsed (VMM's clock)", fmt::format("{:.1f} ms", elapsed_ms));
    ctx.facts().set_value("measured tick rate", fmt::format("{:.0f} Hz (programmed: 1000 Hz)", rate));
    if (ticks < kTicksWanted)
        return engine::plain_error(kLesson, fmt::format("the guest reported after {} ticks, expected {}", ticks, kTicksWanted));
    if (!report->kvm)
        return StepOutcome{fmt::format("the guest counted {} timer interrupts in {:.1f} ms ({:.0f} Hz against the 1000 "
                                       "Hz it programmed) and KVM_RUN returned to the VMM {} time{} in all: PIC, PIT, "
                                       "interrupts and HLT were handled inside KVM. KVM keeps no exit counters here, "
                                       "so how often the CPU left the guest for them cannot be shown",
                                       ticks, elapsed_ms, rate, report->exits, report->exits == 1 ? "" : "s")};
    return StepOutcome{fmt::format("the guest counted {} timer interrupts in {:.1f} ms ({:.0f} Hz against the 1000 Hz "
                                   "it programmed) and executed {} HLTs. The CPU left guest mode {} times (KVM's "
                                   "count: {} HLT, {} port I/O, {} host interrupts), yet KVM_RUN returned to the VMM "
                                   "{} time{}: KVM handled {} VM exits itself",
                                   ticks, elapsed_ms, rate, halts, report->kvm->vm_exits(), report->kvm->of("halt_exits"),
                                   report->kvm->of("io_exits"), report->kvm->of("irq_exits"), report->exits,
                                   report->exits == 1 ? "" : "s", report->kvm->kept_in_kvm())};
}

Result<StepOutcome> build_without_irqchip(Context& ctx, InterruptsState& s) {
    s.with_irqchip.reset();  // release the first VM before making the second
    auto& vm = s.without_irqchip.emplace();
    STRATA_TRY(vm.machine.open(ctx));
    STRATA_TRY(finish_machine(ctx, vm, guests::irq_inject(), false));
    return StepOutcome{"a second VM, this time with no interrupt controller: only strata can interrupt its vCPU"};
}

Result<StepOutcome> inject(Context& ctx, InterruptsState& s) {
    auto& m = s.without_irqchip->machine;
    kvm::IrqInjector injector(*m.vcpu, kVector, kInjections);
    auto report = STRATA_TRY(m.run(ctx, "injection", kvm::RunLimits{std::chrono::milliseconds(5000), 1000},
                        [&injector] { injector.before_entry(); }));
    STRATA_TRY(expect_stop(report, 2));
    const std::uint32_t handled = counter(m) & 0xffff;
    const auto windows = report.exits_by_kind.count("IRQ_WINDOW_OPEN") ? report.exits_by_kind.at("IRQ_WINDOW_OPEN") : 0;
    ctx.facts().set_value("interrupts injected (KVM_INTERRUPT)", std::to_string(injector.injected()));
    ctx.facts().set_value("interrupts the guest's handler counted", std::to_string(handled));
    ctx.facts().set_value("times the guest could not take one (window requested)", std::to_string(injector.window_requests()));
    ctx.facts().set_value("KVM_EXIT_IRQ_WINDOW_OPEN exits", std::to_string(windows));
    // The guest starts with interrupts off, so strata must ask for the
    // window at least once. Hardware-assisted KVM then exits with
    // IRQ_WINDOW_OPEN; a PVM host never does (it keeps the request for
    // guests written for PVM), and the injection waits for the guest's next
    // exit instead. Either way every interrupt must arrive exactly once.
    if (handled != injector.injected() || handled != kInjections || injector.window_requests() == 0)
        return engine::plain_error(kLesson, fmt::format("injected {}, the guest counted {}, the window was requested {} "
                                                        "time(s) (expected {} and at least one request)",
                                                        injector.injected(), handled, injector.window_requests(),
                                                        kInjections));
    if (windows == 0)
        return StepOutcome{fmt::format(
            "strata injected {} interrupts with KVM_INTERRUPT and the guest's handler counted {}. The guest started "
            "with interrupts off, so strata requested the interrupt window, but this hypervisor never exited with "
            "IRQ_WINDOW_OPEN: each injection waited for the guest's next exit at which it could take one",
            injector.injected(), handled)};
    return StepOutcome{fmt::format("strata injected {} interrupts with KVM_INTERRUPT and the guest's handler counted "
                                   "{}; {} time{} the guest had interrupts off, so strata requested the interrupt "
                                   "window and KVM exited with IRQ_WINDOW_OPEN when it opened",
                                   injector.injected(), handled, windows, windows == 1 ? "" : "s")};
}

}  // namespace

engine::Lesson interrupts_lesson() {
    using L = LayerId;
    engine::LessonBuilder<InterruptsState> lesson("vm/interrupts");
    lesson.requirements = {engine::Requirement::kvm};
    const std::vector<L> run_layers = {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices};
    lesson
        .step("irqchip", "An interrupt controller in the kernel", {L::vmm, L::kvm, L::ram, L::cpu_virt},
              build_with_irqchip)
        .provides("the VM with an irqchip",
                  [](const InterruptsState& s) { return s.with_irqchip && s.with_irqchip->machine.vcpu; });
    lesson.step("timer-ticks", "Count timer ticks", run_layers, count_ticks);
    lesson.step("no-irqchip", "A VM without one", {L::vmm, L::kvm, L::ram, L::cpu_virt}, build_without_irqchip)
        .consumes("the VM with an irqchip")
        .provides("the second VM",
                  [](const InterruptsState& s) { return s.without_irqchip && s.without_irqchip->machine.vcpu; });
    lesson.step("inject", "The VMM injects interrupts", run_layers, inject);
    return lesson.build();
}

}  // namespace strata::lessons::vm
