// vm/virtio: a paravirtual disk under a stock Linux guest.
//
// The same kernel vm/boot-linux boots, with one device more: a virtio-blk
// disk behind a virtio-mmio transport, backed by a file on the host. The
// ACPI tables strata writes tell Linux where the device's registers are;
// Debian's virtio drivers (modules, loaded by /init) find it, agree on
// features and hand it a virtqueue in guest RAM. Then one read and one
// write: each a descriptor chain the driver puts on the available ring, a
// single MMIO write to QueueNotify (the exit), a pread or pwrite by the
// VMM, the used ring updated, and IRQ 5 raised through KVM_IRQ_LINE.
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "backends/kvm/virtio_blk.hpp"
#include "backends/kvm/virtio_mmio.hpp"
#include "backends/probe/guest_kernel.hpp"
#include "backends/sys/fd.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/linux_guest.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;
using kvm::Milestone;
namespace acpi = kvm::acpi;

constexpr std::uint64_t kDiskBytes = 1 << 20;  // the default disk: 1 MiB, 2048 sectors
constexpr const char* kSectorZero = "strata's virtio disk: sector 0 of a file on the host, read by the guest";
constexpr const char* kGuestLine = "written by the guest's Linux $(uname -r) through virtio-blk";

struct VirtioState final : LinuxGuest {
    std::string disk_path;  // --set disk=PATH; empty: a memfd
    sys::Fd disk;
    std::uint64_t disk_bytes = 0;
    std::string disk_source;
    // After the machine (in LinuxGuest): destroyed first.
    std::unique_ptr<kvm::VirtioBlk> blk;
    std::unique_ptr<kvm::VirtioMmio> transport;
    std::unique_ptr<kvm::IrqLine> irq;
    std::size_t step_from = 0;  // the step's first event
};

Result<void> open_disk(Context& ctx, VirtioState& s) {
    if (!s.disk_path.empty()) {
        engine::Span span(ctx.recorder(), engine::EventKind::syscall, "open(disk)", {LayerId::vmm, LayerId::mounts});
        span.arg("path", s.disk_path);
        const int fd = ::open(s.disk_path.c_str(), O_RDWR | O_CLOEXEC);
        span.finish(fd, fd < 0 ? errno : 0);
        if (fd < 0)
            return engine::errno_error("open " + s.disk_path, errno, "cannot open the disk image for reading and writing",
                                       "give a writable file of at least 4 KiB with --set disk=PATH");
        s.disk = sys::Fd(fd);
        struct stat st{};
        if (::fstat(fd, &st) != 0) return engine::errno_error("fstat " + s.disk_path, errno);
        s.disk_bytes = static_cast<std::uint64_t>(st.st_size) / kvm::VirtioBlk::kSectorSize * kvm::VirtioBlk::kSectorSize;
        if (s.disk_bytes < 4096)
            return engine::plain_error("use " + s.disk_path + " as the VM's disk",
                                       fmt::format("it holds {} bytes; the guest reads sector 0 and writes sector 1 "
                                                   "of at least 8",
                                                   st.st_size),
                                       "give a file of at least 4 KiB (truncate -s 1M disk.img)");
        s.disk_source = s.disk_path + " (--set disk): the guest's write stays in it";
        return {};
    }
    // A file only this process has: nothing is left on the host afterwards.
    engine::Span span(ctx.recorder(), engine::EventKind::syscall, "memfd_create(\"strata-virtio-disk\")",
                      {LayerId::vmm, LayerId::mounts});
    const int fd = ::memfd_create("strata-virtio-disk", MFD_CLOEXEC);
    span.finish(fd, fd < 0 ? errno : 0);
    if (fd < 0) return engine::errno_error("memfd_create", errno, "cannot make the VM's disk file");
    s.disk = sys::Fd(fd);
    if (::ftruncate(fd, kDiskBytes) != 0) return engine::errno_error("ftruncate", errno);
    const std::string_view text = kSectorZero;
    std::array<char, kvm::VirtioBlk::kSectorSize> sector{};
    std::memcpy(sector.data(), text.data(), text.size());
    sector[text.size()] = '\n';
    if (::pwrite(fd, sector.data(), sector.size(), 0) != static_cast<ssize_t>(sector.size()))
        return engine::errno_error("pwrite", errno);
    s.disk_bytes = kDiskBytes;
    s.disk_source = fmt::format("a {} KiB memfd (a file in RAM only strata holds), sector 0 holding a sentence",
                                kDiskBytes >> 10);
    return {};
}

Result<StepOutcome> lay_out(Context& ctx, VirtioState& s) {
    const auto modules = probe::find_guest_modules(s.kernel_path, s.header.release(), probe::kVirtioModules);
    if (modules.paths.empty()) {
        std::string missing;
        for (const auto& m : modules.missing) missing += (missing.empty() ? "" : "; ") + m;
        return engine::plain_error(s.lesson,
                                   "the virtio drivers are modules in this kernel, and strata found none built for " +
                                       s.header.release() + ": " + missing,
                                   "rebuild strata (the build copies Debian's into build/guest-kernel/modules), or put "
                                   "the kernel's own modules under DIR/modules/RELEASE/ beside the kernel you name");
    }
    std::vector<std::string> in_guest;
    s.initramfs_extra.clear();
    for (const auto& path : modules.paths) {
        auto bytes = STRATA_TRY(read_guest_file(ctx.recorder(), path, "kernel module"));
        const std::string name = "lib/modules/" + std::filesystem::path(path).filename().string();
        in_guest.push_back("/" + name);
        s.initramfs_extra.push_back({name, std::move(bytes), 0644});
    }
    s.init = kvm::virtio_init_script(in_guest, kGuestLine);
    s.acpi = acpi::build_tables();
    STRATA_TRY(open_disk(ctx, s));
    auto laid = STRATA_TRY(lay_out_ram(ctx, s));

    const auto dsdt = acpi::virtio_dsdt();
    ctx.facts().memory.push_back(engine::MemoryView{"the DSDT (AML compiled by iasl)",
                                                    s.acpi->tables.back().address,
                                                    *s.ram->host_address(s.acpi->tables.back().address),
                                                    {dsdt.begin(), dsdt.end()}});
    engine::TableView device{"what the DSDT tells Linux", {"name", "value", "meaning"}, {}, {}};
    device.rows = {
        {"_HID", "LNRO0005", "the id virtio_mmio's driver matches: a virtio-mmio transport"},
        {"_CRS Memory32Fixed", fmt::format("{:#x}, {:#x} bytes", acpi::kVirtioMmioBase, acpi::kVirtioMmioLength),
         "its registers: no RAM there, so every access is an MMIO exit"},
        {"_CRS Interrupt", fmt::format("IRQ {}, level, active high", acpi::kVirtioIrq),
         "the line strata raises when a request is done"},
    };
    ctx.facts().set_table(std::move(device));
    ctx.facts().set_value("virtio modules in the initramfs", std::to_string(in_guest.size()));
    ctx.facts().set_value("disk", s.disk_source);
    ctx.facts().set_value("disk sectors", std::to_string(s.disk_bytes / kvm::VirtioBlk::kSectorSize));
    return StepOutcome{laid.summary + fmt::format("; the ACPI tables at {:#x} name one virtio-mmio device at {:#x} "
                                                  "(IRQ {}), and the initramfs carries Debian's {} virtio modules",
                                                  acpi::kTablesAddress, acpi::kVirtioMmioBase, acpi::kVirtioIrq,
                                                  in_guest.size())};
}

Result<StepOutcome> enter(Context& ctx, VirtioState& s) {
    auto entered = STRATA_TRY(enter_kernel(ctx, s));
    s.blk = std::make_unique<kvm::VirtioBlk>(&ctx.recorder(), s.disk.get(), s.disk_bytes, "strata-virtio-disk");
    s.transport = std::make_unique<kvm::VirtioMmio>(&ctx.recorder(), *s.ram, *s.blk);
    s.irq = std::make_unique<kvm::IrqLine>(*s.machine.vm, acpi::kVirtioIrq);
    STRATA_TRY(s.machine.devices.mmio.attach(acpi::kVirtioMmioBase, acpi::kVirtioMmioLength, *s.transport));
    // The line follows InterruptStatus: raised when a request completes,
    // lowered when the driver acknowledges it.
    s.after_exit = [&s] { return s.irq->set(s.transport->interrupt_asserted()); };
    return StepOutcome{entered.summary + fmt::format("; a virtio-blk disk of {} sectors sits at {:#x} on strata's MMIO "
                                                     "bus, its interrupt on IRQ {}. The FADT says hardware-reduced, so "
                                                     "Linux will leave the PIC and the PIT alone and use KVM's I/O "
                                                     "APIC and local APIC timer",
                                                     s.blk->capacity_sectors(), acpi::kVirtioMmioBase,
                                                     acpi::kVirtioIrq)};
}

// Runs to `milestone`; a module that failed to load or a missing disk ends the lesson.
Result<void> run_to(Context& ctx, VirtioState& s, const std::string& label, Milestone milestone) {
    s.step_from = ctx.recorder().size();
    auto report = STRATA_TRY(run_until(ctx, s, label, milestone, kLinuxInitTimeout));
    if (const auto* failed = s.pc->milestones().find(Milestone::virtio_failed))
        return engine::plain_error(s.lesson, "the guest could not use the disk: " +
                                                 after_marker(*failed, kvm::kVirtioFailedMarker));
    if (s.transport->failure())
        return engine::plain_error(s.lesson, "the virtio device stopped: " + *s.transport->failure());
    if (!s.pc->milestones().find(milestone))
        return engine::plain_error(s.lesson, fmt::format("the guest did not get to \"{}\": {}: {}",
                                                         kvm::milestone_name(milestone),
                                                         kvm::run_stop_name(report.stop), report.description));
    return {};
}

// The three parts of the virtqueue as they are in guest RAM now.
void show_rings(Context& ctx, VirtioState& s) {
    const auto& queue = s.transport->queue();
    if (!queue) return;
    const auto& l = queue->layout();
    auto view = [&](std::string title, std::uint64_t gpa, std::size_t bytes) {
        auto data = s.ram->bytes(gpa, bytes);
        auto host = s.ram->host_address(gpa);
        if (!data || !host) return;
        auto& memory = ctx.facts().memory;
        std::erase_if(memory, [&](const engine::MemoryView& m) { return m.title == title; });
        memory.push_back(engine::MemoryView{std::move(title), gpa, *host, {data->begin(), data->end()}});
    };
    view("virtqueue: descriptor table (first 8 of 16-byte entries)", l.descriptors, 8 * 16);
    view("virtqueue: available ring (flags, idx, ring[])", l.available, 4 + 2 * 8);
    view("virtqueue: used ring (flags, idx, {id, len}[])", l.used, 4 + 8 * 8);
}

void show_requests(Context& ctx, const VirtioState& s, std::size_t last) {
    engine::TableView t{"virtio-blk requests, latest last", {"#", "request", "sector", "bytes", "status", "chain"}, {}, {}};
    const auto& log = s.blk->log();
    const std::size_t from = log.size() > last ? log.size() - last : 0;
    for (std::size_t i = from; i < log.size(); ++i) {
        const auto& r = log[i];
        t.rows.push_back({std::to_string(i + 1), std::string(kvm::block_request_type_name(r.type)),
                          std::to_string(r.sector), std::to_string(r.bytes),
                          r.status == 0 ? "OK" : r.status == 1 ? "IOERR" : "UNSUPP",
                          fmt::format("{} descriptors from #{}", r.descriptors, r.head)});
    }
    ctx.facts().set_table(std::move(t));
}

Result<StepOutcome> probe(Context& ctx, VirtioState& s) {
    STRATA_TRY(run_to(ctx, s, "probe", Milestone::virtio_ready));
    const auto& t = *s.transport;
    const auto& queue = t.queue();
    engine::TableView hs{"the handshake, as the device saw it", {"register", "value", "what it means"}, {}, {}};
    hs.rows = {
        {"MagicValue, Version, DeviceID", fmt::format("{:#x}, 2, {}", kvm::VirtioMmio::kMagic, s.blk->device_id()),
         "\"virt\", the modern layout, a block device: the driver checked all three"},
        {"DeviceFeatures", fmt::format("{:#x}", t.offered_features()), "VERSION_1 (bit 32) and FLUSH (bit 9)"},
        {"DriverFeatures", fmt::format("{:#x}", t.accepted_features()), "what the driver took of them"},
        {"Status", kvm::virtio_status_text(t.device_status()), "the driver's progress, bit by bit"},
        {"QueueNum", queue ? std::to_string(queue->layout().size) : "-",
         fmt::format("entries in queue 0 (QueueNumMax: {})", s.blk->queue_size_max())},
        {"QueueDesc", queue ? fmt::format("{:#x}", queue->layout().descriptors) : "-", "the descriptor table, in guest RAM"},
        {"QueueDriver", queue ? fmt::format("{:#x}", queue->layout().available) : "-", "the available ring (driver to device)"},
        {"QueueDevice", queue ? fmt::format("{:#x}", queue->layout().used) : "-", "the used ring (device to driver)"},
    };
    ctx.facts().set_table(std::move(hs));
    const auto devices = exits_by_device(ctx, s.step_from);
    const auto it = devices.find("virtio-mmio");
    ctx.facts().set_value("exits to virtio-mmio (register accesses)", std::to_string(it == devices.end() ? 0 : it->second));
    ctx.facts().set_value("requests before /init's own (the kernel reading the partition table)",
                          std::to_string(t.requests()));
    ctx.facts().set_value("IRQ 5 raised (KVM_IRQ_LINE)", std::to_string(s.irq->raised()));
    show_requests(ctx, s, 8);
    show_rings(ctx, s);
    return StepOutcome{fmt::format("virtio_mmio found LNRO0005 in the DSDT and virtio_blk bound to it: status {}, "
                                   "features {:#x} agreed, queue 0 of {} entries in guest RAM; the kernel already "
                                   "read the disk {} times looking for partitions",
                                   kvm::virtio_status_text(t.device_status()), t.accepted_features(),
                                   queue ? queue->layout().size : 0, s.blk->reads())};
}

// The last chain: what each descriptor points at.
void show_chain(Context& ctx, const VirtioState& s) {
    const auto& chain = s.transport->last_chain();
    if (!chain) return;
    engine::TableView t{"the last request's descriptor chain", {"descriptor", "address", "length", "flags", "holds"}, {}, {}};
    for (std::size_t i = 0; i < chain->descriptors.size(); ++i) {
        const auto& d = chain->descriptors[i];
        std::string flags = d.flags & kvm::VirtqDescriptor::kNext ? "NEXT" : "";
        if (d.device_writes()) flags += flags.empty() ? "WRITE" : " | WRITE";
        const bool last = i + 1 == chain->descriptors.size();
        t.rows.push_back({fmt::format("#{}", d.index), fmt::format("{:#x}", d.address), std::to_string(d.length),
                          flags.empty() ? "-" : flags,
                          i == 0 ? "the header: type and sector (the driver wrote it)"
                          : last ? "the status byte (the device writes it)"
                                 : "the data"});
    }
    ctx.facts().set_table(std::move(t));
}

// What the device served during one step, from its counters.
struct Served {
    std::uint64_t requests, reads, writes, flushes, bytes_read, bytes_written, notifications, interrupts;
};
Served served(const VirtioState& s) {
    return {s.transport->requests(), s.blk->reads(),         s.blk->writes(),           s.blk->flushes(),
            s.blk->bytes_read(),     s.blk->bytes_written(), s.transport->notifications(), s.irq->raised()};
}

void set_served_facts(Context& ctx, const Served& before, const Served& after) {
    ctx.facts().set_value("requests", std::to_string(after.requests - before.requests));
    ctx.facts().set_value("notifications (QueueNotify exits)", std::to_string(after.notifications - before.notifications));
    ctx.facts().set_value("IRQ 5 raised (KVM_IRQ_LINE)", std::to_string(after.interrupts - before.interrupts));
}

Result<StepOutcome> read_sector(Context& ctx, VirtioState& s) {
    const auto before = served(s);
    STRATA_TRY(run_to(ctx, s, "read", Milestone::disk_read));
    const auto after = served(s);
    const std::string text = after_marker(*s.pc->milestones().find(Milestone::disk_read), kvm::kDiskReadMarker);
    show_chain(ctx, s);
    show_requests(ctx, s, 4);
    show_rings(ctx, s);
    set_served_facts(ctx, before, after);
    ctx.facts().set_value("bytes the device read from the file", std::to_string(after.bytes_read - before.bytes_read));
    ctx.facts().set_value("what the guest read from sector 0", text);
    ctx.facts().set_value("used ring index", std::to_string(s.transport->queue()->used_index()));
    return StepOutcome{fmt::format(
        "dd asked for 512 bytes; the guest's page cache asked the disk for {} read request(s), {} bytes (whole pages, "
        "and readahead). virtio_blk put each on the available ring as a descriptor chain and wrote QueueNotify {} "
        "time(s); strata walked the chains, pread the file straight into the guest's buffers, put them on the used "
        "ring and raised IRQ 5 {} time(s). The guest read: \"{}\"",
        after.reads - before.reads, after.bytes_read - before.bytes_read, after.notifications - before.notifications,
        after.interrupts - before.interrupts, text)};
}

Result<StepOutcome> write_sector(Context& ctx, VirtioState& s) {
    const auto before = served(s);
    STRATA_TRY(run_to(ctx, s, "write", Milestone::disk_written));
    const auto after = served(s);
    show_chain(ctx, s);
    show_requests(ctx, s, 4);
    show_rings(ctx, s);
    // The host reads the file back: the guest's sentence is in it now.
    std::array<char, kvm::VirtioBlk::kSectorSize> sector{};
    engine::Span span(ctx.recorder(), engine::EventKind::syscall, "pread(disk, sector 1): the host looks",
                      {LayerId::vmm, LayerId::mounts});
    const auto n = ::pread(s.disk.get(), sector.data(), sector.size(), kvm::VirtioBlk::kSectorSize);
    span.finish(n, n < 0 ? errno : 0);
    if (n < 0) return engine::errno_error("pread the disk", errno);
    std::string text(sector.data(), strnlen(sector.data(), sector.size()));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
    set_served_facts(ctx, before, after);
    ctx.facts().set_value("sector 1 of the disk file, read by the host", text);
    ctx.facts().set_value("write requests", std::to_string(after.writes - before.writes));
    ctx.facts().set_value("bytes the device wrote to the file", std::to_string(after.bytes_written - before.bytes_written));
    ctx.facts().set_value("flush requests (fsync)", std::to_string(after.flushes - before.flushes));
    ctx.facts().set_value("disk", s.disk_source);
    return StepOutcome{fmt::format(
        "dd wrote 512 bytes and fsync'd: the guest's kernel sent {} read(s) (the rest of the page it changed), {} "
        "write(s) of {} bytes (the whole page) and {} flush(es), which strata turned into pread, pwrite and "
        "fdatasync on its file. The host reads sector 1 of that file: \"{}\" — the VM's disk is a file, and the "
        "guest's writes change that file and nothing else",
        after.reads - before.reads, after.writes - before.writes, after.bytes_written - before.bytes_written,
        after.flushes - before.flushes, text)};
}

Result<StepOutcome> power_down(Context& ctx, VirtioState& s) {
    auto off = STRATA_TRY(power_off(ctx, s));
    ctx.facts().set_value("virtio requests served", std::to_string(s.transport->requests()));
    ctx.facts().set_value("bytes read from the disk file", std::to_string(s.blk->bytes_read()));
    ctx.facts().set_value("bytes written to the disk file", std::to_string(s.blk->bytes_written()));
    return off;
}

}  // namespace

engine::Lesson virtio_lesson() {
    using L = LayerId;
    engine::LessonBuilder<VirtioState> lesson("vm/virtio");
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::guest_kernel};
    const auto absolute = [](const std::string& v) -> std::optional<std::string> {
        if (v.empty() || v.front() != '/') return std::string("give an absolute path");
        return std::nullopt;
    };
    lesson.options = {
        {"kernel", "the kernel to boot (a bzImage; its virtio modules beside it in modules/RELEASE/)", {}, "", absolute},
        {"log", "how much the kernel prints on its console: errors only, or all of its boot messages", {"quiet", "full"}},
        {"disk", "a file to use as the VM's disk (the guest writes its sector 1); default: a memfd", {}, "", absolute},
    };
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<VirtioState>();
        s->lesson = "virtio";
        if (auto it = options.find("kernel"); it != options.end()) s->kernel_path = it->second;
        if (auto it = options.find("disk"); it != options.end()) s->disk_path = it->second;
        if (auto it = options.find("log"); it != options.end()) s->quiet = it->second != "full";
        return s;
    };
    const std::vector<L> run = {L::vmm, L::kvm, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices};
    // The device reads the rings and buffers in guest RAM, the file through the host's VFS.
    const std::vector<L> io = {L::vmm,           L::kvm,           L::cpu_virt, L::guest_kernel,
                               L::guest_program, L::guest_devices, L::mounts,   L::ram};
    lesson.step("header", "Read the kernel's setup header", {L::vmm}, read_kernel_header)
        .provides("the kernel image", [](const VirtioState& s) { return !s.image.empty(); });
    lesson.step("lay-out", "Write the kernel, the virtio modules and the ACPI tables", {L::vmm, L::kvm, L::ram, L::mounts}, lay_out)
        .provides("guest RAM with the kernel", [](const VirtioState& s) { return s.ram != nullptr; });
    lesson.step("device", "Put a virtio-blk disk on the MMIO bus", {L::vmm, L::kvm, L::cpu_virt}, enter)
        .provides("a started vCPU and the device", [](const VirtioState& s) { return s.transport != nullptr; });
    lesson.step("boot", "Let Linux boot", run, boot_to_init);
    lesson.step("probe", "The driver finds the device", io, probe);
    lesson.step("read", "One read: chain, notify, interrupt", io, read_sector);
    lesson.step("write", "One write lands in the host's file", io, write_sector);
    lesson.step("power-off", "Power off", run, power_down);
    return lesson.build();
}

}  // namespace strata::lessons::vm
