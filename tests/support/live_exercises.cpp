#include "tests/support/live_exercises.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "engine/exercise_run.hpp"
#include "engine/session.hpp"

namespace strata::tests {

std::vector<PredictionCheck> predictions_against_live_run(const engine::Lesson& lesson,
                                                          const engine::LessonExercises& exercises) {
    std::vector<PredictionCheck> out;
    engine::Session session(lesson, *lesson.resolve_options({}));
    while (!session.finished()) {
        const int index = session.next_step();
        auto outcome = session.step();
        if (!outcome) FAIL(lesson.id + ": " + outcome.error().describe() + " — " + outcome.error().hint);
        const auto snap = session.snapshot();
        for (const auto* e : exercises.before_step(lesson.steps[static_cast<std::size_t>(index)].id)) {
            // The answer given does not matter: `recorded` lists the choices
            // the run satisfied whatever was chosen.
            const auto verdict = engine::check_prediction(*e, snap, e->choices.front().id);
            out.push_back({e->id, verdict.recorded});
        }
    }
    return out;
}

engine::Verdict challenge_against_live_run(const engine::Lesson& lesson, const engine::LessonExercises& exercises,
                                           const std::string& challenge, const std::string& value,
                                           const std::string& student) {
    const engine::Exercise* e = exercises.find(challenge);
    REQUIRE(e);
    auto run = engine::run_challenge(lesson, *e, value, {{"student", student}});
    if (!run) FAIL(run.error().describe());
    return run->verdict;
}

std::pair<int, std::string> capture_stdout(const std::function<int()>& body) {
    char path[] = "/tmp/capture-stdout-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    std::fflush(stdout);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    ::close(fd);
    const int result = body();
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    ::unlink(path);
    return {result, text.str()};
}

}  // namespace strata::tests
