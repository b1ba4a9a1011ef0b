#include "backends/kvm/tinyos_vm.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/lap_timer.hpp"
#include "backends/kvm/memory_flags.hpp"

namespace strata::kvm {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

TinyosVm::TinyosVm(Kvm kvm, Uart16550::Sink console)
    : kvm_(std::move(kvm)), uart_(&kvm_.recorder(), std::move(console)) {}

Result<std::unique_ptr<TinyosVm>> TinyosVm::start(Recorder& recorder, std::span<const std::uint8_t> image,
                                                  tinyos::Workload workload, Uart16550::Sink console,
                                                  TinyosBuildTimes* times) {
    TinyosBuildTimes local;
    TinyosBuildTimes& out = times ? *times : local;
    auto mark = Clock::now();
    auto kvm = Kvm::open(recorder);
    if (!kvm) return std::unexpected(kvm.error());
    const auto open_time = lap(mark);
    auto machine = create(std::move(*kvm), tinyos::ram_size(workload), std::move(console), &out);
    if (!machine) return std::unexpected(machine.error());
    out.vm += open_time;
    if (auto r = (*machine)->boot(image, workload, tinyos::Fault::none, &out); !r) return std::unexpected(r.error());
    return machine;
}

Result<std::unique_ptr<TinyosVm>> TinyosVm::create(Kvm kvm, std::size_t ram_size, Uart16550::Sink console,
                                                   TinyosBuildTimes* times) {
    std::unique_ptr<TinyosVm> machine(new TinyosVm(std::move(kvm), std::move(console)));
    TinyosBuildTimes local;
    if (auto r = machine->build(ram_size, times ? *times : local); !r) return std::unexpected(r.error());
    return machine;
}

Result<void> TinyosVm::build(std::size_t ram_size, TinyosBuildTimes& times) {
    auto mark = Clock::now();
    auto vm = kvm_.create_vm();
    if (!vm) return std::unexpected(vm.error());
    vm_.emplace(std::move(*vm));
    // The interrupt controllers and the timer exist before any vCPU: KVM
    // gives each vCPU made afterwards its LAPIC.
    if (auto r = vm_->create_irqchip(); !r) return r;
    if (auto r = vm_->create_pit2(); !r) return r;
    (void)tinyos::coalesce_missed_ticks(*vm_);  // recorded; a host without it keeps the burst
    times.vm = lap(mark);

    auto ram = GuestMemory::allocate(recorder(), 0, ram_size);
    if (!ram) return std::unexpected(ram.error());
    ram_.emplace(std::move(*ram));
    if (auto r = vm_->map_memory(kRamSlot, *ram_); !r) return r;
    times.memory = lap(mark);

    auto vcpu = vm_->create_vcpu(0);
    if (!vcpu) return std::unexpected(vcpu.error());
    vcpu_.emplace(std::move(*vcpu));
    times.vcpu = lap(mark);

    trace_.emplace(*ram_, tinyos::kTraceRing, &recorder());
    if (auto r = devices_.pio.attach(tinyos::kUartPort, 8, uart_); !r) return r;
    if (auto r = devices_.pio.attach(tinyos::kCheckpointPort, 1, checkpoint_); !r) return r;
    if (auto r = devices_.pio.attach(tinyos::kTraceDoorbell, 1, *trace_); !r) return r;
    return {};
}

Result<void> TinyosVm::boot(std::span<const std::uint8_t> image, tinyos::Workload workload, tinyos::Fault fault,
                            TinyosBuildTimes* times) {
    auto mark = Clock::now();
    auto cpuid = supported_cpuid(kvm_);
    if (!cpuid) return std::unexpected(cpuid.error());
    if (auto r = set_cpuid(*vcpu_, *cpuid); !r) return r;
    if (auto r = vcpu_->route_pic_through_lapic(); !r) return r;
    const LongModeLayout layout;
    if (auto r = tinyos::load(recorder(), *ram_, image, fault, layout, workload); !r) return r;
    workload_ = workload;
    if (auto r = tinyos::start(*vcpu_, layout); !r) return r;
    if (times) times->boot = lap(mark);
    return {};
}

Result<RunReport> TinyosVm::run(RunLimits limits) {
    VcpuRunner runner(*vcpu_, devices_);
    {
        std::lock_guard lock(runner_mutex_);
        if (kicked_) runner.kick();
        runner_ = &runner;
    }
    auto report = runner.run(limits);
    {
        std::lock_guard lock(runner_mutex_);
        runner_ = nullptr;
    }
    trace_->drain();  // what the guest logged but had not rung the doorbell for
    return report;
}

Result<RunReport> TinyosVm::run_to(std::uint32_t checkpoint, RunLimits limits) {
    auto report = run(limits);
    if (!report) return report;
    if (report->stop == RunStop::paused && report->checkpoint == tinyos::panic)
        return engine::plain_error("tinyos", "tinyos panicked (an exception inside its kernel)");
    if (report->stop == RunStop::cancelled) return engine::plain_error("tinyos", "cancelled");
    if (report->stop != RunStop::paused || report->checkpoint != checkpoint)
        return engine::plain_error("tinyos", fmt::format("tinyos should have reached {}, but: {}: {}",
                                                         tinyos::checkpoint_name(checkpoint),
                                                         run_stop_name(report->stop), report->description));
    return report;
}

Result<RunReport> TinyosVm::run_to_phase_end(RunLimits limits) {
    const auto deadline = Clock::now() + limits.timeout;
    for (;;) {
        auto report = run(limits);
        if (!report || report->stop != RunStop::paused || !tinyos::is_mark(report->checkpoint)) return report;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return report;
        limits.timeout = left;
    }
}

Result<RunReport> TinyosVm::run_then_pause(std::chrono::milliseconds after, RunLimits limits) {
    const auto deadline = Clock::now() + after;
    for (;;) {
        // What is left of `after`, at least a millisecond: a mark that
        // lands on the deadline still ends in a pause by time.
        limits.pause_after = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
                                      std::chrono::milliseconds(1));
        auto report = run(limits);
        if (!report || report->stop != RunStop::paused || !tinyos::is_mark(report->checkpoint)) return report;
    }
}

void TinyosVm::kick() {
    std::lock_guard lock(runner_mutex_);
    kicked_ = true;
    if (runner_) runner_->kick();
}

Result<void> TinyosVm::log_dirty_pages(bool on) { return vm_->map_memory(kRamSlot, *ram_, on ? kMemLogDirtyPages : 0); }

Result<std::vector<std::uint64_t>> TinyosVm::take_dirty_log() { return vm_->get_dirty_log(kRamSlot, ram_pages()); }

}  // namespace strata::kvm
