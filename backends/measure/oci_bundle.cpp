#include "backends/measure/oci_bundle.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>

#include <nlohmann/json.hpp>

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
    std::string templ = (std::filesystem::temp_directory_path() / "strata-bench-oci-XXXXXX").string();
    if (!::mkdtemp(templ.data())) {
        std::perror("mkdtemp (OCI bundle)");
        return std::nullopt;
    }
    OciBundle bundle;
    bundle.dir_ = templ;
    std::ofstream out(templ + "/config.json");
    out << config(rootfs).dump(2) << '\n';
    if (!out) {
        std::fprintf(stderr, "cannot write %s/config.json\n", templ.c_str());
        return std::nullopt;
    }
    return bundle;
}

OciBundle::OciBundle(OciBundle&& other) noexcept : dir_(std::exchange(other.dir_, {})) {}

OciBundle::~OciBundle() {
    if (dir_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

std::string OciBundle::state_dir(const std::string& runtime) const { return dir_ + "/state-" + runtime; }

bool cgroups_are_hybrid() {
    std::error_code ec;
    return std::filesystem::exists("/sys/fs/cgroup/unified/cgroup.controllers", ec) &&
           !std::filesystem::exists("/sys/fs/cgroup/cgroup.controllers", ec);
}

}  // namespace strata::measure
