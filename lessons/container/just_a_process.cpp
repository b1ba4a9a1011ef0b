// container/just-a-process: before any namespace, a container's first
// process is an ordinary child. Its /proc/<pid>/ns/* links name the same
// namespaces (same inode numbers) as strata's own.
#include <fmt/format.h>

#include "engine/try.hpp"
#include "lessons/container/common.hpp"
#include "lessons/container/lessons.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/just-a-process";

struct State final : engine::LessonState {
    std::map<std::string, std::string> host;
    std::optional<linux::Agent> child;
};

Result<StepOutcome> read_host(Context& ctx) {
    auto& s = ctx.state<State>();
    auto ns = STRATA_TRY(host_namespaces(ctx, "self"));
    s.host = ns;
    engine::TableView table{"namespaces of strata", {"namespace", "strata (host)"}, {}, {}};
    for (const auto& [kind, id] : s.host) table.rows.push_back({kind, id});
    ctx.facts().set_table(table);
    return StepOutcome{fmt::format("strata lives in {} namespaces; e.g. uts = {}", s.host.size(), s.host["uts"])};
}

Result<StepOutcome> clone_child(Context& ctx) {
    auto& s = ctx.state<State>();
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

Result<StepOutcome> compare(Context& ctx) {
    auto& s = ctx.state<State>();
    STRATA_TRY(need(s.child.has_value(), kId, "the child"));
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
    engine::Lesson lesson;
    lesson.id = kId;
    lesson.make_state = [](const engine::LessonOptions&) { return std::make_unique<State>(); };
    lesson.steps = {
        {"host-namespaces", "Read strata's namespaces", read_host, {L::runtime, L::namespaces}},
        {"clone-child", "Clone a plain child", clone_child, {L::runtime, L::processes}},
        {"compare", "Compare the child's namespaces", compare, {L::runtime, L::namespaces}},
    };
    return lesson;
}

}  // namespace strata::lessons::container
