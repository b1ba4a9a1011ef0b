// An OCI bundle (runtime-spec config.json + a root file system) as strata
// reads it for container/whole: the fields strata applies, each mapped to
// the stage of the container's set-up that carries it out, and every field
// strata does not apply, named — never silently ignored.
//
// The same bundle runs in crun and runc: `strata bundle DIR` writes strata's
// own (strata_default_spec), which the build also makes in build/bundle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/error.hpp"

namespace strata::linux {

struct OciMount {
    std::string destination, type, source;
    std::vector<std::string> options;
};

// One rule of linux.seccomp.syscalls (args: only "masked equal" on one
// argument, what strata's own profile uses for clone).
struct OciSyscallRule {
    std::vector<std::string> names;
    std::string action;  // SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...
    int errno_ret = -1;  // for SCMP_ACT_ERRNO; -1: EPERM
    struct Arg { unsigned index = 0; std::uint64_t value = 0, value_two = 0; std::string op; };
    std::vector<Arg> args;
};

struct OciSpec {
    std::string version;                    // ociVersion
    std::string bundle;                     // the bundle directory
    std::string root;                       // root.path, made absolute
    bool root_readonly = false;
    std::string hostname;
    std::vector<std::string> args, env;
    std::string cwd = "/";
    std::vector<std::string> capabilities;  // process.capabilities.bounding (the others must not exceed it)
    bool no_new_privileges = false;
    std::vector<std::string> namespaces;    // linux.namespaces[].type, in the file's order
    std::vector<OciMount> mounts;
    std::vector<std::string> masked_paths, readonly_paths;
    std::optional<std::int64_t> memory_limit, pids_limit, cpu_quota;
    std::optional<std::uint64_t> cpu_period;
    bool has_seccomp = false;
    std::string seccomp_default;            // defaultAction
    int seccomp_default_errno = -1;
    std::vector<OciSyscallRule> seccomp_rules;
    // Fields present in the file that strata does not apply ("hooks",
    // "linux.sysctl", ...), and why each stage is skipped where that matters.
    std::vector<std::string> unsupported;
    // field -> what it became ("linux.namespaces" -> "clone3(CLONE_NEWPID|...)"),
    // filled in by the lesson as it applies them.
};

// A mount's options as mount(2) wants them: flags, the file system's own
// options as data, and whether it is a bind of `source`.
struct MountCall {
    unsigned long flags = 0;
    std::string data;
    bool bind = false;
    bool read_only = false;  // a bind needs a remount for this
};
MountCall mount_call_of(const OciMount& mount);

// Parses config.json's text; `bundle_dir` resolves a relative root.path.
// An error names the field and what was expected.
engine::Result<OciSpec> parse_oci_spec(const std::string& json_text, const std::string& bundle_dir);
// Reads <dir>/config.json (bounded size) and parses it.
engine::Result<OciSpec> load_oci_bundle(const std::string& dir);

// strata's own config.json for `rootfs`: every namespace, a read-only root,
// /proc, a minimal /dev, /sys read-only, runc's masked and read-only paths,
// the runtime spec's default capabilities (three), no_new_privs, memory and pids limits, and
// strata's deny-by-default seccomp profile (seccomp_allowlist.hpp), running
// `args`.
nlohmann::json strata_default_spec(const std::string& rootfs, const std::vector<std::string>& args);
// Writes DIR/config.json (root.path = rootfs, absolute) for a runtime to run.
engine::Result<void> write_bundle(const std::string& dir, const std::string& rootfs,
                                  const std::vector<std::string>& args);

}  // namespace strata::linux
