#include "backends/linux/oci_spec.hpp"

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <nlohmann/json.hpp>

#include "backends/linux/container_ids.hpp"

namespace strata::linux {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::uintmax_t kMaxConfigBytes = 4 << 20;

// The fields strata applies, as JSON paths ("*" = any array element).
// Anything else in the file is reported as unsupported, by its path.
const std::set<std::string>& known_fields() {
    static const std::set<std::string> known = {
        "ociVersion", "hostname", "annotations",
        "root", "root.path", "root.readonly",
        "process", "process.terminal", "process.user", "process.user.uid", "process.user.gid", "process.args",
        "process.env", "process.cwd", "process.noNewPrivileges", "process.capabilities",
        "process.capabilities.bounding", "process.capabilities.effective", "process.capabilities.permitted",
        "process.capabilities.inheritable", "process.capabilities.ambient",
        "mounts", "mounts.*", "mounts.*.destination", "mounts.*.type", "mounts.*.source", "mounts.*.options",
        "linux", "linux.namespaces", "linux.namespaces.*", "linux.namespaces.*.type",
        "linux.uidMappings", "linux.gidMappings", "linux.uidMappings.*", "linux.gidMappings.*",
        "linux.uidMappings.*.containerID", "linux.uidMappings.*.hostID", "linux.uidMappings.*.size",
        "linux.gidMappings.*.containerID", "linux.gidMappings.*.hostID", "linux.gidMappings.*.size",
        "linux.maskedPaths", "linux.readonlyPaths", "linux.rootfsPropagation", "linux.cgroupsPath",
        "linux.resources", "linux.resources.memory", "linux.resources.memory.limit", "linux.resources.pids",
        "linux.resources.pids.limit", "linux.resources.cpu", "linux.resources.cpu.quota",
        "linux.resources.cpu.period",
        "linux.seccomp", "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet",
        "linux.seccomp.architectures", "linux.seccomp.syscalls", "linux.seccomp.syscalls.*",
        "linux.seccomp.syscalls.*.names", "linux.seccomp.syscalls.*.action", "linux.seccomp.syscalls.*.errnoRet",
        "linux.seccomp.syscalls.*.args", "linux.seccomp.syscalls.*.args.*",
        "linux.seccomp.syscalls.*.args.*.index", "linux.seccomp.syscalls.*.args.*.value",
        "linux.seccomp.syscalls.*.args.*.valueTwo", "linux.seccomp.syscalls.*.args.*.op",
    };
    return known;
}

// Objects are walked key by key; arrays of objects element by element;
// the values of a known leaf (a list of strings, a number) are not.
void find_unsupported(const json& value, const std::string& path, std::vector<std::string>& out) {
    if (value.is_object()) {
        for (const auto& [key, child] : value.items()) {
            const std::string child_path = path.empty() ? key : path + "." + key;
            if (!known_fields().count(child_path)) {
                out.push_back(child_path);
                continue;
            }
            if (child_path != "annotations") find_unsupported(child, child_path, out);
        }
    } else if (value.is_array()) {
        for (const auto& element : value)
            if (element.is_object()) find_unsupported(element, path + ".*", out);
    }
}

engine::Error field_error(const std::string& field, const std::string& what) {
    return engine::plain_error("config.json", fmt::format("{}: {}", field, what),
                               "the OCI runtime spec (config.md) says what each field holds; `strata bundle DIR` "
                               "writes a valid one to start from")
        .error();
}

std::vector<std::string> strings(const json& j, const std::string& field) {
    std::vector<std::string> out;
    if (j.is_null()) return out;
    if (!j.is_array()) throw field_error(field, "expected a list of strings");
    for (const auto& s : j) {
        if (!s.is_string()) throw field_error(field, "expected a list of strings");
        out.push_back(s.get<std::string>());
    }
    return out;
}

OciSpec parse(const json& j, const std::string& bundle_dir) {
    OciSpec spec;
    spec.bundle = bundle_dir;
    if (!j.is_object()) throw field_error("(top)", "expected a JSON object");
    spec.version = j.value("ociVersion", "");
    if (spec.version.empty()) throw field_error("ociVersion", "missing");
    if (!j.contains("root") || !j["root"].is_object() || !j["root"].contains("path") || !j["root"]["path"].is_string())
        throw field_error("root.path", "missing (the root file system's directory)");
    fs::path root = j["root"]["path"].get<std::string>();
    if (root.is_relative()) root = fs::path(bundle_dir) / root;
    spec.root = root.lexically_normal().string();
    spec.root_readonly = j["root"].value("readonly", false);
    spec.hostname = j.value("hostname", "");
    if (j.contains("process")) {
        const auto& p = j["process"];
        spec.args = strings(p.value("args", json()), "process.args");
        spec.env = strings(p.value("env", json()), "process.env");
        spec.cwd = p.value("cwd", "/");
        spec.no_new_privileges = p.value("noNewPrivileges", false);
        if (p.contains("capabilities"))
            spec.capabilities = strings(p["capabilities"].value("bounding", json::array()), "process.capabilities.bounding");
        if (p.contains("user") && (p["user"].value("uid", 0) != 0 || p["user"].value("gid", 0) != 0))
            spec.unsupported.push_back("process.user (strata runs the process as the container's root)");
    }
    if (spec.args.empty()) throw field_error("process.args", "missing: what the container runs");
    for (const auto& m : j.value("mounts", json::array())) {
        OciMount mount;
        mount.destination = m.value("destination", "");
        mount.type = m.value("type", "");
        mount.source = m.value("source", "");
        mount.options = strings(m.value("options", json()), "mounts[].options");
        if (mount.destination.empty() || mount.destination[0] != '/')
            throw field_error("mounts[].destination", "an absolute path inside the container");
        spec.mounts.push_back(std::move(mount));
    }
    if (j.contains("linux")) {
        const auto& l = j["linux"];
        for (const auto& n : l.value("namespaces", json::array())) {
            const std::string type = n.value("type", "");
            static const std::set<std::string> kinds = {"pid", "network", "ipc", "uts", "mount", "user", "cgroup", "time"};
            if (!kinds.count(type)) throw field_error("linux.namespaces[].type", "unknown kind '" + type + "'");
            if (n.contains("path")) spec.unsupported.push_back("linux.namespaces[" + type + "].path (joining an existing namespace)");
            spec.namespaces.push_back(type);
        }
        spec.masked_paths = strings(l.value("maskedPaths", json()), "linux.maskedPaths");
        spec.readonly_paths = strings(l.value("readonlyPaths", json()), "linux.readonlyPaths");
        if (l.contains("resources")) {
            const auto& r = l["resources"];
            if (r.contains("memory") && r["memory"].contains("limit")) spec.memory_limit = r["memory"]["limit"].get<std::int64_t>();
            if (r.contains("pids") && r["pids"].contains("limit")) spec.pids_limit = r["pids"]["limit"].get<std::int64_t>();
            if (r.contains("cpu")) {
                if (r["cpu"].contains("quota")) spec.cpu_quota = r["cpu"]["quota"].get<std::int64_t>();
                if (r["cpu"].contains("period")) spec.cpu_period = r["cpu"]["period"].get<std::uint64_t>();
            }
        }
        // strata maps container root itself (container_ids.hpp), never to
        // host root: a bundle's maps count as applied only when they agree.
        const auto ids = container_ids();
        const json ours_uid = json::array({{{"containerID", 0}, {"hostID", ids.uid}, {"size", ids.count}}});
        const json ours_gid = json::array({{{"containerID", 0}, {"hostID", ids.gid}, {"size", ids.count}}});
        if ((l.contains("uidMappings") && l["uidMappings"] != ours_uid) ||
            (l.contains("gidMappings") && l["gidMappings"] != ours_gid))
            spec.unsupported.push_back(fmt::format("linux.uidMappings/gidMappings (strata maps container root to "
                                                   "host uid {} itself, never to host root)", ids.uid));
        if (l.contains("seccomp")) {
            const auto& s = l["seccomp"];
            spec.has_seccomp = true;
            spec.seccomp_default = s.value("defaultAction", "");
            spec.seccomp_default_errno = s.value("defaultErrnoRet", -1);
            if (spec.seccomp_default.empty()) throw field_error("linux.seccomp.defaultAction", "missing");
            for (const auto& rule : s.value("syscalls", json::array())) {
                OciSyscallRule r;
                r.names = strings(rule.value("names", json()), "linux.seccomp.syscalls[].names");
                r.action = rule.value("action", "");
                r.errno_ret = rule.value("errnoRet", -1);
                for (const auto& a : rule.value("args", json::array()))
                    r.args.push_back({a.value("index", 0u), a.value("value", std::uint64_t(0)),
                                      a.value("valueTwo", std::uint64_t(0)), a.value("op", "")});
                spec.seccomp_rules.push_back(std::move(r));
            }
        }
    }
    find_unsupported(j, "", spec.unsupported);
    return spec;
}

}  // namespace

engine::Result<OciSpec> parse_oci_spec(const std::string& json_text, const std::string& bundle_dir) {
    json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return engine::plain_error("config.json", "is not valid JSON", "check it with `python3 -m json.tool config.json`");
    try {
        return parse(j, bundle_dir);
    } catch (const engine::Error& e) {
        return std::unexpected(e);
    } catch (const json::exception& e) {
        return engine::plain_error("config.json", std::string("a field has the wrong type: ") + e.what());
    }
}

MountCall mount_call_of(const OciMount& mount) {
    static const std::map<std::string, unsigned long> kFlags = {
        {"ro", MS_RDONLY},           {"nosuid", MS_NOSUID},       {"nodev", MS_NODEV},
        {"noexec", MS_NOEXEC},       {"strictatime", MS_STRICTATIME}, {"relatime", MS_RELATIME},
        {"noatime", MS_NOATIME},     {"nodiratime", MS_NODIRATIME}, {"sync", MS_SYNCHRONOUS},
    };
    static const std::set<std::string> kIgnored = {"rw", "private", "rprivate", "slave", "rslave", "shared",
                                                    "rshared", "suid", "dev", "exec", "atime"};
    MountCall call;
    call.bind = mount.type == "bind";
    for (const auto& option : mount.options) {
        if (option == "bind" || option == "rbind") {
            call.bind = true;
            if (option == "rbind") call.flags |= MS_REC;
        } else if (auto it = kFlags.find(option); it != kFlags.end()) {
            call.flags |= it->second;
        } else if (!kIgnored.count(option)) {
            call.data += (call.data.empty() ? "" : ",") + option;
        }
    }
    call.read_only = call.flags & MS_RDONLY;
    if (call.bind) {
        call.flags = MS_BIND | (call.flags & MS_REC);
        call.data.clear();
    }
    return call;
}

engine::Result<OciSpec> load_oci_bundle(const std::string& dir) {
    const fs::path config = fs::path(dir) / "config.json";
    std::error_code ec;
    const auto size = fs::file_size(config, ec);
    if (ec) return engine::errno_error("read " + config.string(), ec.value(), "no config.json in the bundle",
                                       "an OCI bundle is a directory with config.json and a root file system; "
                                       "`strata bundle DIR` makes one");
    if (size > kMaxConfigBytes) return engine::plain_error("read " + config.string(), "larger than 4 MiB");
    std::ifstream in(config);
    std::stringstream text;
    text << in.rdbuf();
    auto spec = parse_oci_spec(text.str(), fs::absolute(dir).string());
    if (!spec) return std::unexpected(spec.error().with_context(config.string()));
    if (!fs::is_directory(spec->root, ec))
        return engine::plain_error("root.path", spec->root + " is not a directory", "point root.path at the image");
    return spec;
}

}  // namespace strata::linux
