// Where cgroups live on this machine, and what their files are called.
//
// cgroup v2 (one tree, /sys/fs/cgroup/cgroup.controllers exists) is what
// current distributions run; cgroup v1 (one tree per controller,
// /sys/fs/cgroup/memory, ...) is what older hosts and hybrid set-ups have.
// The names differ (memory.max vs memory.limit_in_bytes); the lesson asks
// for a *knob* and this file answers with the path. Pure logic, so the
// unit tests can feed it a fake /sys/fs/cgroup.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace strata::linux {

enum class CgroupVersion { v1, v2 };

// What a lesson wants to set or read, independent of the version.
enum class CgroupKnob {
    procs,            // the processes in the cgroup
    memory_limit,     // bytes
    swap_limit,       // v2: swap only; v1: memory+swap
    memory_events,    // where the OOM kill counter is
    pids_limit,
    pids_events,      // "max N": forks refused
    cpu_quota,        // v2: "quota period"; v1: quota only (period separate)
    cpu_period,       // v1 only
    cpu_stat,         // throttling counters
    cpu_usage,        // v2: in cpu.stat (usage_usec); v1: cpuacct.usage (ns)
    memory_usage,     // bytes charged, user and kernel: v2 memory.current; v1 memory.usage_in_bytes
    kernel_memory,    // v2: the "kernel" line of memory.stat; v1: memory.kmem.usage_in_bytes
};

struct CgroupLayout {
    CgroupVersion version = CgroupVersion::v2;
    // v2: the directory strata creates its cgroups in.
    std::filesystem::path v2_parent;
    // v1: the hierarchy of each controller ("memory" -> /sys/fs/cgroup/memory).
    std::map<std::string, std::filesystem::path> v1_roots;
    std::string description;  // "cgroup v1 (hybrid: v2 at /sys/fs/cgroup/unified has no controllers)"

    // `root` is normally /sys/fs/cgroup; `self_cgroup` the text of
    // /proc/self/cgroup; `euid` decides where a v2 cgroup may go.
    static engine::Result<CgroupLayout> detect(const std::filesystem::path& root, std::string_view self_cgroup,
                                               unsigned euid);

    // The controller a knob belongs to ("memory", "pids", "cpu", "cpuacct").
    static std::string_view controller_of(CgroupKnob knob);
    // The file name of a knob in this version ("memory.max").
    std::string_view file_of(CgroupKnob knob) const;
    // The directory of cgroup `name` for `controller`.
    std::filesystem::path dir_of(std::string_view controller, const std::string& name) const;
};

// "oom_kill 3" style counters: the value of `key` in a flat-keyed file, or -1.
long long counter_in(std::string_view text, std::string_view key);

// strata's cgroup names: strata-<pid>-<purpose>; the pid lets a later run
// tell a stale one (its strata is gone) from a live one.
std::string strata_cgroup_name(int pid, std::string_view purpose);
// The pid in such a name, or -1 when the name is not strata's.
int strata_name_pid(std::string_view name);

}  // namespace strata::linux
