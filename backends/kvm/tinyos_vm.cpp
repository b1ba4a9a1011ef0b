#include "backends/kvm/tinyos_vm.hpp"

#include <fmt/format.h>

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

}  // namespace strata::kvm
