// `strata list`: every lesson, with whether it can run live here; or, with
// --outline, every lesson's outline (engine/lesson_outline.hpp).
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/lesson_outline.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

Command add_list(CLI::App& app) {
    auto json = std::make_shared<bool>(false);
    auto outline = std::make_shared<bool>(false);
    auto* sub = app.add_subcommand("list", "List the lessons and whether each can run live on this machine");
    sub->add_flag("--json", *json, "Print JSON");
    sub->add_flag("--outline", *outline,
                  "Print every lesson's outline as JSON (steps, layers, options; no machine probe): what a build "
                  "without backends replays from")
        ->excludes("--json");
    return [json, outline]() {
        if (*outline) {
            std::printf("%s\n", engine::lessons_to_outline(lessons::catalogue().lessons()).dump(1).c_str());
            return static_cast<int>(exit_ok);
        }
        const auto report = probe::probe_machine();
        nlohmann::json out = nlohmann::json::array();
        std::string track;
        std::size_t title_width = 0;
        for (const auto& lesson : lessons::catalogue().lessons()) title_width = std::max(title_width, lesson.title.size());
        for (const auto& lesson : lessons::catalogue().lessons()) {
            const auto a = lessons::availability(lesson, report);
            std::string availability = "live";
            std::string why;
            if (a.mode != lessons::Mode::live) {
                for (auto r : lesson.requirements)
                    if (auto missing = report.missing(r)) {
                        availability = fmt::format("needs {}", engine::requirement_key(r));
                        why = *missing;
                        break;
                    }
                if (a.mode == lessons::Mode::replay) availability = "replay";
            }
            if (*json) {
                out.push_back({{"id", lesson.id}, {"title", lesson.title}, {"track", lesson.track},
                               {"steps", lesson.steps.size()}, {"availability", availability}, {"why", why}});
                continue;
            }
            if (lesson.track != track) {
                track = lesson.track;
                std::printf("%sTrack %s\n", out.empty() && track == lessons::catalogue().lessons().front().track ? "" : "\n",
                            track.c_str());
            }
            std::printf("  %-26s %-*s  %-10s%s\n", lesson.id.c_str(), static_cast<int>(title_width), lesson.title.c_str(),
                        availability.c_str(), why.empty() ? "" : ("  (" + why.substr(0, why.find('\n')) + ")").c_str());
        }
        if (*json) std::printf("%s\n", out.dump(2).c_str());
        return static_cast<int>(exit_ok);
    };
}

}  // namespace strata::cli
