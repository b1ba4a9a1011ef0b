// vm/tiny-os: strata boots its own small operating system.
//
// The VMM does what a boot loader does (image into RAM, page tables, 64-bit
// start), then tinyos's kernel takes over: its own GDT, IDT, syscalls,
// page tables, timer and console, and user programs in ring 3. strata sees
// the guest only through its exits — and through the trace tinyos reports
// itself (GuestTrace), which is how the diagram can light the guest kernel.
#include <chrono>
#include <map>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/guest_trace.hpp"
#include "backends/kvm/tinyos.hpp"
#include "backends/kvm/uart16550.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;
using kvm::GuestEventKind;
namespace tinyos = kvm::tinyos;

constexpr const char* kLesson = "tiny-os";

struct TinyOsState final : engine::LessonState {
    kvm::tinyos::Fault fault = kvm::tinyos::Fault::none;
    Machine machine;
    kvm::GuestMemory* ram = nullptr;
    kvm::LongModeLayout layout;
    // Devices after the machine: destroyed first.
    std::unique_ptr<kvm::Uart16550> uart;
    std::unique_ptr<kvm::CheckpointPort> checkpoint;
    std::unique_ptr<kvm::GuestTrace> trace;
    bool started = false;
};

// What the guest reported during one run, counted from its trace.
struct GuestCounts {
    std::map<GuestEventKind, std::uint64_t> by_kind;
    std::uint64_t of(GuestEventKind k) const { return by_kind.count(k) ? by_kind.at(k) : 0; }
};

GuestCounts counts(const kvm::GuestTrace& trace) {
    GuestCounts c;
    for (auto k : {GuestEventKind::boot, GuestEventKind::syscall, GuestEventKind::page_fault,
                   GuestEventKind::context_switch, GuestEventKind::exit, GuestEventKind::kill, GuestEventKind::start})
        c.by_kind[k] = trace.count(k);
    return c;
}

GuestCounts since(const GuestCounts& before, const GuestCounts& after) {
    GuestCounts d;
    for (const auto& [k, n] : after.by_kind) d.by_kind[k] = n - before.of(k);
    return d;
}

// Runs tinyos until it reports `checkpoint`. Whatever else happens — a
// panic, a triple fault, a kernel that never comes back — is reported.
Result<kvm::RunReport> run_to(Context& ctx, TinyOsState& s, const std::string& label, std::uint32_t checkpoint,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
    auto report = STRATA_TRY(s.machine.run(ctx, label, kvm::RunLimits{timeout, 200'000}));
    s.trace->drain();  // what the guest logged but did not flush (after a crash, say)
    if (report.stop == kvm::RunStop::paused && report.checkpoint == tinyos::panic)
        return engine::plain_error(kLesson, "tinyos panicked (an exception inside its kernel): see the console");
    if (report.stop == kvm::RunStop::watchdog || report.stop == kvm::RunStop::stopped)
        return engine::plain_error(kLesson, fmt::format("tinyos's kernel failed and strata's VMM caught it: {}: {}",
                                                        kvm::run_stop_name(report.stop), report.description));
    STRATA_TRY(expect_stop(report, checkpoint));
    return report;
}

Result<StepOutcome> build_vm(Context& ctx, TinyOsState& s) {
    auto& m = s.machine;
    STRATA_TRY(m.open(ctx));
    for (auto cap : {kvm::Capability::irqchip, kvm::Capability::pit2}) {
        auto check = STRATA_TRY(m.check(cap));
        ctx.facts().set_value(check.name, check.present ? "present" : "missing");
        if (!check.present) return engine::plain_error(kLesson, "tinyos needs a timer: " + check.skip_message());
    }
    STRATA_TRY(m.vm->create_irqchip());
    STRATA_TRY(m.vm->create_pit2());
    ctx.facts().set_value("PIT ticks missed while strata handles exits",
                          tinyos::coalesce_missed_ticks(*m.vm) ? "coalesced" : "replayed in a burst (KVM_REINJECT_CONTROL failed)");
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, tinyos::kRamSize));
    s.ram = ram;
    STRATA_TRY(m.create_vcpu());
    STRATA_TRY(m.vcpu->route_pic_through_lapic());
    return StepOutcome{"a VM with 4 MiB of RAM, one vCPU, and KVM's in-kernel PIC and PIT for tinyos's timer"};
}

Result<StepOutcome> load(Context& ctx, TinyOsState& s) {
    const auto image = guests::tinyos();
    STRATA_TRY(tinyos::load(ctx.recorder(), *s.ram, image, s.fault, s.layout));
    engine::TableView map{"tinyos's guest-physical memory", {"address", "what"}, {}, {}};
    map.rows = {{"0x1000-0x15fff", "GDT, TSS and page tables strata wrote (used only until tinyos loads its own)"},
                {fmt::format("{:#x}", tinyos::kBootInfo), "boot_info: magic number and the fault to simulate"},
                {fmt::format("{:#x}", tinyos::kTraceRing), "the trace ring tinyos shares with strata"},
                {fmt::format("{:#x}", tinyos::kLoadAddress), fmt::format("the kernel and its programs ({} bytes)", image.size())},
                {"0x200000-0x3fffff", "free pages: tinyos's page tables and the programs' stacks and heaps"}};
    ctx.facts().set_table(std::move(map));
    return StepOutcome{fmt::format("the {} byte tinyos image (kernel + user programs, built from C and assembly with "
                                   "this machine's compiler) is at guest-physical {:#x}",
                                   image.size(), tinyos::kLoadAddress)};
}

Result<StepOutcome> start(Context& ctx, TinyOsState& s) {
    auto& m = s.machine;
    STRATA_TRY(tinyos::start(*m.vcpu, s.layout));
    s.uart = std::make_unique<kvm::Uart16550>(&ctx.recorder(), [&ctx](std::string_view t) { ctx.console_write(t); });
    s.checkpoint = std::make_unique<kvm::CheckpointPort>(m.devices);
    s.trace = std::make_unique<kvm::GuestTrace>(*s.ram, tinyos::kTraceRing, &ctx.recorder());
    STRATA_TRY(m.devices.pio.attach(tinyos::kUartPort, 8, *s.uart));
    STRATA_TRY(m.devices.pio.attach(tinyos::kCheckpointPort, 1, *s.checkpoint));
    STRATA_TRY(m.devices.pio.attach(tinyos::kTraceDoorbell, 1, *s.trace));
    s.started = true;
    return StepOutcome{fmt::format("the vCPU will start in 64-bit mode at {:#x}, tinyos's _start, with RDI = {:#x} "
                                   "(boot_info); COM1, the checkpoint port and the trace doorbell are attached",
                                   tinyos::kLoadAddress, tinyos::kBootInfo)};
}

Result<StepOutcome> setup(Context& ctx, TinyOsState& s) {
    const auto from = ctx.recorder().size();
    const auto started = std::chrono::steady_clock::now();
    auto report = run_to(ctx, s, "setup", tinyos::ready, std::chrono::milliseconds(5000));
    const double boot_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (!report) return std::unexpected(report.error());
    ctx.facts().set_value("boot: first KVM_RUN to the first user instruction", fmt::format("{:.2f} ms", boot_ms));
    engine::TableView steps{"what tinyos set up, and what it cost strata", {"guest kernel step", "exits to the VMM"}, {}, {}};
    for (const auto& r : s.trace->records())
        if (r.kind == GuestEventKind::boot && r.a > 0) {
            const bool uart = kvm::GuestTrace::describe(r).find("UART") != std::string::npos;
            steps.rows.push_back({kvm::GuestTrace::describe(r), uart ? "yes: each port access" : "none"});
        }
    ctx.facts().set_table(std::move(steps));
    const auto devices = exits_by_device(ctx, from);
    for (const auto& [device, n] : devices) ctx.facts().set_value("setup: exits to " + device, std::to_string(n));
    return StepOutcome{fmt::format("tinyos loaded its own GDT, TSS, IDT, syscall MSRs and page tables and programmed "
                                   "the PIC and PIT in {:.2f} ms; of all that only the UART's port I/O and the trace "
                                   "doorbell reached strata ({})",
                                   boot_ms, exit_summary(*report))};
}

Result<StepOutcome> programs(Context& ctx, TinyOsState& s) {
    const auto before = counts(*s.trace);
    auto report = STRATA_TRY(run_to(ctx, s, "programs", tinyos::programs_done));
    const auto d = since(before, counts(*s.trace));
    ctx.facts().set_value("guest syscalls", std::to_string(d.of(GuestEventKind::syscall)));
    ctx.facts().set_value("guest page faults", std::to_string(d.of(GuestEventKind::page_fault)));
    ctx.facts().set_value("guest context switches", std::to_string(d.of(GuestEventKind::context_switch)));
    ctx.facts().set_value("guest processes exited / killed",
                          fmt::format("{} / {}", d.of(GuestEventKind::exit), d.of(GuestEventKind::kill)));
    ctx.facts().set_value("trace doorbells so far", std::to_string(s.trace->doorbells()));
    ctx.facts().set_value("syscalls tinyos finished itself (syscall stayed in ring 3)",
                          std::to_string(s.trace->syscalls_via_fault()));
    if (s.trace->malformed()) ctx.facts().set_value("trace records refused", std::to_string(s.trace->malformed()));
    return StepOutcome{fmt::format("six programs ran in ring 3: {} syscalls, {} page faults, {} context switches; {} "
                                   "exited and {} misbehaving ones were killed by tinyos, which kept running. {}",
                                   d.of(GuestEventKind::syscall), d.of(GuestEventKind::page_fault),
                                   d.of(GuestEventKind::context_switch), d.of(GuestEventKind::exit),
                                   d.of(GuestEventKind::kill), exit_summary(report))};
}

Result<StepOutcome> syscall_followed(Context& ctx, TinyOsState& s) {
    const auto from = ctx.recorder().size();
    const auto before = s.uart->bytes_sent();
    const auto fixed_up_before = s.trace->syscalls_via_fault();
    STRATA_TRY(run_to(ctx, s, "echo", tinyos::echo_done));
    const auto devices = exits_by_device(ctx, from);
    const std::string uart_name(s.uart->name());
    const auto uart_exits = devices.count(uart_name) ? devices.at(uart_name) : 0;
    ctx.facts().set_value("bytes the guest wrote", std::to_string(s.uart->bytes_sent() - before));
    ctx.facts().set_value("UART exits for them", std::to_string(uart_exits));
    const bool via_fault = s.trace->syscalls_via_fault() > fixed_up_before;
    ctx.facts().set_value("how the syscall entered tinyos",
                          via_fault ? "syscall stayed in ring 3 (this hypervisor); tinyos's page-fault handler "
                                      "finished the entry"
                                    : "syscall switched to ring 0 at LSTAR, as on bare metal");
    return StepOutcome{fmt::format("one write(\"echo\\n\") syscall: program -> {} -> tinyos's kernel -> its UART "
                                   "driver -> {} exits to the VMM (a status poll and a byte each) -> strata's 16550 model -> "
                                   "your console",
                                   via_fault ? "syscall, left in ring 3, a page fault" : "syscall", uart_exits)};
}

Result<StepOutcome> page_fault(Context& ctx, TinyOsState& s) {
    const auto from = ctx.recorder().size();
    const auto before = counts(*s.trace);
    auto report = STRATA_TRY(run_to(ctx, s, "touch", tinyos::touch_done));
    const auto d = since(before, counts(*s.trace));
    const auto devices = exits_by_device(ctx, from);
    ctx.facts().set_value("page faults inside the guest", std::to_string(d.of(GuestEventKind::page_fault)));
    ctx.facts().set_value("exits to the VMM during the run", std::to_string(report.exits));
    for (const auto& [device, n] : devices) ctx.facts().set_value("touch: exits to " + device, std::to_string(n));
    if (d.of(GuestEventKind::page_fault) == 0)
        return engine::plain_error(kLesson, "the guest reported no page fault");
    return StepOutcome{fmt::format("the program touched an unmapped page; tinyos took {} page fault(s), mapped a fresh "
                                   "page and let the instruction retry. KVM_RUN returned {} times, none of them for "
                                   "the fault: only the trace doorbell and the checkpoint{}",
                                   d.of(GuestEventKind::page_fault), report.exits,
                                   report.kvm ? fmt::format(" (KVM itself handled {} page faults of its own: guest "
                                                             "memory it had not mapped for the CPU yet)",
                                                             report.kvm->of("pf_taken"))
                                               : std::string{})};
}

Result<StepOutcome> uname(Context& ctx, TinyOsState& s) {
    const auto printed_from = s.uart->output().size();
    STRATA_TRY(run_to(ctx, s, "uname", tinyos::uname_done));
    std::string guest = s.uart->output().substr(printed_from);
    if (auto at = guest.find("uname: "); at != std::string::npos) guest = guest.substr(at + 7);
    if (auto nl = guest.find('\n'); nl != std::string::npos) guest.resize(nl);
    auto host = STRATA_TRY(tinyos::host_uname(ctx.recorder()));
    const std::string host_line = fmt::format("{} {} {} {}", host.sysname, host.release, host.version, host.machine);
    engine::TableView table{"uname: the guest's kernel vs the host's", {"asked", "answer"}, {}, {true, true}};
    table.rows = {{"inside the VM (tinyos)", guest}, {"on the host (strata's uname(2))", host_line}};
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("guest uname", guest);
    ctx.facts().set_value("host uname", host_line);
    return StepOutcome{fmt::format("inside the VM uname answers \"{}\"; on the host \"{} {}\": two kernels, each "
                                   "answering for itself",
                                   guest, host.sysname, host.release)};
}

}  // namespace

engine::Lesson tiny_os_lesson() {
    using L = LayerId;
    engine::LessonBuilder<TinyOsState> lesson("vm/tiny-os");
    lesson.requirements = {engine::Requirement::kvm};
    lesson.options = {
        {"fault", "make tinyos's kernel fail on purpose after its setup", {"none", "triple-fault", "hang"}}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<TinyOsState>();
        const auto& f = options.at("fault");
        s->fault = f == "triple-fault" ? tinyos::Fault::triple
                   : f == "hang"       ? tinyos::Fault::hang
                                       : tinyos::Fault::none;
        return s;
    };
    const std::vector<L> run = {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices, L::guest_kernel};
    lesson.step("build-vm", "Build the VM and its memory", {L::vmm, L::kvm, L::ram, L::cpu_virt}, build_vm)
        .provides(&TinyOsState::ram, "guest RAM")
        .provides("the vCPU", [](const TinyOsState& s) { return s.machine.vcpu.has_value(); });
    lesson.step("load", "Load tinyos", {L::vmm, L::ram}, load);
    lesson.step("start", "Start it in 64-bit mode", {L::vmm, L::kvm, L::cpu_virt}, start)
        .provides(&TinyOsState::started, "a started tinyos");
    lesson.step("setup", "Watch it set itself up", run, setup);
    lesson.step("programs", "Run the user programs", run, programs);
    lesson.step("syscall", "A syscall, followed", run, syscall_followed);
    lesson.step("page-fault", "A page fault: whose is it?", run, page_fault);
    lesson.step("uname", "uname inside and outside",
                {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices, L::guest_kernel, L::namespaces},
                uname);
    return lesson.build();
}

}  // namespace strata::lessons::vm
