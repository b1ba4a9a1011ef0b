#include "backends/measure/guest_speed.hpp"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "assets/guests/compute_loop.hpp"
#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/guest_memory.hpp"
#include "backends/kvm/long_mode.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/kvm/vm.hpp"
#include "backends/sys/machine_code.hpp"
#include "engine/stop_request.hpp"

namespace strata::measure {

namespace {

using engine::LayerId;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kMaxIterations = std::uint64_t(1) << 34;

// One run: `iterations` through the routine -> (answer, ns).
using OneRun = std::function<engine::Result<std::pair<std::uint64_t, double>>(std::uint64_t iterations)>;

// Grows the count until one run lasts `target`, then times `runs` runs.
engine::Result<LoopTiming> calibrate_and_time(std::string where, const LoopOptions& options, const OneRun& run) {
    LoopTiming t{std::move(where), 1024, {}, 0};
    const double target = static_cast<double>(std::chrono::nanoseconds(options.target).count());
    for (;;) {
        auto r = run(t.iterations);
        if (!r) return std::unexpected(r.error());
        if (r->second >= target || t.iterations >= kMaxIterations) break;
        // Aim past the target, but never more than 64x at once: a slow
        // place (emulated guest kernel code) must not run for minutes.
        const double factor = std::clamp(target / std::max(r->second, 1.0) * 1.3, 2.0, 64.0);
        t.iterations = std::min(kMaxIterations, static_cast<std::uint64_t>(static_cast<double>(t.iterations) * factor));
    }
    for (int i = 0; i < options.runs; ++i) {
        if (engine::stop_requested()) return engine::stop_error(t.where);
        auto r = run(t.iterations);
        if (!r) return std::unexpected(r.error());
        if (i > 0 && r->first != t.answer)
            return engine::plain_error(t.where, "the routine gave two different answers for the same count");
        t.answer = r->first;
        t.ns_per_iteration.push_back(r->second / static_cast<double>(t.iterations));
    }
    return t;
}

engine::Result<guests::ComputeLoopImage> image() {
    auto loop = guests::compute_loop_image();
    if (!loop) return engine::plain_error("compute_loop guest", "the embedded image has no valid header");
    return *loop;
}

}  // namespace

std::uint64_t loop_reference(std::uint64_t iterations) {
    std::uint64_t x = 0x2545f4914f6cdd1dull;
    for (std::uint64_t i = 0; i < iterations; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

engine::Result<LoopTiming> loop_native(engine::Recorder& recorder, const LoopOptions& options) {
    auto loop = image();
    if (!loop) return std::unexpected(loop.error());
    return calibrate_and_time("natively, in strata's own process", options, [&](std::uint64_t n)
                                  -> engine::Result<std::pair<std::uint64_t, double>> {
        engine::Span span(recorder, engine::EventKind::process,
                          fmt::format("run the compute routine natively ({} iterations)", n), {LayerId::processes});
        const auto run = sys::run_machine_code(loop->routine.data(), loop->routine.size(), n);
        span.arg("took", fmt::format("{:.3f} ms", static_cast<double>(run.nanos) / 1e6));
        span.finish(run.error ? -1 : 0, run.error);
        if (run.error) return engine::errno_error("mmap (routine)", run.error, "could not map the routine executable");
        return std::pair{run.result, static_cast<double>(run.nanos)};
    });
}

engine::Result<LoopTiming> loop_in_container(linux::Agent& container, const LoopOptions& options) {
    auto loop = image();
    if (!loop) return std::unexpected(loop.error());
    return calibrate_and_time("in a container, by its own process", options, [&](std::uint64_t n)
                                  -> engine::Result<std::pair<std::uint64_t, double>> {
        auto reply = container.run_code(loop->routine, n, fmt::format("the compute routine ({} iterations)", n));
        if (!reply) return std::unexpected(reply.error());
        return std::pair{static_cast<std::uint64_t>(reply->result), static_cast<double>(reply->inside.count())};
    });
}

engine::Result<LoopTiming> loop_in_guest(engine::Recorder& recorder, int ring, const LoopOptions& options) {
    auto loop = image();
    if (!loop) return std::unexpected(loop.error());
    auto kvm = kvm::Kvm::open(recorder);
    if (!kvm) return std::unexpected(kvm.error());
    auto vm = kvm->create_vm();
    if (!vm) return std::unexpected(vm.error());
    auto ram = kvm::GuestMemory::allocate(recorder, 0, kvm::LongModeLayout::kMinimumRam);
    if (!ram) return std::unexpected(ram.error());
    if (auto r = ram->write(guests::long_mode_load_address, loop->image); !r) return std::unexpected(r.error());
    kvm::LongModeLayout layout;
    layout.user_pages = ring == 3;
    if (auto r = kvm::write_long_mode_tables(recorder, *ram, layout); !r) return std::unexpected(r.error());
    if (auto r = vm->map_memory(0, *ram); !r) return std::unexpected(r.error());
    auto vcpu = vm->create_vcpu(0);
    if (!vcpu) return std::unexpected(vcpu.error());
    if (auto r = kvm::enter_long_mode(*vcpu, layout, loop->entry, 0x80000, ring); !r) return std::unexpected(r.error());
    // Which privilege level the guest code really runs at, from the vCPU's
    // own state: CS's descriptor privilege level.
    auto sregs = vcpu->get_special_registers();
    if (!sregs) return std::unexpected(sregs.error());
    const int cpl = sregs->cs.dpl;
    engine::TraceEvent level;
    level.kind = engine::EventKind::note;
    level.name = fmt::format("the guest's code runs at CPL {} (ring {}, {})", cpl, cpl, cpl == 0 ? "kernel mode" : "user mode");
    level.layers = {LayerId::vmm, cpl == 0 ? LayerId::guest_kernel : LayerId::guest_program};
    level.start = recorder.now();
    recorder.record(level);

    kvm::Devices devices;
    kvm::CheckpointPort done(devices);
    if (auto r = devices.pio.attach(0x501, 1, done); !r) return std::unexpected(r.error());
    const std::string where = ring == 0 ? "in a VM, as guest kernel code (ring 0)" : "in a VM, as guest user code (ring 3)";
    return calibrate_and_time(where, options, [&](std::uint64_t n) -> engine::Result<std::pair<std::uint64_t, double>> {
        auto regs = vcpu->get_registers();
        if (!regs) return std::unexpected(regs.error());
        regs->rdi = n;  // the guest calls the routine with whatever RDI holds at (re)entry
        if (auto r = vcpu->set_registers(*regs); !r) return std::unexpected(r.error());
        kvm::VcpuRunner runner(*vcpu, devices);
        const auto t0 = Clock::now();
        auto report = runner.run({std::chrono::milliseconds(30000), 10});
        const double elapsed = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
        if (!report) return std::unexpected(report.error());
        if (report->stop != kvm::RunStop::paused || report->checkpoint != 1)
            return engine::plain_error(where, fmt::format("the guest did not finish its loop: {}: {}",
                                                          kvm::run_stop_name(report->stop), report->description));
        auto after = vcpu->get_registers();
        if (!after) return std::unexpected(after.error());
        return std::pair{after->rbx, elapsed};
    });
}

}  // namespace strata::measure
