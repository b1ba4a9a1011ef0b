// vm/single-step: the VMM as a debugger. KVM_SET_GUEST_DEBUG makes the
// vCPU exit after every guest instruction; each step of the lesson runs
// exactly one, shows it disassembled, where its bytes are (guest-physical
// and host-virtual), which registers it changed, and checks that it landed
// where the disassembly predicted. Then a hardware breakpoint (DR0/DR7)
// runs the guest "to here".
#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/real_mode.hpp"
#include "backends/kvm/uart16550.hpp"
#include "engine/disassembler.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

constexpr const char* kLesson = "single-step";
constexpr std::uint64_t kRamSize = 0x10000;
constexpr std::uint16_t kStackTop = 0x8000;
constexpr int kSingleSteps = 6;

struct StepState final : engine::LessonState {
    std::unique_ptr<kvm::Uart16550> uart;
    Machine machine;
    kvm::GuestMemory* ram = nullptr;
    std::string debug_missing;  // skip message when KVM_CAP_SET_GUEST_DEBUG is absent
    int steps_done = 0;
    bool halted = false;  // the guest already ran to its HLT
};

std::vector<std::pair<std::string, std::uint64_t>> gp_registers(const kvm::Registers& r) {
    return {{"rax", r.rax}, {"rbx", r.rbx}, {"rcx", r.rcx}, {"rdx", r.rdx}, {"rsi", r.rsi}, {"rdi", r.rdi},
            {"rsp", r.rsp}, {"rbp", r.rbp}, {"rip", r.rip}, {"rflags", r.rflags}};
}

std::string hex_bytes(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    for (auto b : bytes) out += fmt::format("{}{:02x}", out.empty() ? "" : " ", b);
    return out;
}

Result<StepOutcome> skipped(const StepState& s) { return StepOutcome{"skipped: " + s.debug_missing}; }

Result<StepOutcome> build_machine(Context& ctx, StepState& s) {
    auto& m = s.machine;
    STRATA_TRY(m.open(ctx));
    auto cap = STRATA_TRY(m.check(kvm::Capability::set_guest_debug));
    ctx.facts().set_value(cap.name, cap.present ? "present" : "missing");
    if (!cap.present) s.debug_missing = cap.skip_message();
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, kRamSize));
    s.ram = ram;
    STRATA_TRY(s.ram->write(guests::real_mode_load_address, guests::single_step()));
    STRATA_TRY(m.create_vcpu());
    STRATA_TRY(kvm::enter_real_mode(*m.vcpu, guests::real_mode_load_address, kStackTop));
    s.uart = std::make_unique<kvm::Uart16550>(&ctx.recorder(), [&ctx](std::string_view t) { ctx.console_write(t); });
    STRATA_TRY(m.devices.pio.attach(0x3f8, 8, *s.uart));

    engine::TableView listing{"guest code (disassembled by Zydis)", {"address", "bytes", "instruction"}, {}, {}};
    for (const auto& i : engine::disassemble(guests::single_step(), guests::real_mode_load_address, engine::CpuMode::real16))
        listing.rows.push_back({fmt::format("{:#x}", i.address), hex_bytes(i.bytes), i.text});
    ctx.facts().set_table(std::move(listing));
    return StepOutcome{fmt::format("a real-mode VM with the {} byte program at {:#x}{}", guests::single_step().size(),
                                   guests::real_mode_load_address,
                                   s.debug_missing.empty() ? "" : "; " + s.debug_missing)};
}

Result<StepOutcome> enable_single_step(Context&, StepState& s) {
    if (!s.debug_missing.empty()) return skipped(s);
    kvm::GuestDebug debug;
    debug.enable = true;
    debug.single_step = true;
    STRATA_TRY(s.machine.vcpu->set_guest_debug(debug));
    return StepOutcome{"KVM_SET_GUEST_DEBUG with KVM_GUESTDBG_SINGLESTEP: every KVM_RUN now returns after one "
                       "guest instruction with KVM_EXIT_DEBUG"};
}

Result<StepOutcome> step_once(Context& ctx, StepState& s) {
    if (!s.debug_missing.empty()) return skipped(s);
    auto& vcpu = *s.machine.vcpu;
    const int number = ++s.steps_done;

    auto before = vcpu.get_registers();
    auto sregs = vcpu.get_special_registers();
    if (!before) return std::unexpected(before.error());
    if (!sregs) return std::unexpected(sregs.error());
    // Real mode: linear = CS.base + IP, and without paging linear = guest-physical.
    const std::uint64_t gpa = sregs->cs.base + before->rip;
    const std::size_t available = gpa < s.ram->size() ? std::min<std::size_t>(15, s.ram->size() - gpa) : 0;
    auto code = s.ram->bytes(gpa, available);
    if (!code || available == 0)
        return engine::plain_error(kLesson, fmt::format("RIP {:#x} is outside guest RAM", before->rip));
    const auto instruction = engine::disassemble_one(*code, before->rip, engine::CpuMode::real16);
    if (!instruction)
        return engine::plain_error(kLesson, fmt::format("the bytes at {:#x} are not an instruction", gpa));
    const auto predicted = engine::predict_next(*instruction, before->rflags, before->rcx);

    auto report = STRATA_TRY(s.machine.run(ctx, fmt::format("step {}", number), kvm::RunLimits{std::chrono::milliseconds(2000), 50}));
    if (report.stop != kvm::RunStop::debug || !report.registers)
        return engine::plain_error(kLesson, fmt::format("expected a debug exit after one instruction, got {}: {}",
                                                        kvm::run_stop_name(report.stop), report.description));
    const auto& after = *report.registers;

    engine::TableView changed{"registers this instruction changed", {"register", "before", "after"}, {}, {}};
    const auto b = gp_registers(*before), a = gp_registers(after);
    for (std::size_t i = 0; i < b.size(); ++i)
        if (b[i].second != a[i].second)
            changed.rows.push_back({b[i].first, fmt::format("{:#x}", b[i].second), fmt::format("{:#x}", a[i].second)});
    const std::size_t n_changed = changed.rows.size();
    ctx.facts().set_table(std::move(changed));
    engine::TableView where{"the instruction's bytes", {"instruction", "bytes", "guest-physical", "host-virtual (strata)"}, {}, {}};
    where.rows.push_back({instruction->text, hex_bytes(instruction->bytes), fmt::format("{:#x}", gpa),
                          fmt::format("{:#x}", s.ram->host_address(gpa).value_or(0))});
    ctx.facts().set_table(std::move(where));
    ctx.facts().set_value(fmt::format("step {}: instruction", number), fmt::format("{:#x}: {}", before->rip, instruction->text));
    ctx.facts().set_value(fmt::format("step {}: RIP after", number), fmt::format("{:#x}", after.rip));

    if (predicted && after.rip != *predicted)
        return engine::plain_error(kLesson, fmt::format("after `{}` the vCPU is at {:#x}, but the instruction's "
                                                        "bytes say {:#x}: more or less than one instruction ran",
                                                        instruction->text, after.rip, *predicted));
    return StepOutcome{fmt::format("one instruction: `{}` at {:#x} (guest-physical {:#x}); {} register{} changed; "
                                   "RIP is now {:#x}{}",
                                   instruction->text, before->rip, gpa, n_changed, n_changed == 1 ? "" : "s", after.rip,
                                   predicted ? ", as the disassembly predicted" : "")};
}

// The address of the program's HLT: where "run to here" stops.
std::optional<std::uint64_t> hlt_address() {
    for (const auto& i : engine::disassemble(guests::single_step(), guests::real_mode_load_address, engine::CpuMode::real16))
        if (i.mnemonic == "hlt") return i.address;
    return std::nullopt;
}

Result<StepOutcome> run_to_breakpoint(Context& ctx, StepState& s) {
    if (!s.debug_missing.empty()) return skipped(s);
    const auto target = hlt_address();
    if (!target) return engine::plain_error(kLesson, "the guest program has no HLT to stop at");
    kvm::GuestDebug debug;
    debug.enable = true;
    debug.breakpoints[0] = *target;  // real mode, CS base 0: linear = IP
    debug.breakpoint_count = 1;
    STRATA_TRY(s.machine.vcpu->set_guest_debug(debug));
    auto report = STRATA_TRY(s.machine.run(ctx, "run to here"));
    const auto* hit = report.last_exit ? std::get_if<kvm::DebugExit>(&*report.last_exit) : nullptr;
    if (report.stop == kvm::RunStop::halted) {
        // KVM accepted DR0/DR7 but the (virtual) CPU under it never raised
        // the #DB: observed with KVM inside QEMU's software-emulated AMD-V.
        // Say so plainly; the guest has run to its end.
        s.halted = true;
        ctx.facts().set_value("breakpoint fired", "no");
        return StepOutcome{fmt::format("the breakpoint at {:#x} did NOT fire on this host: KVM accepted DR0/DR7, but "
                                       "the CPU underneath did not raise the debug exception, so the guest ran on "
                                       "to its HLT ({} exits). Seen with KVM inside QEMU's software-emulated AMD-V; "
                                       "on VT-x/AMD-V hardware and on PVM hosts it stops before the HLT",
                                       *target, report.exits)};
    }
    if (report.stop != kvm::RunStop::debug || !hit || hit->pc != *target)
        return engine::plain_error(kLesson, fmt::format("expected the breakpoint at {:#x} to stop the guest, got {}: {}",
                                                        *target, kvm::run_stop_name(report.stop), report.description));
    ctx.facts().set_value("breakpoint fired", "yes");
    ctx.facts().set_value("breakpoint: DR6 at the hit", fmt::format("{:#x} (bit 0: DR0 matched)", hit->dr6));
    return StepOutcome{fmt::format("DR0 = {:#x}, DR7 enables it for execution: the guest ran freely ({} exits, two "
                                   "of them its OUTs) and stopped before executing the HLT at {:#x}",
                                   *target, report.exits, hit->pc)};
}

Result<StepOutcome> continue_to_end(Context& ctx, StepState& s) {
    if (!s.debug_missing.empty()) return skipped(s);
    STRATA_TRY(s.machine.vcpu->set_guest_debug(kvm::GuestDebug{}));
    if (s.halted) return StepOutcome{fmt::format("debugging off; the guest had already halted; it printed {:?}", s.uart->output())};
    auto report = STRATA_TRY(s.machine.run(ctx, "continue"));
    STRATA_TRY(expect_stop(report, 0));
    return StepOutcome{fmt::format("debugging off; the guest executed its HLT; it printed {:?}", s.uart->output())};
}

}  // namespace

engine::Lesson single_step_lesson() {
    using L = LayerId;
    engine::LessonBuilder<StepState> lesson("vm/single-step");
    lesson.requirements = {engine::Requirement::kvm};
    const std::vector<L> step_layers = {L::vmm, L::kvm, L::cpu_virt, L::guest_program};
    lesson.step("build-machine", "A VM to debug", {L::vmm, L::kvm, L::ram, L::cpu_virt}, build_machine)
        .provides("the vCPU", [](const StepState& s) { return s.machine.vcpu.has_value(); });
    lesson.step("enable-single-step", "Turn on single-stepping", {L::vmm, L::kvm, L::cpu_virt}, enable_single_step);
    for (int i = 1; i <= kSingleSteps; ++i)
        lesson.step(fmt::format("step-{}", i), fmt::format("Step {}", i), step_layers, step_once);
    lesson.step("breakpoint", "Run to here", {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices},
                run_to_breakpoint);
    lesson.step("continue", "Continue", step_layers, continue_to_end);
    return lesson.build();
}

}  // namespace strata::lessons::vm
