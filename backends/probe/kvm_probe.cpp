// KVM checks: the device, its permissions, the API, the capabilities the
// lessons use, and whether virtualization is hardware-assisted.
#include <cerrno>
#include <cpuid.h>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/kvm/capabilities.hpp"
#include "backends/kvm/system.hpp"
#include "backends/kvm/vcpu.hpp"
#include "backends/kvm/vm.hpp"
#include "backends/probe/host_fixes.hpp"
#include "backends/probe/machine_report.hpp"

namespace strata::probe {

namespace {

std::string cpu_flags() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("flags")) return " " + line.substr(line.find(':') + 1) + " ";
    return {};
}

bool module_loaded(const std::string& name) { return std::filesystem::exists("/sys/module/" + name); }

std::string group_name(gid_t gid) {
    if (const group* g = ::getgrgid(gid)) return g->gr_name;
    return std::to_string(gid);
}

bool in_group(gid_t gid) {
    if (::getegid() == gid) return true;
    int n = ::getgroups(0, nullptr);
    std::vector<gid_t> groups(static_cast<std::size_t>(std::max(n, 0)));
    n = ::getgroups(n, groups.data());
    for (int i = 0; i < n; ++i)
        if (groups[static_cast<std::size_t>(i)] == gid) return true;
    return false;
}

// KVM's exit counters, measured: a scratch VM and vCPU, whose statistics
// fd strata opens and parses as the lessons do.
Check exit_counters_check(kvm::Kvm& kvm) {
    Check check{"kvm.exit-stats", "KVM's exit counters", Status::ok, "", ""};
    auto vm = kvm.create_vm();
    if (!vm) return {check.id, check.title, Status::warning, "cannot make a scratch VM: " + vm.error().describe(), ""};
    auto vcpu = vm->create_vcpu(0);
    if (!vcpu) return {check.id, check.title, Status::warning, "cannot make a scratch vCPU: " + vcpu.error().describe(), ""};
    const kvm::VcpuStats* stats = vcpu->stats();
    if (!stats)
        return {check.id, check.title, Status::warning,
                "not available: " + vcpu->stats_missing(),
                "nothing to fix for the lessons: they count the returns of KVM_RUN and say that KVM's own count of "
                "VM exits is missing; Linux 5.14 or later (on a host that offers it) shows both"};
    std::string have, lack;
    for (const auto& counter : kvm::exit_counters()) {
        std::string& list = kvm::find_stat(stats->schema(), counter.stat) ? have : lack;
        list += (list.empty() ? "" : ", ") + std::string(counter.stat);
    }
    check.detail = fmt::format("KVM_GET_STATS_FD gives {} vCPU statistics; the lessons show {}", stats->schema().stats.size(),
                               have.empty() ? "none of them" : have);
    if (!lack.empty()) check.detail += fmt::format(" (this kernel does not count {})", lack);
    if (!kvm::find_stat(stats->schema(), "exits")) check.status = Status::warning;
    return check;
}

// CPUID leaf 0x40000000 names the hypervisor when the CPU says there is one.
std::string hypervisor_signature(const std::string& flags) {
    if (flags.find(" hypervisor ") == std::string::npos) return {};
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    __cpuid(0x40000000, eax, ebx, ecx, edx);
    char text[13] = {};
    std::memcpy(text, &ebx, 4);
    std::memcpy(text + 4, &ecx, 4);
    std::memcpy(text + 8, &edx, 4);
    std::string signature(text);
    while (!signature.empty() && (signature.back() == ' ' || signature.back() == '\0')) signature.pop_back();
    return signature.empty() ? "unknown hypervisor" : signature;
}

}  // namespace

std::string hypervisor_name(const std::string& signature) {
    if (signature.starts_with("KVMKVMKVM")) return "KVM";
    if (signature.starts_with("TCGTCGTCG")) return "QEMU TCG (software emulation)";
    if (signature.starts_with("Microsoft Hv")) return "Hyper-V";
    if (signature.starts_with("VMwareVMware")) return "VMware";
    if (signature.starts_with("VBoxVBoxVBox")) return "VirtualBox";
    return signature;
}

void probe_kvm(MachineReport& report, const std::string& path) {
    auto& facts = report.facts;
    const std::string flags = cpu_flags();
    const bool vmx = flags.find(" vmx ") != std::string::npos;
    const bool svm = flags.find(" svm ") != std::string::npos;
    const bool pvm = module_loaded("kvm_pvm");
    facts.hypervisor = hypervisor_signature(flags);

    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const auto found = missing_kvm_device({vmx, svm, pvm, facts.hypervisor});
        report.checks.push_back({"kvm.device", path, Status::missing, found.why, found.fix});
        facts.kvm_kind = KvmKind::unavailable;
        return;
    }
    const std::string group = group_name(st.st_gid);
    engine::Recorder scratch;  // the probe's calls are not part of a lesson
    auto kvm = kvm::Kvm::open(scratch, path);
    if (!kvm) {
        const bool denied = kvm.error().errno_value == EACCES || kvm.error().errno_value == EPERM;
        report.checks.push_back(
            {"kvm.device", path, Status::missing,
             fmt::format("cannot open it: {} (owner group: {}{})", kvm.error().describe(), group,
                         denied && !in_group(st.st_gid) ? ", and you are not in it" : ""),
             !denied ? kvm.error().hint
             : st.st_gid == 0
                 ? "/dev/kvm belongs to root alone here: the admin should give it to group kvm (Debian's udev "
                   "rules do: `sudo apt install qemu-system-x86` or `udevadm trigger`), then add you to kvm"
                 : fmt::format("`sudo usermod -aG {} $USER`, then log out and back in", group)});
        facts.kvm_kind = KvmKind::unavailable;
        return;
    }
    report.checks.push_back({"kvm.device", path, Status::ok,
                             fmt::format("opened read-write (group {}, mode {:o})", group, st.st_mode & 07777), ""});

    auto version = kvm->api_version();
    if (version) facts.kvm_api_version = *version;
    report.checks.push_back({"kvm.api", "KVM API version", version && *version == 12 ? Status::ok : Status::missing,
                             version ? std::to_string(*version) : version.error().describe(),
                             version && *version == 12 ? "" : "strata needs KVM API version 12"});

    std::string present, absent;
    for (const auto& cap : kvm::lesson_capabilities()) {
        auto r = kvm->check_extension(cap.number);
        std::string& list = (r && *r > 0) ? present : absent;
        list += (list.empty() ? "" : ", ") + std::string(cap.name);
        if (!(r && *r > 0))
            report.checks.push_back({fmt::format("kvm.cap.{}", cap.name), std::string(cap.name), Status::warning,
                                     "absent", fmt::format("needed for {}; that step is skipped", cap.used_for)});
    }
    report.checks.push_back({"kvm.capabilities", "KVM capabilities", Status::info, present, ""});
    report.checks.push_back(exit_counters_check(*kvm));

    if (vmx || svm) {
        facts.kvm_kind = KvmKind::hardware;
        std::string detail = fmt::format("hardware-assisted ({}): guest code, kernel and user alike, runs "
                                         "directly on the CPU until it exits",
                                         vmx ? "Intel VT-x" : "AMD-V");
        if (facts.emulated_machine())
            detail += fmt::format(". This machine is itself emulated by {}, its {} too: KVM works as on "
                                  "hardware, but every instruction, the host's and the guest's, is emulated, so "
                                  "timings here say nothing about hardware",
                                  hypervisor_name(facts.hypervisor), vmx ? "VT-x" : "AMD-V");
        else if (!facts.hypervisor.empty())
            detail += fmt::format(". This machine is itself a VM under {}, which provides {} to it: nested "
                                  "virtualization, so exits cost more than on bare metal",
                                  hypervisor_name(facts.hypervisor), vmx ? "VT-x" : "AMD-V");
        report.checks.push_back({"kvm.kind", "virtualization", Status::ok, detail, ""});
    } else if (pvm) {
        facts.kvm_kind = KvmKind::software_nested;
        report.checks.push_back(
            {"kvm.kind", "virtualization", Status::warning,
             "software-nested (kvm_pvm module, no vmx/svm CPU flag): guest user-mode code runs natively, "
             "but guest kernel-mode code is emulated instruction by instruction (thousands of times slower), and VM exits "
             "cost more. Every lesson works; timings differ from a lab PC's",
             "nothing to fix; compare/guest-speed measures the difference"});
    } else {
        facts.kvm_kind = KvmKind::unknown;
        report.checks.push_back({"kvm.kind", "virtualization", Status::info,
                                 "KVM works, but the CPU shows no vmx/svm flag and no known nested hypervisor "
                                 "module: strata cannot tell how guest code is run",
                                 ""});
    }
}

}  // namespace strata::probe
