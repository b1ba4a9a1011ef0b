// `strata lab check|list|report`: exercises without the window, for
// autograders, and the lab report a TA collects.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/lab_check.hpp"
#include "app/cli/lab_report.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/exercise_check.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

namespace {

// Texts as a learner reads them: no run here, so a recorded value is said
// in words and the learner's name filled in.
nlohmann::json exercise_json(const engine::Exercise& e, const engine::Bindings& bindings) {
    nlohmann::json j = {{"id", e.id}, {"kind", engine::exercise_kind_key(e.kind)},
                        {"prompt", engine::interpolate_without_run(e.prompt, bindings)}, {"step", e.step}};
    if (e.kind == engine::ExerciseKind::predict) {
        nlohmann::json choices = nlohmann::json::array();
        for (const auto& c : e.choices)
            choices.push_back({{"id", c.id}, {"text", engine::interpolate_without_run(c.text, bindings)}});
        j["choices"] = choices;
    } else {
        const auto& p = e.parameter;
        j["parameter"] = {{"option", p.option}, {"editor", engine::editor_kind_key(p.editor)}, {"label", p.label},
                          {"initial", p.initial}, {"unit", p.unit}, {"flags", p.flags}, {"choices", p.choices}};
        j["set"] = e.set;
    }
    return j;
}

// The name ${student} stands for: the progress's, else the login's.
std::string student_name() {
    const engine::ProgressStore store(engine::state_dir());
    if (auto p = store.load(); p && !p->progress.student.empty()) return p->progress.student;
    return engine::default_student_name();
}

// `strata lab list [LESSON...]`: what an answers file can answer.
int list_exercises(const std::vector<std::string>& ids, bool json) {
    std::vector<const engine::Lesson*> chosen;
    for (const auto& id : ids) {
        const engine::Lesson* lesson = find_lesson_or_explain(id);
        if (!lesson) return exit_usage;
        chosen.push_back(lesson);
    }
    if (ids.empty())
        for (const auto& lesson : lessons::catalogue().lessons()) chosen.push_back(&lesson);
    const engine::Bindings bindings{{"student", student_name()}};
    nlohmann::json out = nlohmann::json::array();
    for (const engine::Lesson* lesson : chosen) {
        auto exercises = engine::load_exercises(engine::asset_dir(), *lesson);
        if (!exercises) {
            std::fprintf(stderr, "strata: %s\n  %s\n", exercises.error().describe().c_str(), exercises.error().hint.c_str());
            return exit_usage;
        }
        if (json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& e : exercises->exercises) list.push_back(exercise_json(e, bindings));
            out.push_back({{"lesson", lesson->id}, {"exercises", list}});
            continue;
        }
        if (exercises->exercises.empty()) {
            // Named on the command line, it gets an answer, not silence.
            if (!ids.empty()) std::printf("%s — %s: no exercises\n\n", lesson->id.c_str(), lesson->title.c_str());
            continue;
        }
        std::printf("%s — %s\n", lesson->id.c_str(), lesson->title.c_str());
        for (const auto& e : exercises->exercises) {
            if (e.kind == engine::ExerciseKind::predict) {
                std::string choices;
                for (const auto& c : e.choices) choices += (choices.empty() ? "" : " | ") + c.id;
                std::printf("  %-20s predict, before %s: %s\n", e.id.c_str(), e.step.c_str(), choices.c_str());
            } else {
                std::printf("  %-20s challenge: sets %s (%s)\n", e.id.c_str(), e.parameter.option.c_str(),
                            std::string(engine::editor_kind_key(e.parameter.editor)).c_str());
            }
            std::printf("  %-20s %s\n", "", engine::interpolate_without_run(e.prompt, bindings).c_str());
        }
        std::printf("\n");
    }
    if (json) std::printf("%s\n", out.dump(2).c_str());
    return exit_ok;
}

}  // namespace

Command add_lab(CLI::App& app) {
    struct Options {
        LabCheckRequest check;
        LabReportRequest report;
        std::vector<std::string> list_lessons;
        bool list_json = false;
    };
    auto o = std::make_shared<Options>();
    auto* lab = app.add_subcommand("lab", "Lab exercises without the window: check answers, list exercises, write a report");
    lab->require_subcommand(1);

    auto* check = lab->add_subcommand("check", "Run lessons and check their exercises against what the runs record (exit 0: all passed)");
    check->add_option("lessons", o->check.lessons, "Lesson ids (default: the lessons the answers file names)");
    check->add_option("--answers", o->check.answers_file, "YAML or JSON file: answers: {LESSON: {EXERCISE: VALUE}}");
    check->add_option("--answer", o->check.answer_flags, "[LESSON:]EXERCISE=VALUE (a choice id, or a challenge's value)");
    check->add_option("--exercise", o->check.only, "Check only this exercise (repeatable)");
    check->add_option("--student", o->check.student, "The name ${student} stands for (default: your progress's, then your login's)");
    check->add_flag("--json", o->check.json, "Print the verdicts as JSON");
    auto* replay = check->add_flag("--replay", o->check.force_replay,
                                   "Check predictions against the shipped recording; run nothing live");
    check->add_flag("--live", o->check.live_only, "Never use a recording: exit 3 where the lesson cannot run live")
        ->excludes(replay);
    check->add_flag("--save-progress", o->check.save_progress, "Record the runs and attempts in your progress");

    auto* list = lab->add_subcommand("list", "List lessons' exercises, their ids and their choices");
    list->add_option("lessons", o->list_lessons, "Lesson ids (default: all)");
    list->add_flag("--json", o->list_json, "Print JSON");

    auto* report = lab->add_subcommand("report", "Write a lab report of your progress: -o report.html or -o report.json");
    report->add_option("-o,--output", o->report.output, "The report file; .html or .json")->required();
    report->add_option("--name", o->report.student, "Your name on the report (remembered in your progress)");
    report->add_option("--format", o->report.format, "html or json (default: from the file's extension)")
        ->check(CLI::IsMember({"html", "json"}));

    return [o, check, list, report]() {
        if (check->parsed()) return run_lab_check(o->check);
        if (list->parsed()) return list_exercises(o->list_lessons, o->list_json);
        if (report->parsed()) return run_lab_report(o->report);
        return static_cast<int>(exit_usage);
    };
}

}  // namespace strata::cli
