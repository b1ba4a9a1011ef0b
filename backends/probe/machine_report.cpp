#include "backends/probe/machine_report.hpp"
#include "backends/probe/guest_kernel.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <sys/utsname.h>
#include <unistd.h>

namespace strata::probe {

std::string_view status_key(Status s) {
    switch (s) {
        case Status::ok: return "ok";
        case Status::warning: return "warning";
        case Status::missing: return "missing";
        case Status::info: return "info";
    }
    return "";
}

std::string_view kvm_kind_key(KvmKind k) {
    switch (k) {
        case KvmKind::hardware: return "hardware-assisted";
        case KvmKind::software_nested: return "software-nested";
        case KvmKind::unknown: return "unknown";
        case KvmKind::unavailable: return "unavailable";
    }
    return "";
}

std::string_view cgroup_mode_key(CgroupMode m) {
    switch (m) {
        case CgroupMode::v2: return "v2";
        case CgroupMode::hybrid: return "hybrid";
        case CgroupMode::v1: return "v1";
        case CgroupMode::none: return "none";
    }
    return "";
}

std::optional<std::string> MachineReport::missing(engine::Requirement r) const {
    switch (r) {
        case engine::Requirement::kvm:
            if (facts.kvm_kind == KvmKind::unavailable) return "no usable /dev/kvm (see `strata doctor`)";
            return std::nullopt;
        case engine::Requirement::userns:
            if (!facts.user_namespaces) return "user namespaces are not available (see `strata doctor`)";
            return std::nullopt;
        case engine::Requirement::root:
            if (!facts.root) return "this step needs root";
            return std::nullopt;
        case engine::Requirement::cgroup_writable:
            if (!facts.cgroup_writable) return "strata cannot create cgroups here (see `strata doctor`)";
            return std::nullopt;
        case engine::Requirement::guest_kernel: {
            if (facts.kvm_kind == KvmKind::unavailable) return "no usable /dev/kvm (see `strata doctor`)";
            if (facts.kvm_kind == KvmKind::software_nested)
                return "this /dev/kvm is software-nested (PVM): guest kernel code is emulated, about 0.5–0.7 µs an "
                       "instruction (some 3000 times slower than native), so a Linux boot would take hours here";
            // Which kernel is the lesson's business (--set kernel=PATH may
            // name one); `strata doctor` shows the default.
            return std::nullopt;
        }
    }
    return std::nullopt;
}

bool MachineReport::ready() const {
    for (const auto& c : checks)
        if (c.status == Status::missing) return false;
    return true;
}

namespace {

// Which kernel vm/boot-linux would boot, and whether it can boot it live here.
Check guest_kernel_check(KvmKind kind) {
    const auto kernel = find_guest_kernel();
    Check c{"kvm.guest_kernel", "Linux for vm/boot-linux and vm/virtio", Status::ok, "", ""};
    if (kernel.path.empty()) {
        c.status = Status::info;
        c.detail = "no kernel found";
        if (const auto why = kernel.why_none(); !why.empty()) c.detail += "; " + why;
        c.fix = "rebuild strata online (it fetches Debian's kernel), or run the lesson with --set kernel=PATH";
        return c;
    }
    c.detail = "boots " + kernel.path + " (" + kernel.source + ")";
    // Its release is in its name (vmlinuz-RELEASE), both on /boot and in the build tree.
    const auto name = std::filesystem::path(kernel.path).filename().string();
    const auto release = name.starts_with("vmlinuz-") ? name.substr(8) : std::string();
    const auto modules = find_guest_modules(kernel.path, release, kVirtioModules);
    c.detail += modules.paths.empty() ? "; vm/virtio's virtio modules for it: missing (" + modules.missing.front() + ")"
                                      : "; vm/virtio's virtio modules for it: " +
                                            std::filesystem::path(modules.paths.front()).parent_path().parent_path()
                                                .parent_path().parent_path().string();
    if (kind == KvmKind::software_nested) {
        c.status = Status::info;
        c.detail += "; not live here: on this software-nested /dev/kvm guest kernel code is emulated (about "
                    "0.5–0.7 µs an instruction), so the lesson plays its recording";
    } else if (kind == KvmKind::unavailable) {
        c.status = Status::info;
        c.detail += "; not live here: no usable /dev/kvm";
    }
    return c;
}

}  // namespace

MachineReport probe_machine(const ProbeOptions& options) {
    MachineReport report;
    auto& facts = report.facts;
    utsname uts{};
    if (::uname(&uts) == 0) facts.kernel_release = uts.release;
    std::ifstream os("/etc/os-release");
    for (std::string line; std::getline(os, line);)
        if (line.starts_with("PRETTY_NAME=")) {
            facts.os_name = line.substr(12);
            if (facts.os_name.size() >= 2 && facts.os_name.front() == '"') facts.os_name = facts.os_name.substr(1, facts.os_name.size() - 2);
        }
    facts.root = ::geteuid() == 0;
    report.checks.push_back({"host", "host", Status::info,
                             facts.os_name + ", Linux " + facts.kernel_release + (facts.root ? ", running as root" : ""),
                             ""});

    if (options.kvm) {
        probe_kvm(report, options.kvm_path);
        report.checks.push_back(guest_kernel_check(facts.kvm_kind));
    }
    if (options.containers) probe_containers(report);
    if (options.installation) probe_installation(report);

    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    facts.display = (display && *display) || (wayland && *wayland);
    report.checks.push_back({"display", "display", facts.display ? Status::ok : Status::info,
                             facts.display ? std::string("DISPLAY=") + (display ? display : "") +
                                                 (wayland ? std::string(" WAYLAND_DISPLAY=") + wayland : "")
                                           : "no display: the GUI cannot open; the CLI works",
                             facts.display ? "" : "run strata in a desktop session, or `xvfb-run strata ...`"});
    return report;
}

nlohmann::json report_to_json(const MachineReport& report) {
    const auto& f = report.facts;
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& c : report.checks) {
        nlohmann::json j = {{"id", c.id}, {"title", c.title}, {"status", std::string(status_key(c.status))},
                            {"detail", c.detail}};
        if (!c.fix.empty()) j["fix"] = c.fix;
        checks.push_back(std::move(j));
    }
    nlohmann::json facts = {
        {"kernel_release", f.kernel_release},
        {"os", f.os_name},
        {"root", f.root},
        {"kvm_kind", std::string(kvm_kind_key(f.kvm_kind))},
        {"hypervisor", f.hypervisor},
        {"cgroup_mode", std::string(cgroup_mode_key(f.cgroup_mode))},
        {"user_namespaces", f.user_namespaces},
        {"unprivileged_user_namespaces", f.unprivileged_userns},
        {"cgroup_writable", f.cgroup_writable},
        {"overlayfs", f.overlayfs},
        {"seccomp", f.seccomp},
        {"display", f.display},
    };
    if (f.kvm_api_version) facts["kvm_api_version"] = *f.kvm_api_version;
    return {{"ready", report.ready()}, {"facts", std::move(facts)}, {"checks", std::move(checks)}};
}

}  // namespace strata::probe
