// `strata run ID`: runs a lesson for real, step by step, printing each
// step's narrative and every real call it made.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/event_format.hpp"
#include "app/cli/exercise_prompt.hpp"
#include "app/cli/fact_format.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "app/cli/line_input.hpp"
#include "backends/linux/sweep.hpp"
#include "backends/probe/machine_report.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "engine/session.hpp"
#include "engine/stop_request.hpp"
#include "engine/trace_json.hpp"

namespace strata::cli {

namespace {

// A step's text in two parts: what is shown before it runs (its
// predictions are asked right after) and what is revealed once it ran.
void print_text(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    while (!text.empty() && text.front() == '\n') text.erase(0, 1);
    if (!text.empty()) std::printf("%s\n\n", text.c_str());
}

void print_before(const engine::Narrative& narrative, const std::string& step_id) {
    if (const auto* section = narrative.section(step_id)) print_text(section->markdown);
}

void print_revealed(const engine::Narrative& narrative, const std::string& step_id) {
    if (const auto* section = narrative.section(step_id)) print_text(section->revealed);
}

// False when the learner quits, the input ends or strata is asked to stop.
// On a terminal one key does it: Enter (or any other key) goes on, q quits.
bool wait_for_enter(bool last) {
    if (last) return true;
    std::printf("  [Enter: next step, q: quit] ");
    std::fflush(stdout);
    const auto key = read_key_unless_stopped();
    if (::isatty(STDIN_FILENO) != 0) std::printf("\n");  // the key was not echoed
    return key && *key != 'q' && *key != 'Q';
}

}  // namespace

std::optional<std::map<std::string, std::string>> parse_settings(const std::vector<std::string>& settings) {
    std::map<std::string, std::string> given;
    for (const auto& setting : settings) {
        const auto eq = setting.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::fprintf(stderr, "strata: --set takes key=value, not '%s'\n", setting.c_str());
            return std::nullopt;
        }
        given[setting.substr(0, eq)] = setting.substr(eq + 1);
    }
    return given;
}

void sweep_leftovers() {
    const auto report = linux::sweep_stale();
    for (const auto& removed : report.removed)
        std::fprintf(stderr, "strata: removed %s, left behind by a strata that was killed\n", removed.c_str());
    for (const auto& failed : report.failed)
        std::fprintf(stderr, "strata: could not remove a leftover of a killed strata: %s\n", failed.c_str());
}

int run_lesson(const RunRequest& request) {
    const engine::Lesson* found = find_lesson_or_explain(request.lesson_id);
    if (!found) return exit_usage;
    if (request.shell && !found->interactive_shell) {
        std::fprintf(stderr, "strata: %s offers no shell (--shell works with lessons that build a container)\n",
                     found->id.c_str());
        return exit_usage;
    }
    auto options = found->resolve_options(request.options);
    if (!options) {
        std::fprintf(stderr, "strata: %s\n  %s\n", options.error().describe().c_str(), options.error().hint.c_str());
        return exit_usage;
    }

    // Live when the machine can; otherwise (or when asked) a recording of a
    // real run, labelled as such on every step.
    const auto report = probe::probe_machine(lessons::probe_options_for(*found));
    std::optional<std::filesystem::path> recording;
    if (request.recording) recording = *request.recording;
    if (request.live_only) {
        const auto a = lessons::availability(*found, report);
        if (a.mode != lessons::Mode::live) {
            std::fprintf(stderr, "strata: %s cannot run live on this machine: %s\n", found->id.c_str(), a.why.c_str());
            return exit_requirement;
        }
    }
    auto playable = lessons::choose_playable(*found, report, request.force_replay, recording, request.replay_speed,
                                             request.options);
    if (!playable) {
        const auto& refused = playable.error();
        std::fprintf(stderr, "strata: %s\n", refused.error.describe().c_str());
        if (!refused.error.hint.empty()) std::fprintf(stderr, "  what to do: %s\n", refused.error.hint.c_str());
        switch (refused.kind) {
        case lessons::Refusal::bad_input: return exit_usage;
        case lessons::Refusal::needs_live: return exit_requirement;
        case lessons::Refusal::failed: break;
        }
        return exit_failed;
    }
    const engine::Lesson& lesson = *playable->lesson;
    if (playable->replay && !request.json) {
        std::printf("▶ %s\n", lesson.replay_label->c_str());
        if (!request.force_replay && !request.recording)
            std::printf("  (this machine cannot run it live: %s)\n", lessons::availability(*found, report).why.c_str());
        std::printf("\n");
    }

    const Style style{!request.json && ::isatty(STDOUT_FILENO) != 0};
    engine::Session session(lesson, *options);
    std::mutex print_mutex;
    session.set_listener([&](const engine::TraceEvent& e) {
        std::lock_guard lock(print_mutex);
        if (request.json) std::printf("%s\n", engine::event_to_json(e).dump().c_str());
        else std::printf("%s\n", format_event(e, style).c_str());
        std::fflush(stdout);
    });

    engine::Narrative narrative;
    if (auto loaded = engine::load_narrative(engine::asset_dir(), lesson.id)) narrative = std::move(*loaded);
    if (!request.json) {
        std::printf("%s — %s\n%s\n\n", lesson.id.c_str(), lesson.title.c_str(), lesson.summary.c_str());
        if (request.narrative && !narrative.introduction.empty()) std::printf("%s\n", narrative.introduction.c_str());
    }

    // Progress: every step done is remembered; on a terminal the lesson's
    // exercises are asked, and every answer is remembered too.
    const engine::ProgressStore store(engine::state_dir());
    bool progress_warned = false;
    auto remember = [&](const engine::Snapshot& snap) {
        auto saved = store.update([&](engine::Progress& p) { engine::record_run(p, snap); });
        if (saved && saved->problem && !progress_warned) std::fprintf(stderr, "strata: %s\n", saved->problem->c_str());
        if (!saved && !progress_warned) std::fprintf(stderr, "strata: progress not saved: %s\n", saved.error().describe().c_str());
        progress_warned = progress_warned || !saved || saved->problem;
    };
    std::optional<TerminalExercises> exercises;
    const bool terminal = ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
    if (request.exercises && !request.json && terminal) {
        auto loaded = engine::load_exercises(engine::asset_dir(), *found);
        if (!loaded) std::fprintf(stderr, "strata: the lesson's exercises are left out: %s\n", loaded.error().describe().c_str());
        else if (!loaded->exercises.empty()) {
            std::string student;
            if (auto p = store.load(); p) student = p->progress.student;
            if (student.empty()) student = engine::default_student_name();
            exercises.emplace(std::move(*loaded), store, engine::Bindings{{"student", student}}, playable->replay,
                              std::cin, stdout);
        }
    }

    unbuffer_standard_input();
    const int count = static_cast<int>(lesson.steps.size());
    // A stop request (a signal) ends the run wherever it is: the session is
    // cancelled, this function returns, and the Session's destructor
    // releases what the steps made; main turns it into 128 + the signal.
    while (!session.finished() && !engine::stop_requested()) {
        const int index = session.next_step();
        const auto& step = lesson.steps[static_cast<std::size_t>(index)];
        if (!request.json) {
            std::printf("── Step %d/%d · %s%s ──\n", index + 1, count, step.title.c_str(),
                        playable->replay ? " (replay)" : "");
            if (request.narrative) print_before(narrative, step.id);
            if (exercises) exercises->before_step(step.id, session.snapshot());
            std::printf("  %10s %9s  %-34s %s\n", "time", "took", "layers crossed", "call");
        }
        const engine::Facts facts_before = session.snapshot().facts;
        auto outcome = session.step();
        // A step cut short by a stop is no attempt of the learner's.
        if (engine::stop_requested()) break;
        const auto snap = session.snapshot();
        remember(snap);
        if (!outcome) {
            if (!request.json) std::printf("✗ %s\n", format_error(outcome.error(), style).c_str());
            else std::fprintf(stderr, "strata: %s\n", outcome.error().describe().c_str());
            if (exercises) exercises->after_step(step.id, snap);
            return exit_failed;
        }
        if (!request.json) {
            std::printf("✓ %s\n", outcome->summary.c_str());
            std::printf("%s", format_new_facts(facts_before, snap.facts).c_str());
            std::printf("  %s\n", format_layer_check(snap.check_layers(index), snap.layers_touched(index), style).c_str());
            if (exercises) exercises->after_step(step.id, snap);
            std::printf("\n");
            // Only a step that ran shows what it revealed: on a failed one
            // the text would describe a result that did not happen.
            if (request.narrative) print_revealed(narrative, step.id);
        }
        if (request.step_by_step && !request.json && !wait_for_enter(index + 1 == count)) return exit_ok;
    }
    if (engine::stop_requested()) return exit_failed;  // main says which signal
    if (request.shell) {
        std::printf("Starting a shell inside the container; leave it with `exit` and strata tears everything down.\n");
        std::fflush(stdout);
        auto status = session.run_interactive_shell();
        if (engine::stop_requested()) return exit_failed;
        if (!status) {
            std::fprintf(stderr, "strata: %s\n", format_error(status.error(), {}).c_str());
            return exit_failed;
        }
        std::printf("The shell exited with status %d; the container is gone.\n", *status);
    }
    if (!request.json) {
        const auto snap = session.snapshot();
        if (!snap.console.empty()) std::printf("Console output of the run:\n%s\n", snap.console.c_str());
        std::printf("Lesson complete: %d steps, %zu recorded events%s.\n\n", count, snap.events.size(),
                    playable->replay ? " (replayed)" : "");
        if (exercises)
            exercises->offer_challenges(lessons::availability(*found, report).mode == lessons::Mode::live ? found : nullptr);
    }
    return exit_ok;
}

Command add_run(CLI::App& app) {
    struct Options {
        RunRequest request;
        std::vector<std::string> settings;
        std::string recording;
        bool quiet_narrative = false;
        bool no_exercises = false;
    };
    auto options = std::make_shared<Options>();
    auto& r = options->request;
    auto* sub = app.add_subcommand("run", "Run a lesson for real, printing every call it makes");
    sub->add_option("lesson", r.lesson_id, "Lesson id, e.g. vm/hello-kvm (see `strata list`)")->required();
    sub->add_flag("--json", r.json, "Print one JSON object per recorded event (JSON Lines)");
    sub->add_flag("--step-by-step", r.step_by_step, "Wait for Enter between steps");
    sub->add_flag("--no-narrative", options->quiet_narrative, "Print the calls only, not the lesson text");
    sub->add_option("--set", options->settings, "A lesson option, key=value (e.g. guest=loop)");
    auto* replay =
        sub->add_flag("--replay", r.force_replay, "Play the shipped recording of a real run instead of running live");
    sub->add_flag("--shell", r.shell, "End with an interactive shell inside the container the lesson built");
    sub->add_flag("--no-exercises", options->no_exercises, "Do not ask the lesson's exercises (never asked off a terminal)");
    auto* live = sub->add_flag("--live", r.live_only, "Run live or fail with exit code 3: never play a recording");
    auto* recording = sub->add_option("--recording", options->recording, "Play this recording (from `strata record`)");
    // A run is live or a replay, never both: CLI11 refuses the pair (exit 2).
    live->excludes(replay);
    live->excludes(recording);
    sub->add_option("--speed", r.replay_speed, "Replay speed (2 = twice as fast, 0 = no waiting)")
        ->check(CLI::Range(0.0, 1000.0));
    return [options]() {
        auto given = parse_settings(options->settings);
        if (!given) return static_cast<int>(exit_usage);
        RunRequest request = options->request;
        request.options = *given;
        request.narrative = !options->quiet_narrative;
        request.exercises = !options->no_exercises;
        if (!options->recording.empty()) request.recording = options->recording;
        return run_lesson(request);
    };
}

int run_tour() {
    RunRequest request;
    request.lesson_id = "vm/hello-kvm";
    request.step_by_step = ::isatty(STDIN_FILENO) != 0;
    // Says "for real" only when it is: elsewhere the replay banner that
    // follows names the machine the real run happened on.
    const engine::Lesson* lesson = lessons::catalogue().find(request.lesson_id);
    const bool live = lesson && lessons::availability(*lesson, probe::probe_machine(lessons::probe_options_for(*lesson)))
                                        .mode == lessons::Mode::live;
    std::printf("Welcome to strata. This tour %s the first lesson, vm/hello-kvm.\n"
                "(`strata list` shows every lesson; `strata --help` every command.)\n\n",
                live ? "runs, for real on this machine," : "replays a real run of");
    return run_lesson(request);
}

}  // namespace strata::cli
