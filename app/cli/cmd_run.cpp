// `strata run ID`: runs a lesson for real, step by step, printing each
// step's narrative and every real call it made.
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/event_format.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "engine/narrative.hpp"
#include "engine/session.hpp"
#include "engine/trace_json.hpp"

namespace strata::cli {

namespace {

struct RunOptions {
    std::string lesson_id;
    bool json = false;
    bool step_by_step = false;
    bool quiet_narrative = false;
    std::vector<std::string> settings;  // key=value
};

void print_section(const engine::Narrative& narrative, const std::string& step_id) {
    if (const auto* section = narrative.section(step_id)) {
        std::string text = section->markdown;
        while (!text.empty() && text.back() == '\n') text.pop_back();
        std::printf("%s\n\n", text.c_str());
    }
}

bool wait_for_enter(bool last) {
    std::printf("%s", last ? "" : "  [Enter: next step, q: quit] ");
    std::fflush(stdout);
    if (last) return true;
    std::string line;
    if (!std::getline(std::cin, line)) return false;
    return line != "q";
}

}  // namespace

int run_lesson(const std::string& id, bool json, bool step_by_step, const engine::LessonOptions& given,
               bool narrative_text) {
    const engine::Lesson* lesson = find_lesson_or_explain(id);
    if (!lesson) return exit_usage;
    auto options = lesson->resolve_options(given);
    if (!options) {
        std::fprintf(stderr, "strata: %s\n  %s\n", options.error().describe().c_str(), options.error().hint.c_str());
        return exit_usage;
    }
    if (auto why = missing_requirement(*lesson)) {
        std::fprintf(stderr, "strata: %s cannot run live on this machine: %s\n", lesson->id.c_str(), why->c_str());
        return exit_requirement;
    }

    const Style style{!json && ::isatty(STDOUT_FILENO) != 0};
    engine::Session session(*lesson, *options);
    std::mutex print_mutex;
    session.set_listener([&](const engine::TraceEvent& e) {
        std::lock_guard lock(print_mutex);
        if (json) std::printf("%s\n", engine::event_to_json(e).dump().c_str());
        else std::printf("%s\n", format_event(e, style).c_str());
        std::fflush(stdout);
    });

    engine::Narrative narrative;
    if (auto loaded = engine::load_narrative(engine::asset_dir(), lesson->id)) narrative = std::move(*loaded);
    if (!json) {
        std::printf("%s — %s\n%s\n\n", lesson->id.c_str(), lesson->title.c_str(), lesson->summary.c_str());
        if (narrative_text && !narrative.introduction.empty()) std::printf("%s\n", narrative.introduction.c_str());
    }

    const int count = static_cast<int>(lesson->steps.size());
    while (!session.finished()) {
        const int index = session.next_step();
        const auto& step = lesson->steps[static_cast<std::size_t>(index)];
        if (!json) {
            std::printf("── Step %d/%d · %s ──\n", index + 1, count, step.title.c_str());
            if (narrative_text) print_section(narrative, step.id);
            std::printf("  %10s %9s  %-34s %s\n", "time", "took", "layers crossed", "call");
        }
        auto outcome = session.step();
        const auto snap = session.snapshot();
        if (!outcome) {
            if (!json) std::printf("✗ %s\n", format_error(outcome.error(), style).c_str());
            else
                std::fprintf(stderr, "strata: %s\n", outcome.error().describe().c_str());
            return exit_failed;
        }
        if (!json) {
            std::printf("✓ %s\n", outcome->summary.c_str());
            std::printf("  %s\n\n", format_layer_check(snap.check_layers(index), snap.layers_touched(index), style).c_str());
        }
        if (step_by_step && !json && !wait_for_enter(index + 1 == count)) return exit_ok;
    }
    if (!json) {
        const auto snap = session.snapshot();
        if (!snap.console.empty()) std::printf("Console output of the run:\n%s\n", snap.console.c_str());
        std::printf("Lesson complete: %d steps, %zu recorded events.\n", count, snap.events->size());
    }
    return exit_ok;
}

Command add_run(CLI::App& app) {
    auto options = std::make_shared<RunOptions>();
    auto* sub = app.add_subcommand("run", "Run a lesson for real, printing every call it makes");
    sub->add_option("lesson", options->lesson_id, "Lesson id, e.g. vm/hello-kvm (see `strata list`)")->required();
    sub->add_flag("--json", options->json, "Print one JSON object per recorded event (JSON Lines)");
    sub->add_flag("--step-by-step", options->step_by_step, "Wait for Enter between steps");
    sub->add_flag("--no-narrative", options->quiet_narrative, "Print the calls only, not the lesson text");
    sub->add_option("--set", options->settings, "A lesson option, key=value (e.g. guest=loop)");
    return [options]() {
        engine::LessonOptions given;
        for (const auto& setting : options->settings) {
            const auto eq = setting.find('=');
            if (eq == std::string::npos) {
                std::fprintf(stderr, "strata: --set takes key=value, not '%s'\n", setting.c_str());
                return static_cast<int>(exit_usage);
            }
            given[setting.substr(0, eq)] = setting.substr(eq + 1);
        }
        return run_lesson(options->lesson_id, options->json, options->step_by_step, given, !options->quiet_narrative);
    };
}

int run_tour() {
    std::printf("Welcome to strata. This tour runs the first lesson, vm/hello-kvm, for real.\n"
                "(`strata list` shows every lesson; `strata --help` every command.)\n\n");
    const bool interactive = ::isatty(STDIN_FILENO) != 0;
    return run_lesson("vm/hello-kvm", false, interactive, {}, true);
}

}  // namespace strata::cli
