// container/whole: the whole container, assembled from an OCI bundle in
// the order runc and crun follow (the runtime spec's create, then start):
// namespaces, cgroup, network, root file system and its mounts, /proc's
// masked and read-only paths, host name, capabilities, no_new_privs,
// seccomp, then the process. Every field of config.json is shown with the
// calls it became; a field strata does not apply is named.
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <sys/wait.h>

#include "backends/linux/capabilities.hpp"
#include "backends/linux/cgroup.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/netlink.hpp"
#include "backends/linux/oci_spec.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/seccomp_allowlist.hpp"
#include "backends/linux/shell.hpp"
#include "backends/linux/temp_dir.hpp"
#include "engine/shell_io.hpp"
#include "lessons/container/common.hpp"
#include "lessons/container/lessons.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/whole";
// What strata's own bundle runs: who it is, and how locked down.
const std::vector<std::string> kDefaultArgs = {
    "/bin/sh", "-c",
    "echo \"hello from $(hostname), pid $$\"; id; grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status"};
// The devices a runtime must give a container (runtime-spec config-linux.md).
const char* const kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

struct State final : engine::LessonState {
    std::string bundle_option;
    std::optional<linux::TempDir> bundle_dir;  // strata's own bundle, written for this run
    std::optional<linux::OciSpec> spec;
    std::vector<std::vector<std::string>> fields;  // config.json field, value, what strata did
    std::optional<linux::CgroupLayout> layout;
    std::optional<linux::Cgroup> cgroup;
    std::optional<linux::RouteSocket> net;
    std::optional<linux::Agent> box;  // declared last: dies first
};

bool has(const linux::OciSpec& spec, const std::string& kind) {
    return std::find(spec.namespaces.begin(), spec.namespaces.end(), kind) != spec.namespaces.end();
}

void field(State& s, std::string name, std::string value, std::string became) {
    s.fields.push_back({std::move(name), std::move(value), std::move(became)});
}

Result<void> need_box(const State& s) { return need(s.box.has_value(), kId, "the container"); }

Result<StepOutcome> read_bundle(Context& ctx) {
    auto& s = ctx.state<State>();
    std::string dir = s.bundle_option;
    if (dir.empty()) {
        // strata's own bundle, written the way `strata bundle DIR` writes it,
        // then read back like anyone's.
        auto rootfs = linux::find_rootfs();
        if (!rootfs) return std::unexpected(rootfs.error());
        auto made = linux::TempDir::create("bundle");
        if (!made) return std::unexpected(made.error());
        s.bundle_dir.emplace(std::move(*made));
        dir = s.bundle_dir->path().string();
        if (auto r = linux::write_bundle(dir, *rootfs, kDefaultArgs); !r) return std::unexpected(r.error());
    }
    auto text = linux::host_read(ctx.recorder(), dir + "/config.json", {LayerId::runtime, LayerId::mounts});
    if (!text) return std::unexpected(text.error());
    auto spec = linux::load_oci_bundle(dir);
    if (!spec) return std::unexpected(spec.error());
    if (!has(*spec, "mount"))
        return engine::plain_error(kId, "the bundle has no mount namespace",
                                   "strata pivots into root.path in a mount namespace of the container's own: add "
                                   "{\"type\": \"mount\"} to linux.namespaces");
    s.spec = std::move(*spec);
    ctx.facts().set_value("bundle", dir);
    ctx.facts().set_value("fields strata does not apply",
                          s.spec->unsupported.empty() ? "none" : fmt::format("{}", fmt::join(s.spec->unsupported, "; ")));
    return StepOutcome{fmt::format("config.json (OCI {}): {} namespaces, {} mounts, {} capabilities, seccomp {}; {} "
                                   "field(s) strata does not apply",
                                   s.spec->version, s.spec->namespaces.size(), s.spec->mounts.size(),
                                   s.spec->capabilities.size(), s.spec->has_seccomp ? s.spec->seccomp_default : "none",
                                   s.spec->unsupported.size())};
}

Result<StepOutcome> create(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need(s.spec.has_value(), kId, "the bundle"); !ok) return std::unexpected(ok.error());
    const auto& spec = *s.spec;
    // The cgroup namespace comes after the cgroup: its root is where the
    // process stands when it is made.
    static const std::pair<const char*, std::uint64_t> kKinds[] = {
        {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
        {"mount", CLONE_NEWNS}};
    std::uint64_t flags = CLONE_NEWUSER;  // always: container root is never host root
    for (const auto& [kind, flag] : kKinds)
        if (has(spec, kind)) flags |= flag;
    linux::AgentOptions options;
    options.clone_flags = flags;
    options.image = spec.root;
    auto box = linux::Agent::start(ctx.recorder(), options);
    if (!box) return std::unexpected(box.error());
    s.box.emplace(std::move(*box));
    field(s, "linux.namespaces", fmt::format("{}", fmt::join(spec.namespaces, ", ")),
          "clone3 with a user namespace always" + std::string(has(spec, "cgroup") ? "; cgroup: after the cgroup" : ""));
    field(s, "root.path", spec.root, "bound read-only at " + s.box->image() + " by the sealer");
    return StepOutcome{fmt::format("pid {} in new namespaces; its root {} is sealed read-only", s.box->pid(),
                                   spec.root)};
}

Result<StepOutcome> cgroup(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    const auto& spec = *s.spec;
    auto self = linux::host_read(ctx.recorder(), "/proc/self/cgroup", {LayerId::runtime, LayerId::cgroups});
    if (!self) return std::unexpected(self.error());
    auto layout = linux::CgroupLayout::detect("/sys/fs/cgroup", *self, ::geteuid());
    if (!layout) return std::unexpected(layout.error());
    s.layout = *layout;
    auto cg = linux::Cgroup::create(ctx.recorder(), *s.layout, "whole");
    if (!cg && ::geteuid() != 0) {
        // An ordinary user has a cgroup to write only where it was delegated
        // (cgroup v2 with systemd; never v1): the stage is skipped, and said so.
        ctx.facts().set_value("cgroup", "not applied: " + cg.error().describe());
        field(s, "linux.resources", "", "not applied: no cgroup this user may write (" + s.layout->description + ")");
        if (has(spec, "cgroup"))
            if (auto r = s.box->unshare(CLONE_NEWCGROUP); !r) return std::unexpected(r.error());
        return StepOutcome{"no cgroup this user may write here: the bundle's limits are not applied"};
    }
    if (!cg) return std::unexpected(cg.error());
    s.cgroup.emplace(std::move(*cg));
    if (spec.memory_limit)
        if (auto r = s.cgroup->set(linux::CgroupKnob::memory_limit, std::to_string(*spec.memory_limit)); !r)
            return std::unexpected(r.error());
    if (spec.pids_limit)
        if (auto r = s.cgroup->set(linux::CgroupKnob::pids_limit, std::to_string(*spec.pids_limit)); !r)
            return std::unexpected(r.error());
    if (auto r = s.cgroup->add(s.box->pid()); !r) return std::unexpected(r.error());
    if (has(spec, "cgroup"))
        if (auto r = s.box->unshare(CLONE_NEWCGROUP); !r) return std::unexpected(r.error());
    field(s, "linux.resources",
          fmt::format("memory {}, pids {}", spec.memory_limit ? std::to_string(*spec.memory_limit) : "-",
                      spec.pids_limit ? std::to_string(*spec.pids_limit) : "-"),
          "cgroup " + s.cgroup->name() + " (" + s.layout->description + ")");
    return StepOutcome{fmt::format("cgroup {} holds the container{}", s.cgroup->name(),
                                   has(spec, "cgroup") ? "; its cgroup namespace is rooted there" : "")};
}

Result<StepOutcome> network(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    if (!has(*s.spec, "network")) return StepOutcome{"no network namespace in the bundle: the host's network"};
    auto fd = s.box->net_socket();
    if (!fd) return std::unexpected(fd.error());
    auto net = linux::RouteSocket::adopt(ctx.recorder(), std::move(*fd), "container");
    if (!net) return std::unexpected(net.error());
    s.net.emplace(std::move(*net));
    if (auto r = s.net->set_up("lo"); !r) return std::unexpected(r.error());
    auto links = s.net->links();
    if (!links) return std::unexpected(links.error());
    ctx.facts().set_value("interfaces inside", std::to_string(links->size()));
    field(s, "linux.namespaces: network", "", "loopback up over rtnetlink; nothing else plugged in");
    return StepOutcome{fmt::format("a network stack of its own: {} interface(s), lo up", links->size())};
}

Result<StepOutcome> rootfs(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    auto& box = *s.box;
    const std::string root = box.image();
    if (auto r = box.mount("", "/", "", MS_REC | MS_PRIVATE); !r) return std::unexpected(r.error());
    if (auto r = box.mount(root, root, "", MS_BIND | MS_REC); !r) return std::unexpected(r.error());
    for (const auto& m : s.spec->mounts) {
        const auto call = linux::mount_call_of(m);
        const std::string target = root + m.destination;
        // Mount points under a fresh tmpfs (/dev/pts in /dev) are made there.
        if (m.destination.rfind("/dev/", 0) == 0) (void)box.mkdir(target, 0755);
        if (auto r = box.mount(call.bind ? m.source : m.source.empty() ? m.type : m.source, target,
                               call.bind ? "" : m.type, call.flags, call.data);
            !r)
            return std::unexpected(r.error().with_context("mounts: " + m.destination));
        if (call.bind && call.read_only)
            if (auto r = box.mount("", target, "", MS_BIND | MS_REMOUNT | MS_RDONLY); !r) return std::unexpected(r.error());
        field(s, "mounts: " + m.destination, m.type, fmt::format("mount({}, {})", m.type, m.destination));
        if (m.destination == "/dev") {
            // The devices every container gets: bound from the host (a user
            // namespace may not mknod), before the host's /dev is out of view.
            for (const char* dev : kDevices) {
                const std::string at = target + "/" + dev;
                if (auto r = box.write_file(at, "", {LayerId::runtime, LayerId::mounts}); !r) return std::unexpected(r.error());
                if (auto r = box.mount(std::string("/dev/") + dev, at, "", MS_BIND); !r) return std::unexpected(r.error());
            }
        }
    }
    // runc's pivot: the old root stacks under the new one and is detached
    // at once, so the image needs no directory for it.
    if (auto r = box.chdir(root); !r) return std::unexpected(r.error());
    if (auto r = box.pivot_root(".", "."); !r) return std::unexpected(r.error());
    if (auto r = box.umount2(".", MNT_DETACH); !r) return std::unexpected(r.error());
    if (auto r = box.chdir("/"); !r) return std::unexpected(r.error());
    auto listing = box.list_dir("/dev", {LayerId::runtime, LayerId::mounts});
    if (!listing) return std::unexpected(listing.error());
    std::sort(listing->begin(), listing->end());
    ctx.facts().set_value("/dev inside", fmt::format("{}", fmt::join(*listing, " ")));
    return StepOutcome{fmt::format("pivot_root done: the image is /, with {} mount(s) of the bundle and a /dev of {}",
                                   s.spec->mounts.size(), listing->size())};
}

Result<StepOutcome> proc_paths(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    if (s.spec->readonly_paths.empty() && s.spec->masked_paths.empty())
        return StepOutcome{"the bundle lists no masked or read-only paths"};
    auto r = s.box->harden_proc(s.spec->readonly_paths, s.spec->masked_paths);
    if (!r) return std::unexpected(r.error());
    field(s, "linux.readonlyPaths, linux.maskedPaths",
          fmt::format("{} + {}", s.spec->readonly_paths.size(), s.spec->masked_paths.size()),
          fmt::format("{} bind or tmpfs mounts (paths missing here are skipped)", r->result));
    return StepOutcome{fmt::format("{} of /proc's paths made read-only or masked", r->result)};
}

Result<StepOutcome> hostname(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    if (s.spec->hostname.empty() || !has(*s.spec, "uts")) return StepOutcome{"no host name of its own in the bundle"};
    if (auto r = s.box->sethostname(s.spec->hostname); !r) return std::unexpected(r.error());
    field(s, "hostname", s.spec->hostname, "sethostname in its UTS namespace");
    return StepOutcome{"its host name is " + s.spec->hostname};
}

Result<StepOutcome> capabilities(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    std::vector<std::string> names;
    for (auto name : s.spec->capabilities) {
        for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
        names.push_back(name);
    }
    auto keep = linux::cap_mask(names);
    if (!keep) return std::unexpected(keep.error().with_context("process.capabilities.bounding"));
    if (auto r = s.box->drop_caps(*keep, linux::cap_names(*keep)); !r) return std::unexpected(r.error());
    field(s, "process.capabilities", std::to_string(names.size()), "prctl(PR_CAPBSET_DROP) + capset");
    return StepOutcome{fmt::format("{} capabilities kept, every other one gone", names.size())};
}

Result<StepOutcome> no_new_privs(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    if (!s.spec->no_new_privileges) return StepOutcome{"process.noNewPrivileges is false: left off"};
    if (auto r = s.box->no_new_privs(); !r) return std::unexpected(r.error());
    field(s, "process.noNewPrivileges", "true", "prctl(PR_SET_NO_NEW_PRIVS, 1)");
    return StepOutcome{"no_new_privs set: no execve can ever gain privileges"};
}

Result<StepOutcome> seccomp(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    const auto& spec = *s.spec;
    if (!spec.has_seccomp) return StepOutcome{"no linux.seccomp in the bundle: every system call allowed"};
    auto filter = linux::compile_seccomp_profile(ctx.recorder(), spec.seccomp_default, spec.seccomp_default_errno,
                                                 spec.seccomp_rules);
    if (!filter) return std::unexpected(filter.error().with_context("linux.seccomp"));
    if (auto r = s.box->seccomp(filter->bpf, filter->description, false); !r) return std::unexpected(r.error());
    field(s, "linux.seccomp", spec.seccomp_default, filter->description);
    return StepOutcome{"seccomp filter loaded: " + filter->description};
}

Result<StepOutcome> start(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    auto run = s.box->run(s.spec->args, std::chrono::seconds(10), s.spec->env);
    if (!run) return std::unexpected(run.error());
    ctx.console_write("container$ " + fmt::format("{}", fmt::join(s.spec->args, " ")) + "\n" + run->out);
    for (const char* key : {"CapEff:", "NoNewPrivs:", "Seccomp:"}) {
        const auto at = run->out.find(key);
        if (at == std::string::npos) continue;
        auto value = run->out.substr(at + std::strlen(key), run->out.find('\n', at) - at - std::strlen(key));
        value.erase(0, value.find_first_not_of(" \t"));
        ctx.facts().set_value(std::string(key, std::strlen(key) - 1), value);
    }
    field(s, "process.args", fmt::format("{}", fmt::join(s.spec->args, " ")), "fork + execve by PID 1, strata's agent");
    engine::TableView table;
    table.title = "config.json: what each field became";
    table.columns = {"field", "value", "what strata did"};
    table.rows = s.fields;
    for (const auto& skipped : s.spec->unsupported) table.rows.push_back({skipped, "", "not applied"});
    table.row_marked.assign(table.rows.size(), false);
    for (std::size_t i = s.fields.size(); i < table.rows.size(); ++i) table.row_marked[i] = true;
    ctx.facts().set_table(table);
    const int status = WIFEXITED(run->result) ? WEXITSTATUS(run->result) : 128 + WTERMSIG(run->result);
    ctx.facts().set_value("process exit status", std::to_string(status));
    return StepOutcome{fmt::format("the process ran and exited with status {}", status)};
}

Result<int> shell(Context& ctx) {
    auto& s = ctx.state<State>();
    if (auto ok = need_box(s); !ok) return std::unexpected(ok.error());
    // Every stage of the lockdown is already in place: the shell inherits it.
    const auto io = engine::shell_io();
    return linux::run_shell(*s.box, {"/bin/sh"}, io.in_fd, io.out_fd);
}

std::optional<std::string> bundle_problem(const std::string& dir) {
    if (dir.empty()) return std::nullopt;
    auto spec = linux::load_oci_bundle(dir);
    if (!spec) return spec.error().describe();
    return std::nullopt;
}

}  // namespace

engine::Lesson whole_lesson() {
    using L = LayerId;
    engine::Lesson lesson;
    lesson.id = kId;
    lesson.title = "The whole container, from an OCI bundle";
    lesson.track = "container";
    lesson.summary = "Every mechanism at once, in runc's order, driven by config.json: the container a runtime makes.";
    // Without a cgroup it may write, the cgroup stage says so and the rest runs.
    lesson.requirements = {engine::Requirement::userns};
    lesson.options = {{"bundle", "an OCI bundle directory (config.json + rootfs); empty: strata's own", {}, "",
                       bundle_problem}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto state = std::make_unique<State>();
        state->bundle_option = options.at("bundle");
        return state;
    };
    lesson.steps = {
        {"read-bundle", "Read the bundle's config.json", read_bundle, {L::runtime, L::mounts}},
        {"create", "Namespaces: clone3, the id maps", create,
         {L::runtime, L::processes, L::namespaces, L::mounts, L::security}},
        {"cgroup", "A cgroup with the bundle's limits", cgroup, {L::runtime, L::cgroups, L::namespaces}},
        {"network", "Loopback in its own network stack", network, {L::runtime, L::network}},
        {"rootfs", "Root file system, mounts, /dev, pivot_root", rootfs, {L::runtime, L::mounts}},
        {"proc-paths", "/proc: masked and read-only paths", proc_paths, {L::runtime, L::mounts, L::security}},
        {"hostname", "Its host name", hostname, {L::runtime, L::namespaces}},
        {"capabilities", "Capabilities: the bundle's set only", capabilities, {L::runtime, L::security}},
        {"no-new-privs", "no_new_privs", no_new_privs, {L::runtime, L::security}},
        {"seccomp", "The seccomp profile", seccomp, {L::runtime, L::security}},
        {"start", "Start the process", start, {L::runtime, L::processes, L::container}},
    };
    lesson.interactive_shell = shell;
    return lesson;
}

}  // namespace strata::lessons::container
