#include "backends/linux/cgroup_layout.hpp"

#include <cerrno>
#include <charconv>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

namespace strata::linux {

namespace fs = std::filesystem;

engine::Result<CgroupLayout> CgroupLayout::detect(const fs::path& root, std::string_view self_cgroup, unsigned euid) {
    std::error_code ec;
    CgroupLayout layout;
    if (fs::exists(root / "cgroup.controllers", ec)) {
        layout.version = CgroupVersion::v2;
        if (euid == 0) {
            layout.v2_parent = root;
        } else {
            // Unprivileged: only a delegated subtree is ours. Our own cgroup
            // holds processes (us), so v2's no-internal-processes rule puts
            // strata's cgroups next to it, in its parent.
            std::string own;
            std::istringstream in{std::string(self_cgroup)};
            for (std::string line; std::getline(in, line);)
                if (line.starts_with("0::")) own = line.substr(3);
            layout.v2_parent = (root / fs::path(own).relative_path()).parent_path();
        }
        layout.description = "cgroup v2 (unified)";
        return layout;
    }
    for (const char* controller : {"memory", "pids", "cpu", "cpuacct"}) {
        const fs::path dir = root / controller;
        if (fs::is_directory(dir, ec)) layout.v1_roots[controller] = dir;
    }
    if (layout.v1_roots.count("memory") && layout.v1_roots.count("pids") && layout.v1_roots.count("cpu")) {
        layout.version = CgroupVersion::v1;
        layout.description = fs::exists(root / "unified", ec)
                                 ? "cgroup v1 (hybrid: a v2 tree at unified/ holds no controllers)"
                                 : "cgroup v1";
        return layout;
    }
    return engine::plain_error("detect cgroups in " + root.string(),
                               "neither cgroup v2 (cgroup.controllers) nor the v1 memory, pids and cpu hierarchies "
                               "are mounted",
                               "mount cgroup2 at /sys/fs/cgroup (systemd does), or run on a host rather than in a "
                               "container that hides /sys/fs/cgroup");
}

std::string_view CgroupLayout::controller_of(CgroupKnob knob) {
    switch (knob) {
        case CgroupKnob::procs: return "";
        case CgroupKnob::memory_limit:
        case CgroupKnob::swap_limit:
        case CgroupKnob::memory_events:
        case CgroupKnob::memory_usage:
        case CgroupKnob::kernel_memory: return "memory";
        case CgroupKnob::pids_limit:
        case CgroupKnob::pids_events: return "pids";
        case CgroupKnob::cpu_quota:
        case CgroupKnob::cpu_period:
        case CgroupKnob::cpu_stat: return "cpu";
        case CgroupKnob::cpu_usage: return "cpuacct";
    }
    return "";
}

std::string_view CgroupLayout::file_of(CgroupKnob knob) const {
    const bool v2 = version == CgroupVersion::v2;
    switch (knob) {
        case CgroupKnob::procs: return "cgroup.procs";
        case CgroupKnob::memory_limit: return v2 ? "memory.max" : "memory.limit_in_bytes";
        case CgroupKnob::swap_limit: return v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes";
        case CgroupKnob::memory_events: return v2 ? "memory.events" : "memory.oom_control";
        case CgroupKnob::pids_limit: return "pids.max";
        case CgroupKnob::pids_events: return "pids.events";
        case CgroupKnob::cpu_quota: return v2 ? "cpu.max" : "cpu.cfs_quota_us";
        case CgroupKnob::cpu_period: return v2 ? "cpu.max" : "cpu.cfs_period_us";
        case CgroupKnob::cpu_stat: return "cpu.stat";
        case CgroupKnob::cpu_usage: return v2 ? "cpu.stat" : "cpuacct.usage";
        case CgroupKnob::memory_usage: return v2 ? "memory.current" : "memory.usage_in_bytes";
        case CgroupKnob::kernel_memory: return v2 ? "memory.stat" : "memory.kmem.usage_in_bytes";
    }
    return "";
}

fs::path CgroupLayout::dir_of(std::string_view controller, const std::string& name) const {
    if (version == CgroupVersion::v2) return v2_parent / name;
    auto it = v1_roots.find(std::string(controller.empty() ? "memory" : controller));
    if (it == v1_roots.end()) it = v1_roots.find("cpu");  // cpuacct is often co-mounted with cpu
    return it->second / name;
}

long long counter_in(std::string_view text, std::string_view key) {
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ' ') continue;
        long long value = -1;
        const char* begin = line.data() + key.size() + 1;
        std::from_chars(begin, line.data() + line.size(), value);
        return value;
    }
    return -1;
}

std::string strata_cgroup_name(int pid, std::string_view purpose) { return fmt::format("strata-{}-{}", pid, purpose); }

int strata_name_pid(std::string_view name) {
    if (!name.starts_with("strata-")) return -1;
    name.remove_prefix(7);
    int pid = -1;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || end == name.data() || end == name.data() + name.size() || *end != '-') return -1;
    return pid;
}

}  // namespace strata::linux
