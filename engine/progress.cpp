#include "engine/progress.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <type_traits>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "engine/json_integer.hpp"

namespace strata::engine {

namespace {

using nlohmann::json;

std::unexpected<ProgressError> malformed(const std::string& where, const std::string& what) {
    return std::unexpected(ProgressError{
        ProgressProblem::malformed,
        Error{"read progress", 0, what.empty() ? where : where + ": " + what, "the file is not strata progress"}});
}

// Reads `key` of `object` as T when present; a wrong type is an error naming it.
template <class T>
std::optional<std::string> read(const json& object, const char* key, T& out, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
        if (!fits_integer<T>(*it)) return where + "." + key + " is not a whole number in range";
    try {
        out = it->template get<T>();
    } catch (const json::exception&) {
        return where + "." + key + " has the wrong type";
    }
    return std::nullopt;
}

std::expected<LessonProgress, ProgressError> lesson_from_json(const json& j, const std::string& where) {
    LessonProgress lesson;
    if (!j.is_object()) return malformed(where, "is not an object");
    if (auto steps = j.find("steps"); steps != j.end()) {
        if (!steps->is_object()) return malformed(where + ".steps", "is not an object");
        for (const auto& [id, step] : steps->items()) {
            if (!step.is_object()) return malformed(where + ".steps." + id, "is not an object");
            StepProgress s;
            if (auto bad = read(step, "first_done", s.first_done, where + ".steps." + id)) return malformed(*bad, "");
            if (auto bad = read(step, "live", s.live, where + ".steps." + id)) return malformed(*bad, "");
            lesson.steps[id] = s;
        }
    }
    if (auto exercises = j.find("exercises"); exercises != j.end()) {
        if (!exercises->is_object()) return malformed(where + ".exercises", "is not an object");
        for (const auto& [id, exercise] : exercises->items()) {
            const std::string at = where + ".exercises." + id;
            if (!exercise.is_object() || !exercise.contains("attempts") || !exercise["attempts"].is_array())
                return malformed(at, "needs an attempts list");
            ExerciseProgress e;
            for (const auto& attempt : exercise["attempts"]) {
                if (!attempt.is_object()) return malformed(at + ".attempts", "holds something that is not an attempt");
                Attempt a;
                for (auto bad : {read(attempt, "at", a.at, at), read(attempt, "answer", a.answer, at),
                                 read(attempt, "passed", a.passed, at), read(attempt, "replay", a.replay, at)})
                    if (bad) return malformed(*bad, "");
                e.attempts.push_back(std::move(a));
            }
            lesson.exercises[id] = std::move(e);
        }
    }
    if (auto m = j.find("measurements"); m != j.end() && !m->is_null()) {
        if (!m->is_object()) return malformed(where + ".measurements", "is not an object");
        Measurements measured;
        for (auto bad : {read(*m, "at", measured.at, where + ".measurements"),
                         read(*m, "live", measured.live, where + ".measurements"),
                         read(*m, "values", measured.values, where + ".measurements"),
                         read(*m, "options", measured.options, where + ".measurements")})
            if (bad) return malformed(*bad, "");
        lesson.measurements = std::move(measured);
    }
    return lesson;
}

}  // namespace

bool ExerciseProgress::passed() const {
    return std::any_of(attempts.begin(), attempts.end(), [](const Attempt& a) { return a.passed; });
}

std::string utc_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(now));
}

json progress_to_json(const Progress& p) {
    json lessons = json::object();
    for (const auto& [id, lesson] : p.lessons) {
        json steps = json::object();
        for (const auto& [step, s] : lesson.steps) steps[step] = {{"first_done", s.first_done}, {"live", s.live}};
        json exercises = json::object();
        for (const auto& [ex, e] : lesson.exercises) {
            json attempts = json::array();
            for (const auto& a : e.attempts)
                attempts.push_back({{"at", a.at}, {"answer", a.answer}, {"passed", a.passed}, {"replay", a.replay}});
            exercises[ex] = {{"attempts", attempts}};
        }
        json entry = {{"steps", steps}, {"exercises", exercises}};
        if (lesson.measurements)
            entry["measurements"] = {{"at", lesson.measurements->at},
                                     {"live", lesson.measurements->live},
                                     {"values", lesson.measurements->values},
                                     {"options", lesson.measurements->options}};
        lessons[id] = entry;
    }
    return {{"format", "strata-progress"}, {"version", p.version},    {"student", p.student},
            {"updated_at", p.updated_at},  {"last_lesson", p.last_lesson}, {"last_step", p.last_step},
            {"lessons", lessons}};
}

std::expected<Progress, ProgressError> progress_from_json(const json& j) {
    // Checked by type first: json::value() throws when the key holds a number.
    const auto format = j.find("format");  // end() for anything but an object
    if (format == j.end() || !format->is_string() || *format != "strata-progress")
        return malformed("the file", "is not a strata progress file");
    if (!j.contains("version") || !fits_integer<int>(j["version"])) return malformed("version", "is missing or not a whole number");
    const int version = j["version"].get<int>();
    if (version > kProgressVersion)
        return std::unexpected(ProgressError{
            ProgressProblem::future_version,
            Error{"read progress", 0, fmt::format("the file is format version {}; this strata reads up to {}", version, kProgressVersion),
                  "it was written by a newer strata: use that one, or update this one"}});
    if (version < 1) return malformed("version", "is not a version strata ever wrote");
    Progress p;
    for (auto bad : {read(j, "student", p.student, "progress"), read(j, "updated_at", p.updated_at, "progress"),
                     read(j, "last_lesson", p.last_lesson, "progress"), read(j, "last_step", p.last_step, "progress")})
        if (bad) return malformed(*bad, "");
    if (auto lessons = j.find("lessons"); lessons != j.end()) {
        if (!lessons->is_object()) return malformed("lessons", "is not an object");
        for (const auto& [id, lesson] : lessons->items()) {
            auto parsed = lesson_from_json(lesson, "lessons." + id);
            if (!parsed) return std::unexpected(parsed.error());
            p.lessons[id] = std::move(*parsed);
        }
    }
    return p;
}

std::expected<Progress, ProgressError> progress_from_text(std::string_view text) {
    const auto j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return malformed("the file", "is not valid JSON");
    return progress_from_json(j);
}

void record_run(Progress& progress, const Snapshot& snapshot) {
    if (!snapshot.lesson) return;
    const std::string& id = snapshot.lesson->id;
    LessonProgress& lesson = progress.lessons[id];
    const bool live = !snapshot.replay_label;
    const std::string now = utc_now();
    bool all_done = !snapshot.steps.empty();
    for (std::size_t i = 0; i < snapshot.steps.size() && i < snapshot.lesson->steps.size(); ++i) {
        if (snapshot.steps[i].status != StepStatus::done) {
            all_done = false;
            continue;
        }
        auto [it, inserted] = lesson.steps.try_emplace(snapshot.lesson->steps[i].id, StepProgress{now, live});
        it->second.live = it->second.live || live;
    }
    if (snapshot.current_step >= 0) {
        progress.last_lesson = id;
        progress.last_step = snapshot.current_step;
    }
    if (all_done) {
        LessonOptions changed;  // only what differs from the lesson's defaults
        const auto defaults = snapshot.lesson->resolve_options({});
        for (const auto& [key, value] : snapshot.options)
            if (!defaults || !defaults->count(key) || defaults->at(key) != value) changed[key] = value;
        lesson.measurements = Measurements{now, live, snapshot.facts.values, changed};
    }
    progress.updated_at = now;
}

void record_attempt(Progress& progress, const std::string& lesson_id, const Verdict& verdict, bool replay) {
    if (!verdict.counts_as_attempt()) return;
    progress.updated_at = utc_now();
    progress.lessons[lesson_id].exercises[verdict.exercise_id].attempts.push_back(
        {progress.updated_at, verdict.answer, verdict.outcome == Outcome::passed, replay});
}

MergeCounts merge_progress(Progress& into, const Progress& from) {
    MergeCounts counts;
    for (const auto& [id, theirs] : from.lessons) {
        LessonProgress& mine = into.lessons[id];
        for (const auto& [step, s] : theirs.steps) {
            auto [it, inserted] = mine.steps.try_emplace(step, s);
            counts.steps += inserted;
            if (!inserted) {
                if (!s.first_done.empty() && (it->second.first_done.empty() || s.first_done < it->second.first_done))
                    it->second.first_done = s.first_done;
                it->second.live = it->second.live || s.live;
            }
        }
        for (const auto& [ex, e] : theirs.exercises) {
            auto& attempts = mine.exercises[ex].attempts;
            for (const auto& a : e.attempts)
                if (std::find(attempts.begin(), attempts.end(), a) == attempts.end()) {
                    attempts.push_back(a);
                    ++counts.attempts;
                }
            std::stable_sort(attempts.begin(), attempts.end(), [](const Attempt& a, const Attempt& b) { return a.at < b.at; });
        }
        if (theirs.measurements && (!mine.measurements || mine.measurements->at < theirs.measurements->at))
            mine.measurements = theirs.measurements;
    }
    if (into.student.empty()) into.student = from.student;
    if (from.updated_at > into.updated_at) {
        into.last_lesson = from.last_lesson;
        into.last_step = from.last_step;
        into.updated_at = from.updated_at;
    }
    return counts;
}

std::string default_student_name() {
    if (const passwd* pw = ::getpwuid(::getuid())) {
        std::string gecos = pw->pw_gecos ? pw->pw_gecos : "";
        gecos = gecos.substr(0, gecos.find(','));  // "Full Name,room,phone,..."
        if (!gecos.empty()) return gecos;
        if (pw->pw_name && *pw->pw_name) return pw->pw_name;
    }
    if (const char* user = std::getenv("USER"); user && *user) return user;
    return "student";
}

}  // namespace strata::engine
