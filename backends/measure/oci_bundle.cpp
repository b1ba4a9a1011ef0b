#include "backends/measure/oci_bundle.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "backends/linux/program_timer.hpp"

namespace strata::measure {

namespace {

nlohmann::json config(const std::string& rootfs) {
    using nlohmann::json;
    json ns = json::array();
    for (const char* kind : {"pid", "network", "ipc", "uts", "mount"}) ns.push_back({{"type", kind}});
    return {
        {"ociVersion", "1.0.2"},
        {"process",
         {{"terminal", false},
          {"user", {{"uid", 0}, {"gid", 0}}},
          {"args", {"/bin/true"}},
          {"env", {"PATH=/bin:/sbin:/usr/bin:/usr/sbin"}},
          {"cwd", "/"},
          {"noNewPrivileges", true}}},
        {"root", {{"path", rootfs}, {"readonly", true}}},
        {"hostname", "strata-bench"},
        {"mounts",
         {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
          {{"destination", "/dev"},
           {"type", "tmpfs"},
           {"source", "tmpfs"},
           {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}}}},
        {"linux", {{"namespaces", ns}}},
    };
}

}  // namespace

std::optional<OciBundle> OciBundle::create(const std::string& rootfs) {
    auto dir = linux::TempDir::create("bench-oci");
    if (!dir) {
        std::fprintf(stderr, "%s\n", dir.error().describe().c_str());
        return std::nullopt;
    }
    const auto config_path = dir->path() / "config.json";
    std::ofstream out(config_path);
    out << config(rootfs).dump(2) << '\n';
    if (!out) {
        std::fprintf(stderr, "cannot write %s\n", config_path.c_str());
        return std::nullopt;
    }
    return OciBundle(std::move(*dir));
}

std::string OciBundle::state_dir(const std::string& runtime) const { return dir() + "/state-" + runtime; }

bool cgroups_are_hybrid() {
    std::error_code ec;
    return std::filesystem::exists("/sys/fs/cgroup/unified/cgroup.controllers", ec) &&
           !std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers", ec);
}

std::vector<std::string> for_crun_here(std::vector<std::string> argv) {
    if (!cgroups_are_hybrid()) return argv;
    std::vector<std::string> wrapped = {linux::find_program("unshare"), "--mount", "--propagation", "private",
                                        "/bin/sh", "-c", "umount /sys/fs/cgroup/unified && exec \"$0\" \"$@\""};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
}

}  // namespace strata::measure
