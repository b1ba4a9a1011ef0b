// `strata doctor`: what this machine can do, each check with a fix.
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include <unistd.h>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "backends/probe/machine_report.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

namespace {

const char* mark(probe::Status s, bool color) {
    switch (s) {
        case probe::Status::ok: return color ? "\x1b[32m✓\x1b[0m" : "✓";
        case probe::Status::warning: return color ? "\x1b[33m!\x1b[0m" : "!";
        case probe::Status::missing: return color ? "\x1b[31m✗\x1b[0m" : "✗";
        case probe::Status::info: return "·";
    }
    return " ";
}

// The closing line: what the checks mean for the lessons, counted the way
// `strata list` and the GUI decide (a warning above may or may not matter).
std::string lessons_summary(const probe::MachineReport& report) {
    int live = 0, replay = 0, unavailable = 0;
    for (const auto& lesson : lessons::catalogue().lessons()) {
        switch (lessons::availability(lesson, report).mode) {
            case lessons::Mode::live: ++live; break;
            case lessons::Mode::replay: ++replay; break;
            case lessons::Mode::unavailable: ++unavailable; break;
        }
    }
    const int total = live + replay + unavailable;
    if (live == total) return fmt::format("All {} lessons can run live on this machine.", total);
    std::string text = fmt::format("{} of {} lessons can run live here", live, total);
    if (replay) text += fmt::format(", {} as replays of real runs", replay);
    if (unavailable) text += fmt::format(", {} not at all", unavailable);
    return text + ": `strata list` shows which, and why.";
}

}  // namespace

Command add_doctor(CLI::App& app) {
    auto json = std::make_shared<bool>(false);
    auto* sub = app.add_subcommand("doctor", "Check what this machine can do for the lessons, with fixes");
    sub->add_flag("--json", *json, "Print JSON");
    return [json]() {
        const auto report = probe::probe_machine();
        // A lesson whose Markdown could not be read is listed by its id with
        // no summary, and has no narrative to show: say which and why.
        const auto& lesson_text_problems = lessons::catalogue_problems();
        if (*json) {
            auto out = probe::report_to_json(report);
            out["lesson_text_problems"] = lesson_text_problems;
            std::printf("%s\n", out.dump(2).c_str());
        } else {
            const bool color = ::isatty(STDOUT_FILENO) != 0;
            for (const auto& check : report.checks) {
                std::printf("%s %-22s %s\n", mark(check.status, color), check.title.c_str(), check.detail.c_str());
                if (!check.fix.empty() && check.status != probe::Status::ok)
                    std::printf("  %-22s fix: %s\n", "", check.fix.c_str());
            }
            for (const auto& problem : lesson_text_problems)
                std::printf("%s %-22s %s\n", mark(probe::Status::warning, color), "lesson text", problem.c_str());
            std::printf("\n%s\n", lessons_summary(report).c_str());
        }
        return static_cast<int>(report.ready() ? exit_ok : exit_requirement);
    };
}

}  // namespace strata::cli
