#include "backends/measure/start_time.hpp"

#include <chrono>
#include <optional>

#include "assets/guests/images.hpp"
#include "backends/kvm/hello_vm.hpp"
#include "backends/kvm/linux_vm.hpp"
#include "backends/kvm/tinyos_vm.hpp"
#include "backends/kvm/uart16550.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "backends/linux/fast_start.hpp"
#include "backends/linux/whole_container.hpp"

namespace strata::measure {

namespace {

using Clock = std::chrono::steady_clock;

double ns(std::chrono::nanoseconds d) { return static_cast<double>(d.count()); }
double ns_between(Clock::time_point a, Clock::time_point b) { return ns(b - a); }

// Runs `one` options.count + 1 times; the first start warms caches and
// page tables and is dropped.
template <class One>
engine::Result<StartSeries> repeat(engine::Recorder& recorder, StartSeries series, const RunOptions& options, One one) {
    for (int i = 0; i <= options.count; ++i) {
        if (options.cancelled && options.cancelled()) return engine::plain_error(series.name, "cancelled");
        std::map<std::string, double> phases;
        if (auto r = one(phases); !r) return std::unexpected(r.error());
        if (i > 0)
            for (const auto& [phase, value] : phases) series.samples[phase].push_back(value);
        if (options.forget_events) recorder.clear();
    }
    return series;
}

}  // namespace

const std::vector<double>& StartSeries::of(const std::string& phase) const {
    static const std::vector<double> none;
    auto it = samples.find(phase);
    return it == samples.end() ? none : it->second;
}

engine::Result<StartSeries> container_starts(engine::Recorder& recorder, const std::string& rootfs,
                                             const RunOptions& options) {
    StartSeries series{"container (strata: clone3 + pivot_root + /bin/true)",
                       {"clone3, 7 namespaces", "uid/gid maps", "mounts + pivot_root", "execve /bin/true to exit", "total"},
                       {}};
    return repeat(recorder, std::move(series), options, [&](std::map<std::string, double>& out) -> engine::Result<void> {
        linux::ContainerStartTimes t;
        auto status = linux::run_container_once(recorder, rootfs, "/bin/true", &t);
        if (!status) return std::unexpected(status.error());
        if (*status != 0) return engine::plain_error("container start", "/bin/true failed in the container");
        out = {{"clone3, 7 namespaces", ns(t.clone)},
               {"uid/gid maps", ns(t.id_maps)},
               {"mounts + pivot_root", ns(t.root)},
               {"execve /bin/true to exit", ns(t.run)},
               {"total", ns(t.total())}};
        return {};
    });
}

engine::Result<StartSeries> whole_container_starts(engine::Recorder& recorder, const std::string& bundle,
                                                   const RunOptions& options) {
    auto spec = linux::load_oci_bundle(bundle);
    if (!spec) return std::unexpected(spec.error());
    StartSeries series{"whole container (strata: the OCI bundle's every stage)",
                       {"clone3 + id maps", "cgroup", "loopback", "mounts + pivot_root",
                        "/proc, host name, capabilities, no_new_privs", "seccomp", "process to exit", "tear down",
                        "total"},
                       {}};
    return repeat(recorder, std::move(series), options, [&](std::map<std::string, double>& out) -> engine::Result<void> {
        const auto t0 = Clock::now();
        auto prepared = linux::WholeContainer::prepare(recorder, *spec);
        if (!prepared) return std::unexpected(prepared.error());
        std::optional<linux::WholeContainer> box(std::move(*prepared));
        auto at = t0;
        auto lap = [&at](const char* phase, std::map<std::string, double>& into) {
            const auto now = Clock::now();
            into[phase] = ns(now - at);
            at = now;
        };
        if (auto r = box->create(); !r) return std::unexpected(r.error());
        lap("clone3 + id maps", out);
        if (auto r = box->cgroup(); !r) return std::unexpected(r.error());
        lap("cgroup", out);
        if (auto r = box->network(); !r) return std::unexpected(r.error());
        lap("loopback", out);
        if (auto r = box->rootfs(); !r) return std::unexpected(r.error());
        lap("mounts + pivot_root", out);
        if (auto r = box->proc_paths(); !r) return std::unexpected(r.error());
        if (auto r = box->hostname(); !r) return std::unexpected(r.error());
        if (auto r = box->capabilities(); !r) return std::unexpected(r.error());
        if (auto r = box->no_new_privs(); !r) return std::unexpected(r.error());
        lap("/proc, host name, capabilities, no_new_privs", out);
        if (auto r = box->seccomp(); !r) return std::unexpected(r.error());
        lap("seccomp", out);
        auto run = box->start();
        if (!run) return std::unexpected(run.error());
        if (run->result != 0) return engine::plain_error("whole container", "the process failed in the container");
        lap("process to exit", out);
        box.reset();  // kill, reap, remove the cgroup
        lap("tear down", out);
        out["total"] = ns(Clock::now() - t0);
        return {};
    });
}

engine::Result<StartSeries> hello_vm_starts(engine::Recorder& recorder, const RunOptions& options) {
    StartSeries series{"VM (strata: the hello guest, to HLT)",
                       {"open + KVM_CREATE_VM", "guest RAM", "KVM_CREATE_VCPU", "registers", "guest runs to HLT", "total"},
                       {}};
    return repeat(recorder, std::move(series), options, [&](std::map<std::string, double>& out) -> engine::Result<void> {
        const auto t0 = Clock::now();
        kvm::HelloVmTimes t;
        auto machine = kvm::build_hello_vm(recorder, guests::hello(), guests::real_mode_load_address, &t);
        if (!machine) return std::unexpected(machine.error());
        const auto t_regs = Clock::now();
        kvm::Devices devices;
        kvm::Uart16550 uart(&recorder);
        if (auto r = devices.pio.attach(0x3f8, 8, uart); !r) return std::unexpected(r.error());
        kvm::VcpuRunner runner(*machine->vcpu, devices);
        auto report = runner.run({std::chrono::milliseconds(2000), 1000});
        if (!report) return std::unexpected(report.error());
        const auto t_end = Clock::now();
        if (report->stop != kvm::RunStop::halted)
            return engine::plain_error("hello VM", "the guest did not halt: " + report->description);
        out = {{"open + KVM_CREATE_VM", ns(t.open + t.create_vm)},
               {"guest RAM", ns(t.memory)},
               {"KVM_CREATE_VCPU", ns(t.create_vcpu)},
               {"registers", ns(t.registers)},
               {"guest runs to HLT", ns_between(t_regs, t_end)},
               {"total", ns_between(t0, t_end)}};
        return {};
    });
}

engine::Result<StartSeries> tinyos_starts(engine::Recorder& recorder, const RunOptions& options) {
    StartSeries series{"VM (strata: tinyos, to its first user instruction)",
                       {"KVM_CREATE_VM + PIC + PIT", "guest RAM", "KVM_CREATE_VCPU", "CPUID, LAPIC, image, tables, registers",
                        "tinyos boots itself", "total"},
                       {}};
    return repeat(recorder, std::move(series), options, [&](std::map<std::string, double>& out) -> engine::Result<void> {
        const auto t0 = Clock::now();
        kvm::TinyosBuildTimes t;
        auto vm = kvm::TinyosVm::start(recorder, guests::tinyos(), kvm::tinyos::Workload::tour, {}, &t);
        if (!vm) return std::unexpected(vm.error());
        const auto t_built = Clock::now();
        if (auto r = (*vm)->run_to(kvm::tinyos::ready); !r) return std::unexpected(r.error());
        const auto t_end = Clock::now();
        out = {{"KVM_CREATE_VM + PIC + PIT", ns(t.vm)},
               {"guest RAM", ns(t.memory)},
               {"KVM_CREATE_VCPU", ns(t.vcpu)},
               {"CPUID, LAPIC, image, tables, registers", ns(t.boot)},
               {"tinyos boots itself", ns_between(t_built, t_end)},
               {"total", ns_between(t0, t_end)}};
        return {};
    });
}

engine::Result<StartSeries> linux_vm_starts(engine::Recorder& recorder, const LinuxBootInputs& inputs,
                                            const RunOptions& options) {
    StartSeries series{"Linux VM to /init (strata)",
                       {"open + KVM_CREATE_VM + irqchip + PIT", "guest RAM", "kernel, initramfs, zero page, page tables",
                        "vCPU, CPUID, registers, PC devices", "Linux boots to /init", "total"},
                       {}};
    return repeat(recorder, std::move(series), options, [&](std::map<std::string, double>& out) -> engine::Result<void> {
        const auto t0 = Clock::now();
        kvm::LinuxBuildTimes t;
        auto vm = kvm::LinuxVm::start(recorder, inputs.kernel, inputs.header, inputs.initramfs, inputs.cmdline, {}, &t);
        if (!vm) return std::unexpected(vm.error());
        const auto t_built = Clock::now();
        if (auto r = (*vm)->run_to(kvm::Milestone::init_running, kLinuxStartTimeout, options.cancelled); !r)
            return std::unexpected(r.error());
        const auto t_end = Clock::now();
        out = {{"open + KVM_CREATE_VM + irqchip + PIT", ns(t.vm)},
               {"guest RAM", ns(t.memory)},
               {"kernel, initramfs, zero page, page tables", ns(t.load)},
               {"vCPU, CPUID, registers, PC devices", ns(t.vcpu)},
               {"Linux boots to /init", ns_between(t_built, t_end)},
               {"total", ns_between(t0, t_end)}};
        return {};
    });
}

}  // namespace strata::measure
