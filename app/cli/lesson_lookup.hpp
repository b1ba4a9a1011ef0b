// Finding a lesson by id for a command, with suggestions when mistyped,
// and checking that this machine can run it.
#pragma once

#include <optional>
#include <string>

#include "backends/replay/recording.hpp"
#include "engine/lesson.hpp"

namespace strata::cli {

// The lesson, or null after printing "unknown lesson" with suggestions.
const engine::Lesson* find_lesson_or_explain(const std::string& id);
// Why this machine cannot run `lesson` live (nothing when it can).
std::optional<std::string> missing_requirement(const engine::Lesson& lesson);
// The machine facts a recording is labelled with.
replay::MachineInfo machine_info();

}  // namespace strata::cli
