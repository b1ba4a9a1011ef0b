// A seccomp profile in the shape of Docker's default: deny by default
// (EPERM), allow a list. What is left off the list is what a container has
// no business calling: mount and namespace calls, module and kexec
// loading, reboot, the kernel keyring, bpf, perf, clock setting, swap,
// open_by_handle_at (the classic container escape), ... clone is allowed
// only without namespace flags, and clone3 gets ENOSYS so that C
// libraries fall back to clone, whose flags a filter can see.
#pragma once

#include <string>
#include <vector>

#include "backends/linux/oci_spec.hpp"
#include "backends/linux/seccomp_filter.hpp"

namespace strata::linux {

// The system calls allowed, by name (those this libseccomp does not know
// are skipped when compiling).
const std::vector<std::string>& default_allowlist();

// strata's profile as OCI rules (what `strata bundle` writes in config.json).
std::vector<OciSyscallRule> default_profile_rules();

// Compiles a profile given as OCI's linux.seccomp (default action, rules).
// Names this libseccomp does not know are skipped and counted; an unknown
// action or operator is an error. Recorded as one event.
Result<CompiledFilter> compile_seccomp_profile(Recorder& recorder, const std::string& default_action,
                                               int default_errno, const std::vector<OciSyscallRule>& rules);

// strata's own profile, compiled.
Result<CompiledFilter> compile_allowlist_filter(Recorder& recorder);

}  // namespace strata::linux
