// container/pid: clone(CLONE_NEWPID) makes the child PID 1 of a new PID
// namespace: it sees itself as 1, the host sees another number; a fresh
// /proc shows only the container's processes; orphans are re-parented to
// it, and it must reap them like init does.
#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <sstream>

#include "backends/linux/flags.hpp"
#include "backends/linux/host_files.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/pid";

// The namespaces the learner may ask for (option "namespaces"). A mount
// namespace is always added: the fresh /proc of step 2 must never cover
// the host's, whatever was asked.
constexpr std::uint64_t kChoosable = CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP |
                                     CLONE_NEWNS | CLONE_NEWUSER;

std::optional<std::string> namespaces_problem(const std::string& text) {
    auto flags = linux::parse_flags(linux::clone_flag_names(), text);
    if (!flags) return flags.error().message + " (" + flags.error().hint + ")";
    if (*flags & ~kChoosable)
        return "only namespace flags: CLONE_NEWPID, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWCGROUP";
    return std::nullopt;
}

struct State final : engine::LessonState {
    std::uint64_t flags = CLONE_NEWPID;
    std::optional<linux::Agent> init;
    long orphan = -1;
};

Result<StepOutcome> clone_pid(Context& ctx, State& s) {
    auto init = STRATA_TRY(start_container(ctx, s.flags | CLONE_NEWNS));
    s.init.emplace(std::move(init));
    auto ids = STRATA_TRY(s.init->ids({LayerId::runtime, LayerId::processes}));
    // Which PID namespace each side is in: the same inode means the same namespace.
    const std::vector<LayerId> ns_layers = {LayerId::runtime, LayerId::namespaces};
    auto host_ns = STRATA_TRY(linux::host_readlink(ctx.recorder(), "/proc/self/ns/pid", ns_layers));
    auto child_ns = STRATA_TRY(linux::host_readlink(ctx.recorder(), fmt::format("/proc/{}/ns/pid", s.init->pid()), ns_layers));
    ctx.facts().set_value("pid inside", std::to_string(ids.pid));
    ctx.facts().set_value("pid outside", std::to_string(s.init->pid()));
    ctx.facts().set_value("parent pid inside", std::to_string(ids.ppid));
    ctx.facts().set_value("pid namespace (strata)", host_ns);
    ctx.facts().set_value("pid namespace (container)", child_ns);
    // A parent outside the child's PID namespace has no number in it: 0.
    const std::string parent = ids.ppid == 0 ? "0: it is outside the namespace" : std::to_string(ids.ppid);
    return StepOutcome{fmt::format("the child calls itself pid {} (its parent: {}); the host knows it as pid {}",
                                   ids.pid, parent, s.init->pid())};
}

Result<StepOutcome> mount_proc(Context& ctx, State& s) {
    STRATA_TRY(s.init->mount("", "/", "", MS_REC | MS_PRIVATE));
    STRATA_TRY(s.init->mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC));
    auto entries = STRATA_TRY(s.init->list_dir("/proc", {LayerId::runtime, LayerId::processes}));
    std::string pids;
    for (const auto& e : entries)
        if (!e.empty() && e.find_first_not_of("0123456789") == std::string::npos) pids += (pids.empty() ? "" : " ") + e;
    ctx.facts().set_value("pids in the container's /proc", pids);
    return StepOutcome{fmt::format("the new /proc lists only pid(s) {}", pids)};
}

Result<StepOutcome> ps_inside(Context& ctx, State& s) {
    auto busybox = STRATA_TRY(image_busybox(*s.init));
    auto run = STRATA_TRY(s.init->run({busybox, "ps", "-o", "pid,ppid,comm"}));
    ctx.console_write("inside$ ps\n" + run.out);
    std::istringstream in(run.out);
    int lines = -1;  // header
    for (std::string line; std::getline(in, line);) lines += !line.empty();
    ctx.facts().set_value("processes ps sees", std::to_string(lines));
    return StepOutcome{fmt::format("ps inside sees {} processes: init (the agent) and ps itself", lines)};
}

Result<StepOutcome> orphan(Context& ctx, State& s) {
    auto made = STRATA_TRY(s.init->call([] { linux::wire::Request r; r.op = linux::wire::Op::orphan; return r; }(),
                             {"fork(); fork(); exit()", "fork", {LayerId::runtime, LayerId::processes}, {},
                              engine::EventKind::process, "a child forks a grandchild and exits: an orphan"}));
    long child = 0, grandchild = 0, ppid = 0;
    std::sscanf(made.out.c_str(), "%ld %ld %ld", &child, &grandchild, &ppid);
    auto reaped = STRATA_TRY(s.init->call([] { linux::wire::Request r; r.op = linux::wire::Op::reap; return r; }(),
                               {"waitpid(-1)", "waitpid", {LayerId::runtime, LayerId::processes}, {},
                                engine::EventKind::process, "init collects its adopted children"}));
    long pid = 0, status = 0;
    std::sscanf(reaped.out.c_str(), "%ld %ld", &pid, &status);
    s.orphan = grandchild;
    ctx.facts().set_value("orphan pid", std::to_string(grandchild));
    ctx.facts().set_value("orphan's new parent", std::to_string(ppid));
    ctx.facts().set_value("reaped by pid 1", std::to_string(pid));
    ctx.facts().set_value("orphan exit status", std::to_string(WEXITSTATUS(int(status))));
    if (ppid != 1 || pid != grandchild)
        return engine::plain_error("reap orphan", fmt::format("expected pid {} re-parented to 1 and reaped, saw parent "
                                                              "{} and reaped {}", grandchild, ppid, pid));
    return StepOutcome{fmt::format("pid {} lost its parent {}, was adopted by pid 1 and reaped by it (exit {})",
                                   grandchild, child, WEXITSTATUS(int(status)))};
}

}  // namespace

engine::Lesson pid_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson.options = {
        {"namespaces",
         "namespaces for the container besides its user and mount namespace (CLONE_NEWPID|CLONE_NEWUTS...)",
         {},
         "CLONE_NEWPID",
         namespaces_problem}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto state = std::make_unique<State>();
        // Validated by resolve_options; the default is what the lesson teaches.
        if (auto flags = linux::parse_flags(linux::clone_flag_names(), options.at("namespaces")))
            state->flags = *flags & kChoosable;
        return state;
    };
    lesson
        .step("clone-newpid", "clone(CLONE_NEWPID)", {L::runtime, L::processes, L::namespaces, L::security, L::mounts},
              clone_pid)
        .provides(&State::init, "the container");
    lesson.step("mount-proc", "Mount a fresh /proc", {L::runtime, L::mounts, L::processes}, mount_proc);
    lesson.step("ps", "ps inside", {L::runtime, L::processes, L::container}, ps_inside);
    lesson.step("orphan", "An orphan is reaped by PID 1", {L::runtime, L::processes}, orphan);
    return lesson.build();
}

}  // namespace strata::lessons::container
