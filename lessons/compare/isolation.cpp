// compare/isolation: what a container and a VM can see of the machine —
// processes, mounts, host name, devices, kernel, the CPU's own word about
// a hypervisor — next to what the host sees, and who draws each line: the
// host kernel's namespaces for the container, the virtual hardware (and
// the hypervisor behind it) for the VM.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/real_mode.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/host_uname.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/isolation";

// One view of the machine: what a container, the VM or the host sees.
struct View {
    std::string processes, mounts, host_name, devices, kernel, hypervisor;
};

struct State final : engine::LessonState {
    std::optional<linux::Agent> box;
    std::unique_ptr<kvm::TinyosVm> vm;
    View container, guest;
    bool guest_seen = false;
};

std::size_t numeric_entries(const std::vector<std::string>& names) {
    return std::count_if(names.begin(), names.end(), [](const std::string& n) {
        return !n.empty() && std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isdigit(c); });
    });
}

std::size_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

// /proc/cpuinfo's "flags" line: the host kernel's reading of CPUID.
std::string hypervisor_flag(const std::string& cpuinfo) {
    const auto at = cpuinfo.find("\nflags");
    if (at == std::string::npos) return "no flags line";
    const auto line = cpuinfo.substr(at, cpuinfo.find('\n', at + 1) - at) + " ";
    return line.find(" hypervisor ") != std::string::npos ? "set" : "clear";
}

Result<StepOutcome> container(Context& ctx, State& s) {
    auto box = STRATA_TRY(start_full_container(ctx, "strata-box"));
    s.box.emplace(std::move(box));
    return StepOutcome{fmt::format("a container with every namespace, the image as its root and its own /proc: pid {} "
                                   "on the host",
                                   s.box->pid())};
}

Result<StepOutcome> container_view(Context& ctx, State& s) {
    auto& box = *s.box;
    const std::vector<LayerId> proc = {LayerId::container, LayerId::mounts};
    auto pids = box.list_dir("/proc", {LayerId::container, LayerId::processes});
    auto mounts = box.read_file("/proc/self/mountinfo", proc);
    auto name = box.gethostname();
    auto devices = box.list_dir("/dev", proc);
    auto uname = box.uname({LayerId::container, LayerId::namespaces});
    auto cpuinfo = box.read_file("/proc/cpuinfo", proc);
    for (const auto* r : {&pids, &devices})
        if (!*r) return std::unexpected(r->error());
    for (const auto* r : {&mounts, &name, &cpuinfo})
        if (!*r) return std::unexpected(r->error());
    if (!uname) return std::unexpected(uname.error());
    const auto u = linux::parse_uname(uname->out);
    s.container = {fmt::format("{} (its own PID namespace)", numeric_entries(*pids)),
                   fmt::format("{} (its own mount namespace)", lines(*mounts)), *name,
                   fmt::format("{} entries in /dev", devices->size()), u.sysname + " " + u.release,
                   "CPUID bit " + hypervisor_flag(*cpuinfo) + " (the host CPU's, via /proc/cpuinfo)"};
    ctx.facts().set_value("container: processes", std::to_string(numeric_entries(*pids)));
    ctx.facts().set_value("container: mounts", std::to_string(lines(*mounts)));
    ctx.facts().set_value("container: host name", *name);
    ctx.facts().set_value("container: kernel", u.sysname + " " + u.release);
    ctx.facts().set_value("container: hypervisor flag", hypervisor_flag(*cpuinfo));
    return StepOutcome{fmt::format("inside: {} process(es), {} mounts, host name \"{}\", kernel {} {}: every answer "
                                   "came from the host kernel, filtered by the container's namespaces",
                                   numeric_entries(*pids), lines(*mounts), *name, u.sysname, u.release)};
}

// A second, tiny VM whose guest executes CPUID after the VMM chose its
// CPUID table: what the guest is told about the processor.
Result<std::pair<std::uint32_t, std::string>> guest_cpuid(Context& ctx) {
    lessons::vm::Machine m;
    STRATA_TRY(m.open(ctx));
    auto ram = STRATA_TRY(m.add_memory(ctx, 0, 0, 64 * 1024));
    STRATA_TRY(ram->write(guests::real_mode_load_address, guests::cpuid_probe()));
    STRATA_TRY(m.create_vcpu());
    auto table = STRATA_TRY(kvm::supported_cpuid(*m.kvm));
    STRATA_TRY(kvm::set_cpuid(*m.vcpu, table));
    STRATA_TRY(kvm::enter_real_mode(*m.vcpu, guests::real_mode_load_address, 0x8000));
    auto report = STRATA_TRY(m.run(ctx, "CPUID probe", {std::chrono::milliseconds(2000), 100}));
    STRATA_TRY(lessons::vm::expect_stop(report, 0));
    const auto& regs = *report.registers;
    const auto leaf1_ecx = static_cast<std::uint32_t>(regs.rsi);
    const std::string signature = kvm::cpuid_signature(std::uint32_t(regs.rbx), std::uint32_t(regs.rcx), std::uint32_t(regs.rdx));
    return std::pair{leaf1_ecx, signature};
}

Result<StepOutcome> vm_view(Context& ctx, State& s) {
    auto vm = STRATA_TRY(boot_tinyos(ctx));
    s.vm = std::move(vm);
    const auto from_byte = s.vm->uart().output().size();
    for (auto phase : {kvm::tinyos::programs_done, kvm::tinyos::echo_done, kvm::tinyos::touch_done, kvm::tinyos::uname_done})
        STRATA_TRY(run_tinyos(ctx, *s.vm, phase));
    const auto uname = guest_uname_line(*s.vm, from_byte);
    const auto processes = s.vm->trace().count(kvm::GuestEventKind::start);
    auto cpuid = STRATA_TRY(guest_cpuid(ctx));
    const bool bit = (cpuid.first & kvm::kCpuidHypervisorBit) != 0;
    s.guest = {fmt::format("{} (tinyos's own; it has never heard of the host's)", processes),
               "none (tinyos has no file system; strata gave it no disk)", "none (tinyos has no host name)",
               "COM1 at 0x3f8, a checkpoint port, a trace doorbell: what strata's VMM attached",
               uname,
               fmt::format("CPUID bit {}, signature \"{}\" (what strata's VMM told it: KVM_SET_CPUID2)",
                           bit ? "set" : "clear", cpuid.second)};
    s.guest_seen = true;
    ctx.facts().set_value("guest: processes it ran", std::to_string(processes));
    ctx.facts().set_value("guest: kernel", uname);
    ctx.facts().set_value("guest: hypervisor bit", bit ? "set" : "clear");
    ctx.facts().set_value("guest: hypervisor signature", cpuid.second);
    return StepOutcome{fmt::format("inside the VM: {} processes, all tinyos's; no file system; devices are strata's "
                                   "models; kernel \"{}\"; CPUID says hypervisor bit {}, \"{}\"",
                                   processes, uname, bit ? "set" : "clear", cpuid.second)};
}

Result<StepOutcome> boundary(Context& ctx, State& s) {
    const std::vector<LayerId> procfs = {LayerId::runtime, LayerId::mounts};
    auto pids = linux::host_list_dir(ctx.recorder(), "/proc", {LayerId::runtime, LayerId::processes});
    auto mounts = linux::host_read(ctx.recorder(), "/proc/self/mountinfo", procfs);
    auto name = linux::host_read(ctx.recorder(), "/proc/sys/kernel/hostname", {LayerId::runtime, LayerId::namespaces});
    auto devices = linux::host_list_dir(ctx.recorder(), "/dev", procfs);
    auto uname = linux::host_uname(ctx.recorder(), {LayerId::runtime, LayerId::namespaces});
    auto cpuinfo = linux::host_read(ctx.recorder(), "/proc/cpuinfo", procfs);
    if (!pids) return std::unexpected(pids.error());
    if (!devices) return std::unexpected(devices.error());
    for (const auto* r : {&mounts, &name, &cpuinfo})
        if (!*r) return std::unexpected(r->error());
    if (!uname) return std::unexpected(uname.error());
    probe::MachineReport machine;
    probe::probe_kvm(machine, "/dev/kvm");
    const bool hardware = machine.facts.kvm_kind == probe::KvmKind::hardware;
    const std::string vm_line = hardware ? "the CPU's virtualization extensions (VT-x/AMD-V): the guest's memory "
                                           "and devices are only what the VMM mapped and attached"
                                         : "the hypervisor in the host kernel (here PVM, in software): the guest's "
                                           "memory and devices are only what the VMM mapped and attached";
    std::string host_name = *name;
    while (!host_name.empty() && host_name.back() == '\n') host_name.pop_back();
    const View host = {std::to_string(numeric_entries(*pids)), std::to_string(lines(*mounts)), host_name,
                       fmt::format("{} entries in /dev", devices->size()), uname->sysname + " " + uname->release,
                       "CPUID bit " + hypervisor_flag(*cpuinfo)};
    engine::TableView table{"what each can see, and who draws the line",
                            {"", "the host (strata)", "the container", "the VM", "container's boundary", "VM's boundary"},
                            {},
                            {}};
    auto row = [&](const char* what, const std::string& h, const std::string& c, const std::string& v, const char* cb,
                   const std::string& vb) { table.rows.push_back({what, h, c, v, cb, vb}); };
    row("processes", host.processes, s.container.processes, s.guest.processes, "PID namespace (host kernel)", vm_line);
    row("mounts", host.mounts, s.container.mounts, s.guest.mounts, "mount namespace + pivot_root (host kernel)", vm_line);
    row("host name", host.host_name, s.container.host_name, s.guest.host_name, "UTS namespace (host kernel)", vm_line);
    row("devices", host.devices, s.container.devices, s.guest.devices, "its image's /dev (host kernel; cgroup device rules on real runtimes)",
        "the VMM's device models: every access is an exit to the VMM");
    row("kernel", host.kernel, s.container.kernel, s.guest.kernel, "none: it IS the host kernel", "a kernel of its own");
    row("CPU's hypervisor bit", host.hypervisor, s.container.hypervisor, s.guest.hypervisor, "none: the host CPU as is",
        "the VMM's CPUID table");
    table.row_marked = {false, false, false, false, true, false};
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("host: processes", host.processes);
    ctx.facts().set_value("host: mounts", host.mounts);
    ctx.facts().set_value("host: host name", host.host_name);
    ctx.facts().set_value("host: kernel", host.kernel);
    ctx.facts().set_value("host: hypervisor flag", hypervisor_flag(*cpuinfo));
    return StepOutcome{fmt::format("the host sees {} processes and {} mounts; the container's view is the same kernel "
                                   "with namespaces narrowing it, the VM's is a different kernel on virtual hardware",
                                   host.processes, host.mounts)};
}

}  // namespace

engine::Lesson isolation_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::userns};
    lesson
        .step("container", "Start a container", {L::runtime, L::processes, L::namespaces, L::security, L::mounts},
              container)
        .provides(&State::box, "the container");
    lesson.step("container-view", "Look around from inside the container",
                {L::container, L::processes, L::mounts, L::runtime, L::namespaces}, container_view);
    lesson
        .step("vm-view", "Look around from inside the VM",
              {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_program, L::guest_kernel, L::guest_devices}, vm_view)
        .provides("both views", [](const State& s) { return s.box && s.guest_seen; });
    lesson.step("boundary", "The host's view, and where each boundary is",
                {L::runtime, L::processes, L::mounts, L::namespaces}, boundary);
    return lesson.build();
}

}  // namespace strata::lessons::compare
