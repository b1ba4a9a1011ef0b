#include "backends/kvm/tinyos_vm.hpp"

#include <fmt/format.h>

#include "backends/kvm/host_cpu.hpp"
#include "backends/kvm/memory_flags.hpp"

namespace strata::kvm {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds since(Clock::time_point& mark) {
    const auto now = Clock::now();
    const auto d = std::chrono::duration_cast<std::chrono::nanoseconds>(now - mark);
    mark = now;
    return d;
}

}  // namespace

engine::Result<std::unique_ptr<TinyOsVm>> TinyOsVm::create(engine::Recorder& recorder,
                                                          std::span<const std::uint8_t> image,
                                                          Uart16550::Sink console, TinyOsBuildTimes* times) {
    std::unique_ptr<TinyOsVm> t(new TinyOsVm(recorder));
    TinyOsBuildTimes local;
    TinyOsBuildTimes& out = times ? *times : local;
    auto mark = Clock::now();

    auto kvm = Kvm::open(recorder);
    if (!kvm) return std::unexpected(kvm.error());
    t->kvm_.emplace(std::move(*kvm));
    auto vm = t->kvm_->create_vm();
    if (!vm) return std::unexpected(vm.error());
    t->vm_.emplace(std::move(*vm));
    if (auto r = t->vm_->create_irqchip(); !r) return std::unexpected(r.error());
    if (auto r = t->vm_->create_pit2(); !r) return std::unexpected(r.error());
    tinyos::coalesce_missed_ticks(*t->vm_);  // see tinyos.hpp; a host without it keeps the burst
    out.vm = since(mark);

    auto ram = GuestMemory::allocate(recorder, 0, tinyos::kRamSize);
    if (!ram) return std::unexpected(ram.error());
    t->ram_.emplace(std::move(*ram));
    if (auto r = t->vm_->map_memory(0, *t->ram_); !r) return std::unexpected(r.error());
    out.memory = since(mark);

    auto vcpu = t->vm_->create_vcpu(0);
    if (!vcpu) return std::unexpected(vcpu.error());
    t->vcpu_.emplace(std::move(*vcpu));
    if (auto r = t->vcpu_->route_pic_through_lapic(); !r) return std::unexpected(r.error());
    out.vcpu = since(mark);

    const LongModeLayout layout;
    if (auto r = tinyos::load(recorder, *t->ram_, image, tinyos::Fault::none, layout); !r)
        return std::unexpected(r.error());
    if (auto r = tinyos::start(*t->vcpu_, layout); !r) return std::unexpected(r.error());
    t->uart_ = std::make_unique<Uart16550>(&recorder, std::move(console));
    t->checkpoint_ = std::make_unique<CheckpointPort>(t->devices_);
    t->trace_ = std::make_unique<GuestTrace>(*t->ram_, tinyos::kTraceRing, &recorder);
    if (auto r = t->devices_.pio.attach(tinyos::kUartPort, 8, *t->uart_); !r) return std::unexpected(r.error());
    if (auto r = t->devices_.pio.attach(tinyos::kCheckpointPort, 1, *t->checkpoint_); !r) return std::unexpected(r.error());
    if (auto r = t->devices_.pio.attach(tinyos::kTraceDoorbell, 1, *t->trace_); !r) return std::unexpected(r.error());
    out.load = since(mark);
    return t;
}

engine::Result<RunReport> TinyOsVm::run_to(std::uint32_t checkpoint, RunLimits limits) {
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
    if (!report) return std::unexpected(report.error());
    in_guest_ += report->in_guest;
    trace_->drain();  // what the guest logged but did not flush
    if (report->stop == RunStop::paused && report->checkpoint == tinyos::panic)
        return engine::plain_error("tinyos", "tinyos panicked (an exception inside its kernel)");
    if (report->stop == RunStop::cancelled) return engine::plain_error("tinyos", "cancelled");
    if (report->stop != RunStop::paused || report->checkpoint != checkpoint)
        return engine::plain_error("tinyos", fmt::format("tinyos should have reached checkpoint {}, but: {}: {}",
                                                         checkpoint, run_stop_name(report->stop), report->description));
    return report;
}

void TinyOsVm::kick() {
    std::lock_guard lock(runner_mutex_);
    kicked_ = true;
    if (runner_) runner_->kick();
}

TinyosVm::TinyosVm(Kvm kvm, Uart16550::Sink console)
    : kvm_(std::move(kvm)), uart_(&kvm_.recorder(), std::move(console)) {}

Result<std::unique_ptr<TinyosVm>> TinyosVm::create(Kvm kvm, std::size_t ram_size, Uart16550::Sink console) {
    std::unique_ptr<TinyosVm> machine(new TinyosVm(std::move(kvm), std::move(console)));
    if (auto r = machine->build(ram_size); !r) return std::unexpected(r.error());
    return machine;
}

Result<void> TinyosVm::build(std::size_t ram_size) {
    auto vm = kvm_.create_vm();
    if (!vm) return std::unexpected(vm.error());
    vm_.emplace(std::move(*vm));
    // The interrupt controllers and the timer exist before any vCPU: KVM
    // gives each vCPU made afterwards its LAPIC.
    if (auto r = vm_->create_irqchip(); !r) return r;
    if (auto r = vm_->create_pit2(); !r) return r;
    (void)tinyos::coalesce_missed_ticks(*vm_);  // recorded; a host without it keeps the burst
    auto ram = GuestMemory::allocate(recorder(), 0, ram_size);
    if (!ram) return std::unexpected(ram.error());
    ram_.emplace(std::move(*ram));
    if (auto r = vm_->map_memory(kRamSlot, *ram_); !r) return r;
    auto vcpu = vm_->create_vcpu(0);
    if (!vcpu) return std::unexpected(vcpu.error());
    vcpu_.emplace(std::move(*vcpu));
    trace_.emplace(*ram_, tinyos::kTraceRing, &recorder());
    if (auto r = devices_.pio.attach(tinyos::kUartPort, 8, uart_); !r) return r;
    if (auto r = devices_.pio.attach(tinyos::kCheckpointPort, 1, checkpoint_); !r) return r;
    if (auto r = devices_.pio.attach(tinyos::kTraceDoorbell, 1, *trace_); !r) return r;
    return {};
}

Result<void> TinyosVm::boot(std::span<const std::uint8_t> image, tinyos::Workload workload, tinyos::Fault fault) {
    auto cpuid = supported_cpuid_bytes(kvm_);
    if (!cpuid) return std::unexpected(cpuid.error());
    if (auto r = set_cpuid(*vcpu_, *cpuid); !r) return r;
    if (auto r = vcpu_->route_pic_through_lapic(); !r) return r;
    const LongModeLayout layout;
    if (auto r = tinyos::load(recorder(), *ram_, image, fault, layout, workload); !r) return r;
    workload_ = workload;
    return tinyos::start(*vcpu_, layout);
}

Result<RunReport> TinyosVm::run(RunLimits limits, const std::function<void(VcpuRunner*)>& on_runner) {
    VcpuRunner runner(*vcpu_, devices_);
    if (on_runner) on_runner(&runner);
    auto report = runner.run(limits);
    if (on_runner) on_runner(nullptr);
    trace_->drain();  // what the guest logged but had not rung the doorbell for
    return report;
}

Result<RunReport> TinyosVm::run_to_phase_end(RunLimits limits, const std::function<void(VcpuRunner*)>& on_runner) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + limits.timeout;
    for (;;) {
        auto report = run(limits, on_runner);
        if (!report || report->stop != RunStop::paused || !tinyos::is_mark(report->checkpoint)) return report;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return report;
        limits.timeout = left;
    }
}

Result<void> TinyosVm::log_dirty_pages(bool on) { return vm_->map_memory(kRamSlot, *ram_, on ? kMemLogDirtyPages : 0); }

Result<std::vector<std::uint64_t>> TinyosVm::take_dirty_log() { return vm_->get_dirty_log(kRamSlot, ram_pages()); }

}  // namespace strata::kvm
