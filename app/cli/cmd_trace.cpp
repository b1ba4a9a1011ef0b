// `strata trace ID -o trace.json`: runs a lesson and writes its events in
// Chrome's trace-event format, which Perfetto (ui.perfetto.dev) opens.
#include <cstdio>
#include <fstream>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/event_format.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "engine/session.hpp"
#include "engine/stop_request.hpp"
#include "engine/trace_json.hpp"

namespace strata::cli {

Command add_trace(CLI::App& app) {
    struct Options {
        std::string lesson_id, output = "trace.json";
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("trace", "Run a lesson and save its events as a Chrome/Perfetto trace");
    sub->add_option("lesson", options->lesson_id, "Lesson id")->required();
    sub->add_option("-o,--output", options->output, "Output file (default trace.json)");
    return [options]() {
        const engine::Lesson* lesson = find_lesson_or_explain(options->lesson_id);
        if (!lesson) return static_cast<int>(exit_usage);
        if (auto why = missing_requirement(*lesson)) {
            std::fprintf(stderr, "strata: %s cannot run live on this machine: %s\n", lesson->id.c_str(), why->c_str());
            return static_cast<int>(exit_requirement);
        }
        engine::Session session(*lesson);
        auto result = session.run_to_end();
        // Stopped by a signal: no half trace; main says which signal.
        if (engine::stop_requested()) return static_cast<int>(exit_failed);
        const auto snap = session.snapshot();
        std::ofstream out(options->output);
        out << engine::to_chrome_trace(*snap.events, lesson->id).dump(1) << "\n";
        if (!out) {
            std::fprintf(stderr, "strata: cannot write %s\n", options->output.c_str());
            return static_cast<int>(exit_failed);
        }
        std::printf("wrote %zu events to %s (open it at ui.perfetto.dev)\n", snap.events->size(), options->output.c_str());
        if (!result) {
            std::fprintf(stderr, "strata: the lesson failed: %s\n", format_error(result.error(), {}).c_str());
            return static_cast<int>(exit_failed);
        }
        return static_cast<int>(exit_ok);
    };
}

}  // namespace strata::cli
