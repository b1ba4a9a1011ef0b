// vm/boot-linux: a real Linux guest under strata's VMM.
//
// strata plays the BIOS and the boot loader for an unmodified kernel:
// reads the bzImage's setup header, writes the zero page, the initramfs
// (the container lessons' busybox image) and page tables into guest RAM,
// and starts the vCPU at the 64-bit entry. From there the guest kernel
// runs by itself; strata sees it only through its exits — the serial
// console, the legacy ports it probes — and the messages it prints, which
// mark the milestones on the timeline.
#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "backends/kvm/bzimage.hpp"
#include "backends/kvm/console_milestones.hpp"
#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/initramfs.hpp"
#include "backends/kvm/irq_line.hpp"
#include "backends/kvm/linux_boot.hpp"
#include "backends/kvm/pc_ports.hpp"
#include "backends/kvm/tinyos.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/probe/guest_kernel.hpp"
#include "engine/lesson_builder.hpp"
#include "engine/shell_io.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;
using kvm::Milestone;
namespace linux_guest = kvm::linux_guest;

constexpr const char* kLesson = "boot-linux";
constexpr std::uint16_t kCom1 = 0x3f8;
constexpr std::uint32_t kCom1Irq = 4;
// Wall-time bounds of the runs (on hardware-assisted KVM a boot takes well
// under a second; nested under QEMU's emulation, tens of seconds).
constexpr std::chrono::milliseconds kBootTimeout{240'000}, kInitTimeout{60'000};
constexpr std::uint64_t kMaxExits = 5'000'000;

struct BootLinuxState final : engine::LessonState {
    std::string kernel_path, initrd_path;
    bool quiet = true;  // log=quiet: the kernel prints only errors
    bool shell = false;      // --shell: /init offers a shell before it powers off
    int shell_out_fd = -1;   // where the guest's console goes during the shell
    std::vector<std::uint8_t> image;
    kvm::SetupHeader header;
    std::vector<std::uint8_t> initrd;
    std::string initrd_source;
    linux_guest::BootPlan plan;
    Machine machine;
    kvm::GuestMemory* ram = nullptr;
    // Devices after the machine: destroyed first.
    std::unique_ptr<kvm::Uart16550> uart;
    std::unique_ptr<kvm::ConsoleMilestones> milestones;
    std::unique_ptr<kvm::IrqLine> com1_irq;
    std::unique_ptr<kvm::CmosRtc> cmos;
    std::unique_ptr<kvm::AbsentPciConfig> pci;
    std::unique_ptr<kvm::PostCodePort> post;
    std::unique_ptr<kvm::I8042> i8042;
    std::size_t first_run_event = 0;
    std::chrono::steady_clock::time_point started;
    bool entered = false, powered_off = false;
    std::string power_off_how;
};

// The VMM reads a file the guest will get (the kernel, an initramfs).
Result<std::vector<std::uint8_t>> read_file(engine::Recorder& recorder, const std::string& path, const char* what) {
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

Result<StepOutcome> read_header(Context& ctx, BootLinuxState& s) {
    if (s.kernel_path.empty()) {
        const auto found = probe::find_guest_kernel();
        if (found.path.empty()) {
            std::string why;
            for (const auto& r : found.refused) why += (why.empty() ? "" : "; ") + r;
            return engine::plain_error(kLesson, "no Linux kernel to boot: " + why,
                                       "name one with --set kernel=PATH (any x86-64 bzImage, e.g. a copy of "
                                       "/boot/vmlinuz-*), or rebuild strata so it fetches Debian's");
        }
        s.kernel_path = found.path;
        ctx.facts().set_value("kernel", found.path + " (" + found.source + ")");
    } else {
        ctx.facts().set_value("kernel", s.kernel_path + " (--set kernel)");
    }
    auto image = STRATA_TRY(read_file(ctx.recorder(), s.kernel_path, "kernel image"));
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

Result<StepOutcome> zero_page(Context& ctx, BootLinuxState& s) {
    if (!s.initrd_path.empty()) {
        // Placed before it is read: one too large for guest RAM is refused at once.
        std::error_code ec;
        const auto size = std::filesystem::file_size(s.initrd_path, ec);
        if (ec) return engine::plain_error("stat " + s.initrd_path, "cannot read the initramfs: " + ec.message(),
                                           "give a readable cpio archive with --set initrd=PATH");
        STRATA_TRY(linux_guest::plan_boot(s.header, size, linux_guest::kDefaultRamSize,
                                           linux_guest::default_cmdline(s.quiet)));
        auto initrd = STRATA_TRY(read_file(ctx.recorder(), s.initrd_path, "initramfs"));
        s.initrd = std::move(initrd);
        s.initrd_source = s.initrd_path + " (--set initrd)";
    } else {
        auto root = STRATA_TRY(linux::find_rootfs());
        auto built = STRATA_TRY(kvm::build_initramfs(root, s.shell));
        s.initrd = std::move(built.archive);
        s.initrd_source = fmt::format("the container image {} as a cpio archive built in memory ({} entries) + "
                                      "strata's /init",
                                      root, built.files);
    }
    auto plan = STRATA_TRY(linux_guest::plan_boot(s.header, s.initrd.size(), linux_guest::kDefaultRamSize,
                                       linux_guest::default_cmdline(s.quiet)));
    s.plan = plan;

    auto& m = s.machine;
    STRATA_TRY(m.open(ctx));
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, s.plan.ram_size));
    s.ram = ram;
    auto page = STRATA_TRY(linux_guest::load(ctx.recorder(), *s.ram, s.image, s.header, s.initrd, s.plan));

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

Result<StepOutcome> enter(Context& ctx, BootLinuxState& s) {
    auto& m = s.machine;
    for (auto cap : {kvm::Capability::irqchip, kvm::Capability::pit2}) {
        auto check = STRATA_TRY(m.check(cap));
        ctx.facts().set_value(check.name, check.present ? "present" : "missing");
        if (!check.present) return engine::plain_error(kLesson, "Linux needs a PC's timer and interrupt controllers: " +
                                                                     check.skip_message());
    }
    STRATA_TRY(m.vm->create_irqchip());
    STRATA_TRY(m.vm->create_pit2(true));
    STRATA_TRY(linux_guest::reserve_vmx_pages(*m.vm));
    STRATA_TRY(m.create_vcpu());
    auto cpuid = STRATA_TRY(kvm::supported_cpuid(*m.kvm));
    cpuid = linux_guest::cpuid_for_linux(std::move(cpuid));
    STRATA_TRY(kvm::set_cpuid(*m.vcpu, cpuid));
    STRATA_TRY(m.vcpu->route_pic_through_lapic());
    STRATA_TRY(linux_guest::start(*m.vcpu, s.plan));

    s.milestones = std::make_unique<kvm::ConsoleMilestones>(&ctx.recorder(), m.devices);
    s.uart = std::make_unique<kvm::Uart16550>(&ctx.recorder(), [&ctx, &s](std::string_view t) {
        ctx.console_write(t);
        s.milestones->feed(t);
        if (s.shell_out_fd >= 0) (void)!::write(s.shell_out_fd, t.data(), t.size());
    });
    s.com1_irq = std::make_unique<kvm::IrqLine>(*m.vm, kCom1Irq);
    s.cmos = std::make_unique<kvm::CmosRtc>();
    s.pci = std::make_unique<kvm::AbsentPciConfig>();
    s.post = std::make_unique<kvm::PostCodePort>();
    s.i8042 = std::make_unique<kvm::I8042>(m.devices);
    STRATA_TRY(m.devices.pio.attach(kCom1, 8, *s.uart));
    STRATA_TRY(m.devices.pio.attach(kvm::CmosRtc::kPort, 2, *s.cmos));
    STRATA_TRY(m.devices.pio.attach(kvm::AbsentPciConfig::kPort, 8, *s.pci));
    STRATA_TRY(m.devices.pio.attach(kvm::PostCodePort::kPort, 1, *s.post));
    STRATA_TRY(m.devices.pio.attach(kvm::I8042::kDataPort, 1, *s.i8042));
    STRATA_TRY(m.devices.pio.attach(kvm::I8042::kCommandPort, 1, s.i8042->command_port()));
    s.entered = true;
    ctx.facts().set_value("CPUID entries given to the vCPU", std::to_string(cpuid.size()));
    ctx.facts().set_value("entry point", fmt::format("{:#x} (load address + 0x200: startup_64)", s.plan.entry));
    return StepOutcome{fmt::format("KVM's PIC, IOAPIC, LAPIC and PIT exist, the vCPU has the {} CPUID leaves KVM "
                                   "supports here and will start in 64-bit mode at {:#x} with RSI = {:#x}; COM1 "
                                   "(IRQ 4), CMOS, PCI config, port 0x80 and the i8042 are strata's; KVM answers the PIC, the PIT and its port 0x61",
                                   cpuid.size(), s.plan.entry, linux_guest::kBootParams)};
}

// Runs the guest until the console shows `milestone`, the guest resets, or
// it fails. After every exit COM1's interrupt line follows the UART.
Result<kvm::RunReport> run_until(Context& ctx, BootLinuxState& s, const std::string& label, Milestone milestone,
                                 std::chrono::milliseconds timeout) {
    if (s.powered_off) return engine::plain_error(kLesson, "the VM is already off");
    if (s.milestones->find(milestone)) {
        kvm::RunReport already;
        already.stop = kvm::RunStop::paused;
        already.checkpoint = static_cast<std::uint32_t>(milestone);
        return already;
    }
    s.milestones->stop_at(milestone);
    std::optional<engine::Error> irq_failed;
    auto report = s.machine.run(ctx, label, kvm::RunLimits{timeout, kMaxExits}, [&] {
        if (auto r = s.com1_irq->set(s.uart->interrupt_asserted()); !r && !irq_failed) irq_failed = r.error();
    });
    if (!report) return std::unexpected(report.error());
    if (irq_failed) return std::unexpected(*irq_failed);
    if (report->stop == kvm::RunStop::paused && report->checkpoint == kvm::I8042::kResetCheckpoint) {
        s.powered_off = true;
        s.power_off_how = "the guest wrote 0xfe to port 0x64: the i8042's command to pulse the CPU's reset line";
    } else if (report->stop == kvm::RunStop::stopped && report->last_exit &&
               std::holds_alternative<kvm::ShutdownExit>(*report->last_exit)) {
        s.powered_off = true;
        s.power_off_how = "the vCPU triple-faulted on purpose (reboot=t): KVM_EXIT_SHUTDOWN";
    }
    return report;
}

Result<StepOutcome> boot(Context& ctx, BootLinuxState& s) {
    s.first_run_event = ctx.recorder().size();
    s.started = std::chrono::steady_clock::now();
    // A quiet kernel does not say "Run /init": /init's own first line ends the boot.
    const Milestone until = s.quiet ? Milestone::init_running : Milestone::run_init;
    auto report = STRATA_TRY(run_until(ctx, s, "boot", until, kBootTimeout));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
    if (report.stop != kvm::RunStop::paused || report.checkpoint != static_cast<std::uint32_t>(until)) {
        const auto* panic = s.milestones->find(Milestone::kernel_panic);
        return engine::plain_error(kLesson,
                                   fmt::format("Linux did not reach /init: {}: {}{}", kvm::run_stop_name(report.stop),
                                               report.description, panic ? " — " + panic->line : ""),
                                   "the console above shows how far it got");
    }
    engine::TableView seen{"what Linux said, and when", {"milestone", "console line"}, {}, {true, true}};
    for (const auto& m : s.milestones->seen()) seen.rows.push_back({std::string(kvm::milestone_name(m.milestone)), m.line});
    ctx.facts().set_table(std::move(seen));
    const auto devices = exits_by_device(ctx, s.first_run_event);
    for (const auto& [device, n] : devices) ctx.facts().set_value("boot: exits to " + device, std::to_string(n));
    ctx.facts().set_value("boot: wall time to /init", fmt::format("{:.2f} s", seconds));
    ctx.facts().set_value("console lines", std::to_string(s.milestones->lines()));
    ctx.facts().set_value("COM1 interrupts raised (KVM_IRQ_LINE)", std::to_string(s.com1_irq->raised()));
    const auto* version = s.milestones->find(Milestone::kernel_version);
    return StepOutcome{fmt::format("Linux {} booted in {:.2f} s to /init{}{}; {}", s.header.release(), seconds,
                                   version ? " (\"" + version->line.substr(0, 60) + "…\")" : "",
                                   s.quiet ? ", printing only its errors (log=quiet): strata saw it work through "
                                             "its exits"
                                           : "",
                                   exit_summary(report))};
}

Result<StepOutcome> reach_init(Context& ctx, BootLinuxState& s) {
    auto report = STRATA_TRY(run_until(ctx, s, "init", Milestone::guest_uname, kInitTimeout));
    const auto* uname = s.milestones->find(Milestone::guest_uname);
    if (!uname)
        return engine::plain_error(kLesson, fmt::format("/init did not print the guest's uname: {}: {}",
                                                        kvm::run_stop_name(report.stop), report.description));
    const std::string guest = uname->line.substr(uname->line.find(kvm::kGuestUnameMarker) +
                                                 std::string_view(kvm::kGuestUnameMarker).size());
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

Result<StepOutcome> power_off(Context& ctx, BootLinuxState& s) {
    // Runs until the guest resets the machine (the i8042's 0xfe, or a triple
    // fault); a panic instead pauses the run, so the error below names it.
    auto report = STRATA_TRY(run_until(ctx, s, "power-off", Milestone::kernel_panic, kInitTimeout));
    if (!s.powered_off)
        return engine::plain_error(kLesson, fmt::format("the guest did not power off: {}: {}",
                                                        kvm::run_stop_name(report.stop), report.description));
    const auto devices = exits_by_device(ctx, s.first_run_event);
    engine::TableView t{"exits to strata by device, the whole boot", {"device", "exits"}, {}, {false, true}};
    for (const auto& [device, n] : devices) t.rows.push_back({device, std::to_string(n)});
    t.rows.push_back({"PIC, PIT (KVM's in-kernel models)", "0: KVM answers their ports itself"});
    ctx.facts().set_table(std::move(t));
    for (const auto& [device, n] : devices) ctx.facts().set_value("exits to " + device, std::to_string(n));
    ctx.facts().set_value("how the VMM learned of the power-off", s.power_off_how);
    ctx.facts().set_value("serial bytes from the guest", std::to_string(s.uart->bytes_sent()));
    return StepOutcome{"/init ran reboot -f; Linux reset the machine the PC way and strata saw it: " + s.power_off_how +
                       ". The VM is off; strata releases it"};
}

// The user's terminal, raw while the guest's own tty does echo and line
// editing (a cooked host terminal would echo every key twice).
class RawTerminal {
public:
    explicit RawTerminal(int fd) : fd_(fd) {
        if (!::isatty(fd_) || ::tcgetattr(fd_, &saved_) != 0) return;
        termios raw = saved_;
        ::cfmakeraw(&raw);
        raw.c_oflag |= OPOST;  // keep \n -> \r\n for strata's own lines
        active_ = ::tcsetattr(fd_, TCSANOW, &raw) == 0;
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(fd_, TCSANOW, &saved_);
    }
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

// --shell: the lesson's VM is off, so boot the same kernel once more with an
// /init that starts a shell on the console, and connect it to the user's
// terminal: typed bytes go into the UART's receive FIFO (IRQ 4 tells the
// guest), the guest's output comes back. The guest runs in slices of 20 ms
// so strata can look at the keyboard in between. Exiting the shell powers
// the VM off.
Result<int> shell(Context& ctx, BootLinuxState& s) {
    // The lesson's machine first: its devices, then the VM and its memory.
    s.uart.reset();
    s.milestones.reset();
    s.com1_irq.reset();
    s.cmos.reset();
    s.pci.reset();
    s.post.reset();
    s.i8042.reset();
    s.machine.vcpu.reset();
    s.machine.vm.reset();
    s.machine.memory.clear();
    s.machine.kvm.reset();
    s.machine.devices = {};
    s.ram = nullptr;
    s.entered = s.powered_off = false;
    s.initrd.clear();
    s.shell = true;
    const auto io = engine::shell_io();
    s.shell_out_fd = io.out_fd;
    struct StopEcho {
        BootLinuxState& s;
        ~StopEcho() { s.shell_out_fd = -1; }
    } stop_echo{s};
    STRATA_TRY(zero_page(ctx, s));
    STRATA_TRY(enter(ctx, s));
    const std::string hello = "strata: booting Linux again, with a shell on its console (exit it to power off)\r\n";
    (void)!::write(io.out_fd, hello.data(), hello.size());

    RawTerminal raw(io.in_fd);
    std::string typed;   // read from the user, not yet taken by the UART's FIFO
    bool input_closed = false;
    std::optional<engine::Error> irq_failed;
    const auto hook = [&] {
        if (auto r = s.com1_irq->set(s.uart->interrupt_asserted()); !r && !irq_failed) irq_failed = r.error();
    };
    for (;;) {
        kvm::RunLimits slice{std::chrono::hours(24), kMaxExits, std::chrono::milliseconds(20)};
        auto report = STRATA_TRY(s.machine.run(ctx, "shell", slice, hook));
        if (irq_failed) return std::unexpected(*irq_failed);
        if (report.stop == kvm::RunStop::paused && report.checkpoint == kvm::I8042::kResetCheckpoint) break;
        if (report.stop == kvm::RunStop::stopped && report.last_exit &&
            std::holds_alternative<kvm::ShutdownExit>(*report.last_exit))
            break;
        if (report.stop == kvm::RunStop::cancelled) return 130;
        if (report.stop != kvm::RunStop::paused)
            return engine::plain_error(kLesson, fmt::format("the guest stopped: {}: {}", kvm::run_stop_name(report.stop),
                                                            report.description));
        pollfd p{io.in_fd, POLLIN, 0};
        if (!input_closed && ::poll(&p, 1, 0) > 0) {
            char buf[256];
            const auto n = ::read(io.in_fd, buf, sizeof buf);
            if (n > 0) typed.append(buf, static_cast<std::size_t>(n));
            else input_closed = true;  // end of input: like typing Ctrl-D at the prompt
            if (input_closed) typed += '\x04';
        }
        // Held back until /init starts the shell: the kernel's serial driver
        // empties the UART's FIFO when it opens the console at boot.
        if (!typed.empty() && s.milestones->find(Milestone::shell_offered)) typed.erase(0, s.uart->receive(typed));
    }
    return 0;
}

}  // namespace

engine::Lesson boot_linux_lesson() {
    using L = LayerId;
    engine::LessonBuilder<BootLinuxState> lesson("vm/boot-linux");
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::guest_kernel};
    lesson.options = {
        {"kernel",
         "the kernel to boot (a bzImage); default: the host's, else Debian's fetched at build time",
         {},
         "",
         [](const std::string& v) -> std::optional<std::string> {
             if (v.empty() || v.front() != '/') return std::string("give an absolute path to a bzImage");
             return std::nullopt;
         }},
        {"log",
         "how much the kernel prints on its console: errors only, or all of its boot messages",
         {"quiet", "full"}},
        {"initrd",
         "an initramfs (cpio) to boot instead of strata's",
         {},
         "",
         [](const std::string& v) -> std::optional<std::string> {
             if (v.empty() || v.front() != '/') return std::string("give an absolute path to a cpio archive");
             return std::nullopt;
         }},
    };
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<BootLinuxState>();
        if (auto it = options.find("kernel"); it != options.end()) s->kernel_path = it->second;
        if (auto it = options.find("initrd"); it != options.end()) s->initrd_path = it->second;
        if (auto it = options.find("log"); it != options.end()) s->quiet = it->second != "full";
        return s;
    };
    const std::vector<L> run = {L::vmm, L::kvm, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices};
    lesson.interactive_shell = shell;
    lesson.step("header", "Read the kernel's setup header", {L::vmm}, read_header)
        .provides("the kernel image", [](const BootLinuxState& s) { return !s.image.empty(); });
    lesson.step("zero-page", "Write the zero page, kernel and initramfs", {L::vmm, L::kvm, L::ram}, zero_page)
        .provides(&BootLinuxState::ram, "guest RAM with the kernel");
    lesson.step("enter", "Enter at the 64-bit entry", {L::vmm, L::kvm, L::cpu_virt}, enter)
        .provides(&BootLinuxState::entered, "a started vCPU");
    lesson.step("boot", "Let Linux boot", run, boot);
    lesson.step("init", "Reach /init",
                {L::vmm, L::kvm, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices, L::namespaces},
                reach_init);
    lesson.step("power-off", "Power off", run, power_off);
    return lesson.build();
}

}  // namespace strata::lessons::vm
