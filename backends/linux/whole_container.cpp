#include "backends/linux/whole_container.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "backends/linux/capabilities.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/seccomp_allowlist.hpp"

namespace strata::linux {

namespace {

// The devices a runtime must give a container (runtime-spec config-linux.md).
const char* const kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

std::string joined(const std::vector<std::string>& items, const char* separator = ", ") {
    return fmt::format("{}", fmt::join(items, separator));
}

}  // namespace

Result<WholeContainer> WholeContainer::prepare(Recorder& recorder, OciSpec spec) {
    if (std::find(spec.namespaces.begin(), spec.namespaces.end(), "mount") == spec.namespaces.end())
        return engine::plain_error("config.json", "the bundle has no mount namespace",
                                   "strata pivots into root.path in a mount namespace of the container's own: add "
                                   "{\"type\": \"mount\"} to linux.namespaces");
    return WholeContainer(recorder, std::move(spec));
}

bool WholeContainer::has_namespace(const std::string& kind) const {
    return std::find(spec_.namespaces.begin(), spec_.namespaces.end(), kind) != spec_.namespaces.end();
}

Result<void> WholeContainer::need_agent() const {
    if (box_) return {};
    return engine::plain_error("whole container", "the container does not exist yet",
                               "its stages run in order, create first");
}

void WholeContainer::field(std::string name, std::string value, std::string became) {
    fields_.push_back({std::move(name), std::move(value), std::move(became)});
}

Result<void> WholeContainer::create() {
    // The cgroup namespace comes after the cgroup: its root is where the
    // process stands when it is made.
    static const std::pair<const char*, std::uint64_t> kKinds[] = {
        {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
        {"mount", CLONE_NEWNS}};
    std::uint64_t flags = CLONE_NEWUSER;  // always: container root is never host root
    for (const auto& [kind, flag] : kKinds)
        if (has_namespace(kind)) flags |= flag;
    AgentOptions options;
    options.clone_flags = flags;
    options.image = spec_.root;
    auto box = Agent::start(*recorder_, options);
    if (!box) return std::unexpected(box.error());
    box_.emplace(std::move(*box));
    field("linux.namespaces", joined(spec_.namespaces),
          "clone3 with a user namespace always" + std::string(has_namespace("cgroup") ? "; cgroup: after the cgroup" : ""));
    field("root.path", spec_.root, "bound read-only at " + box_->image() + " by the sealer");
    return {};
}

Result<WholeContainer::CgroupOutcome> WholeContainer::cgroup() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    auto self = host_read(*recorder_, "/proc/self/cgroup", {LayerId::runtime, LayerId::cgroups});
    if (!self) return std::unexpected(self.error());
    auto layout = CgroupLayout::detect("/sys/fs/cgroup", *self, ::geteuid());
    if (!layout) return std::unexpected(layout.error());
    layout_ = *layout;
    CgroupOutcome out;
    auto cg = Cgroup::create(*recorder_, *layout_, "whole");
    if (!cg && ::geteuid() != 0) {
        // An ordinary user has a cgroup to write only where it was delegated
        // (cgroup v2 with systemd; never v1): the stage is skipped, and said so.
        out.description = "not applied: " + cg.error().describe();
        field("linux.resources", "", "not applied: no cgroup this user may write (" + layout_->description + ")");
    } else {
        if (!cg) return std::unexpected(cg.error());
        cgroup_.emplace(std::move(*cg));
        if (spec_.memory_limit)
            if (auto r = cgroup_->set(CgroupKnob::memory_limit, std::to_string(*spec_.memory_limit)); !r)
                return std::unexpected(r.error());
        if (spec_.pids_limit)
            if (auto r = cgroup_->set(CgroupKnob::pids_limit, std::to_string(*spec_.pids_limit)); !r)
                return std::unexpected(r.error());
        if (auto r = cgroup_->add(box_->pid()); !r) return std::unexpected(r.error());
        out.applied = true;
        out.description = cgroup_->name() + " (" + layout_->description + ")";
        field("linux.resources",
              fmt::format("memory {}, pids {}", spec_.memory_limit ? std::to_string(*spec_.memory_limit) : "-",
                          spec_.pids_limit ? std::to_string(*spec_.pids_limit) : "-"),
              "cgroup " + out.description);
    }
    if (has_namespace("cgroup"))
        if (auto r = box_->unshare(CLONE_NEWCGROUP); !r) return std::unexpected(r.error());
    return out;
}

Result<int> WholeContainer::network() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    if (!has_namespace("network")) return 0;
    auto fd = box_->net_socket();
    if (!fd) return std::unexpected(fd.error());
    auto net = RouteSocket::adopt(*recorder_, std::move(*fd), "container");
    if (!net) return std::unexpected(net.error());
    net_.emplace(std::move(*net));
    if (auto r = net_->set_up("lo"); !r) return std::unexpected(r.error());
    auto links = net_->links();
    if (!links) return std::unexpected(links.error());
    field("linux.namespaces: network", "", "loopback up over rtnetlink; nothing else plugged in");
    return int(links->size());
}

Result<std::vector<std::string>> WholeContainer::rootfs() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    auto& box = *box_;
    const std::string root = box.image();
    if (auto r = box.mount("", "/", "", MS_REC | MS_PRIVATE); !r) return std::unexpected(r.error());
    if (auto r = box.mount(root, root, "", MS_BIND | MS_REC); !r) return std::unexpected(r.error());
    for (const auto& m : spec_.mounts) {
        const auto call = mount_call_of(m);
        const std::string target = root + m.destination;
        // Mount points under a fresh tmpfs (/dev/pts in /dev) are made there.
        if (m.destination.rfind("/dev/", 0) == 0) (void)box.mkdir(target, 0755);
        const std::string source = call.bind ? m.source : m.source.empty() ? m.type : m.source;
        if (auto r = box.mount(source, target, call.bind ? "" : m.type, call.flags, call.data); !r)
            return std::unexpected(r.error().with_context("mounts: " + m.destination));
        if (call.bind && call.read_only)
            if (auto r = box.mount("", target, "", MS_BIND | MS_REMOUNT | MS_RDONLY); !r)
                return std::unexpected(r.error());
        field("mounts: " + m.destination, m.type, fmt::format("mount({}, {})", m.type, m.destination));
        if (m.destination != "/dev") continue;
        // The devices every container gets, bound from the host (a user
        // namespace may not mknod) before the host's /dev is out of view.
        for (const char* dev : kDevices) {
            const std::string at = target + "/" + dev;
            if (auto r = box.write_file(at, "", {LayerId::runtime, LayerId::mounts}); !r) return std::unexpected(r.error());
            if (auto r = box.mount(std::string("/dev/") + dev, at, "", MS_BIND); !r) return std::unexpected(r.error());
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
    return *listing;
}

Result<int> WholeContainer::proc_paths() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    if (spec_.readonly_paths.empty() && spec_.masked_paths.empty()) return 0;
    auto r = box_->harden_proc(spec_.readonly_paths, spec_.masked_paths);
    if (!r) return std::unexpected(r.error());
    field("linux.readonlyPaths, linux.maskedPaths",
          fmt::format("{} + {}", spec_.readonly_paths.size(), spec_.masked_paths.size()),
          fmt::format("{} bind or tmpfs mounts (paths missing here are skipped)", r->result));
    return int(r->result);
}

Result<bool> WholeContainer::hostname() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    if (spec_.hostname.empty() || !has_namespace("uts")) return false;
    if (auto r = box_->sethostname(spec_.hostname); !r) return std::unexpected(r.error());
    field("hostname", spec_.hostname, "sethostname in its UTS namespace");
    return true;
}

Result<int> WholeContainer::capabilities() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    std::vector<std::string> names;
    for (auto name : spec_.capabilities) {
        for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
        names.push_back(name);
    }
    auto keep = cap_mask(names);
    if (!keep) return std::unexpected(keep.error().with_context("process.capabilities.bounding"));
    if (auto r = box_->drop_caps(*keep, cap_names(*keep)); !r) return std::unexpected(r.error());
    field("process.capabilities", std::to_string(names.size()), "prctl(PR_CAPBSET_DROP) + capset");
    return int(names.size());
}

Result<bool> WholeContainer::no_new_privs() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    if (!spec_.no_new_privileges) return false;
    if (auto r = box_->no_new_privs(); !r) return std::unexpected(r.error());
    field("process.noNewPrivileges", "true", "prctl(PR_SET_NO_NEW_PRIVS, 1)");
    return true;
}

Result<std::optional<std::string>> WholeContainer::seccomp() {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    if (!spec_.has_seccomp) return std::optional<std::string>();
    auto filter = compile_seccomp_profile(*recorder_, spec_.seccomp_default, spec_.seccomp_default_errno,
                                          spec_.seccomp_rules);
    if (!filter) return std::unexpected(filter.error().with_context("linux.seccomp"));
    if (auto r = box_->seccomp(filter->bpf, filter->description, false); !r) return std::unexpected(r.error());
    field("linux.seccomp", spec_.seccomp_default, filter->description);
    return std::optional<std::string>(filter->description);
}

Result<AgentReply> WholeContainer::start(std::chrono::milliseconds timeout) {
    if (auto ok = need_agent(); !ok) return std::unexpected(ok.error());
    auto run = box_->run(spec_.args, timeout, spec_.env);
    if (!run) return std::unexpected(run.error());
    field("process.args", joined(spec_.args, " "), "fork + execve by PID 1, strata's agent");
    return run;
}

Result<AgentReply> WholeContainer::run_all() {
    if (auto r = create(); !r) return std::unexpected(r.error());
    if (auto r = cgroup(); !r) return std::unexpected(r.error());
    if (auto r = network(); !r) return std::unexpected(r.error());
    if (auto r = rootfs(); !r) return std::unexpected(r.error());
    if (auto r = proc_paths(); !r) return std::unexpected(r.error());
    if (auto r = hostname(); !r) return std::unexpected(r.error());
    if (auto r = capabilities(); !r) return std::unexpected(r.error());
    if (auto r = no_new_privs(); !r) return std::unexpected(r.error());
    if (auto r = seccomp(); !r) return std::unexpected(r.error());
    return start();
}

}  // namespace strata::linux
