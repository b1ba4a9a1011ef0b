// container/just-a-process: before any namespace, a container's first
// process is an ordinary child. Its /proc/<pid>/ns/* links name the same
// namespaces (same inode numbers) as strata's own.
#include <fmt/format.h>

#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/just-a-process";

struct State final : engine::LessonState {
    std::map<std::string, std::string> host;
    std::optional<linux::Agent> child;
};

Result<StepOutcome> read_host(Context& ctx, State& s) {
    auto ns = STRATA_TRY(host_namespaces(ctx, "self"));
    s.host = ns;
    engine::TableView table{"namespaces of strata", {"namespace", "strata (host)"}, {}, {}};
    for (const auto& [kind, id] : s.host) table.rows.push_back({kind, id});
    ctx.facts().set_table(table);
    return StepOutcome{fmt::format("strata lives in {} namespaces; e.g. uts = {}", s.host.size(), s.host["uts"])};
}

Result<StepOutcome> clone_child(Context& ctx, State& s) {
    linux::AgentOptions options;  // no CLONE_NEW* flag at all: a plain child
    options.who = "child";
    auto child = STRATA_TRY(linux::Agent::start(ctx.recorder(), options));
    s.child.emplace(std::move(child));
    auto ids = STRATA_TRY(s.child->ids({LayerId::runtime, LayerId::processes}));
    ctx.facts().set_value("child pid (host)", std::to_string(s.child->pid()));
    ctx.facts().set_value("child pid (as it sees itself)", std::to_string(ids.pid));
    return StepOutcome{fmt::format("a plain child: pid {} (it sees itself as {}), parent {}", s.child->pid(), ids.pid,
                                   ids.ppid)};
}

Result<StepOutcome> compare(Context& ctx, State& s) {
    auto mine = STRATA_TRY(agent_namespaces(*s.child));
    auto table = compare_table("namespaces: strata vs its child", "strata (host)", "child", s.host, mine);
    std::size_t same = 0;
    for (const auto& [kind, id] : s.host) same += mine.count(kind) && mine.at(kind) == id;
    ctx.facts().set_table(table);
    ctx.facts().set_value("namespaces shared with the host", fmt::format("{} of {}", same, s.host.size()));
    ctx.facts().set_value("namespaces that differ from strata's", std::to_string(s.host.size() - same));
    return StepOutcome{fmt::format("{} of {} namespace ids are identical: the child is not contained at all", same,
                                   s.host.size())};
}

}  // namespace

engine::Lesson just_a_process_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.step("host-namespaces", "Read strata's namespaces", {L::runtime, L::namespaces}, read_host);
    lesson.step("clone-child", "Clone a plain child", {L::runtime, L::processes}, clone_child)
        .provides(&State::child, "the child");
    lesson.step("compare", "Compare the child's namespaces", {L::runtime, L::namespaces}, compare);
    return lesson.build();
}

}  // namespace strata::lessons::container
