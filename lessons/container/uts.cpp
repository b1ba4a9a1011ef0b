// container/uts: the smallest namespace. A process gets its own copy of
// the host name with unshare(CLONE_NEWUTS); sethostname inside changes only
// that copy, which strata checks from outside.
#include <fmt/format.h>
#include <sched.h>

#include "backends/linux/host_files.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/uts";
const std::string kName = "strata-box";

struct State final : engine::LessonState {
    std::string host_name;
    std::optional<linux::Agent> box;
};

Result<StepOutcome> start(Context& ctx, State& s) {
    auto box = STRATA_TRY(start_container(ctx, 0));
    s.box.emplace(std::move(box));
    return StepOutcome{fmt::format("pid {} runs in a user namespace of its own (root inside, you outside), "
                                   "still in the host's UTS namespace",
                                   s.box->pid())};
}

Result<StepOutcome> unshare_uts(Context&, State& s) {
    STRATA_TRY(s.box->unshare(CLONE_NEWUTS));
    auto name = STRATA_TRY(s.box->gethostname());
    return StepOutcome{fmt::format("a new UTS namespace, starting as a copy: the name inside is still \"{}\"", name)};
}

Result<StepOutcome> set_name(Context& ctx, State& s) {
    STRATA_TRY(s.box->sethostname(kName));
    auto busybox = STRATA_TRY(image_busybox(*s.box));
    auto run = STRATA_TRY(s.box->run({busybox, "hostname"}));
    const auto inside = trim(run.out);
    ctx.console_write("inside$ hostname\n" + run.out);
    ctx.facts().set_value("host name inside", inside);
    return StepOutcome{fmt::format("`hostname` run inside prints \"{}\"", inside)};
}

Result<StepOutcome> check_outside(Context& ctx, State& s) {
    const std::vector<LayerId> layers = {LayerId::runtime, LayerId::namespaces};
    auto host = STRATA_TRY(linux::host_read(ctx.recorder(), "/proc/sys/kernel/hostname", layers));
    auto mine = linux::host_readlink(ctx.recorder(), "/proc/self/ns/uts", layers);
    auto theirs = linux::host_readlink(ctx.recorder(), fmt::format("/proc/{}/ns/uts", s.box->pid()), layers);
    if (!mine) return std::unexpected(mine.error());
    if (!theirs) return std::unexpected(theirs.error());
    s.host_name = trim(host);
    ctx.facts().set_value("host name outside", s.host_name);
    ctx.facts().set_table({"UTS namespace",
                           {"", "host (strata)", "container"},
                           {{"namespace", *mine, *theirs}, {"host name", s.host_name, kName}},
                           {*mine != *theirs, s.host_name != kName}});
    if (s.host_name == kName)
        return engine::plain_error("check host name", "the host's name changed: the namespace did not isolate it");
    return StepOutcome{fmt::format("outside, the host is still \"{}\"; the container's {} differs from the host's {}",
                                   s.host_name, *theirs, *mine)};
}

}  // namespace

engine::Lesson uts_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson
        .step("start", "Start a process in a user namespace", {L::runtime, L::processes, L::namespaces, L::security},
              start)
        .provides(&State::box, "the process");
    lesson.step("unshare-uts", "unshare(CLONE_NEWUTS)", {L::runtime, L::namespaces}, unshare_uts);
    lesson.step("sethostname", "Rename the container", {L::runtime, L::namespaces, L::processes, L::container},
                set_name);
    lesson.step("check-outside", "Check the host from outside", {L::runtime, L::namespaces}, check_outside);
    return lesson.build();
}

}  // namespace strata::lessons::container
