#include "backends/linux/shell_lockdown.hpp"

#include <sched.h>

#include "backends/linux/capabilities.hpp"
#include "backends/linux/seccomp_allowlist.hpp"

namespace strata::linux {

Result<void> lock_down_for_shell(Agent& agent) {
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
    return {};
}

}  // namespace strata::linux
