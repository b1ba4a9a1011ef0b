// `strata snapshot save|info|resume`: tinyos snapshots from the command
// line. vm/snapshot runs `resume` as a second strata process to show a
// machine continuing in a process that never saw it run.
#include <chrono>
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/event_format.hpp"
#include "assets/guests/images.hpp"
#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/machine_snapshot.hpp"
#include "engine/stop_request.hpp"

namespace strata::cli {

namespace {

using Clock = std::chrono::steady_clock;
namespace tinyos = kvm::tinyos;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// A missing or forbidden /dev/kvm is the machine's lack (exit 3); anything
// else went wrong with the request (exit 1).
int fail(const engine::Error& error) {
    std::fprintf(stderr, "strata: %s\n", format_error(error, {}).c_str());
    const bool no_kvm = error.operation.starts_with("open /dev/kvm");
    return no_kvm ? exit_requirement : exit_failed;
}

void print_events(const engine::Recorder& recorder, std::size_t from) {
    const auto events = recorder.events();
    for (std::size_t i = from; i < events.size(); ++i) std::printf("%s\n", format_event(events[i], {}).c_str());
}

std::string origin_text(const kvm::SnapshotOrigin& o) {
    return fmt::format("made by strata {} on CPU {}; XSAVE {} bytes; TSC {} kHz", o.strata_version, o.cpu.describe(),
                       o.xsave_size, o.tsc_khz);
}

int save(const std::string& output, int pause_ms) {
    engine::Recorder recorder;
    auto k = kvm::Kvm::open(recorder);
    if (!k) return fail(k.error());
    const auto started = Clock::now();
    auto machine = kvm::TinyosVm::create(std::move(*k), tinyos::kSnapshotRamSize, [](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), stdout);
    });
    if (!machine) return fail(machine.error());
    auto& m = **machine;
    // A stop request (a signal) kicks the vCPU out of KVM_RUN; the machine
    // is then destroyed on the way out and no file is written.
    const engine::StopHook stop([&m] { m.kick(); });
    if (auto r = m.boot(guests::tinyos(), tinyos::Workload::snapshot); !r) return fail(r.error());
    kvm::RunLimits limits{std::chrono::milliseconds(10000), 200'000};
    auto ready = m.run(limits);
    if (engine::stop_requested()) return exit_failed;
    if (!ready) return fail(ready.error());
    const double boot_ms = ms_since(started);
    // Paused where the writer marks its halfway point, or by time (running
    // on past the marks that come first).
    auto report = pause_ms > 0 ? m.run_then_pause(std::chrono::milliseconds(pause_ms), limits) : m.run(limits);
    if (engine::stop_requested()) return exit_failed;
    if (!report) return fail(report.error());
    if (report->stop != kvm::RunStop::paused || (pause_ms == 0 && report->checkpoint != tinyos::kHalfwayMark)) {
        std::fprintf(stderr, "strata: tinyos did not stop where it should have been paused: %s\n", report->description.c_str());
        return exit_failed;
    }
    const auto saving = Clock::now();
    auto snap = kvm::take_snapshot(m, report->checkpoint);
    if (!snap) return fail(snap.error());
    const auto bytes = kvm::encode_snapshot(*snap);
    if (auto w = kvm::write_snapshot_file(recorder, output, bytes); !w) return fail(w.error());
    const std::string where = report->checkpoint ? "at " + tinyos::checkpoint_name(report->checkpoint)
                                                 : fmt::format("after {} ms, wherever it was", pause_ms);
    std::printf("\nstrata: booted tinyos in %.2f ms, paused it %s, saved %zu bytes (%zu of %zu RAM pages) to %s in %.2f ms\n",
                boot_ms, where.c_str(), bytes.size(), snap->memory.pages.size(), m.ram_pages(), output.c_str(),
                ms_since(saving));
    return exit_ok;
}

int info(const std::string& path, bool json) {
    engine::Recorder recorder;
    auto bytes = kvm::read_snapshot_file(recorder, path);
    if (!bytes) return fail(bytes.error());
    auto decoded = kvm::decode_snapshot(*bytes);
    if (!decoded) return fail(decoded.error().with_context(path));
    // Whether it belongs on this machine needs /dev/kvm's answer; the file
    // itself is described either way.
    std::string here = "not checked: /dev/kvm cannot be opened here";
    if (auto k = kvm::Kvm::open(recorder)) {
        auto host = kvm::probe_host_cpu(*k);
        auto fits = host ? kvm::check_cpu(decoded->snapshot.origin, *host) : std::unexpected(host.error());
        here = fits ? "yes" : "no: " + fits.error().message;
    }
    const auto& s = decoded->snapshot;
    if (json) {
        nlohmann::json sections = nlohmann::json::array();
        for (const auto& e : decoded->table)
            sections.push_back({{"name", kvm::section_name(e.id)}, {"offset", e.offset}, {"bytes", e.size},
                                {"crc32", fmt::format("{:08x}", e.crc)}});
        std::printf("%s\n", nlohmann::json{{"file", path},
                                           {"bytes", decoded->file_size},
                                           {"format_version", kvm::kSnapshotFormatVersion},
                                           {"strata_version", s.origin.strata_version},
                                           {"cpu", s.origin.cpu.describe()},
                                           {"checkpoint", tinyos::checkpoint_name(s.state.checkpoint)},
                                           {"pages_stored", s.memory.pages.size()},
                                           {"restorable_here", here},
                                           {"sections", sections}}
                                .dump()
                                .c_str());
        return exit_ok;
    }
    std::printf("%s: a strata snapshot, format %u, %llu bytes, every checksum right\n  %s\n  paused at %s; %zu of %llu "
                "RAM pages stored\n  restorable on this machine: %s\n\n  %-15s %9s %9s  %-8s  %s\n",
                path.c_str(), kvm::kSnapshotFormatVersion, static_cast<unsigned long long>(decoded->file_size),
                origin_text(s.origin).c_str(), tinyos::checkpoint_name(s.state.checkpoint).c_str(), s.memory.pages.size(),
                static_cast<unsigned long long>(s.memory.size / tinyos::kPageSize), here.c_str(), "section", "offset",
                "bytes", "crc32", "holds");
    for (const auto& e : decoded->table)
        std::printf("  %-15s %9llu %9llu  %08x  %s\n", kvm::section_name(e.id).c_str(),
                    static_cast<unsigned long long>(e.offset), static_cast<unsigned long long>(e.size), e.crc,
                    std::string(kvm::section_meaning(e.id)).c_str());
    return exit_ok;
}

int resume(const std::string& path, bool json, bool events, bool all_phases, int timeout_ms) {
    engine::Recorder recorder;
    std::string console;
    const bool live = !json;
    const auto started = Clock::now();
    auto loaded = kvm::load_snapshot(recorder, path);
    if (!loaded) return fail(loaded.error());
    const auto checked = recorder.size();
    const double validate_ms = ms_since(started);
    const auto restoring = Clock::now();
    auto machine = kvm::restore_snapshot(std::move(loaded->kvm), loaded->snapshot, [&](std::string_view text) {
        console.append(text);
        if (live) std::fwrite(text.data(), 1, text.size(), stdout), std::fflush(stdout);
    });
    if (!machine) return fail(machine.error());
    const double restore_ms = ms_since(restoring);  // the new VM, from its KVM_CREATE_VM to ready to run
    const auto restore_events = recorder.events();
    const auto& s = loaded->snapshot.snapshot();
    if (live) {
        std::printf("strata: %s: %s, paused at %s; read and checked in %.2f ms, then restored into a new VM in %.2f ms "
                    "with %zu calls. tinyos continues:\n",
                    path.c_str(), origin_text(s.origin).c_str(), tinyos::checkpoint_name(s.state.checkpoint).c_str(),
                    validate_ms, restore_ms, restore_events.size() - checked);
        if (events) print_events(recorder, 0);
        std::fflush(stdout);
    }
    auto& m = **machine;
    const engine::StopHook stop([&m] { m.kick(); });
    const auto running = Clock::now();
    const kvm::RunLimits limits{std::chrono::milliseconds(timeout_ms), 400'000};
    auto report = m.run_to_phase_end(limits);
    while (report && all_phases && report->stop == kvm::RunStop::paused && report->checkpoint != tinyos::panic &&
           report->checkpoint != tinyos::last_checkpoint(m.workload()) && !engine::stop_requested())
        report = m.run_to_phase_end(limits);
    if (engine::stop_requested()) return exit_failed;
    if (!report) return fail(report.error());
    const bool ok = report->stop == kvm::RunStop::paused && report->checkpoint != tinyos::panic;
    const double run_ms = ms_since(running);
    if (json) {
        nlohmann::json calls = nlohmann::json::array();
        for (std::size_t i = checked; i < restore_events.size(); ++i)
            if (restore_events[i].kind == engine::EventKind::ioctl) calls.push_back(restore_events[i].name);
        std::printf("%s\n", nlohmann::json{{"file", path},
                                           {"pid", ::getpid()},
                                           {"validate_ms", validate_ms},
                                           {"restore_ms", restore_ms},
                                           {"run_ms", run_ms},
                                           {"restore_calls", calls},
                                           {"pages_loaded", s.memory.pages.size()},
                                           {"saved_at", tinyos::checkpoint_name(s.state.checkpoint)},
                                           {"stop", std::string(kvm::run_stop_name(report->stop))},
                                           {"checkpoint", report->checkpoint},
                                           {"stopped_at", ok ? tinyos::checkpoint_name(report->checkpoint) : report->description},
                                           {"console", console}}
                                .dump()
                                .c_str());
    } else {
        std::printf("strata: tinyos reached %s after %.1f ms in the restored VM\n",
                    ok ? tinyos::checkpoint_name(report->checkpoint).c_str() : report->description.c_str(), run_ms);
    }
    return ok ? exit_ok : exit_failed;
}

}  // namespace

Command add_snapshot(CLI::App& app) {
    struct Options {
        std::string file, output;
        bool json = false, events = false, all = false;
        int pause_ms = 0, timeout_ms = 10000;
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("snapshot", "Save a running tinyos to a file, describe one, or resume one in a new VM");
    sub->require_subcommand(1);
    auto* save_cmd = sub->add_subcommand("save", "Boot tinyos, pause it mid-run and save it");
    save_cmd->add_option("-o,--output", options->output, "Snapshot file to write")->required();
    save_cmd->add_option("--after-ms", options->pause_ms,
                         "Pause this many ms after tinyos's first user instruction, wherever it is (default: at "
                         "the writer's halfway mark)")
        ->check(CLI::Range(1, 60000));
    auto* info_cmd = sub->add_subcommand("info", "Check a snapshot file and list its sections");
    info_cmd->add_option("file", options->file, "Snapshot file")->required();
    info_cmd->add_flag("--json", options->json, "Print JSON");
    auto* resume_cmd = sub->add_subcommand("resume", "Restore a snapshot into a brand-new VM and let tinyos go on");
    resume_cmd->add_option("file", options->file, "Snapshot file")->required();
    resume_cmd->add_flag("--json", options->json, "Print one JSON object at the end instead of the console as it comes");
    resume_cmd->add_flag("--events", options->events, "Print every call the restore made");
    resume_cmd->add_flag("--all", options->all, "Run every remaining phase, not only the one it was saved in");
    resume_cmd->add_option("--timeout-ms", options->timeout_ms, "Stop tinyos after this long")->check(CLI::Range(100, 600000));
    return [options, save_cmd, info_cmd, resume_cmd]() {
        if (save_cmd->parsed()) return save(options->output, options->pause_ms);
        if (info_cmd->parsed()) return info(options->file, options->json);
        if (resume_cmd->parsed())
            return resume(options->file, options->json, options->events, options->all, options->timeout_ms);
        return static_cast<int>(exit_usage);
    };
}

}  // namespace strata::cli

