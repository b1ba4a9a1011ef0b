// `strata record ID -o FILE`: runs a lesson live and saves everything it
// produced, labelled with this machine, for replay where it cannot run.
#include <cstdio>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/event_format.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "backends/replay/recording.hpp"
#include "engine/session.hpp"
#include "engine/stop_request.hpp"
#include "lessons/recording_privacy.hpp"

namespace strata::cli {

Command add_record(CLI::App& app) {
    struct Options {
        std::string lesson_id, output;
        std::vector<std::string> settings;
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("record", "Run a lesson live and save a recording of it for replay");
    sub->add_option("lesson", options->lesson_id, "Lesson id")->required();
    sub->add_option("-o,--output", options->output, "Recording file (JSON), - for standard output")->required();
    sub->add_option("--set", options->settings, "A lesson option, key=value");
    return [options]() {
        const engine::Lesson* lesson = find_lesson_or_explain(options->lesson_id);
        if (!lesson) return static_cast<int>(exit_usage);
        auto given = parse_settings(options->settings);
        if (!given) return static_cast<int>(exit_usage);
        auto resolved = lesson->resolve_options(*given);
        if (!resolved) {
            std::fprintf(stderr, "strata: %s\n  %s\n", resolved.error().describe().c_str(), resolved.error().hint.c_str());
            return static_cast<int>(exit_usage);
        }
        if (auto why = missing_requirement(*lesson)) {
            std::fprintf(stderr, "strata: a recording must come from a live run, and %s cannot run live here: %s\n",
                         lesson->id.c_str(), why->c_str());
            return static_cast<int>(exit_requirement);
        }
        engine::Session session(*lesson, *resolved);
        std::vector<engine::Snapshot> snapshots;
        bool failed = false;
        while (!session.finished()) {
            auto outcome = session.step();
            // Stopped by a signal: a cancelled run is no recording of a real one.
            if (engine::stop_requested()) return static_cast<int>(exit_failed);
            snapshots.push_back(session.snapshot());
            if (!outcome) {
                std::fprintf(stderr, "strata: the lesson failed; the recording keeps the failure: %s\n",
                             format_error(outcome.error(), {}).c_str());
                failed = true;
                break;
            }
        }
        auto recording = replay::record_session(snapshots, *resolved, machine_info());
        // Recordings travel: this machine's host name, user and paths stay here.
        lessons::recording_scrubber_here().apply(recording);
        // "-" writes to standard output: how recordings come back out of a
        // VM that has no shared file system (scripts/record-lessons.sh).
        if (options->output == "-") {
            std::fputs(replay::recording_text(recording).c_str(), stdout);
        } else if (auto saved = replay::save_recording(recording, options->output); !saved) {
            std::fprintf(stderr, "strata: %s\n", saved.error().describe().c_str());
            return static_cast<int>(exit_failed);
        }
        std::fprintf(stderr, "recorded %zu steps and %zu events of %s to %s\n  %s\n", recording.steps.size(),
                    recording.events.size(), lesson->id.c_str(), options->output == "-" ? "standard output" : options->output.c_str(),
                     recording.label().c_str());
        return static_cast<int>(failed ? exit_failed : exit_ok);
    };
}

}  // namespace strata::cli
