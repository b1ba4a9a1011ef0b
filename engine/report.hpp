// Lab reports: a learner's progress, course order, with the machine it ran
// on, as JSON (for tools) or one self-contained HTML page (for a TA: inline
// CSS, no external assets, every string from a run escaped).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/exercise.hpp"
#include "engine/lesson.hpp"
#include "engine/progress.hpp"

namespace strata::engine {

inline constexpr int kReportVersion = 1;

struct ReportExercise {
    std::string id;
    std::string kind;    // predict, challenge
    std::string prompt;  // empty when the lesson no longer has it
    int attempts = 0;
    bool passed = false;
    std::string first_passed_at;
    std::string last_answer;
    bool replay_only = false;  // every attempt was checked against a recording
};

struct ReportLesson {
    std::string id, title, track;
    int steps_total = 0;
    std::vector<std::string> steps_done;  // ids, in lesson order
    bool any_live = false;                // some step was done live
    std::vector<ReportExercise> exercises;
    std::optional<Measurements> measurements;
    std::string exercises_problem;  // why the lesson's exercises could not be read

    int exercises_passed() const;
};

struct LabReport {
    std::string student;
    std::string generated_at;  // ISO 8601 UTC
    std::string strata_version;
    std::vector<std::pair<std::string, std::string>> machine;  // "kernel" -> "6.1.0-56-amd64", ...
    std::vector<ReportLesson> lessons;
};

// What the report needs about one lesson of the course.
struct CourseLesson {
    const Lesson* lesson = nullptr;
    const LessonExercises* exercises = nullptr;  // null when they could not be read
    std::string exercises_problem;
};

// Every lesson of the course (in order), then any lesson the progress
// knows but the course no longer has.
LabReport build_report(const Progress& progress, std::span<const CourseLesson> course, std::string student,
                       std::vector<std::pair<std::string, std::string>> machine, std::string strata_version);

nlohmann::json report_to_json(const LabReport& report);
std::string report_to_html(const LabReport& report);

// &, <, >, " and ' as entities: for text and attribute values alike.
std::string html_escape(std::string_view text);

}  // namespace strata::engine
