#include "app/cli/lab_report.hpp"

#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "app/cli/cli.hpp"
#include "app/cli/lesson_lookup.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/narrative.hpp"
#include "engine/progress_store.hpp"
#include "engine/report.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

namespace {

// What doctor measured, the way a TA reads it.
std::vector<std::pair<std::string, std::string>> machine_facts() {
    const auto report = probe::probe_machine();
    const auto& f = report.facts;
    std::vector<std::pair<std::string, std::string>> out = {
        {"Operating system", f.os_name},
        {"Kernel", f.kernel_release},
        {"KVM", std::string(probe::kvm_kind_key(f.kvm_kind)) +
                    (f.kvm_api_version ? fmt::format(" (API version {})", *f.kvm_api_version) : "")},
        {"cgroups", std::string(probe::cgroup_mode_key(f.cgroup_mode)) + (f.cgroup_writable ? ", writable" : ", not writable")},
        {"User namespaces", f.user_namespaces ? "yes" : "no"},
    };
    if (!f.hypervisor.empty()) out.emplace_back("Runs inside", probe::hypervisor_name(f.hypervisor));
    out.emplace_back("Lessons runnable live", report.ready() ? "all" : "some need a recording (see `strata doctor`)");
    return out;
}

}  // namespace

int run_lab_report(const LabReportRequest& request) {
    std::string format = request.format;
    if (format.empty()) {
        if (request.output.ends_with(".json")) format = "json";
        else if (request.output.ends_with(".html") || request.output.ends_with(".htm")) format = "html";
        else {
            std::fprintf(stderr, "strata: say --format html or json, or name the file .html or .json\n");
            return exit_usage;
        }
    }

    const engine::ProgressStore store(engine::state_dir());
    auto loaded = request.student.empty()
                      ? store.load()
                      : store.update([&](engine::Progress& p) { p.student = request.student; });
    if (!loaded) {
        std::fprintf(stderr, "strata: %s\n  %s\n", loaded.error().describe().c_str(), loaded.error().hint.c_str());
        return exit_failed;
    }
    if (loaded->problem) std::fprintf(stderr, "strata: %s\n", loaded->problem->c_str());
    const engine::Progress& progress = loaded->progress;
    const std::string student = !progress.student.empty() ? progress.student : engine::default_student_name();

    std::vector<engine::LessonExercises> exercises;
    std::vector<engine::CourseLesson> course;
    const auto lessons = lessons::catalogue().lessons();
    exercises.reserve(lessons.size());  // CourseLesson points into it
    for (const auto& lesson : lessons) {
        auto parsed = engine::load_exercises(engine::asset_dir(), lesson);
        engine::CourseLesson c{&lesson, nullptr, {}};
        if (parsed) {
            exercises.push_back(std::move(*parsed));
            c.exercises = &exercises.back();
        } else {
            c.exercises_problem = parsed.error().describe();
        }
        course.push_back(c);
    }
    const auto report = engine::build_report(progress, course, student, machine_facts(), machine_info().strata_version);
    const std::string text = format == "json" ? engine::report_to_json(report).dump(2) + "\n" : engine::report_to_html(report);

    // Written beside the target, then renamed: a full disk never leaves half a report.
    const std::string tmp = request.output + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        if (!out.flush()) {
            std::fprintf(stderr, "strata: cannot write %s\n", tmp.c_str());
            std::remove(tmp.c_str());
            return exit_failed;
        }
    }
    if (std::rename(tmp.c_str(), request.output.c_str()) != 0) {
        std::fprintf(stderr, "strata: cannot write %s\n", request.output.c_str());
        std::remove(tmp.c_str());
        return exit_failed;
    }
    int passed = 0, total = 0, started = 0;
    for (const auto& l : report.lessons) {
        passed += l.exercises_passed();
        total += static_cast<int>(l.exercises.size());
        started += !l.steps_done.empty();
    }
    std::printf("Wrote %s: %s, %d lessons started, %d of %d exercises passed.\n", request.output.c_str(), student.c_str(),
                started, passed, total);
    return exit_ok;
}

}  // namespace strata::cli
