// `strata lab check LESSON...`: runs lessons non-interactively with the
// answers an autograder gives (a file, or flags), checks every exercise
// against what the runs recorded, and exits 0 only when all passed.
//
// Exit codes: 0 every selected exercise passed; 1 one failed, had no
// answer, or could not be checked; 2 bad command line, answers or lesson
// front matter (unknown lesson, exercise or choice; a value the lesson
// refuses); 3 the only exercises left unchecked need a live run this
// machine cannot make. A 2 never looks like a student's failure.
#include "app/cli/lab_check.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/lab_answers.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "engine/stop_request.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

namespace {

struct CheckedExercise {
    const engine::Exercise* exercise = nullptr;
    std::optional<engine::Verdict> verdict;  // nullopt: unanswered
    bool needs_live = false;                 // unchecked because nothing here runs it live
};

struct CheckedLesson {
    const engine::Lesson* lesson = nullptr;
    std::string mode;  // live, replay, unavailable
    std::string replay_label;
    std::string problem;  // why the run could not happen, or where it stopped
    std::vector<CheckedExercise> exercises;
};

engine::Verdict unresolved(const std::string& id, const std::string& answer, const std::string& why) {
    engine::Verdict v;
    v.exercise_id = id;
    v.answer = answer;
    v.summary = why;
    return v;
}

std::string status_of(const CheckedExercise& c) {
    if (!c.verdict) return "unanswered";
    return std::string(engine::outcome_key(c.verdict->outcome));
}

CheckedLesson check_one(const engine::Lesson& lesson, const engine::LessonExercises& exercises,
                        const engine::Answers& answers, const LabCheckRequest& request, const engine::Bindings& bindings,
                        engine::ProgressStore* progress) {
    CheckedLesson out;
    out.lesson = &lesson;
    const auto report = probe::probe_machine(lessons::probe_options_for(lesson));
    const auto availability = lessons::availability(lesson, report);
    // --replay: nothing runs live, so challenges stay unchecked (exit 3).
    const bool live_here = availability.mode == lessons::Mode::live && !request.force_replay;
    const bool predictions_wanted = std::any_of(exercises.exercises.begin(), exercises.exercises.end(), [&](const auto& e) {
        return e.kind == engine::ExerciseKind::predict &&
               (request.only.empty() || std::find(request.only.begin(), request.only.end(), e.id) != request.only.end());
    });

    // The predictions: one run, live when possible, else a recording.
    std::optional<lessons::Playable> playable;
    if (request.live_only && !live_here) {
        out.mode = "unavailable";
        out.problem = "cannot run live here: " + availability.why;
    } else if (predictions_wanted) {
        auto chosen = lessons::choose_playable(lesson, report, request.force_replay, std::nullopt, 0.0);
        if (chosen) playable = std::move(*chosen);
        else out.mode = "unavailable", out.problem = chosen.error().error.describe();
    }
    std::vector<engine::ExerciseResult> predicted;
    if (playable) {
        out.mode = playable->replay ? "replay" : "live";
        if (playable->replay) out.replay_label = *playable->lesson->replay_label;
        engine::Session session(*playable->lesson, *playable->lesson->resolve_options({}));
        predicted = engine::run_predictions(session, exercises, answers, request.only, bindings);
        const auto snap = session.snapshot();
        for (const auto& step : snap.steps)
            if (step.error) out.problem = step.error->describe();
        // A run cut short by a stop (a signal) is not the learner's attempt.
        if (progress && !engine::stop_requested())
            (void)progress->update([&](engine::Progress& p) {
                engine::record_run(p, snap);
                for (const auto& r : predicted)
                    if (r.verdict) engine::record_attempt(p, lesson.id, *r.verdict, playable->replay);
            });
    }
    if (out.mode.empty()) out.mode = live_here ? "live" : "unavailable";

    for (const auto& e : exercises.exercises) {
        if (!request.only.empty() && std::find(request.only.begin(), request.only.end(), e.id) == request.only.end()) continue;
        CheckedExercise c{&e, std::nullopt, false};
        if (e.kind == engine::ExerciseKind::predict) {
            for (const auto& r : predicted)
                if (r.exercise == &e) c.verdict = r.verdict;
            if (!playable && answers.count(e.id)) {
                c.verdict = unresolved(e.id, answers.at(e.id), out.problem);
                c.needs_live = true;
            }
        } else if (auto it = answers.find(e.id); it != answers.end()) {
            if (!live_here) {
                c.verdict = unresolved(e.id, it->second,
                                       request.force_replay
                                           ? "a challenge runs the lesson live with your value, and --replay runs nothing live"
                                           : "a challenge runs the lesson with your value, and this machine cannot run it "
                                             "live: " + availability.why.substr(0, availability.why.find('\n')));
                c.needs_live = true;
            } else {
                auto run = engine::run_challenge(lesson, e, it->second, bindings);
                if (run) c.verdict = run->verdict;
                else c.verdict = unresolved(e.id, it->second, run.error().describe());
                if (run && progress && !engine::stop_requested())
                    (void)progress->update([&](engine::Progress& p) { engine::record_attempt(p, lesson.id, run->verdict, false); });
            }
        }
        out.exercises.push_back(std::move(c));
    }
    return out;
}

nlohmann::json to_json(const std::vector<CheckedLesson>& lessons, const std::string& student, int code) {
    nlohmann::json out_lessons = nlohmann::json::array();
    for (const auto& l : lessons) {
        nlohmann::json exercises = nlohmann::json::array();
        for (const auto& c : l.exercises) {
            nlohmann::json e = {{"id", c.exercise->id}, {"kind", engine::exercise_kind_key(c.exercise->kind)},
                                {"status", status_of(c)}, {"needs_live", c.needs_live}};
            if (c.verdict) {
                e["answer"] = c.verdict->answer;
                e["summary"] = c.verdict->summary;
                e["recorded"] = c.verdict->recorded;
                e["hint"] = c.verdict->hint ? nlohmann::json(*c.verdict->hint) : nlohmann::json(nullptr);
                nlohmann::json goal = nlohmann::json::array();
                for (const auto& part : c.verdict->goal) goal.push_back({{"says", part.says}, {"held", part.held}});
                e["goal"] = goal;
            }
            exercises.push_back(e);
        }
        out_lessons.push_back({{"id", l.lesson->id}, {"mode", l.mode}, {"replay_label", l.replay_label},
                               {"problem", l.problem}, {"exercises", exercises}});
    }
    return {{"format", "strata-lab-check"}, {"version", 1}, {"student", student},
            {"passed", code == exit_ok}, {"exit_code", code}, {"lessons", out_lessons}};
}

void print_text(const std::vector<CheckedLesson>& lessons) {
    int passed = 0, total = 0;
    for (const auto& l : lessons) {
        std::printf("%s — %s (%s)\n", l.lesson->id.c_str(), l.lesson->title.c_str(), l.mode.c_str());
        if (!l.replay_label.empty()) std::printf("  ▶ %s\n", l.replay_label.c_str());
        if (!l.problem.empty()) std::printf("  note: %s\n", l.problem.c_str());
        for (const auto& c : l.exercises) {
            ++total;
            const std::string status = status_of(c);
            passed += status == "passed";
            const char* mark = status == "passed" ? "✓" : status == "failed" ? "✗" : "·";
            std::string answer = c.verdict ? c.verdict->answer : "(no answer)";
            if (answer.find('\n') != std::string::npos) answer = answer.substr(0, answer.find('\n')) + " …";
            std::printf("  %s %-20s %-9s %-10s %s\n", mark, c.exercise->id.c_str(),
                        std::string(engine::exercise_kind_key(c.exercise->kind)).c_str(), status.c_str(), answer.c_str());
            if (!c.verdict) continue;
            std::printf("      %s\n", c.verdict->summary.c_str());
            for (const auto& part : c.verdict->goal) std::printf("      %s %s\n", part.held ? "✓" : "✗", part.says.c_str());
            if (c.verdict->hint) std::printf("      hint: %s\n", c.verdict->hint->c_str());
            if (!c.verdict->explanation.empty()) std::printf("      %s\n", c.verdict->explanation.c_str());
        }
    }
    std::printf("%d of %d exercises passed.\n", passed, total);
}

}  // namespace

int run_lab_check(const LabCheckRequest& request) {
    LabAnswers answers;
    if (!request.answers_file.empty()) {
        auto loaded = load_lab_answers(request.answers_file);
        if (!loaded) {
            std::fprintf(stderr, "strata: %s\n  %s\n", loaded.error().describe().c_str(), loaded.error().hint.c_str());
            return exit_usage;
        }
        answers = std::move(*loaded);
    }
    std::vector<std::string> ids = request.lessons;
    if (ids.empty())
        for (const auto& [id, _] : answers.lessons) ids.push_back(id);
    if (ids.empty()) {
        std::fprintf(stderr, "strata: lab check needs a lesson id, or an answers file that names lessons\n");
        return exit_usage;
    }
    for (const auto& flag : request.answer_flags)
        if (auto ok = add_answer_flag(answers, flag, ids.size() == 1 ? ids.front() : ""); !ok) {
            std::fprintf(stderr, "strata: %s\n  %s\n", ok.error().describe().c_str(), ok.error().hint.c_str());
            return exit_usage;
        }

    // Everything the command line names is checked before anything runs.
    std::vector<std::pair<const engine::Lesson*, engine::LessonExercises>> work;
    for (const auto& id : ids) {
        const engine::Lesson* lesson = find_lesson_or_explain(id);
        if (!lesson) return exit_usage;
        auto exercises = engine::load_exercises(engine::asset_dir(), *lesson);
        if (!exercises) {
            std::fprintf(stderr, "strata: %s\n  %s\n", exercises.error().describe().c_str(), exercises.error().hint.c_str());
            return exit_usage;
        }
        if (auto ok = engine::validate_answers(*exercises, *lesson, answers.lessons[lesson->id]); !ok) {
            std::fprintf(stderr, "strata: %s\n  %s\n", ok.error().describe().c_str(), ok.error().hint.c_str());
            return exit_usage;
        }
        for (const auto& only : request.only)
            if (ids.size() == 1 && !exercises->find(only)) {
                std::fprintf(stderr, "strata: %s has no exercise '%s'\n", lesson->id.c_str(), only.c_str());
                return exit_usage;
            }
        work.emplace_back(lesson, std::move(*exercises));
    }
    bool any_answer = false;
    for (const auto& id : ids)
        if (auto it = answers.lessons.find(id); it != answers.lessons.end()) any_answer = any_answer || !it->second.empty();
    if (!any_answer) {
        std::fprintf(stderr, "strata: no answers to check: give them with --answer EXERCISE=VALUE or --answers FILE\n"
                             "  `strata lab list %s` shows the exercises, their ids and choices\n",
                     ids.front().c_str());
        return exit_usage;
    }

    for (const auto& [id, _] : answers.lessons)
        if (std::find(ids.begin(), ids.end(), id) == ids.end() && !request.lessons.empty())
            std::fprintf(stderr, "strata: note: the answers for %s are not checked (not on the command line)\n", id.c_str());

    engine::ProgressStore store(engine::state_dir());
    std::string student = request.student;
    if (student.empty()) student = answers.student;
    if (student.empty())
        if (auto loaded = store.load(); loaded) student = loaded->progress.student;
    if (student.empty()) student = engine::default_student_name();
    const engine::Bindings bindings = {{"student", student}};

    std::vector<CheckedLesson> results;
    for (const auto& [lesson, exercises] : work) {
        results.push_back(check_one(*lesson, exercises, answers.lessons[lesson->id], request, bindings,
                                    request.save_progress ? &store : nullptr));
        // Stopped by a signal: no verdicts from cancelled runs; main says why.
        if (engine::stop_requested()) return exit_failed;
    }

    bool all_passed = true, only_machine = true;
    for (const auto& l : results)
        for (const auto& c : l.exercises) {
            if (c.verdict && c.verdict->outcome == engine::Outcome::passed) continue;
            all_passed = false;
            only_machine = only_machine && c.needs_live;
        }
    const int code = all_passed ? exit_ok : only_machine ? exit_requirement : exit_failed;
    if (request.json) std::printf("%s\n", to_json(results, student, code).dump(2).c_str());
    else print_text(results);
    return code;
}

}  // namespace strata::cli
