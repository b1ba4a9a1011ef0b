#include "backends/kvm/linux_vm.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "backends/kvm/lap_timer.hpp"
#include "engine/last_line.hpp"

namespace strata::kvm {

namespace {

using Clock = std::chrono::steady_clock;

// A runaway guest flooding a device within one slice.
constexpr std::uint64_t kMaxExitsPerSlice = 5'000'000;
// How often a run looks at `cancelled`.
constexpr std::chrono::milliseconds kSlice{200};

}  // namespace

Result<std::unique_ptr<LinuxVm>> LinuxVm::start(Recorder& recorder, std::span<const std::uint8_t> image,
                                                const SetupHeader& header, std::span<const std::uint8_t> initrd,
                                                std::string cmdline, Uart16550::Sink console, LinuxBuildTimes* times) {
    LinuxBuildTimes local;
    LinuxBuildTimes& out = times ? *times : local;
    auto mark = Clock::now();
    // Placed before anything is made: a kernel or initramfs that cannot fit is refused at once.
    auto plan = linux_guest::plan_boot(header, initrd.size(), linux_guest::kDefaultRamSize, std::move(cmdline));
    if (!plan) return std::unexpected(plan.error());
    auto kvm = Kvm::open(recorder);
    if (!kvm) return std::unexpected(kvm.error());
    std::unique_ptr<LinuxVm> machine(new LinuxVm(std::move(*kvm)));
    machine->plan_ = std::move(*plan);
    out.vm = lap(mark);
    if (auto r = machine->build(image, header, initrd, std::move(console), out); !r) return std::unexpected(r.error());
    return machine;
}

Result<void> LinuxVm::build(std::span<const std::uint8_t> image, const SetupHeader& header,
                            std::span<const std::uint8_t> initrd, Uart16550::Sink console, LinuxBuildTimes& times) {
    auto& recorder = kvm_.recorder();
    auto mark = Clock::now();
    auto vm = kvm_.create_vm();
    if (!vm) return std::unexpected(vm.error());
    vm_.emplace(std::move(*vm));
    if (auto r = linux_guest::prepare_vm(*vm_); !r) return r;
    times.vm += lap(mark);

    auto ram = GuestMemory::allocate(recorder, 0, plan_.ram_size);
    if (!ram) return std::unexpected(ram.error());
    ram_.emplace(std::move(*ram));
    if (auto r = vm_->map_memory(kRamSlot, *ram_); !r) return r;
    times.memory = lap(mark);

    if (auto r = linux_guest::load(recorder, *ram_, image, header, initrd, plan_); !r) return std::unexpected(r.error());
    times.load = lap(mark);

    auto vcpu = vm_->create_vcpu(0);
    if (!vcpu) return std::unexpected(vcpu.error());
    vcpu_.emplace(std::move(*vcpu));
    if (auto r = linux_guest::prepare_vcpu(kvm_, *vcpu_, plan_); !r) return std::unexpected(r.error());
    auto pc = LinuxPc::attach(&recorder, *vm_, devices_, std::move(console));
    if (!pc) return std::unexpected(pc.error());
    pc_ = std::move(*pc);
    times.vcpu = lap(mark);
    return {};
}

Result<RunReport> LinuxVm::run_to(Milestone milestone, std::chrono::milliseconds timeout,
                                  const std::function<bool()>& cancelled) {
    const std::string what = fmt::format("Linux under strata's VMM, to {}", milestone_name(milestone));
    if (pc_->milestones().find(milestone)) return engine::plain_error(what, "the guest is already past it");
    pc_->milestones().stop_at(milestone);
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return engine::plain_error(what, fmt::format("not reached within {} s", timeout.count() / 1000.0),
                                       last_console_line());
        if (cancelled && cancelled()) return engine::plain_error(what, "cancelled");
        VcpuRunner runner(*vcpu_, devices_);
        std::optional<engine::Error> line_failed;
        runner.set_before_entry([&] {
            if (line_failed) return;
            if (auto r = pc_->sync_lines(); !r) line_failed = r.error();
        });
        auto report = runner.run({left, kMaxExitsPerSlice, std::min(left, kSlice)});
        if (!report) return report;
        if (line_failed) return std::unexpected(*line_failed);
        if (report->stop == RunStop::paused && report->checkpoint == static_cast<std::uint32_t>(milestone))
            return report;
        if (report->stop == RunStop::paused && report->checkpoint == 0) continue;  // a slice ended
        const auto* panic = pc_->milestones().find(Milestone::kernel_panic);
        const std::string said = panic ? " — " + panic->line : "";
        if (auto reset = linux_reset_cause(*report))
            return engine::plain_error(what, "the guest reset the machine first: " + *reset + said, last_console_line());
        return engine::plain_error(what, fmt::format("{}: {}{}", run_stop_name(report->stop), report->description, said),
                                   last_console_line());
    }
}

std::string LinuxVm::last_console_line() const {
    const auto line = engine::last_line(pc_->uart().output());
    return line.empty() ? "the guest printed nothing on its console"
                        : "the guest's last console line: " + std::string(line);
}

}  // namespace strata::kvm
