#include "backends/linux/shell_lockdown.hpp"

#include <sched.h>

#include <unistd.h>

#include "backends/linux/capabilities.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/seccomp_allowlist.hpp"

namespace strata::linux {

namespace {

constexpr const char* kShellPids = "256";
constexpr const char* kShellMemory = "536870912";  // 512 MiB

// A cgroup the shell cannot fork-bomb or eat the machine from.
Result<std::optional<Cgroup>> shell_cgroup(Agent& agent) {
    auto& recorder = agent.recorder();
    auto self = host_read(recorder, "/proc/self/cgroup", {LayerId::runtime, LayerId::cgroups});
    if (!self) return std::unexpected(self.error());
    auto layout = CgroupLayout::detect("/sys/fs/cgroup", *self, ::geteuid());
    if (!layout) return std::unexpected(layout.error());
    auto cgroup = Cgroup::create(recorder, *layout, "shell");
    if (!cgroup) {
        if (::geteuid() == 0) return std::unexpected(cgroup.error());
        record_note(recorder, "no cgroup for the shell", {LayerId::runtime, LayerId::cgroups},
                    "this user may write no cgroup here (" + layout->description + "): the shell has no limits");
        return std::optional<Cgroup>();
    }
    if (auto r = cgroup->set(CgroupKnob::pids_limit, kShellPids); !r) return std::unexpected(r.error());
    if (auto r = cgroup->set(CgroupKnob::memory_limit, kShellMemory); !r) return std::unexpected(r.error());
    if (auto r = cgroup->add(agent.pid()); !r) return std::unexpected(r.error());
    return std::optional<Cgroup>(std::move(*cgroup));
}

}  // namespace

Result<std::optional<Cgroup>> lock_down_for_shell(Agent& agent) {
    auto cgroup = shell_cgroup(agent);
    if (!cgroup) return std::unexpected(cgroup.error());
    if (auto r = agent.unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP); !r)
        return std::unexpected(r.error());
    if (auto r = agent.sethostname("container"); !r) return std::unexpected(r.error());
    if (auto r = agent.harden_proc(); !r) return std::unexpected(r.error());
    auto keep = cap_mask(default_container_caps());
    if (!keep) return std::unexpected(keep.error());
    if (auto r = agent.drop_caps(*keep, cap_names(*keep)); !r) return std::unexpected(r.error());
    if (auto r = agent.no_new_privs(); !r) return std::unexpected(r.error());
    auto filter = compile_allowlist_filter(agent.recorder());
    if (!filter) return std::unexpected(filter.error());
    if (auto r = agent.seccomp(filter->bpf, filter->description, /*failure_expected=*/false); !r)
        return std::unexpected(r.error());
    return cgroup;
}

}  // namespace strata::linux
