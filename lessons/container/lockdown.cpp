// container/lockdown: what stands between a container and the kernel it
// shares. Capabilities are dropped (a privileged call that worked now gets
// EPERM), no_new_privs is set, and a seccomp filter makes one system call
// fail inside while the same call works outside. Through all of it the
// container's calls still go straight to the host kernel: uname() inside
// reports the host's kernel release.
#include <fmt/format.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/wait.h>

#include "backends/linux/capabilities.hpp"
#include "backends/linux/host_uname.hpp"
#include "backends/linux/seccomp_filter.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/lockdown";
const std::string kFiltered = "uname";  // the call the filter refuses
constexpr int kFilterErrno = EPERM;
const std::vector<LayerId> kSecurity = {LayerId::runtime, LayerId::security};
const std::vector<LayerId> kUts = {LayerId::runtime, LayerId::namespaces};

struct State final : engine::LessonState {
    std::optional<linux::Agent> box;
    std::uint64_t caps_before = 0;
    std::optional<linux::CompiledFilter> filter;
};

// The agent's /proc/self/status, read from inside.
Result<std::string> status(linux::Agent& box) { return box.read_file("/proc/self/status", kSecurity); }

Result<std::uint64_t> effective_caps(linux::Agent& box) {
    auto text = STRATA_TRY(status(box));
    std::uint64_t caps = 0;
    if (!linux::parse_cap_field(text, "CapEff", caps))
        return engine::plain_error("read /proc/self/status", "no CapEff line: is /proc mounted?");
    return caps;
}

int count(std::uint64_t mask) { return __builtin_popcountll(mask); }

// busybox's `uname -r` run inside (fork + execve): its output, shown on
// the console with its exit status.
Result<std::string> uname_program(Context& ctx, linux::Agent& box) {
    auto busybox = STRATA_TRY(image_busybox(box));
    auto program = STRATA_TRY(box.run({busybox, "uname", "-r"}));
    const int code = WIFEXITED(program.result) ? WEXITSTATUS(program.result) : 128 + WTERMSIG(program.result);
    ctx.console_write(fmt::format("inside$ uname -r\n{}[exit status {}]\n", program.out, code));
    return "\"" + trim(program.out) + "\", exit status " + std::to_string(code);
}

Result<StepOutcome> start(Context& ctx, State& s) {
    // A mount namespace of its own, so the image it runs programs from is
    // sealed read-only (backends/linux/sealed_image.hpp).
    auto box = STRATA_TRY(start_container(ctx, CLONE_NEWNS | CLONE_NEWUTS));
    s.box.emplace(std::move(box));
    auto caps = STRATA_TRY(effective_caps(*s.box));
    s.caps_before = caps;
    // A privileged call in the container's own UTS namespace: allowed, for now.
    STRATA_TRY(s.box->sethostname("strata-box"));
    ctx.facts().set_value("capabilities before", std::to_string(count(caps)));
    ctx.facts().set_value("sethostname before the drop", "allowed");
    return StepOutcome{fmt::format("root in its user namespace with {} capabilities, cap_sys_admin among them: "
                                   "sethostname works",
                                   count(caps))};
}

Result<StepOutcome> same_kernel(Context& ctx, State& s) {
    auto inside = STRATA_TRY(s.box->uname(kUts));
    if (inside.result < 0) return engine::errno_error("uname", int(-inside.result), "uname failed inside");
    auto outside = STRATA_TRY(linux::host_uname(ctx.recorder(), kUts));
    const auto in = linux::parse_uname(inside.out);
    auto program = STRATA_TRY(uname_program(ctx, *s.box));
    ctx.facts().set_value("uname -r run inside", program);
    ctx.facts().set_table({"uname: container vs host",
                           {"field", "container", "host"},
                           {{"sysname", in.sysname, outside.sysname},
                            {"release", in.release, outside.release},
                            {"nodename", in.nodename, outside.nodename}},
                           {in.sysname != outside.sysname, in.release != outside.release,
                            in.nodename != outside.nodename}});
    ctx.facts().set_value("kernel release inside", in.release);
    ctx.facts().set_value("kernel release outside", outside.release);
    return StepOutcome{fmt::format("inside and outside, the kernel is {} {}: one kernel serves both; only the "
                                   "host name (a namespace's copy) differs",
                                   in.sysname, in.release)};
}

Result<StepOutcome> drop_caps(Context& ctx, State& s) {
    auto keep = STRATA_TRY(linux::cap_mask(linux::default_container_caps()));
    STRATA_TRY(s.box->drop_caps(keep & s.caps_before, linux::cap_names(keep & s.caps_before)));
    auto after = STRATA_TRY(effective_caps(*s.box));
    auto refused = STRATA_TRY(s.box->sethostname("after-the-drop", true));
    const std::string outcome = refused.result < 0 ? engine::errno_name(int(-refused.result)) : "allowed";
    engine::TableView table{"capabilities: before vs after the drop", {"capability", "before", "after"}, {}, {}};
    for (int cap = 0; cap <= linux::cap_last(); ++cap) {
        const bool was = s.caps_before & (1ull << cap), is = after & (1ull << cap);
        table.rows.push_back({linux::cap_name(cap), was ? "yes" : "-", is ? "yes" : "-"});
        table.row_marked.push_back(was != is);
    }
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("capabilities after", std::to_string(count(after)));
    ctx.facts().set_value("cap_sys_admin after", (after & (1ull << CAP_SYS_ADMIN)) ? "yes" : "no");
    ctx.facts().set_value("sethostname after the drop", outcome);
    if (refused.result >= 0)
        return engine::plain_error("sethostname", "still allowed after dropping CAP_SYS_ADMIN: the drop did not work");
    return StepOutcome{fmt::format("{} capabilities left, cap_sys_admin gone: the same sethostname now fails with {}",
                                   count(after), outcome)};
}

Result<StepOutcome> no_new_privs(Context& ctx, State& s) {
    auto filter = STRATA_TRY(linux::compile_errno_filter(ctx.recorder(), kFiltered, kFilterErrno));
    s.filter.emplace(std::move(filter));
    // Without cap_sys_admin, the kernel refuses a filter until no_new_privs is set.
    auto early = STRATA_TRY(s.box->seccomp(s.filter->bpf, s.filter->description, true));
    const std::string refused = early.result < 0 ? engine::errno_name(int(-early.result)) : "accepted";
    ctx.facts().set_value("seccomp before no_new_privs", refused);
    if (early.result >= 0)
        return engine::plain_error("seccomp", "the filter was accepted without no_new_privs: were capabilities dropped?");
    STRATA_TRY(s.box->no_new_privs());
    auto text = STRATA_TRY(status(*s.box));
    std::uint64_t nnp = 0;
    linux::parse_cap_field(text, "NoNewPrivs", nnp);
    ctx.facts().set_value("NoNewPrivs", std::to_string(nnp));
    return StepOutcome{fmt::format("seccomp() was refused with {} until prctl(PR_SET_NO_NEW_PRIVS); "
                                   "/proc/self/status now says NoNewPrivs: {}",
                                   refused, nnp)};
}

Result<StepOutcome> seccomp(Context& ctx, State& s) {
    STRATA_TRY(s.box->seccomp(s.filter->bpf, s.filter->description, false));
    auto inside = STRATA_TRY(s.box->uname(kUts));
    auto outside = STRATA_TRY(linux::host_uname(ctx.recorder(), kUts));
    // Children inherit the filter, across fork and execve: a program run in
    // the container meets it too (busybox assumes uname() cannot fail).
    auto program = STRATA_TRY(uname_program(ctx, *s.box));
    ctx.facts().set_value("uname -r run inside, filtered", program);
    auto text = STRATA_TRY(status(*s.box));
    std::uint64_t mode = 0;
    linux::parse_cap_field(text, "Seccomp", mode);
    const std::string in = inside.result < 0 ? engine::errno_name(int(-inside.result)) : "allowed";
    ctx.facts().set_value("uname inside", in);
    ctx.facts().set_value("uname outside", "allowed, release " + outside.release);
    ctx.facts().set_value("Seccomp mode", std::to_string(mode));
    if (inside.result >= 0)
        return engine::plain_error("seccomp", "uname still works inside: the filter is not in effect");
    return StepOutcome{fmt::format("inside, uname() fails with {} before reaching its code; outside, strata's "
                                   "uname() returns {} as before (Seccomp: {} = filter mode)",
                                   in, outside.release, mode)};
}

}  // namespace

engine::Lesson lockdown_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson
        .step("start", "Root in a user namespace", {L::runtime, L::processes, L::namespaces, L::security, L::mounts},
              start)
        .provides(&State::box, "the container");
    lesson.step("same-kernel", "uname() inside and outside: one kernel",
                {L::runtime, L::namespaces, L::processes, L::container}, same_kernel);
    lesson.step("drop-caps", "Drop capabilities", {L::runtime, L::security, L::namespaces}, drop_caps);
    lesson.step("no-new-privs", "no_new_privs: the price of a filter", {L::runtime, L::security}, no_new_privs)
        .provides(&State::filter, "the compiled filter");
    lesson.step("seccomp", "A seccomp filter refuses uname()",
                {L::runtime, L::security, L::namespaces, L::processes, L::container}, seccomp);
    return lesson.build();
}

}  // namespace strata::lessons::container
