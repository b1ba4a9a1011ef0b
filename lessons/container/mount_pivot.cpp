// container/mount-pivot: a root file system of its own. In a new mount
// namespace, make every mount private (so nothing propagates back to the
// host), bind the image onto itself (pivot_root wants a mount point),
// pivot_root into it and detach the old root. The host's mount table is
// checked byte for byte afterwards.
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>

#include "backends/linux/host_files.hpp"
#include "backends/linux/mountinfo.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/linux/shell.hpp"
#include "backends/linux/shell_lockdown.hpp"
#include "engine/lesson_builder.hpp"
#include "engine/shell_io.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/mount-pivot";

struct State final : engine::LessonState {
    std::string rootfs;
    std::string host_before;  // /proc/self/mountinfo before the lesson touched anything
    std::optional<linux::Cgroup> shell_cgroup;  // declared before the agent: outlives it
    std::optional<linux::Agent> box;
    bool pivoted = false;
    bool proc_mounted = false;
};

Result<StepOutcome> new_mount_ns(Context& ctx, State& s) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    s.rootfs = rootfs;
    auto before = STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/self/mountinfo", {LayerId::runtime, LayerId::mounts}));
    s.host_before = before;
    // CLONE_NEWPID as well, so the shell at the end can have its own /proc.
    auto box = STRATA_TRY(start_container(ctx, CLONE_NEWNS | CLONE_NEWPID));
    s.box.emplace(std::move(box));
    // The container sees the image sealed read-only at a place of its own.
    s.rootfs = s.box->image();
    return StepOutcome{fmt::format("pid {} has a mount namespace: a copy of the host's {} mounts",
                                   s.box->pid(), linux::parse_mountinfo(s.host_before).size())};
}

Result<StepOutcome> make_private(Context&, State& s) {
    // Shared mounts would carry every mount we make back to the host.
    STRATA_TRY(s.box->mount("", "/", "", MS_REC | MS_PRIVATE));
    return StepOutcome{"every mount in the container's namespace is now private: nothing propagates to the host"};
}

Result<StepOutcome> bind_rootfs(Context&, State& s) {
    STRATA_TRY(s.box->mount(s.rootfs, s.rootfs, "", MS_BIND | MS_REC));
    // The image is shared by every lesson: the container gets it read-only
    // (container/overlay shows how a container gets a writable layer).
    STRATA_TRY(s.box->mount("", s.rootfs, "", MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV));
    return StepOutcome{fmt::format("{} is now a mount point of its own (read-only)", s.rootfs)};
}

Result<StepOutcome> pivot(Context&, State& s) {
    STRATA_TRY(s.box->chdir(s.rootfs));
    STRATA_TRY(s.box->pivot_root(s.rootfs, s.rootfs + "/old-root"));
    STRATA_TRY(s.box->chdir("/"));
    s.pivoted = true;
    // A fresh /proc for the container's own PID namespace, mounted now while
    // the host's /proc is still visible under /old-root: inside a user
    // namespace the kernel allows a new proc mount only where a full proc
    // is already visible (it will not reveal more than the namespace sees).
    STRATA_TRY(s.box->mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
    s.proc_mounted = true;
    auto old = STRATA_TRY(s.box->list_dir("/old-root", {LayerId::runtime, LayerId::mounts}));
    return StepOutcome{fmt::format("the image is `/` now; the host's whole tree hangs at /old-root ({} entries)",
                                   old.size())};
}

Result<StepOutcome> unmount_old(Context& ctx, State& s) {
    STRATA_TRY(s.box->umount2("/old-root", MNT_DETACH));
    auto old = STRATA_TRY(s.box->list_dir("/old-root", {LayerId::runtime, LayerId::mounts}));
    ctx.facts().set_value("entries left in /old-root", std::to_string(old.size()));
    return StepOutcome{fmt::format("the host's tree is gone from the container: /old-root is empty ({} entries)",
                                   old.size())};
}

Result<StepOutcome> compare(Context& ctx, State& s) {
    const std::vector<LayerId> layers = {LayerId::runtime, LayerId::mounts};
    auto inside = STRATA_TRY(linux::host_read(ctx.recorder(), fmt::format("/proc/{}/mountinfo", s.box->pid()), layers));
    auto host = STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/self/mountinfo", layers));
    const auto in_rows = linux::parse_mountinfo(inside);
    const auto host_rows = linux::parse_mountinfo(host);
    engine::TableView table;
    table.title = "mounts: container vs host";
    table.columns = {"container: mount point", "type", "host: mount point", "type"};
    for (std::size_t i = 0; i < std::max(in_rows.size(), host_rows.size()); ++i) {
        const bool a = i < in_rows.size(), b = i < host_rows.size();
        table.rows.push_back({a ? in_rows[i].mount_point : "", a ? in_rows[i].fstype : "",
                              b ? host_rows[i].mount_point : "", b ? host_rows[i].fstype : ""});
        table.row_marked.push_back(a != b || (a && in_rows[i].mount_point != host_rows[i].mount_point));
    }
    ctx.facts().set_table(table);
    const bool unchanged = host == s.host_before;
    ctx.facts().set_value("container mounts", std::to_string(in_rows.size()));
    ctx.facts().set_value("host mounts", std::to_string(host_rows.size()));
    ctx.facts().set_value("host mount table unchanged", unchanged ? "yes, byte for byte" : "NO");
    if (!unchanged) return engine::plain_error("compare mount tables", "the host's mount table changed");
    return StepOutcome{fmt::format("the container sees {} mount(s), the host still its {} — byte for byte as before",
                                   in_rows.size(), host_rows.size())};
}

Result<StepOutcome> look_inside(Context& ctx, State& s) {
    auto run = STRATA_TRY(s.box->run({"/bin/busybox", "ls", "/"}));
    ctx.console_write("inside$ ls /\n" + run.out);
    std::string flat = trim(run.out);
    for (auto& c : flat) if (c == '\n') c = ' ';
    ctx.facts().set_value("ls / inside", flat);
    return StepOutcome{"`ls /` inside lists the image: " + flat};
}

Result<int> shell(Context&, State& s) {
    if (!s.proc_mounted) {
        STRATA_TRY(s.box->mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
        s.proc_mounted = true;
    }
    // A person gets a root shell: the container gets the rest of a
    // runtime's isolation first (backends/linux/shell_lockdown.hpp).
    auto cgroup = STRATA_TRY(linux::lock_down_for_shell(*s.box));
    s.shell_cgroup = std::move(cgroup);
    // The terminal, or the GUI console's pipes (engine/shell_io.hpp).
    const auto io = engine::shell_io();
    return linux::run_shell(*s.box, {"/bin/sh"}, io.in_fd, io.out_fd);
}

}  // namespace

engine::Lesson mount_pivot_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson
        .step("new-mount-ns", "A new mount namespace",
              {L::runtime, L::mounts, L::processes, L::namespaces, L::security}, new_mount_ns)
        .provides(&State::box, "the container");
    lesson.step("make-private", "Make / private, recursively", {L::runtime, L::mounts}, make_private);
    lesson.step("bind-rootfs", "Bind the image onto itself", {L::runtime, L::mounts}, bind_rootfs);
    lesson.step("pivot-root", "pivot_root into the image", {L::runtime, L::mounts}, pivot)
        .provides(&State::pivoted, "the pivoted root");
    lesson.step("unmount-old-root", "Detach the old root", {L::runtime, L::mounts}, unmount_old);
    lesson.step("compare-mounts", "Mount tables, inside and outside", {L::runtime, L::mounts}, compare);
    lesson.step("look-inside", "Look around inside", {L::runtime, L::processes, L::container}, look_inside);
    lesson.interactive_shell = shell;
    return lesson.build();
}

}  // namespace strata::lessons::container
