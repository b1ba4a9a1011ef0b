// strata's own OCI bundle: the config.json `strata bundle` writes and
// container/whole reads back (oci_spec.hpp says what is in it).
#include <cerrno>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "backends/linux/container_ids.hpp"
#include "backends/linux/oci_spec.hpp"
#include "backends/linux/seccomp_allowlist.hpp"

namespace strata::linux {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// strata's seccomp profile in OCI's form.
json seccomp_json() {
    json rules = json::array();
    for (const auto& rule : default_profile_rules()) {
        json r = {{"names", rule.names}, {"action", rule.action}};
        if (rule.errno_ret >= 0) r["errnoRet"] = rule.errno_ret;
        for (const auto& a : rule.args)
            r["args"].push_back({{"index", a.index}, {"value", a.value}, {"valueTwo", a.value_two}, {"op", a.op}});
        rules.push_back(std::move(r));
    }
    return {{"defaultAction", "SCMP_ACT_ERRNO"},
            {"defaultErrnoRet", EPERM},
            {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
            {"syscalls", rules}};
}

}  // namespace

nlohmann::json strata_default_spec(const std::string& rootfs, const std::vector<std::string>& args) {
    // The runtime spec's own default set (`runc spec`, `crun spec`): three.
    const json caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    const auto ids = container_ids();
    return {
        {"ociVersion", "1.0.2"},
        {"process",
         {{"terminal", false},
          {"user", {{"uid", 0}, {"gid", 0}}},
          {"args", args},
          {"env", {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=xterm"}},
          {"cwd", "/"},
          {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
          {"noNewPrivileges", true}}},
        {"root", {{"path", rootfs}, {"readonly", true}}},
        {"hostname", "strata-box"},
        {"mounts",
         {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
          {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
           {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
          {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
           {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}}},
          {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
           {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
          {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
           {"options", {"nosuid", "noexec", "nodev"}}},
          {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
           {"options", {"nosuid", "noexec", "nodev", "ro"}}}}},
        {"linux",
         {{"namespaces",
           {{{"type", "pid"}}, {{"type", "network"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}},
            {{"type", "cgroup"}}, {{"type", "user"}}}},
          {"uidMappings", {{{"containerID", 0}, {"hostID", ids.uid}, {"size", ids.count}}}},
          {"gidMappings", {{{"containerID", 0}, {"hostID", ids.gid}, {"size", ids.count}}}},
          {"resources", {{"memory", {{"limit", 256ll << 20}}}, {"pids", {{"limit", 256}}}}},
          {"maskedPaths",
           {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"}},
          {"readonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}},
          {"seccomp", seccomp_json()}}},
    };
}

engine::Result<void> write_bundle(const std::string& dir, const std::string& rootfs,
                                  const std::vector<std::string>& args) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return engine::errno_error("mkdir " + dir, ec.value(), "cannot make the bundle directory");
    const fs::path config = fs::path(dir) / "config.json";
    const fs::path partial = config.string() + ".partial";
    {
        std::ofstream out(partial);
        out << strata_default_spec(fs::absolute(rootfs).string(), args).dump(2) << '\n';
        if (!out) return engine::errno_error("write " + partial.string(), errno, "cannot write config.json");
    }
    fs::rename(partial, config, ec);
    if (ec) return engine::errno_error("rename " + config.string(), ec.value());
    return {};
}

}  // namespace strata::linux
