// `strata trace ID -o trace.json`: runs a lesson (or replays a recording of
// a real run) and writes its events in Chrome's trace-event format, which
// Perfetto (ui.perfetto.dev), speedscope and Chromium DevTools open.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/event_format.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/session.hpp"
#include "engine/stop_request.hpp"
#include "engine/trace_json.hpp"
#include "lessons/availability.hpp"

namespace strata::cli {

Command add_trace(CLI::App& app) {
    struct Options {
        std::string lesson_id, output = "trace.json", recording;
        bool replay = false;
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("trace", "Run a lesson and save its events as a Chrome/Perfetto trace");
    sub->add_option("lesson", options->lesson_id, "Lesson id")->required();
    sub->add_option("-o,--output", options->output, "Output file (default trace.json)");
    auto* replay = sub->add_flag("--replay", options->replay,
                                 "Trace the shipped recording of a real run instead of running live");
    sub->add_option("--recording", options->recording, "Trace this recording (from `strata record`)")->excludes(replay);
    return [options]() {
        const engine::Lesson* found = find_lesson_or_explain(options->lesson_id);
        if (!found) return static_cast<int>(exit_usage);
        // Opened first: a run whose trace cannot be written is wasted.
        std::ofstream out(options->output);
        if (!out) {
            std::fprintf(stderr, "strata: cannot write %s: %s\n", options->output.c_str(), std::strerror(errno));
            return static_cast<int>(exit_failed);
        }
        const auto report = probe::probe_machine(lessons::probe_options_for(*found));
        std::optional<std::filesystem::path> recording;
        if (!options->recording.empty()) recording = options->recording;
        // Where the lesson cannot run live, its recording is traced (as
        // `strata run` plays it), labelled as a replay.
        auto playable = lessons::choose_playable(*found, report, options->replay, recording, 0.0);
        if (!playable) {
            out.close();
            std::remove(options->output.c_str());
            const auto& refused = playable.error();
            std::fprintf(stderr, "strata: %s\n", format_error(refused.error, {}).c_str());
            return static_cast<int>(refused.kind == lessons::Refusal::needs_live  ? exit_requirement
                                    : refused.kind == lessons::Refusal::bad_input ? exit_usage
                                                                                  : exit_failed);
        }
        const engine::Lesson& lesson = *playable->lesson;
        if (playable->replay) std::printf("▶ %s\n", lesson.replay_label->c_str());
        engine::Session session(lesson);
        auto result = session.run_to_end();
        // Stopped by a signal: no half trace; main says which signal.
        if (engine::stop_requested()) {
            out.close();
            std::remove(options->output.c_str());
            return static_cast<int>(exit_failed);
        }
        const auto snap = session.snapshot();
        out << engine::to_chrome_trace(snap.events, lesson).dump(1) << "\n";
        out.flush();
        if (!out) {
            std::fprintf(stderr, "strata: cannot write %s: %s\n", options->output.c_str(), std::strerror(errno));
            return static_cast<int>(exit_failed);
        }
        std::printf("wrote %zu events to %s (open it at ui.perfetto.dev, speedscope.app or Chromium's DevTools)\n",
                    snap.events.size(), options->output.c_str());
        if (!result) {
            std::fprintf(stderr, "strata: the lesson failed: %s\n", format_error(result.error(), {}).c_str());
            return static_cast<int>(exit_failed);
        }
        return static_cast<int>(exit_ok);
    };
}

}  // namespace strata::cli
