#include "app/cli/fact_format.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/trace_event.hpp"

namespace strata::cli {

std::string format_new_facts(const engine::Facts& before, const engine::Facts& after) {
    std::string out;
    for (const auto& view : after.registers) {
        const bool seen = std::any_of(before.registers.begin(), before.registers.end(), [&](const auto& old) {
            return old.title == view.title && old.registers == view.registers;
        });
        if (seen || view.registers.empty()) continue;
        std::string line = fmt::format("  registers ({}):", view.title);
        for (const auto& [name, value] : view.registers) line += fmt::format(" {}={:#x}", name, value);
        out += line + "\n";
    }
    for (const auto& [key, value] : after.values) {
        const bool seen = std::find(before.values.begin(), before.values.end(), std::pair{key, value}) !=
                          before.values.end();
        if (!seen) out += fmt::format("  {}: {}\n", key, engine::one_line(value));
    }
    return out;
}

}  // namespace strata::cli
