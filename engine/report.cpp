#include "engine/report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/exercise_check.hpp"

namespace strata::engine {

namespace {

ReportExercise exercise_entry(const std::string& id, std::string kind, std::string prompt, const ExerciseProgress* done) {
    ReportExercise e{id, std::move(kind), std::move(prompt)};
    if (!done) return e;
    e.attempts = static_cast<int>(done->attempts.size());
    e.replay_only = !done->attempts.empty();
    for (const auto& a : done->attempts) {
        e.replay_only = e.replay_only && a.replay;
        if (a.passed && !e.passed) {
            e.passed = true;
            e.first_passed_at = a.at;
        }
        e.last_answer = a.answer;
    }
    return e;
}

ReportLesson lesson_entry(const std::string& id, const CourseLesson* course, const LessonProgress* progress,
                          const Bindings& bindings) {
    ReportLesson l;
    l.id = id;
    l.title = course ? course->lesson->title : id;
    l.track = course ? course->lesson->track : "";
    if (course) {
        l.steps_total = static_cast<int>(course->lesson->steps.size());
        l.exercises_problem = course->exercises_problem;
    }
    if (progress) {
        // Steps in lesson order; any the lesson no longer has, after them.
        if (course)
            for (const auto& step : course->lesson->steps)
                if (progress->steps.count(step.id)) l.steps_done.push_back(step.id);
        for (const auto& [step, s] : progress->steps) {
            if (std::find(l.steps_done.begin(), l.steps_done.end(), step) == l.steps_done.end()) l.steps_done.push_back(step);
            l.any_live = l.any_live || s.live;
        }
        l.measurements = progress->measurements;
    }
    auto done = [&](const std::string& ex) -> const ExerciseProgress* {
        if (!progress) return nullptr;
        auto it = progress->exercises.find(ex);
        return it == progress->exercises.end() ? nullptr : &it->second;
    };
    if (course && course->exercises)
        for (const auto& e : course->exercises->exercises)
            // A report has no run to read: the learner's name goes in, a
            // recorded value is said in words.
            l.exercises.push_back(exercise_entry(e.id, std::string(exercise_kind_key(e.kind)),
                                                 interpolate_without_run(e.prompt, bindings), done(e.id)));
    if (progress)
        for (const auto& [ex, attempts] : progress->exercises)
            if (std::none_of(l.exercises.begin(), l.exercises.end(), [&, ex = ex](const auto& e) { return e.id == ex; }))
                l.exercises.push_back(exercise_entry(ex, "", "", &attempts));
    return l;
}

const char* kStyle = R"(
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 62em; color: #1d2330; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .3em; border-bottom: 1px solid #d6dae3; padding-bottom: .2em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 .8em; }
th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #eceef3; vertical-align: top; }
th { font-weight: 600; color: #4a5366; }
.meta td:first-child { width: 12em; color: #4a5366; }
.pass { color: #17733a; font-weight: 600; }
.fail { color: #a32121; font-weight: 600; }
.none { color: #8a91a0; }
.tag { font-size: .8em; padding: .05em .45em; border-radius: .6em; background: #eef0f5; color: #4a5366; }
code { font-family: ui-monospace, monospace; font-size: .92em; }
)";

}  // namespace

int ReportLesson::exercises_passed() const {
    return static_cast<int>(std::count_if(exercises.begin(), exercises.end(), [](const auto& e) { return e.passed; }));
}

LabReport build_report(const Progress& progress, std::span<const CourseLesson> course, std::string student,
                       std::vector<std::pair<std::string, std::string>> machine, std::string strata_version) {
    LabReport r;
    r.student = std::move(student);
    r.generated_at = utc_now();
    r.strata_version = std::move(strata_version);
    r.machine = std::move(machine);
    const Bindings bindings{{"student", r.student}};
    for (const auto& c : course) {
        auto it = progress.lessons.find(c.lesson->id);
        r.lessons.push_back(
            lesson_entry(c.lesson->id, &c, it == progress.lessons.end() ? nullptr : &it->second, bindings));
    }
    for (const auto& [id, lesson] : progress.lessons)
        if (std::none_of(course.begin(), course.end(), [&, id = id](const auto& c) { return c.lesson->id == id; }))
            r.lessons.push_back(lesson_entry(id, nullptr, &lesson, bindings));
    return r;
}

nlohmann::json report_to_json(const LabReport& r) {
    nlohmann::json lessons = nlohmann::json::array();
    for (const auto& l : r.lessons) {
        nlohmann::json exercises = nlohmann::json::array();
        for (const auto& e : l.exercises)
            exercises.push_back({{"id", e.id}, {"kind", e.kind}, {"prompt", e.prompt}, {"attempts", e.attempts},
                                 {"passed", e.passed}, {"first_passed_at", e.first_passed_at},
                                 {"last_answer", e.last_answer}, {"replay_only", e.replay_only}});
        nlohmann::json measurements = nullptr;
        if (l.measurements)
            measurements = {{"at", l.measurements->at}, {"live", l.measurements->live}, {"values", l.measurements->values},
                            {"options", l.measurements->options}};
        lessons.push_back({{"id", l.id}, {"title", l.title}, {"track", l.track}, {"steps_total", l.steps_total},
                           {"steps_done", l.steps_done}, {"any_live", l.any_live}, {"exercises", exercises},
                           {"exercises_passed", l.exercises_passed()}, {"measurements", measurements},
                           {"exercises_problem", l.exercises_problem}});
    }
    return {{"format", "strata-lab-report"}, {"version", kReportVersion}, {"student", r.student},
            {"generated_at", r.generated_at}, {"strata_version", r.strata_version}, {"machine", r.machine},
            {"lessons", lessons}};
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

std::string report_to_html(const LabReport& r) {
    const auto e = [](std::string_view s) { return html_escape(s); };
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += fmt::format("<title>strata lab report: {}</title>\n<style>{}</style>\n</head>\n<body>\n", e(r.student), kStyle);
    h += fmt::format("<h1>strata lab report</h1>\n<table class=\"meta\">\n<tr><td>Student</td><td>{}</td></tr>\n"
                     "<tr><td>Date</td><td>{}</td></tr>\n<tr><td>strata</td><td>{}</td></tr>\n",
                     e(r.student), e(r.generated_at), e(r.strata_version));
    for (const auto& [key, value] : r.machine) h += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", e(key), e(value));
    h += "</table>\n";

    int done_lessons = 0, passed = 0, total = 0;
    for (const auto& l : r.lessons) {
        done_lessons += !l.steps_done.empty();
        passed += l.exercises_passed();
        total += static_cast<int>(l.exercises.size());
    }
    h += fmt::format("<p>{} of {} lessons started; {} of {} exercises passed.</p>\n", done_lessons, r.lessons.size(),
                     passed, total);

    for (const auto& l : r.lessons) {
        h += fmt::format("<h2 id=\"{}\">{} <span class=\"tag\">{}</span></h2>\n", e(l.id), e(l.title), e(l.id));
        if (l.steps_done.empty()) {
            h += "<p class=\"none\">Not started.</p>\n";
        } else {
            std::string steps;
            for (const auto& s : l.steps_done) steps += (steps.empty() ? "" : ", ") + e(s);
            h += fmt::format("<p>Steps done: {} of {}{} — <code>{}</code></p>\n", l.steps_done.size(), l.steps_total,
                             l.any_live ? "" : " (replayed only, never live)", steps);
        }
        if (!l.exercises_problem.empty())
            h += fmt::format("<p class=\"fail\">Exercises could not be read: {}</p>\n", e(l.exercises_problem));
        if (!l.exercises.empty()) {
            h += "<table>\n<tr><th>Exercise</th><th>Kind</th><th>Result</th><th>Attempts</th><th>Last answer</th></tr>\n";
            for (const auto& x : l.exercises) {
                const std::string result = x.passed ? fmt::format("<span class=\"pass\">passed</span> {}", e(x.first_passed_at))
                                           : x.attempts ? "<span class=\"fail\">not yet</span>"
                                                        : "<span class=\"none\">not tried</span>";
                h += fmt::format("<tr><td><b>{}</b><br>{}</td><td>{}</td><td>{}{}</td><td>{}</td><td><code>{}</code></td></tr>\n",
                                 e(x.id), e(x.prompt), e(x.kind), result, x.replay_only ? " (against a recording)" : "",
                                 x.attempts, e(x.last_answer));
            }
            h += "</table>\n";
        }
        if (l.measurements) {
            std::string with;
            for (const auto& [key, value] : l.measurements->options)
                with += fmt::format("{} <code>{}={}</code>", with.empty() ? ", with" : ",", e(key), e(value));
            h += fmt::format("<p>Measurements of the last full run ({}, {}{}):</p>\n<table>\n", e(l.measurements->at),
                             l.measurements->live ? "live on this machine" : "a replayed recording", with);
            for (const auto& [key, value] : l.measurements->values)
                h += fmt::format("<tr><td>{}</td><td><code>{}</code></td></tr>\n", e(key), e(value));
            h += "</table>\n";
        }
    }
    h += "</body>\n</html>\n";
    return h;
}

}  // namespace strata::engine
