#include "lessons/vm/linux_guest.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "backends/kvm/tinyos.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/probe/guest_kernel.hpp"
#include "engine/try.hpp"

namespace strata::lessons::vm {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;
using kvm::Milestone;
namespace linux_guest = kvm::linux_guest;

namespace {

constexpr std::uint64_t kMaxExits = 5'000'000;

// One run of the vCPU; after every exit COM1's interrupt line follows the
// UART, and the lesson's own devices do the same for theirs.
Result<kvm::RunReport> run_with_lines(Context& ctx, LinuxGuest& s, const std::string& label, kvm::RunLimits limits) {
    std::optional<engine::Error> line_failed;
    auto report = s.machine.run(ctx, label, limits, [&] {
        if (line_failed) return;
        if (auto r = s.pc->sync_lines(); !r) line_failed = r.error();
        else if (s.after_exit)
            if (auto extra = s.after_exit(); !extra) line_failed = extra.error();
    });
    if (!report) return std::unexpected(report.error());
    if (line_failed) return std::unexpected(*line_failed);
    return report;
}

}  // namespace

// The VMM reads a file the guest will get (the kernel, an initramfs).
Result<std::vector<std::uint8_t>> read_guest_file(engine::Recorder& recorder, const std::string& path, const char* what) {
    engine::Span span(recorder, engine::EventKind::file_read, "read the " + std::string(what), {LayerId::vmm});
    span.arg("path", path);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        span.finish(-1, err);
        return engine::errno_error("open " + path, err, fmt::format("cannot read the {}", what),
                                   "give a readable file with --set kernel=PATH (or initrd=PATH)");
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    span.arg("bytes", std::to_string(bytes.size()));
    span.finish(static_cast<std::int64_t>(bytes.size()), 0);
    return bytes;
}


Result<StepOutcome> read_kernel_header(Context& ctx, LinuxGuest& s) {
    if (s.kernel_path.empty()) {
        const auto found = probe::find_guest_kernel();
        if (found.path.empty()) {
            return engine::plain_error(s.lesson, "no Linux kernel to boot: " + found.why_none(),
                                       "name one with --set kernel=PATH (any x86-64 bzImage, e.g. a copy of "
                                       "/boot/vmlinuz-*), or rebuild strata so it fetches Debian's");
        }
        s.kernel_path = found.path;
        ctx.facts().set_value("kernel", found.path + " (" + found.source + ")");
    } else {
        ctx.facts().set_value("kernel", s.kernel_path + " (--set kernel)");
    }
    auto image = STRATA_TRY(read_guest_file(ctx.recorder(), s.kernel_path, "kernel image"));
    s.image = std::move(image);
    auto header = STRATA_TRY(kvm::read_setup_header(s.image, s.kernel_path));
    s.header = header;
    const auto& h = s.header;
    engine::TableView t{"the bzImage's setup header (offset 0x1f1)", {"field", "value", "what it tells the loader"}, {}, {}};
    t.rows = {
        {"boot protocol (0x206)", h.version_text(), "which fields below exist"},
        {"setup_sects (0x1f1)", std::to_string(h.setup_sects),
         fmt::format("{} bytes of 16-bit setup code strata skips: it enters in 64-bit mode", h.setup_bytes())},
        {"syssize (0x1f4)", fmt::format("{:#x} x 16", h.syssize),
         fmt::format("{} bytes of protected-mode kernel to load", h.kernel_bytes())},
        {"kernel_version (0x20e)", h.kernel_version.empty() ? "(none)" : h.kernel_version,
         "the version string, for boot menus"},
        {"pref_address (0x258)", fmt::format("{:#x}", h.pref_address), "where it would like to be loaded"},
        {"kernel_alignment (0x230)", fmt::format("{:#x}", h.kernel_alignment), "the alignment it needs"},
        {"relocatable_kernel (0x234)", h.relocatable_kernel ? "yes" : "no", "whether another address will do"},
        {"init_size (0x260)", fmt::format("{:#x} ({} MiB)", h.init_size, h.init_size >> 20),
         "room it needs from its load address to decompress itself"},
        {"xloadflags (0x236)", fmt::format("{:#x}", h.xloadflags),
         h.has_64bit_entry() ? "bit 0: it has a 64-bit entry point at +0x200" : "no 64-bit entry"},
        {"cmdline_size (0x238)", std::to_string(h.cmdline_size), "the longest command line it reads"},
        {"initrd_addr_max (0x22c)", fmt::format("{:#x}", h.initrd_addr_max), "the initramfs must end below this"},
    };
    ctx.facts().set_table(std::move(t));
    ctx.facts().set_value("boot protocol", h.version_text());
    ctx.facts().set_value("kernel release (from the header)", h.release());
    ctx.facts().set_value("kernel image bytes", std::to_string(s.image.size()));
    return StepOutcome{fmt::format("{} is a bzImage speaking boot protocol {}: {} bytes of real-mode setup code, then "
                                   "{} bytes of protected-mode kernel (a decompressor with the kernel inside) that "
                                   "wants {} MiB at {:#x} and has a 64-bit entry",
                                   s.kernel_path, h.version_text(), h.setup_bytes(), h.kernel_bytes(),
                                   h.init_size >> 20, h.pref_address)};
}


Result<StepOutcome> lay_out_ram(Context& ctx, LinuxGuest& s) {
    if (!s.initrd_path.empty()) {
        // Placed before it is read: one too large for guest RAM is refused at once.
        std::error_code ec;
        const auto size = std::filesystem::file_size(s.initrd_path, ec);
        if (ec) return engine::plain_error("stat " + s.initrd_path, "cannot read the initramfs: " + ec.message(),
                                           "give a readable cpio archive with --set initrd=PATH");
        STRATA_TRY(linux_guest::plan_boot(s.header, size, linux_guest::kDefaultRamSize,
                                           linux_guest::default_cmdline(s.quiet)));
        auto initrd = STRATA_TRY(read_guest_file(ctx.recorder(), s.initrd_path, "initramfs"));
        s.initrd = std::move(initrd);
        s.initrd_source = s.initrd_path + " (--set initrd)";
    } else {
        auto root = STRATA_TRY(linux::find_rootfs());
        auto built = STRATA_TRY(kvm::build_initramfs(root, s.init, s.initramfs_extra));
        s.initrd = std::move(built.archive);
        s.initrd_source = fmt::format("the container image {} as a cpio archive built in memory ({} entries) + "
                                      "strata's /init",
                                      root, built.files);
    }
    auto plan = STRATA_TRY(linux_guest::plan_boot(s.header, s.initrd.size(), linux_guest::kDefaultRamSize,
                                       linux_guest::default_cmdline(s.quiet)));
    s.plan = plan;
    if (s.acpi) s.plan.acpi_rsdp = s.acpi->rsdp;

    auto& m = s.machine;
    STRATA_TRY(m.open(ctx));
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, s.plan.ram_size));
    s.ram = ram;
    auto page = STRATA_TRY(linux_guest::load(ctx.recorder(), *s.ram, s.image, s.header, s.initrd, s.plan));
    if (s.acpi) {
        STRATA_TRY(s.ram->write(kvm::acpi::kTablesAddress, s.acpi->bytes));
        kvm::record_guest_write(ctx.recorder(), "the ACPI tables (RSDP, XSDT, FADT, DSDT)", kvm::acpi::kTablesAddress,
                                s.acpi->bytes.size());
    }

    engine::TableView map{"guest-physical memory as strata laid it out", {"address", "what"}, {}, {}};
    map.rows = {
        {"0x1000", "GDT and TSS strata wrote (Linux loads its own at once)"},
        {fmt::format("{:#x}", linux_guest::kBootParams), "the zero page (struct boot_params)"},
        {"0x10000-0x15fff", fmt::format("page tables: identity map of the first {} MiB, 2 MiB pages",
                                        linux_guest::page_tables_for(s.plan).identity_end >> 20)},
        {fmt::format("{:#x}", linux_guest::kCmdline), "the command line: " + s.plan.cmdline},
        {fmt::format("{:#x}-{:#x}", s.plan.kernel_address, s.plan.kernel_end),
         fmt::format("the kernel ({} bytes) and its room to decompress", s.plan.kernel_size)},
        {fmt::format("{:#x}-{:#x}", s.plan.initrd_address, s.plan.initrd_address + s.plan.initrd_size),
         fmt::format("the initramfs ({} bytes)", s.plan.initrd_size)},
    };
    if (s.acpi)
        for (const auto& t : s.acpi->tables)
            map.rows.push_back({fmt::format("{:#x}", t.address),
                                fmt::format("ACPI {} ({} bytes): {}", t.signature, t.length, t.what)});
    ctx.facts().set_table(std::move(map));
    engine::TableView e820{"the e820 memory map in the zero page", {"start", "end", "type"}, {}, {}};
    for (const auto& e : kvm::pc_memory_map(s.plan.ram_size))
        e820.rows.push_back({fmt::format("{:#x}", e.address), fmt::format("{:#x}", e.address + e.size),
                             e.type == 1 ? "usable RAM" : "reserved (EBDA, video, option ROMs, BIOS)"});
    ctx.facts().set_table(std::move(e820));
    ctx.facts().set_value("guest RAM", fmt::format("{} MiB", s.plan.ram_size >> 20));
    ctx.facts().set_value("command line", s.plan.cmdline);
    ctx.facts().set_value("initramfs", s.initrd_source);
    ctx.facts().set_value("initramfs bytes", std::to_string(s.plan.initrd_size));
    return StepOutcome{fmt::format("{} MiB of guest RAM hold the kernel at {:#x}, the initramfs ({} KiB) at {:#x}, the "
                                   "command line and the zero page at {:#x}: its e820 map says which memory is RAM, "
                                   "its pointers where the command line and the initramfs are",
                                   s.plan.ram_size >> 20, s.plan.kernel_address, s.plan.initrd_size >> 10,
                                   s.plan.initrd_address, linux_guest::kBootParams)};
}


Result<StepOutcome> enter_kernel(Context& ctx, LinuxGuest& s) {
    auto& m = s.machine;
    for (auto cap : {kvm::Capability::irqchip, kvm::Capability::pit2}) {
        auto check = STRATA_TRY(m.check(cap));
        ctx.facts().set_value(check.name, check.present ? "present" : "missing");
        if (!check.present) return engine::plain_error(s.lesson, "Linux needs a PC's timer and interrupt controllers: " +
                                                                     check.skip_message());
    }
    STRATA_TRY(linux_guest::prepare_vm(*m.vm));
    STRATA_TRY(m.create_vcpu());
    const auto cpuid_entries = STRATA_TRY(linux_guest::prepare_vcpu(*m.kvm, *m.vcpu, s.plan));
    auto pc = STRATA_TRY(kvm::LinuxPc::attach(&ctx.recorder(), *m.vm, m.devices, [&ctx, &s](std::string_view t) {
        ctx.console_write(t);
        if (s.console_echo_fd >= 0) (void)!::write(s.console_echo_fd, t.data(), t.size());
    }));
    s.pc = std::move(pc);
    s.entered = true;
    ctx.facts().set_value("CPUID entries given to the vCPU", std::to_string(cpuid_entries));
    ctx.facts().set_value("entry point", fmt::format("{:#x} (load address + 0x200: startup_64)", s.plan.entry));
    return StepOutcome{fmt::format("KVM's PIC, IOAPIC, LAPIC and PIT exist, the vCPU has the {} CPUID leaves KVM "
                                   "supports here and will start in 64-bit mode at {:#x} with RSI = {:#x}; COM1 "
                                   "(IRQ 4), CMOS, PCI config, port 0x80 and the i8042 are strata's; KVM answers the PIC, the PIT and its port 0x61",
                                   cpuid_entries, s.plan.entry, linux_guest::kBootParams)};
}


Result<kvm::RunReport> run_until(Context& ctx, LinuxGuest& s, const std::string& label, Milestone milestone,
                                 std::chrono::milliseconds timeout) {
    if (s.powered_off) return engine::plain_error(s.lesson, "the VM is already off");
    if (s.pc->milestones().find(milestone)) {
        kvm::RunReport already;
        already.stop = kvm::RunStop::paused;
        already.checkpoint = static_cast<std::uint32_t>(milestone);
        return already;
    }
    s.pc->milestones().stop_at(milestone);
    auto report = run_with_lines(ctx, s, label, kvm::RunLimits{timeout, kMaxExits});
    if (!report) return std::unexpected(report.error());
    if (auto reset = kvm::linux_reset_cause(*report)) {
        s.powered_off = true;
        s.power_off_how = *reset;
    }
    return report;
}


Result<StepOutcome> boot_to_init(Context& ctx, LinuxGuest& s) {
    s.first_run_event = ctx.recorder().size();
    s.started = std::chrono::steady_clock::now();
    // A quiet kernel does not say "Run /init": /init's own first line ends the boot.
    const Milestone until = s.quiet ? Milestone::init_running : Milestone::run_init;
    auto report = STRATA_TRY(run_until(ctx, s, "boot", until, kLinuxBootTimeout));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
    if (report.stop != kvm::RunStop::paused || report.checkpoint != static_cast<std::uint32_t>(until)) {
        const auto* panic = s.pc->milestones().find(Milestone::kernel_panic);
        return engine::plain_error(s.lesson,
                                   fmt::format("Linux did not reach /init: {}: {}{}", kvm::run_stop_name(report.stop),
                                               report.description, panic ? " — " + panic->line : ""),
                                   "the console above shows how far it got");
    }
    engine::TableView seen{"what Linux said, and when", {"milestone", "console line"}, {}, {true, true}};
    for (const auto& m : s.pc->milestones().seen()) seen.rows.push_back({std::string(kvm::milestone_name(m.milestone)), m.line});
    ctx.facts().set_table(std::move(seen));
    const auto devices = exits_by_device(ctx, s.first_run_event);
    for (const auto& [device, n] : devices) ctx.facts().set_value("boot: exits to " + device, std::to_string(n));
    ctx.facts().set_value("boot: wall time to /init", fmt::format("{:.2f} s", seconds));
    ctx.facts().set_value("console lines", std::to_string(s.pc->milestones().lines()));
    ctx.facts().set_value("COM1 interrupts raised (KVM_IRQ_LINE)", std::to_string(s.pc->com1_irq().raised()));
    const auto* version = s.pc->milestones().find(Milestone::kernel_version);
    return StepOutcome{fmt::format("Linux {} booted in {:.2f} s to /init{}{}; {}", s.header.release(), seconds,
                                   version ? " (\"" + version->line.substr(0, 60) + "…\")" : "",
                                   s.quiet ? ", printing only its errors (log=quiet): strata saw it work through "
                                             "its exits"
                                           : "",
                                   exit_summary(report))};
}


Result<StepOutcome> compare_uname(Context& ctx, LinuxGuest& s) {
    auto report = STRATA_TRY(run_until(ctx, s, "init", Milestone::guest_uname, kLinuxInitTimeout));
    const auto* uname = s.pc->milestones().find(Milestone::guest_uname);
    if (!uname)
        return engine::plain_error(s.lesson, fmt::format("/init did not print the guest's uname: {}: {}",
                                                        kvm::run_stop_name(report.stop), report.description));
    const std::string guest = after_marker(*uname, kvm::kGuestUnameMarker);
    auto host = STRATA_TRY(kvm::tinyos::host_uname(ctx.recorder()));
    engine::TableView table{"uname -r: the guest's kernel vs the host's", {"asked", "answer"}, {}, {true, true}};
    table.rows = {{"inside the VM (busybox uname -r, on the guest's Linux)", guest},
                  {"on the host (strata's uname(2))", host.release}};
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("guest uname -r", guest);
    ctx.facts().set_value("host uname -r", host.release);
    ctx.facts().set_value("wall time to /init", fmt::format("{:.2f} s", std::chrono::duration<double>(
                                                                             std::chrono::steady_clock::now() - s.started)
                                                                             .count()));
    return StepOutcome{fmt::format("/init — busybox from the container image — runs as PID 1 of the guest's own "
                                   "kernel: uname -r answers \"{}\" inside, \"{}\" on the host{}",
                                   guest, host.release,
                                   guest == host.release ? " (the same release: two copies of one kernel, "
                                                            "each running for itself)"
                                                          : "")};
}


Result<StepOutcome> power_off(Context& ctx, LinuxGuest& s) {
    // Runs until the guest resets the machine (the i8042's 0xfe, or a triple
    // fault); a panic instead pauses the run, so the error below names it.
    auto report = STRATA_TRY(run_until(ctx, s, "power-off", Milestone::kernel_panic, kLinuxInitTimeout));
    if (!s.powered_off)
        return engine::plain_error(s.lesson, fmt::format("the guest did not power off: {}: {}",
                                                        kvm::run_stop_name(report.stop), report.description));
    const auto devices = exits_by_device(ctx, s.first_run_event);
    engine::TableView t{"exits to strata by device, the whole boot", {"device", "exits"}, {}, {false, true}};
    for (const auto& [device, n] : devices) t.rows.push_back({device, std::to_string(n)});
    t.rows.push_back({"PIC, PIT (KVM's in-kernel models)", "0: KVM answers their ports itself"});
    ctx.facts().set_table(std::move(t));
    for (const auto& [device, n] : devices) ctx.facts().set_value("exits to " + device, std::to_string(n));
    ctx.facts().set_value("how the VMM learned of the power-off", s.power_off_how);
    ctx.facts().set_value("serial bytes from the guest", std::to_string(s.pc->uart().bytes_sent()));
    return StepOutcome{"/init ran reboot -f; Linux reset the machine the PC way and strata saw it: " + s.power_off_how +
                       ". The VM is off; strata releases it"};
}


Result<kvm::RunReport> run_slice(Context& ctx, LinuxGuest& s, const std::string& label,
                                 std::chrono::milliseconds slice) {
    return run_with_lines(ctx, s, label, kvm::RunLimits{std::chrono::hours(24), kMaxExits, slice});
}

void release_machine(LinuxGuest& s) {
    // The devices first, then the VM and its memory.
    s.pc.reset();
    s.machine.vcpu.reset();
    s.machine.vm.reset();
    s.machine.memory.clear();
    s.machine.kvm.reset();
    s.machine.devices = {};
    s.ram = nullptr;
    s.entered = s.powered_off = false;
    s.initrd.clear();
}

std::string after_marker(const kvm::ConsoleMilestones::Seen& seen, std::string_view marker) {
    const auto at = seen.line.find(marker);
    return at == std::string::npos ? std::string() : seen.line.substr(at + marker.size());
}

}  // namespace strata::lessons::vm
