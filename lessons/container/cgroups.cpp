// container/cgroups: namespaces decide what a container sees; cgroups
// decide how much it may use. A memory limit gets a hog OOM-killed, a pids
// limit stops a fork bomb, a CPU quota throttles a busy loop — each
// observed in the cgroup's own counters. v1 and v2 behind one interface.
#include <fmt/format.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/cgroup.hpp"
#include "backends/linux/host_files.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

using linux::CgroupKnob;
using linux::CgroupVersion;
const std::string kId = "container/cgroups";
// The default leaves PID 1 and the later fork bomb room to spare, and the
// hog none. Measured on cgroup v1 (--set memory-limit=N): the bomb's 14
// processes and PID 1 need 4 to 8 MiB, 32 to 40 MiB in a sanitizer build
// (its agent is ASan-instrumented, with shadow memory); a cgroup v2 host
// also charges their page tables and kernel stacks to the limit.
constexpr std::uint64_t kDefaultMemoryLimitMiB = 64;
constexpr std::uint64_t kMaxMemoryLimitMiB = 16384;
constexpr std::uint64_t kHog = 256ull << 20;
constexpr int kPidsLimit = 16;
constexpr int kQuotaUs = 20000, kPeriodUs = 100000;  // 20% of one CPU

// Option "memory-limit": whole MiB, so a learner can aim between what the
// container's own PID 1 needs and what the hog wants.
std::optional<std::string> memory_limit_problem(const std::string& text) {
    if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos)
        return "a whole number of MiB, e.g. 64";
    const auto mib = std::stoull(text);
    if (mib < 1 || mib > kMaxMemoryLimitMiB) return fmt::format("between 1 and {} MiB", kMaxMemoryLimitMiB);
    return std::nullopt;
}

struct State final : engine::LessonState {
    std::uint64_t memory_limit = kDefaultMemoryLimitMiB << 20;
    std::optional<linux::CgroupLayout> layout;
    std::optional<linux::Cgroup> cgroup;
    std::optional<linux::Agent> box;  // declared after the cgroup: dies first
};

const std::vector<LayerId> kLimitLayers = {LayerId::runtime, LayerId::cgroups, LayerId::processes, LayerId::container};

Result<linux::AgentReply> builtin(linux::Agent& box, linux::wire::Builtin which, std::uint64_t arg, const std::string& name,
                                  std::function<void()> tick = {}) {
    linux::wire::Request rq;
    rq.op = linux::wire::Op::builtin;
    rq.n[0] = std::uint64_t(which);
    rq.n[1] = arg;
    rq.n[2] = 15000;
    return box.call(rq, {name, "fork", kLimitLayers, {}, engine::EventKind::process}, std::move(tick),
                    std::chrono::milliseconds(100), std::chrono::seconds(20));
}

Result<StepOutcome> detect(Context& ctx, State& s) {
    auto self = STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/self/cgroup", {LayerId::runtime, LayerId::cgroups}));
    auto layout = STRATA_TRY(linux::CgroupLayout::detect("/sys/fs/cgroup", self, ::geteuid()));
    s.layout = layout;
    ctx.facts().set_value("cgroup version", layout.description);
    return StepOutcome{"this machine runs " + layout.description};
}

Result<StepOutcome> create(Context& ctx, State& s) {
    auto cg = STRATA_TRY(linux::Cgroup::create(ctx.recorder(), *s.layout, "limits"));
    s.cgroup.emplace(std::move(cg));
    // The container: PID 1 of its own PID namespace, so nothing it forks
    // outlives it, in a user namespace like every lesson.
    auto box = STRATA_TRY(start_container(ctx, CLONE_NEWPID));
    s.box.emplace(std::move(box));
    STRATA_TRY(s.cgroup->add(s.box->pid()));
    return StepOutcome{fmt::format("cgroup {} made; the container (host pid {}) is in it", s.cgroup->name(), s.box->pid())};
}

Result<StepOutcome> memory(Context& ctx, State& s) {
    auto& cg = *s.cgroup;
    const bool v2 = cg.layout().version == CgroupVersion::v2;
    const std::uint64_t limit = s.memory_limit;
    STRATA_TRY(cg.set(CgroupKnob::memory_limit, std::to_string(limit)));
    // Without a swap limit the hog would be swapped out instead of killed.
    if (cg.has(CgroupKnob::swap_limit))
        STRATA_TRY(cg.set(CgroupKnob::swap_limit, v2 ? "0" : std::to_string(limit)));
    auto hog = STRATA_TRY(builtin(*s.box, linux::wire::Builtin::hog, kHog, fmt::format("hog: touch {} MiB", kHog >> 20)));
    auto events = STRATA_TRY(cg.read(CgroupKnob::memory_events));
    const long long kills = linux::counter_in(events, "oom_kill");
    const int status = int(hog.result);
    ctx.console_write("hog: " + hog.out);
    ctx.facts().set_value("memory limit", fmt::format("{} MiB", limit >> 20));
    ctx.facts().set_value("hog", linux::describe_wait_status(status));
    ctx.facts().set_value("oom_kill counter", std::to_string(kills));
    ctx.facts().set_value("hog's last words", trim(hog.out));
    const std::string how = linux::describe_wait_status(status);
    return StepOutcome{fmt::format("limit {} MiB: the hog {} ({}); the cgroup counts oom_kill {}", limit >> 20,
                                   how.starts_with("killed") ? "was " + how : how, trim(hog.out), kills)};
}

Result<StepOutcome> pids(Context& ctx, State& s) {
    auto& cg = *s.cgroup;
    STRATA_TRY(cg.set(CgroupKnob::pids_limit, std::to_string(kPidsLimit)));
    auto bomb = STRATA_TRY(builtin(*s.box, linux::wire::Builtin::fork_bomb, 1000, "fork bomb: fork() until it fails"));
    long forks = -1;
    int error = 0;
    std::sscanf(bomb.out.c_str(), "forks=%ld errno=%d", &forks, &error);
    auto events = STRATA_TRY(cg.read(CgroupKnob::pids_events));
    ctx.facts().set_value("forks before the limit", std::to_string(forks));
    ctx.facts().set_value("fork failed with", error ? engine::errno_name(error) : "nothing");
    ctx.facts().set_value("pids.events max", std::to_string(linux::counter_in(events, "max")));
    return StepOutcome{fmt::format("pids.max = {}: the bomb made {} processes, then fork() failed with {}", kPidsLimit,
                                   forks, error ? engine::errno_name(error) : "nothing")};
}

Result<StepOutcome> cpu(Context& ctx, State& s) {
    auto& cg = *s.cgroup;
    const bool v2 = cg.layout().version == CgroupVersion::v2;
    if (v2) {
        STRATA_TRY(cg.set(CgroupKnob::cpu_quota, fmt::format("{} {}", kQuotaUs, kPeriodUs)));
    } else {
        STRATA_TRY(cg.set(CgroupKnob::cpu_period, std::to_string(kPeriodUs)));
        STRATA_TRY(cg.set(CgroupKnob::cpu_quota, std::to_string(kQuotaUs)));
    }
    // Sample the cgroup's own CPU counters while the loop spins (unrecorded
    // reads: ten per second would drown the trace; one recorded read after).
    auto usage_us = [&]() -> double {
        const auto text = linux::read_text(cg.path_of(CgroupKnob::cpu_usage).string());
        return v2 ? double(linux::counter_in(text, "usage_usec")) : std::atof(text.c_str()) / 1000.0;
    };
    engine::SeriesView series{"CPU used by the cgroup (% of one CPU, per 100 ms)", "time (ms)", "CPU %", {}};
    const auto start = std::chrono::steady_clock::now();
    double last_us = usage_us();
    auto last_t = start;
    auto sample = [&] {
        const auto now = std::chrono::steady_clock::now();
        const double us = usage_us();
        const double dt_us = std::chrono::duration<double, std::micro>(now - last_t).count();
        if (dt_us > 0)
            series.points.emplace_back(std::chrono::duration<double, std::milli>(now - start).count(),
                                       100.0 * (us - last_us) / dt_us);
        last_us = us;
        last_t = now;
    };
    auto burn = STRATA_TRY(builtin(*s.box, linux::wire::Builtin::burn, 1000, "busy loop for 1 s", sample));
    auto stat = STRATA_TRY(cg.read(CgroupKnob::cpu_stat));
    long cpu_ms = 0, wall_ms = 0;
    std::sscanf(burn.out.c_str(), "cpu_ms=%ld wall_ms=%ld", &cpu_ms, &wall_ms);
    const long long throttled = linux::counter_in(stat, "nr_throttled");
    ctx.facts().series.push_back(series);
    ctx.facts().set_value("busy loop CPU time", fmt::format("{} ms in {} ms", cpu_ms, wall_ms));
    ctx.facts().set_value("busy loop CPU share", fmt::format("{:.0f}%", wall_ms ? 100.0 * cpu_ms / wall_ms : 0.0));
    ctx.facts().set_value("nr_throttled", std::to_string(throttled));
    return StepOutcome{fmt::format("quota {}%: the busy loop got {} ms of CPU in {} ms and was throttled {} times",
                                   100 * kQuotaUs / kPeriodUs, cpu_ms, wall_ms, throttled)};
}

Result<StepOutcome> remove(Context& ctx, State& s) {
    s.box.reset();  // a cgroup with processes cannot be removed
    linux::record_note(ctx.recorder(), "container stopped", {LayerId::runtime, LayerId::processes}, "SIGKILL to its PID 1");
    STRATA_TRY(s.cgroup->remove());
    s.cgroup.reset();
    return StepOutcome{"container stopped and its cgroup directories removed"};
}

}  // namespace

engine::Lesson cgroups_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    // Root, or a delegated cgroup v2 subtree: cgroup v1 is never delegated
    // to users, and v2 only where systemd (or an admin) delegated it.
    lesson.requirements = {engine::Requirement::cgroup_writable, engine::Requirement::userns};
    lesson.options = {{"memory-limit",
                       "the container's memory limit in MiB (the hog wants 256)",
                       {},
                       std::to_string(kDefaultMemoryLimitMiB),
                       memory_limit_problem}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto state = std::make_unique<State>();
        if (!memory_limit_problem(options.at("memory-limit")))
            state->memory_limit = std::stoull(options.at("memory-limit")) << 20;
        return state;
    };
    lesson.step("detect", "cgroup v1 or v2?", {L::runtime, L::cgroups}, detect)
        .provides(&State::layout, "the cgroup layout");
    lesson
        .step("create", "A cgroup for the container",
              {L::runtime, L::cgroups, L::processes, L::namespaces, L::security}, create)
        .provides(&State::box, "the container")
        .provides(&State::cgroup, "the cgroup");
    lesson.step("memory-limit", "Memory limit: the OOM killer", kLimitLayers, memory);
    lesson.step("pids-limit", "Pids limit: a fork bomb contained", kLimitLayers, pids);
    lesson.step("cpu-quota", "CPU quota: throttling", kLimitLayers, cpu);
    lesson.step("remove", "Remove the cgroup", {L::runtime, L::processes, L::cgroups}, remove)
        .consumes("the container")
        .consumes("the cgroup");
    return lesson.build();
}

}  // namespace strata::lessons::container
