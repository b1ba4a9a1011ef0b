// vm/devices-are-exits: what a "device" is to a virtual machine.
//
// The guest (assets/guests/devices.S) drives a 16550 UART by port I/O,
// touches a page with no RAM behind it (MMIO), reads and writes a
// read-only memory slot, makes 200 exits in a row to be timed, and then
// sends its text again through a paravirtual console. It stops at a
// checkpoint after each part, so each step of this lesson is one part.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/memory_flags.hpp"
#include "backends/kvm/mmio_devices.hpp"
#include "backends/kvm/pv_console.hpp"
#include "backends/kvm/real_mode.hpp"
#include "backends/kvm/uart16550.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

// The guest-physical map, as a PC has it below 1 MiB.
constexpr std::uint64_t kRamSize = 0xa0000;       // 640 KiB of RAM at 0
constexpr std::uint64_t kMmioPage = 0xa0000;      // no RAM: the VMM answers
constexpr std::uint64_t kRomBase = 0xf0000;       // a read-only slot, 64 KiB
constexpr std::uint64_t kRomSize = 0x10000;
constexpr std::uint16_t kUartPort = 0x3f8, kCheckpointPort = 0x501, kDoorbellPort = 0x502;
constexpr std::uint64_t kRing = 0x7000;
constexpr std::uint64_t kResults = 0x600;         // where the guest leaves what it read
constexpr std::uint16_t kStackTop = 0x6000;
constexpr char kRomSignature[] = "STRATA ROM";
constexpr const char* kLesson = "devices-are-exits";

struct DevicesState final : engine::LessonState {
    // Devices first: they must outlive nothing but are referenced by the
    // buses in machine.devices, which is declared after them.
    std::unique_ptr<kvm::Uart16550> uart;
    std::unique_ptr<kvm::MmioRegisterPage> mmio;
    std::unique_ptr<kvm::ReadOnlyWriteCatcher> rom_writes;
    std::unique_ptr<kvm::CheckpointPort> checkpoint;
    std::unique_ptr<kvm::PvConsole> pv;
    Machine machine;
    bool readonly_slot = false;
    std::uint64_t uart_exits = 0;
};

std::uint32_t read_u32(kvm::GuestMemory& ram, std::uint64_t gpa) {
    std::uint32_t v = 0;
    if (auto b = ram.bytes(gpa, 4)) std::memcpy(&v, b->data(), 4);
    return v;
}

std::string ascii4(std::uint32_t v) {
    std::string s;
    for (int i = 0; i < 4; ++i) {
        const char c = static_cast<char>(v >> (8 * i));
        s += (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    return s;
}

Result<StepOutcome> build_machine(Context& ctx, DevicesState& s) {
    auto& m = s.machine;
    STRATA_TRY(m.open(ctx));
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, kRamSize));
    STRATA_TRY(ram->write(guests::real_mode_load_address, guests::devices()));

    // A read-only slot needs KVM_CAP_READONLY_MEM: ask first.
    auto cap = STRATA_TRY(m.check(kvm::Capability::readonly_mem));
    std::string rom_note;
    if (cap.present) {
        auto rom = STRATA_TRY(m.add_memory(ctx, 1, kRomBase, kRomSize, kvm::kMemReadonly));
        const auto* sig = reinterpret_cast<const std::uint8_t*>(kRomSignature);
        STRATA_TRY(rom->write(kRomBase, {sig, sizeof kRomSignature}));
        s.readonly_slot = true;
        rom_note = fmt::format("a 64 KiB read-only slot at {:#x}", kRomBase);
    } else {
        rom_note = cap.skip_message();
    }
    ctx.facts().set_value("KVM_CAP_READONLY_MEM", cap.present ? "present" : "missing");
 STRATA_TRY(m.create_vcpu());
    STRATA_TRY(kvm::enter_real_mode(*m.vcpu, guests::real_mode_load_address, kStackTop));

    // The devices: plain objects of the VMM, registered by address range.
    auto console = [&ctx](std::string_view text) { ctx.console_write(text); };
    s.uart = std::make_unique<kvm::Uart16550>(&ctx.recorder(), console);
    s.mmio = std::make_unique<kvm::MmioRegisterPage>();
    s.rom_writes = std::make_unique<kvm::ReadOnlyWriteCatcher>();
    s.checkpoint = std::make_unique<kvm::CheckpointPort>(m.devices);
    s.pv = std::make_unique<kvm::PvConsole>(*ram, kRing, &ctx.recorder(), console);
    for (auto r : {m.devices.pio.attach(kUartPort, 8, *s.uart), m.devices.pio.attach(kCheckpointPort, 1, *s.checkpoint),
                   m.devices.pio.attach(kDoorbellPort, 1, *s.pv), m.devices.mmio.attach(kMmioPage, 0x1000, *s.mmio),
                   m.devices.mmio.attach(kRomBase, kRomSize, *s.rom_writes)})
        if (!r) return std::unexpected(r.error());

    engine::TableView map{"guest-physical map", {"range", "what", "an access is"}, {}, {}};
    map.rows = {{fmt::format("{:#07x}-{:#07x}", 0, kRamSize - 1), "RAM (slot 0)", "plain memory, no exit"},
                {fmt::format("{:#07x}-{:#07x}", kMmioPage, kMmioPage + 0xfff), "MMIO register page", "an exit, answered by the VMM"},
                {fmt::format("{:#07x}-{:#07x}", kRomBase, kRomBase + kRomSize - 1),
                 s.readonly_slot ? "read-only slot (slot 1)" : "nothing (no KVM_CAP_READONLY_MEM)",
                 s.readonly_slot ? "read: memory; write: an exit" : "an exit"},
                {"port 0x3f8-0x3ff", "16550 UART (COM1)", "an exit per IN/OUT"},
                {"port 0x502", "paravirtual console doorbell", "one exit per message"},
                {"port 0x501", "checkpoint (the lesson's pause button)", "an exit"}};
    ctx.facts().set_table(std::move(map));
    return StepOutcome{fmt::format("a VM with 640 KiB of RAM, an MMIO page at {:#x}, {}, and devices on the "
                                   "port bus; the vCPU starts in real mode at {:#x}",
                                   kMmioPage, rom_note, guests::real_mode_load_address)};
}

Result<StepOutcome> run_uart(Context& ctx, DevicesState& s) {
    auto report = STRATA_TRY(s.machine.run(ctx, "UART"));
    STRATA_TRY(expect_stop(report, 1));
    s.uart_exits = report.exits - 1;  // without the checkpoint's own exit
    engine::TableView regs{"16550 UART registers", {"register", "value", "meaning"}, {}, {}};
    regs.rows = {{"divisor latch (DLL/DLM)", fmt::format("{}", s.uart->divisor()), fmt::format("{} baud", s.uart->baud())},
                 {"LCR", fmt::format("{:#04x}", s.uart->line_control()), s.uart->line_settings()},
                 {"IIR", fmt::format("{:#04x}", s.uart->peek_iir()), "bit 0 set: no interrupt pending"}};
    ctx.facts().set_table(std::move(regs));
    const auto sent = s.uart->bytes_sent();
    return StepOutcome{fmt::format("the guest's driver set the line to {} and sent {} bytes in {} exits to the VMM "
                                   "({} LSR polls + {} THR writes + 7 set-up writes)",
                                   s.uart->line_settings(), sent, s.uart_exits,
                                   report.exits_by_kind.count("IO in") ? report.exits_by_kind.at("IO in") : 0, sent)};
}

Result<StepOutcome> run_mmio(Context& ctx, DevicesState& s) {
    auto report = STRATA_TRY(s.machine.run(ctx, "MMIO"));
    STRATA_TRY(expect_stop(report, 2));
    engine::TableView log{"MMIO accesses seen by the VMM", {"address", "size", "access", "value"}, {}, {}};
    for (const auto& a : s.mmio->log())
        log.rows.push_back({fmt::format("{:#x}", kMmioPage + a.offset), std::to_string(a.length),
                            a.write ? "write" : "read", fmt::format("{:#x}", a.value)});
    ctx.facts().set_table(std::move(log));
    auto* ram = s.machine.ram_for(kResults);
    const auto id = read_u32(*ram, kResults), scratch = read_u32(*ram, kResults + 4);
    ctx.facts().set_value("guest read from the ID register", fmt::format("{:#x} (\"{}\")", id, ascii4(id)));
    if (id != kvm::MmioRegisterPage::kIdentification || scratch != 0x5354524b)
        return engine::plain_error(kLesson, fmt::format("the guest read {:#x} and {:#x} back from the MMIO page, "
                                                        "expected the ID {:#x} and the value it wrote",
                                                        id, scratch, kvm::MmioRegisterPage::kIdentification));
    return StepOutcome{fmt::format("{} MMIO exits: the guest read the ID register (\"{}\"), wrote a scratch "
                                   "register and read it back — every access answered by strata, not by RAM",
                                   s.mmio->reads() + s.mmio->writes(), ascii4(id))};
}

Result<StepOutcome> run_readonly(Context& ctx, DevicesState& s) {
    auto report = STRATA_TRY(s.machine.run(ctx, "read-only slot"));
    STRATA_TRY(expect_stop(report, 3));
    if (!s.readonly_slot)
        return StepOutcome{"skipped: KVM_CAP_READONLY_MEM is missing on this host, so there is no read-only slot; "
                           "the guest's accesses to 0xf0000 were ordinary MMIO exits"};
    auto* ram = s.machine.ram_for(kResults);
    const auto before = read_u32(*ram, kResults + 8), after = read_u32(*ram, kResults + 12);
    std::uint32_t signature = 0;
    std::memcpy(&signature, kRomSignature, 4);
    ctx.facts().set_value("read-only slot: guest read before its write", fmt::format("\"{}\"", ascii4(before)));
    ctx.facts().set_value("read-only slot: guest read after its write", fmt::format("\"{}\"", ascii4(after)));
    if (before != signature || after != signature || s.rom_writes->discarded_writes() != 1)
        return engine::plain_error(kLesson, fmt::format("the read-only slot misbehaved: read {:#x} then {:#x} "
                                                        "(expected {:#x} twice), {} writes reached the VMM",
                                                        before, after, signature, s.rom_writes->discarded_writes()));
    const auto mmio_exits = report.exits_by_kind.count("MMIO write") ? report.exits_by_kind.at("MMIO write") : 0;
    return StepOutcome{fmt::format("the guest read \"{}\" from the slot without an exit; its write was {} MMIO "
                                   "exit, discarded by strata; reading again gave \"{}\" — unchanged",
                                   ascii4(before), mmio_exits, ascii4(after))};
}

// The recorder's clock at a steady_clock time point.
std::chrono::nanoseconds report_start(Context& ctx, std::chrono::steady_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(at - ctx.recorder().epoch());
}

Result<StepOutcome> time_exits(Context& ctx, DevicesState& s) {
    const auto started = std::chrono::steady_clock::now();
    auto report = s.machine.run(ctx, "timed exits");
    const auto wall = std::chrono::steady_clock::now() - started;
    if (!report) return std::unexpected(report.error());
    STRATA_TRY(expect_stop(*report, 4));
    // Each KVM_RUN of this step was timed by the traced wrapper around the
    // ioctl alone (not including anyone printing the event): its median is
    // the round trip guest -> KVM -> strata's thread and back.
    std::vector<double> runs;
    for (const auto& e : ctx.recorder().events())
        if (e.kind == engine::EventKind::vm_entry && e.start >= report_start(ctx, started))
            runs.push_back(std::chrono::duration<double, std::micro>(e.duration).count());
    std::sort(runs.begin(), runs.end());
    const double median = runs.empty() ? 0 : runs[runs.size() / 2];
    const double per_exit = std::chrono::duration<double, std::micro>(wall).count() / static_cast<double>(report->exits);
    ctx.facts().set_value("one exit: median KVM_RUN round trip", fmt::format("{:.1f} µs", median));
    ctx.facts().set_value("one exit: wall time per exit, with strata's tracing and display",
                          fmt::format("{:.1f} µs", per_exit));
    ctx.facts().set_value("method", fmt::format("{} exits (200 OUTs to an unclaimed port + the checkpoint); each "
                                                "KVM_RUN timed with CLOCK_MONOTONIC around the ioctl", report->exits));
    return StepOutcome{fmt::format("{} exits: one round trip through KVM_RUN takes {:.1f} µs (median) on this "
                                   "machine; with strata decoding, recording and showing each exit, {:.1f} µs",
                                   report->exits, median, per_exit)};
}

Result<StepOutcome> run_pv_console(Context& ctx, DevicesState& s) {
    auto report = STRATA_TRY(s.machine.run(ctx, "PV console"));
    STRATA_TRY(expect_stop(report, 0));
    if (s.pv->output() != s.uart->output() || s.pv->doorbells() != 1)
        return engine::plain_error(kLesson, fmt::format("the paravirtual console got {:?} in {} doorbells; the UART "
                                                        "got {:?}", s.pv->output(), s.pv->doorbells(), s.uart->output()));
    engine::TableView compare{"the same line, two devices", {"device", "bytes", "exits to the VMM"}, {}, {true, true}};
    compare.rows = {{"16550 UART (emulated hardware)", std::to_string(s.uart->bytes_sent()),
                     std::to_string(s.uart_exits - 7)},
                    {"paravirtual console (ring + doorbell)", std::to_string(s.pv->bytes_received()),
                     std::to_string(s.pv->doorbells())}};
    ctx.facts().set_table(std::move(compare));
    return StepOutcome{fmt::format("the same {} bytes again, through the ring: {} doorbell exit instead of {} — "
                                   "then HLT",
                                   s.pv->bytes_received(), s.pv->doorbells(), s.uart_exits - 7)};
}

}  // namespace

engine::Lesson devices_are_exits_lesson() {
    using L = LayerId;
    engine::LessonBuilder<DevicesState> lesson("vm/devices-are-exits");
    lesson.requirements = {engine::Requirement::kvm};
    const std::vector<L> run_layers = {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices};
    lesson.step("build-machine", "Build a machine with devices", {L::vmm, L::kvm, L::ram, L::cpu_virt}, build_machine)
        .provides("the machine",
                  [](const DevicesState& s) { return s.uart && s.mmio && s.rom_writes && s.pv && s.machine.vcpu; });
    lesson.step("uart", "A serial port, one exit per byte", run_layers, run_uart);
    lesson.step("mmio", "Memory with nothing behind it", run_layers, run_mmio);
    lesson.step("readonly-slot", "A read-only slot", run_layers, run_readonly);
    lesson.step("exit-cost", "What one exit costs", run_layers, time_exits);
    lesson.step("pv-console", "A paravirtual console", run_layers, run_pv_console);
    return lesson.build();
}

}  // namespace strata::lessons::vm
