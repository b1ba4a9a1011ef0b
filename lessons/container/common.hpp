// Small helpers the container lessons share: namespace ids as a table,
// and starting a container process the rootless way.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "backends/linux/agent.hpp"
#include "engine/lesson.hpp"

namespace strata::lessons::container {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

// The inode of each /proc/<who>/ns/<kind> ("who" = "self" or a pid),
// read by strata itself or by the agent inside.
Result<std::map<std::string, std::string>> host_namespaces(Context& ctx, const std::string& who);
Result<std::map<std::string, std::string>> agent_namespaces(linux::Agent& agent);

// A table "kind | left | right" with differing rows marked.
engine::TableView compare_table(std::string title, std::string left_title, std::string right_title,
                                const std::map<std::string, std::string>& left,
                                const std::map<std::string, std::string>& right);

// Clones the container process with `flags` plus a user namespace, mapping
// root inside to strata's uid outside: every container lesson runs
// rootless, as root too, so a student without root sees the same trace.
Result<linux::Agent> start_container(Context& ctx, std::uint64_t flags, const std::string& who = "container");

// busybox in the image as `agent` sees it before pivot_root: in its
// sealed image when it has a mount namespace of its own, else on the host.
Result<std::string> image_busybox(const linux::Agent& agent);

// "uid 0" -> number helpers.
std::string trim(std::string s);

}  // namespace strata::lessons::container
