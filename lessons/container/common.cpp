#include "lessons/container/common.hpp"

#include <sched.h>

#include "backends/linux/container_ids.hpp"
#include "backends/linux/flags.hpp"
#include "backends/linux/host_files.hpp"
#include "backends/linux/rootfs.hpp"
#include "engine/try.hpp"

namespace strata::lessons::container {

Result<std::map<std::string, std::string>> host_namespaces(Context& ctx, const std::string& who) {
    std::map<std::string, std::string> out;
    for (const auto& kind : linux::namespace_kinds()) {
        auto link = STRATA_TRY(linux::host_readlink(ctx.recorder(), "/proc/" + who + "/ns/" + std::string(kind.file),
                                         {LayerId::runtime, LayerId::namespaces}));
        out[std::string(kind.file)] = link;
    }
    return out;
}

Result<std::map<std::string, std::string>> agent_namespaces(linux::Agent& agent) {
    std::map<std::string, std::string> out;
    for (const auto& kind : linux::namespace_kinds()) {
        auto link = STRATA_TRY(agent.readlink("/proc/self/ns/" + std::string(kind.file), {LayerId::runtime, LayerId::namespaces}));
        out[std::string(kind.file)] = link;
    }
    return out;
}

engine::TableView compare_table(std::string title, std::string left_title, std::string right_title,
                                const std::map<std::string, std::string>& left,
                                const std::map<std::string, std::string>& right) {
    engine::TableView table;
    table.title = std::move(title);
    table.columns = {"namespace", std::move(left_title), std::move(right_title)};
    for (const auto& [kind, id] : left) {
        auto it = right.find(kind);
        const std::string other = it == right.end() ? "-" : it->second;
        table.rows.push_back({kind, id, other});
        table.row_marked.push_back(id != other);
    }
    return table;
}

Result<linux::Agent> start_container(Context& ctx, std::uint64_t flags, const std::string& who) {
    linux::AgentOptions options;
    options.clone_flags = flags | CLONE_NEWUSER;
    options.who = who;
    return linux::Agent::start(ctx.recorder(), options);
}

Result<std::string> image_busybox(const linux::Agent& agent) {
    if (!agent.image().empty()) return agent.image() + "/bin/busybox";
    auto root = STRATA_TRY(linux::find_rootfs());
    // Without a mount namespace of its own the container walks the host's
    // tree to the image, as its own root (a subordinate uid under root).
    STRATA_TRY(linux::check_reachable_by_container(root, "the container image"));
    return root + "/bin/busybox";
}

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

}  // namespace strata::lessons::container
