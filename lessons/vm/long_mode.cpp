// vm/long-mode: the VMM puts the vCPU straight into 64-bit mode, and the
// learner follows an address through the page tables it built.
#include <cstring>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/long_mode.hpp"
#include "backends/kvm/page_walk.hpp"
#include "backends/kvm/uart16550.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

constexpr const char* kLesson = "long-mode";
constexpr std::uint64_t kStackTop = 0x80000;

struct LongModeState final : engine::LessonState {
    std::span<const std::uint8_t> image;
    std::unique_ptr<kvm::Uart16550> uart;
    Machine machine;
    kvm::GuestMemory* ram = nullptr;
    kvm::LongModeLayout layout;
    std::uint64_t halted_rip = 0;
};

Result<StepOutcome> build_machine(Context& ctx, LongModeState& s) {
    STRATA_TRY(s.machine.open(ctx));
    auto ram = STRATA_TRY(s.machine.add_memory(ctx, 0, 0, kvm::LongModeLayout::kMappedRam));
    s.ram = ram;
    STRATA_TRY(s.ram->write(guests::long_mode_load_address, s.image));
    STRATA_TRY(s.machine.create_vcpu());
    return StepOutcome{fmt::format("a VM with 4 MiB of RAM and one vCPU; the {} byte 64-bit program is at "
                                   "guest-physical {:#x}",
                                   s.image.size(), guests::long_mode_load_address)};
}

Result<StepOutcome> write_tables(Context& ctx, LongModeState& s) {
    STRATA_TRY(kvm::write_long_mode_tables(ctx.recorder(), *s.ram, s.layout));
    const auto& l = s.layout;
    engine::TableView tables{"what strata wrote into guest RAM", {"guest-physical", "what"}, {}, {}};
    tables.rows = {{fmt::format("{:#x}", l.gdt), "GDT: null, kernel code (L=1), kernel data, user code, user data, TSS"},
                   {fmt::format("{:#x}", l.tss), "TSS (RSP0 and the I/O permission bitmap)"},
                   {fmt::format("{:#x}", l.pml4), "PML4: entry 0 (low memory), entry 256 (the high half)"},
                   {fmt::format("{:#x}", l.pdpt), "PDPT for 0-1 GiB"},
                   {fmt::format("{:#x}", l.pd), "PD: entry 0 -> the PT, entry 1 -> a 2 MiB page at 0x200000"},
                   {fmt::format("{:#x}", l.pt), "PT: 4 KiB pages 0x1000-0x1fffff (page 0 left out)"},
                   {fmt::format("{:#x}", l.pdpt_high), "PDPT + PD for 0xffff800000000000 -> 0x200000"}};
    ctx.facts().set_table(std::move(tables));
    auto pml4 = s.ram->bytes(l.pml4, 64);
    ctx.facts().memory.push_back({"PML4 (first 8 entries)", l.pml4, *s.ram->host_address(l.pml4),
                                  {pml4->begin(), pml4->end()}, engine::MemoryKind::page_table});
    return StepOutcome{"the GDT, a TSS and 4-level page tables are in guest RAM: strata wrote them with plain "
                       "memory stores, no ioctl needed"};
}

Result<StepOutcome> enter_long_mode(Context& ctx, LongModeState& s) {
    if (auto r = kvm::enter_long_mode(*s.machine.vcpu, s.layout, guests::long_mode_load_address, kStackTop); !r)
        return std::unexpected(r.error().with_context("entering long mode"));
    auto regs = s.machine.vcpu->get_registers();
    auto sregs = s.machine.vcpu->get_special_registers();
    if (!regs) return std::unexpected(regs.error());
    if (!sregs) return std::unexpected(sregs.error());
    ctx.facts().set_registers(kvm::register_view("vCPU 0", *regs, &*sregs));
    // Read back what KVM accepted: EFER.LMA says long mode is active.
    if (!(sregs->efer & 0x400) || !(sregs->cs.l))
        return engine::plain_error(kLesson, fmt::format("KVM did not keep long mode: EFER={:#x}, CS.L={}", sregs->efer,
                                                        sregs->cs.l));
    return StepOutcome{fmt::format("CR0={:#x} (PG|PE), CR3={:#x}, CR4={:#x} (PAE), EFER={:#x} (LME|LMA), CS={:#x} "
                                   "with L=1: the first instruction will run in 64-bit mode at {:#x}",
                                   sregs->cr0, sregs->cr3, sregs->cr4, sregs->efer, sregs->cs.selector, regs->rip)};
}

Result<StepOutcome> run(Context& ctx, LongModeState& s) {
    s.uart = std::make_unique<kvm::Uart16550>(&ctx.recorder(), [&ctx](std::string_view t) { ctx.console_write(t); });
    STRATA_TRY(s.machine.devices.pio.attach(0x3f8, 8, *s.uart));
    auto report = STRATA_TRY(s.machine.run(ctx, "run"));
    STRATA_TRY(expect_stop(report, 0));
    s.halted_rip = report.registers ? report.registers->rip : 0;
    auto marker = s.ram->bytes(s.layout.high_alias_target, 8);
    const std::string seen(reinterpret_cast<const char*>(marker->data()), 8);
    ctx.facts().set_value("bytes at guest-physical 0x200000", seen);
    if (seen != "LONGMODE")
        return engine::plain_error(kLesson, fmt::format("the guest's store through {:#x} did not reach guest-physical "
                                                        "{:#x} (found {:?})", s.layout.high_alias,
                                                        s.layout.high_alias_target, seen));
    return StepOutcome{fmt::format("the guest printed {:?} and stored \"LONGMODE\" at virtual {:#x}, which strata "
                                   "finds at guest-physical {:#x}",
                                   s.uart->output(), s.layout.high_alias, s.layout.high_alias_target)};
}

// One address: the software walk, KVM_TRANSLATE, and whether they agree.
Result<std::string> walk_one(Context& ctx, LongModeState& s, std::uint64_t va, const std::string& what) {
    auto reader = [&s](std::uint64_t gpa) -> std::optional<std::uint64_t> {
        auto b = s.ram->bytes(gpa, 8);
        if (!b) return std::nullopt;
        std::uint64_t v;
        std::memcpy(&v, b->data(), 8);
        return v;
    };
    const auto walk = kvm::walk_page_tables(s.layout.pml4, va, reader);
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = fmt::format("VMM walks the guest's page tables for {:#x}", va);
    event.args = {{"entries read", std::to_string(walk.entries.size())},
                  {"result", walk.physical ? fmt::format("{:#x}", *walk.physical) : "no translation"}};
    event.layers = {LayerId::vmm, LayerId::ram};
    event.start = ctx.recorder().now();
    ctx.recorder().record(std::move(event));
    ctx.facts().set_table(kvm::page_walk_table(walk, fmt::format("page walk: {} ({:#x})", what, va),
                                               [&s](std::uint64_t gpa) -> std::optional<std::uint64_t> {
                                                   auto h = s.ram->host_address(gpa);
                                                   return h ? std::optional(*h) : std::nullopt;
                                               }));

    auto kvm_says = STRATA_TRY(s.machine.vcpu->translate(va));
    const bool agree = walk.physical ? (kvm_says.valid && kvm_says.physical == *walk.physical) : !kvm_says.valid;
    ctx.facts().set_value(fmt::format("KVM_TRANSLATE {:#x}", va),
                          kvm_says.valid ? fmt::format("{:#x}{}", kvm_says.physical, agree ? " (agrees)" : " (DIFFERS)")
                                          : std::string(agree ? "not mapped (agrees)" : "not mapped (DIFFERS)"));
    if (!agree)
        return engine::plain_error(kLesson, fmt::format("strata's walk and KVM_TRANSLATE disagree about {:#x}", va));
    return walk.physical ? fmt::format("{:#x} -> {:#x}", va, *walk.physical) : fmt::format("{:#x} -> not mapped", va);
}

Result<StepOutcome> walk(Context& ctx, LongModeState& s) {
    std::vector<std::string> results;
    for (auto [va, what] : {std::pair<std::uint64_t, std::string>{s.halted_rip, "the guest's RIP"},
                            {s.layout.high_alias + 0x10, "the high-half alias"},
                            {0x0, "a null pointer"}}) {
        auto one = STRATA_TRY(walk_one(ctx, s, va, what));
        results.push_back(one);
    }
    return StepOutcome{fmt::format("walked by hand and by KVM_TRANSLATE, with the same answers: {}; {}; {}",
                                   results[0], results[1], results[2])};
}

}  // namespace

engine::Lesson long_mode_lesson() {
    using L = LayerId;
    engine::LessonBuilder<LongModeState> lesson("vm/long-mode");
    lesson.requirements = {engine::Requirement::kvm};
    lesson.options = {{"guest", "which 64-bit guest to run", {"hello", "null-pointer"}}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto state = std::make_unique<LongModeState>();
        state->image = options.at("guest") == "null-pointer" ? guests::null_pointer() : guests::long_mode();
        return state;
    };
    lesson.step("build-machine", "A VM with 4 MiB of RAM", {L::vmm, L::kvm, L::ram, L::cpu_virt}, build_machine)
        .provides(&LongModeState::ram, "guest RAM")
        .provides("the vCPU", [](const LongModeState& s) { return s.machine.vcpu.has_value(); });
    lesson.step("page-tables", "Write a GDT and page tables", {L::vmm, L::ram}, write_tables);
    lesson.step("enter-long-mode", "Set CR0, CR3, CR4, EFER", {L::vmm, L::kvm, L::cpu_virt}, enter_long_mode);
    lesson.step("run", "Run 64-bit code", {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices}, run)
        .provides("a run of the guest", [](const LongModeState& s) { return s.halted_rip != 0; });
    lesson.step("walk", "Walk an address", {L::vmm, L::ram, L::kvm, L::cpu_virt}, walk);
    return lesson.build();
}

}  // namespace strata::lessons::vm
