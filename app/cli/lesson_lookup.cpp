#include "app/cli/lesson_lookup.hpp"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "backends/probe/machine_report.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

const engine::Lesson* find_lesson_or_explain(const std::string& id) {
    const auto& course = lessons::catalogue();
    if (const auto* lesson = course.find(id)) return lesson;
    std::string message = fmt::format("strata: unknown lesson '{}'.", id);
    const auto suggestions = course.closest(id);
    if (!suggestions.empty()) {
        message += " Did you mean";
        for (std::size_t i = 0; i < suggestions.size(); ++i)
            message += fmt::format("{} {}", i ? (i + 1 == suggestions.size() ? " or" : ",") : "", suggestions[i]);
        message += "?";
    }
    std::fprintf(stderr, "%s\n`strata list` shows every lesson.\n", message.c_str());
    return nullptr;
}

std::optional<std::string> missing_requirement(const engine::Lesson& lesson) {
    const auto& reqs = lesson.requirements;
    auto needs = [&](engine::Requirement r) { return std::find(reqs.begin(), reqs.end(), r) != reqs.end(); };
    probe::ProbeOptions options;
    options.kvm = needs(engine::Requirement::kvm);
    options.containers = needs(engine::Requirement::userns) || needs(engine::Requirement::cgroup_writable);
    const auto report = probe::probe_machine(options);
    for (auto r : reqs)
        if (auto why = report.missing(r)) {
            // The probe's own check says how to fix it; show the first that failed.
            for (const auto& check : report.checks)
                if (check.status == probe::Status::missing && !check.fix.empty())
                    return fmt::format("{}: {}\n  what to do: {}", *why, check.detail, check.fix);
            return *why;
        }
    return std::nullopt;
}

}  // namespace strata::cli
