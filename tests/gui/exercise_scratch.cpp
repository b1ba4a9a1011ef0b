#include "tests/gui/exercise_scratch.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "tests/unit/exercise_fixture.hpp"

namespace strata::tests {

namespace {

std::filesystem::path make_root() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gui-exercise-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    return pattern;
}

}  // namespace

ExerciseScratch::ExerciseScratch(std::string_view markdown) : root(make_root()) {
    std::filesystem::create_directories(root / "assets" / "lessons" / "test");
    std::ofstream(root / "assets" / "lessons" / "test" / "exercises.md") << markdown;
    ::setenv("STRATA_ASSETS", assets().c_str(), 1);
}

ExerciseScratch::~ExerciseScratch() {
    ::unsetenv("STRATA_ASSETS");
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
}

const engine::Catalogue& exercise_fixture_catalogue() {
    static const engine::Catalogue c({exercise_fixture_lesson()});
    return c;
}

}  // namespace strata::tests
