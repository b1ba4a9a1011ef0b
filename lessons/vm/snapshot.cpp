// vm/snapshot: a running tinyos, saved to a file, brought back in a
// brand-new VM and in a new strata process, then moved live to another VM.
//
// The pause, save and restore are the real KVM calls, one piece of state
// each; the file is strata's documented format (docs/SNAPSHOT-FORMAT.md);
// the proof that the machine went on where it stopped is what its
// programs print and what its memory holds afterwards. Then dirty-page
// logging while it runs, and live migration's pre-copy built on it.
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <unistd.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/machine_snapshot.hpp"
#include "backends/linux/temp_dir.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"
#include "lessons/vm/precopy.hpp"
#include "lessons/vm/second_process.hpp"
#include "lessons/vm/snapshot_checks.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;
using Clock = std::chrono::steady_clock;
namespace tinyos = kvm::tinyos;

constexpr const char* kLesson = "snapshot";
constexpr std::uint64_t kStopAndCopyThreshold = 32;  // pages: 128 KiB, a millisecond on a 1 Gbit/s link
constexpr std::chrono::milliseconds kTimedPause{60};

struct SnapshotState final : engine::LessonState {
    bool pause_by_time = false;
    std::optional<linux::TempDir> dir;  // holds the snapshot file; removed with the lesson
    std::filesystem::path file;
    std::unique_ptr<kvm::TinyosVm> machine;
    std::optional<kvm::VcpuState> vcpu;  // from save-cpu to save-machine
    std::uint32_t paused_at = 0;
    std::vector<std::uint8_t> written;   // the file's bytes, for the damaged copies in check
    std::optional<kvm::LoadedSnapshot> loaded;
    std::size_t console_at_pause = 0;
    std::string continued;               // what the restored machine printed to the end of its phase
    double boot_ms = 0, guest_setup_ms = 0, save_ms = 0, restore_ms = 0;
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

kvm::Uart16550::Sink console_of(Context& ctx) {
    return [&ctx](std::string_view text) { ctx.console_write(text); };
}

void note(Context& ctx, std::string name, std::vector<LayerId> layers, std::vector<engine::EventArg> args = {}) {
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = std::move(name);
    event.layers = std::move(layers);
    event.args = std::move(args);
    event.start = ctx.recorder().now();
    ctx.recorder().record(std::move(event));
}

// Runs the machine until `wanted` (or, with `to_phase_end`, past the
// programs' marks to the end of the phase); anything else the guest did
// is the step's error.
Result<kvm::RunReport> run_until(Context& ctx, kvm::TinyosVm& m, const std::string& label, std::uint32_t wanted,
                                 kvm::RunLimits limits = {std::chrono::milliseconds(20000), 400'000}) {
    ctx.set_canceller([&m] { m.kick(); });
    auto report = limits.pause_after                          ? m.run_then_pause(*limits.pause_after, limits)
                  : tinyos::is_mark(wanted) || wanted == tinyos::ready ? m.run(limits)
                                                                       : m.run_to_phase_end(limits);
    ctx.set_canceller(nullptr);
    if (!report) return std::unexpected(report.error());
    set_exit_facts(ctx, label, *report);
    if (report->registers) ctx.facts().set_registers(kvm::register_view("vCPU 0", *report->registers));
    if (report->stop == kvm::RunStop::paused && report->checkpoint == tinyos::panic)
        return engine::plain_error(kLesson, "tinyos panicked (an exception inside its kernel): see the console");
    const bool timed = limits.pause_after && report->stop == kvm::RunStop::paused && report->checkpoint == 0;
    if (!timed) {
        STRATA_TRY(expect_stop(*report, wanted));
    }
    return report;
}

Result<StepOutcome> boot(Context& ctx, SnapshotState& s) {
    const auto started = Clock::now();
    auto k = STRATA_TRY(kvm::Kvm::open(ctx.recorder()));
    auto m = STRATA_TRY(kvm::TinyosVm::create(std::move(k), tinyos::kSnapshotRamSize, console_of(ctx)));
    s.machine = std::move(m);
    const auto made = Clock::now();
    STRATA_TRY(s.machine->boot(guests::tinyos(), tinyos::Workload::snapshot));
    STRATA_TRY(run_until(ctx, *s.machine, "boot", tinyos::ready, {std::chrono::milliseconds(5000), 100'000}));
    s.boot_ms = ms_since(started);
    s.guest_setup_ms = ms_since(made);
    ctx.facts().set_value("cold boot: open /dev/kvm to tinyos's first user instruction", fmt::format("{:.2f} ms", s.boot_ms));
    ctx.facts().set_value("of which: loading tinyos and its kernel setting itself up", fmt::format("{:.2f} ms", s.guest_setup_ms));
    ctx.facts().set_value("guest RAM", fmt::format("{} MiB ({} pages of 4 KiB)", tinyos::kSnapshotRamSize >> 20,
                                                   s.machine->ram_pages()));
    return StepOutcome{fmt::format("a brand-new VM booted tinyos to its first user instruction in {:.2f} ms: that is "
                                   "the cold boot a restore will be measured against",
                                   s.boot_ms)};
}

Result<StepOutcome> pause(Context& ctx, SnapshotState& s) {
    kvm::RunLimits limits{std::chrono::milliseconds(20000), 400'000};
    if (s.pause_by_time) limits.pause_after = kTimedPause;
    auto report = STRATA_TRY(run_until(ctx, *s.machine, "pause", tinyos::kHalfwayMark, limits));
    s.paused_at = report.checkpoint;
    s.console_at_pause = ctx.console_text().size();
    const auto programs = lines_by_program(ctx.console_text());
    const auto count = [&](const char* name) { return programs.count(name) ? programs.at(name).size() : 0; };
    ctx.facts().set_value("paused at", tinyos::checkpoint_name(s.paused_at));
    ctx.facts().set_value("ticker lines printed before the pause", std::to_string(count("ticker")));
    ctx.facts().set_value("writer rounds finished before the pause", std::to_string(count("writer")));
    if (report.registers) ctx.facts().set_value("RIP at the pause", fmt::format("{:#x}", report.registers->rip));
    const std::string where = s.paused_at ? "at " + tinyos::checkpoint_name(s.paused_at)
                                          : fmt::format("after {} ms, wherever it was", kTimedPause.count());
    return StepOutcome{fmt::format("tinyos is paused {}: the ticker has printed {} of its 24 numbers, the writer "
                                   "{} of its 8 rounds. Both programs are mid-run; the vCPU waits outside KVM_RUN",
                                   where, count("ticker"), count("writer"))};
}

Result<StepOutcome> save_cpu(Context& ctx, SnapshotState& s) {
    const auto started = Clock::now();
    auto vcpu = STRATA_TRY(kvm::capture_vcpu(*s.machine));
    s.save_ms = ms_since(started);
    auto sum = STRATA_TRY(kvm::summarize(vcpu));
    const auto& v = vcpu;
    engine::TableView table{"what the vCPU's state is made of", {"piece", "bytes", "here"}, {}, {}};
    table.rows = {
        {"vcpu.mp_state", std::to_string(v.mp_state.size()), sum.mp_state},
        {"vcpu.regs", std::to_string(v.regs.size()), fmt::format("RIP {:#x}, RSP {:#x}", sum.regs.rip, sum.regs.rsp)},
        {"vcpu.sregs", std::to_string(v.sregs.size()),
         fmt::format("CR3 {:#x} (tinyos's page tables), CR0 {:#x}, EFER {:#x}", sum.sregs.cr3, sum.sregs.cr0, sum.sregs.efer)},
        {"vcpu.fpu", std::to_string(v.fpu.size()), "x87 and SSE registers"},
        {"vcpu.xsave", std::to_string(v.xsave.size()), fmt::format("components holding state: {:#x}", sum.xstate_bv)},
        {"vcpu.xcrs", std::to_string(v.xcrs.size()), fmt::format("XCR0 {:#x}", sum.xcr0)},
        {"vcpu.debugregs", std::to_string(v.debugregs.size()), fmt::format("DR7 {:#x}", sum.dr7)},
        {"vcpu.lapic", std::to_string(v.lapic.size()), fmt::format("LVT LINT0 {:#x} (ExtINT: the PIC's timer comes in here)", sum.lapic_lvt_lint0)},
        {"vcpu.msrs", std::to_string(v.msrs.size()), fmt::format("{} MSRs KVM lists and could read (LSTAR: where syscall enters)", sum.msr_count)},
        {"vcpu.cpuid", std::to_string(v.cpuid.size()), fmt::format("{} CPUID entries the vCPU was given", sum.cpuid_entries)},
        {"vcpu.events", std::to_string(v.events.size()), sum.pending},
    };
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_registers(kvm::register_view("vCPU 0 as saved", sum.regs, &sum.sregs));
    std::size_t bytes = 0;
    for (const auto* piece : {&v.mp_state, &v.regs, &v.sregs, &v.fpu, &v.xsave, &v.xcrs, &v.debugregs, &v.lapic, &v.msrs,
                              &v.cpuid, &v.events})
        bytes += piece->size();
    ctx.facts().set_value("vCPU state", fmt::format("{} bytes in 11 pieces, read in {:.2f} ms", bytes, s.save_ms));
    s.vcpu = std::move(vcpu);
    return StepOutcome{fmt::format("the whole vCPU in {} bytes: {} MSRs, a {}-byte XSAVE area, the LAPIC, {}; {}",
                                   bytes, sum.msr_count, sum.xsave_bytes, sum.mp_state,
                                   s.paused_at ? "the OUT it had stopped on was finished first"
                                               : "KVM_RUN with immediate_exit found no instruction left to finish")};
}

Result<StepOutcome> save_machine(Context& ctx, SnapshotState& s) {
    const auto started = Clock::now();
    kvm::Snapshot snap;
    auto rest = kvm::capture_rest(*s.machine, std::move(*s.vcpu), s.paused_at);
    s.vcpu.reset();
    if (!rest) return std::unexpected(rest.error());
    snap.state = std::move(*rest);
    auto origin = STRATA_TRY(kvm::describe_origin(*s.machine, snap.state.vcpu));
    snap.origin = std::move(origin);
    snap.memory = kvm::capture_memory(ctx.recorder(), s.machine->ram());
    std::vector<kvm::SectionEntry> layout;
    s.written = kvm::encode_snapshot(snap, &layout);
    auto dir = STRATA_TRY(linux::TempDir::create("snapshot"));
    s.dir.emplace(std::move(dir));
    s.file = s.dir->path() / "tinyos.snap";
    STRATA_TRY(kvm::write_snapshot_file(ctx.recorder(), s.file, s.written));
    s.save_ms += ms_since(started);
    engine::TableView table{"the snapshot file, section by section", {"section", "bytes", "CRC-32", "holds"}, {}, {}};
    for (const auto& e : layout)
        table.rows.push_back({kvm::section_name(e.id), std::to_string(e.size), fmt::format("{:08x}", e.crc),
                              std::string(kvm::section_meaning(e.id))});
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("snapshot file", s.file.string());
    ctx.facts().set_value("snapshot size", fmt::format("{} bytes ({} KiB)", s.written.size(), s.written.size() / 1024));
    ctx.facts().set_value("guest RAM pages stored", fmt::format("{} of {} (the rest are all zeros)", snap.memory.pages.size(),
                                                                s.machine->ram_pages()));
    ctx.facts().set_value("save time (vCPU, VM, devices, memory, file)", fmt::format("{:.2f} ms", s.save_ms));
    ctx.facts().set_value("taken on", snap.origin.cpu.describe());
    return StepOutcome{fmt::format("{} sections, {} KiB, written in {:.2f} ms all told: the PICs, IOAPIC, PIT and clock "
                                   "from KVM, strata's UART and trace position, and {} of {} RAM pages",
                                   layout.size(), s.written.size() / 1024, s.save_ms, snap.memory.pages.size(),
                                   s.machine->ram_pages())};
}

// What the loader says about copies of the file damaged on purpose (the
// real decoder on real bytes; nothing is restored from them).
void show_refusals(Context& ctx, const std::vector<std::uint8_t>& good) {
    engine::TableView table{"copies of the file, damaged on purpose, and what the loader says", {"copy", "refused with"}, {}, {}};
    auto flipped = good;
    flipped[flipped.size() - 100] ^= 0x01;
    auto cut = std::span(good).first(good.size() - 1000);
    auto newer = good;
    newer[8] = 2;
    for (auto [what, bytes] : {std::pair<std::string, std::span<const std::uint8_t>>{"one bit flipped in guest memory", flipped},
                               {"the last 1000 bytes cut off", cut},
                               {"format version 2", newer}}) {
        auto r = kvm::decode_snapshot(bytes);
        table.rows.push_back({what, r ? "accepted (it should not have been)" : r.error().message});
    }
    ctx.facts().set_table(std::move(table));
}

Result<StepOutcome> check(Context& ctx, SnapshotState& s) {
    // From here on only the file is left: the original machine goes, fds,
    // memory and all.
    s.machine.reset();
    note(ctx, "VMM destroys the original VM: its vCPU, VM and /dev/kvm fds are closed, its RAM unmapped",
         {LayerId::vmm, LayerId::kvm});
    auto loaded = STRATA_TRY(kvm::load_snapshot(ctx.recorder(), s.file));
    const auto& snap = loaded.snapshot.snapshot();
    auto here = kvm::this_cpu();
    engine::TableView table{"what the loader checked before creating anything", {"check", "result"}, {}, {}};
    table.rows = {
        {"magic number and format version", fmt::format("\"{}\", version {}", kvm::kSnapshotMagic, kvm::kSnapshotFormatVersion)},
        {"written by", fmt::format("strata {} (this is strata {})", snap.origin.strata_version, kvm::strata_version())},
        {"header and section table checksums", "right"},
        {"section checksums (CRC-32)", fmt::format("{} of {} right", loaded.snapshot.table().size(), loaded.snapshot.table().size())},
        {"every section there once, of its kernel size", "yes"},
        {"the CPU it was taken on", fmt::format("{} (here: {})", snap.origin.cpu.describe(), here.describe())},
        {"XSAVE components the guest may use", fmt::format("{:#x}, all offered here", snap.origin.xcr0_supported)},
    };
    ctx.facts().set_table(std::move(table));
    show_refusals(ctx, s.written);
    s.loaded.emplace(std::move(loaded));
    return StepOutcome{fmt::format("the original VM is gone; the {} byte file passed every check (version, checksums, "
                                   "sizes, CPU) before strata made anything from it",
                                   s.loaded->snapshot.file_size())};
}

Result<StepOutcome> restore(Context& ctx, SnapshotState& s) {
    const auto from = ctx.recorder().size();
    const auto started = Clock::now();
    auto m = STRATA_TRY(kvm::restore_snapshot(std::move(s.loaded->kvm), s.loaded->snapshot, console_of(ctx)));
    s.restore_ms = ms_since(started);
    s.machine = std::move(m);
    s.loaded.reset();
    engine::TableView order{"the restore, call by call", {"#", "call"}, {}, {}};
    const auto events = ctx.recorder().events();
    for (std::size_t i = from; i < events.size(); ++i)
        if (events[i].kind == engine::EventKind::ioctl)
            order.rows.push_back({std::to_string(order.rows.size() + 1), events[i].name});
    ctx.facts().set_table(std::move(order));
    ctx.facts().set_value("restore: KVM_CREATE_VM to a VM ready to run", fmt::format("{:.2f} ms", s.restore_ms));
    ctx.facts().set_value("cold boot, for comparison", fmt::format("{:.2f} ms", s.boot_ms));
    return StepOutcome{fmt::format("a brand-new VM holds the saved machine, made in {:.2f} ms. The cold boot took {:.2f} "
                                   "ms, {:.2f} of them tinyos loading and setting itself up: the part a restore skips; both "
                                   "pay for KVM making the VM and mapping its RAM",
                                   s.restore_ms, s.boot_ms, s.guest_setup_ms)};
}

// Pages 0-63 of the shared data as the writer must have left them.
std::uint64_t writer_pages_wrong(const kvm::GuestMemory& ram) {
    std::uint64_t wrong = 0;
    for (std::uint64_t page = 0; page < 64; ++page) {
        auto bytes = ram.bytes(tinyos::kDataPhys + page * tinyos::kPageSize, tinyos::kPageSize);
        if (!bytes) return 64;
        for (std::uint64_t i = 0; i < 512; ++i) {
            std::uint64_t word;
            std::memcpy(&word, bytes->data() + i * 8, 8);
            if (word != tinyos::workload_word(page, page / 8 + 1, i)) {
                ++wrong;
                break;
            }
        }
    }
    return wrong;
}

Result<StepOutcome> continue_run(Context& ctx, SnapshotState& s) {
    STRATA_TRY(run_until(ctx, *s.machine, "continue", tinyos::pause_phase_done));
    const std::string console = ctx.console_text();
    s.continued = console.substr(s.console_at_pause);
    const std::string before = console.substr(0, s.console_at_pause);
    STRATA_TRY(check_pause_phase(before, s.continued));
    const auto wrong = writer_pages_wrong(s.machine->ram());
    const std::string first_line = s.continued.substr(0, s.continued.find('\n'));
    // Paused by time, the guest may have stopped in the middle of a line.
    const bool mid_line = !before.empty() && before.back() != '\n';
    ctx.facts().set_value(mid_line ? "the rest of the line it was printing when paused" : "first line after the restore", first_line);
    ctx.facts().set_value("writer's pages 0-63 as the program wrote them", fmt::format("{} of 64", 64 - wrong));
    ctx.facts().set_value("writer's checksum", std::to_string(expected_writer_checksum()));
    if (wrong)
        return engine::plain_error(kLesson, fmt::format("{} of the writer's pages differ from what it wrote", wrong),
                                   "the restored memory is not the saved memory");
    return StepOutcome{fmt::format("the restored machine went on with \"{}\"{}: the ticker counted on to 24 with no "
                                   "number repeated or lost, the writer finished its 8 rounds and its checksum and all "
                                   "64 of its pages are right",
                                   first_line, mid_line ? ", the rest of the line it was printing when paused" : "")};
}

Result<StepOutcome> new_process(Context& ctx, SnapshotState& s) {
    auto other = STRATA_TRY(resume_in_new_process(ctx.recorder(), s.file));
    ctx.console_write(fmt::format("\n--- strata snapshot resume, process {}: ---\n{}--- (end of that process) ---\n",
                                  other.pid, other.console));
    const std::string before = ctx.console_text().substr(0, s.console_at_pause);
    STRATA_TRY(check_pause_phase(before, other.console));
    STRATA_TRY(same_per_program(s.continued, other.console));
    ctx.facts().set_value("second strata process", fmt::format("pid {} (this one is {})", other.pid, ::getpid()));
    ctx.facts().set_value("its check: the file read, /dev/kvm opened, every check", fmt::format("{:.2f} ms", other.validate_ms));
    ctx.facts().set_value("its restore: KVM_CREATE_VM to a VM ready to run", fmt::format("{:.2f} ms", other.restore_ms));
    ctx.facts().set_value("its calls to restore", std::to_string(other.restore_calls.size()));
    ctx.facts().set_value("its output, program by program", "the same as this process's restored machine");
    return StepOutcome{fmt::format("process {} read the file, checked it, built its own VM with {} calls in {:.2f} ms "
                                   "and printed the same continuation: a snapshot carries the whole machine",
                                   other.pid, other.restore_calls.size(), other.restore_ms)};
}

Result<StepOutcome> dirty_log(Context& ctx, SnapshotState& s) {
    auto& m = *s.machine;
    STRATA_TRY(m.log_dirty_pages(true));
    engine::TableView table{"each round: what the program says it wrote, what KVM's dirty log shows",
                            {"round", "the program wrote", "dirty shared-data pages", "other dirty pages"}, {}, {}};
    engine::SeriesView data{"shared-data pages dirtied per round", "round", "pages", {}};
    engine::SeriesView other{"other pages dirtied per round (tinyos's kernel)", "round", "pages", {}};
    int round = 0, mismatches = 0;
    std::string first_mismatch, logged;  // logged: "16, 16, 0, ..." for the facts
    for (;;) {
        ctx.set_canceller([&m] { m.kick(); });
        auto report = m.run({std::chrono::milliseconds(20000), 400'000});
        ctx.set_canceller(nullptr);
        if (!report) return std::unexpected(report.error());
        if (report->stop == kvm::RunStop::paused && report->checkpoint == tinyos::dirty_phase_done) break;
        if (report->stop != kvm::RunStop::paused || !tinyos::is_mark(report->checkpoint) || !m.trace().last_mark())
            return engine::plain_error(kLesson, "the dirtier did not reach its next round: " + report->description);
        auto bitmap = STRATA_TRY(m.take_dirty_log());
        const auto count = count_dirty(bitmap, tinyos::kDataPhys / tinyos::kPageSize, tinyos::kDataPages);
        const auto& mark = *m.trace().last_mark();
        const auto first = kvm::mark_first_page(mark), pages = kvm::mark_pages(mark);
        const bool same = matches_mark(count, first, pages);
        mismatches += !same;
        ++round;
        if (!same && first_mismatch.empty())
            first_mismatch = fmt::format("round {}: the program wrote {} page(s) from {}, the log shows {}", round, pages,
                                         first, page_ranges(count.data_pages));
        table.rows.push_back({std::to_string(round), pages ? fmt::format("{} pages: {}-{}", pages, first, first + pages - 1) : "nothing (it only read)",
                              fmt::format("{}: {}", count.data_pages.size(), page_ranges(count.data_pages)),
                              std::to_string(count.other_pages)});
        table.row_marked.push_back(!same);
        logged += fmt::format("{}{}", logged.empty() ? "" : ", ", count.data_pages.size());
        data.points.emplace_back(round, static_cast<double>(count.data_pages.size()));
        other.points.emplace_back(round, static_cast<double>(count.other_pages));
    }
    ctx.facts().set_table(std::move(table));
    ctx.facts().series.push_back(std::move(data));
    ctx.facts().series.push_back(std::move(other));
    ctx.facts().set_value("dirty shared-data pages, round by round", logged);
    ctx.facts().set_value("rounds whose dirty pages match what the program wrote", fmt::format("{} of {}", round - mismatches, round));
    if (round == 0 || mismatches)
        return engine::plain_error(kLesson, fmt::format("in {} of {} rounds KVM's dirty log differs from what the program wrote; "
                                                        "first, {}", mismatches, round, first_mismatch));
    return StepOutcome{fmt::format("{} rounds: in each, the shared-data pages KVM logged as dirty are exactly the ones "
                                   "the program wrote, a page written twice counts once, a page only read not at all; "
                                   "a few more pages are tinyos's own kernel at work",
                                   round)};
}

Result<StepOutcome> pre_copy(Context& ctx, SnapshotState& s) {
    auto k = STRATA_TRY(kvm::Kvm::open(ctx.recorder()));
    // Cancel stops the source, which is the only machine that runs here.
    ctx.set_canceller([&m = *s.machine] { m.kick(); });
    auto moved = migrate_live(*s.machine, std::move(k), console_of(ctx), kStopAndCopyThreshold);
    ctx.set_canceller(nullptr);
    if (!moved) return std::unexpected(moved.error());
    if (moved->pages_differing)
        return engine::plain_error(kLesson, fmt::format("after stop-and-copy {} pages of the destination's RAM differ from "
                                                        "the source's", moved->pages_differing));
    engine::TableView table{"pre-copy, round by round",
                            {"round", "the guest ran to", "pages dirtied (shared data)", "pages copied", "at 1 Gbit/s"}, {}, {}};
    engine::SeriesView series{"pages copied per round", "round", "pages", {}};
    for (const auto& r : moved->rounds) {
        const double link_ms = static_cast<double>(r.copied * tinyos::kPageSize) * 8 / 1e9 * 1000;
        table.rows.push_back({r.stop_and_copy ? fmt::format("{}: stop-and-copy", r.number) : std::to_string(r.number),
                              r.number == 0 ? "(logging starts; everything is copied)" : r.guest_ran_to,
                              r.number == 0 ? "all" : fmt::format("{} ({})", r.dirtied, r.data_dirtied),
                              std::to_string(r.copied), fmt::format("{:.2f} ms (computed)", link_ms)});
        table.row_marked.push_back(r.stop_and_copy);
        series.points.emplace_back(r.number, static_cast<double>(r.copied));
    }
    ctx.facts().set_table(std::move(table));
    ctx.facts().series.push_back(std::move(series));
    const auto ram_pages = s.machine->ram_pages();
    // The source goes; the destination is the machine now.
    s.machine = std::move(moved->destination);
    note(ctx, "VMM destroys the source VM: the guest lives on in the destination", {LayerId::vmm, LayerId::kvm});
    const auto hog_from = ctx.console_text().size();
    STRATA_TRY(run_until(ctx, *s.machine, "after the migration", tinyos::migrate_phase_done));
    const auto hog = lines_by_program(ctx.console_text())["hog"];
    const std::string expected_done = "hog: done, checksum " + std::to_string(expected_hog_checksum());
    if (hog.size() != 7 || hog.back() != expected_done)
        return engine::plain_error(kLesson, fmt::format("the migrated hog printed {} lines, ending \"{}\"; \"{}\" was due",
                                                        hog.size(), hog.empty() ? "" : hog.back(), expected_done));
    const auto& last = moved->rounds.back();
    ctx.facts().set_value("pre-copy rounds", std::to_string(moved->rounds.size() - 1));
    ctx.facts().set_value("pages copied in all", fmt::format("{} for {} pages of RAM", moved->pages_copied, ram_pages));
    ctx.facts().set_value("stop-and-copy: pages copied while the guest was paused", std::to_string(last.copied));
    ctx.facts().set_value("downtime: the guest's last pause to the destination ready", fmt::format("{:.2f} ms", moved->downtime_ms));
    ctx.facts().set_value("destination RAM after stop-and-copy", "identical to the source's, page for page");
    ctx.facts().set_value("the hog after the move", ctx.console_text().substr(hog_from, ctx.console_text().find('\n', hog_from) - hog_from));
    return StepOutcome{fmt::format("{} rounds of pre-copy while tinyos ran, then it paused for {:.2f} ms while the last "
                                   "{} pages and its state moved; the hog finished in the new VM with the right "
                                   "checksum. {} pages copied in all for {} pages of RAM",
                                   moved->rounds.size() - 1, moved->downtime_ms, last.copied, moved->pages_copied, ram_pages)};
}

}  // namespace

engine::Lesson snapshot_lesson() {
    using L = LayerId;
    engine::LessonBuilder<SnapshotState> lesson("vm/snapshot");
    lesson.requirements = {engine::Requirement::kvm};
    lesson.options = {{"pause",
                       "where to pause tinyos: at the writer's halfway mark, or after 60 ms wherever it is",
                       {"mark", "time"}}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<SnapshotState>();
        s->pause_by_time = options.at("pause") == "time";
        return s;
    };
    const std::vector<L> run = {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices, L::guest_kernel};
    const std::vector<L> run_and_ram = {L::vmm,           L::kvm,           L::ram,         L::cpu_virt,
                                        L::guest_program, L::guest_devices, L::guest_kernel};
    lesson.step("boot", "Boot tinyos, and time it", run_and_ram, boot)
        .provides("the machine", [](const SnapshotState& s) { return s.machine != nullptr; });
    lesson.step("pause", "Pause it mid-run", run, pause).provides("a paused machine", [](const SnapshotState& s) {
        return s.console_at_pause > 0;
    });
    lesson.step("save-cpu", "Save the vCPU", {L::vmm, L::kvm, L::cpu_virt}, save_cpu)
        .provides(&SnapshotState::vcpu, "the saved vCPU");
    lesson
        .step("save-machine", "Save the machine around it, to a file", {L::vmm, L::kvm, L::cpu_virt, L::ram, L::mounts},
              save_machine)
        .consumes("the saved vCPU")
        .provides("the snapshot file", [](const SnapshotState& s) { return !s.file.empty(); });
    lesson.step("check", "Check the whole file before trusting it", {L::vmm, L::kvm, L::mounts}, check)
        .consumes("the machine")
        .provides(&SnapshotState::loaded, "a checked snapshot");
    lesson.step("restore", "Restore it into a brand-new VM", {L::vmm, L::kvm, L::ram, L::cpu_virt}, restore)
        .consumes("a checked snapshot")
        .provides("the restored machine", [](const SnapshotState& s) { return s.machine && s.restore_ms > 0; });
    lesson.step("continue", "Let it go on where it stopped", run, continue_run)
        .provides("the in-process continuation", [](const SnapshotState& s) { return !s.continued.empty(); });
    lesson.step("new-process", "Restore it in a new strata process", {L::vmm, L::processes}, new_process);
    lesson.step("dirty-log", "Log the pages the guest dirties", run_and_ram, dirty_log);
    lesson.step("pre-copy", "Move it live: pre-copy, then stop-and-copy", run_and_ram, pre_copy);
    return lesson.build();
}

}  // namespace strata::lessons::vm
