// For GUI tests of the exercise fixture lesson (test/exercises): a scratch
// assets dir (STRATA_ASSETS) holding its Markdown with the front matter a
// test gives, and a scratch state dir for progress; both removed when the
// scratch goes. Plus the course of that one lesson.
#pragma once

#include <filesystem>
#include <string_view>

#include "engine/catalogue.hpp"

namespace strata::tests {

class ExerciseScratch {
public:
    explicit ExerciseScratch(std::string_view markdown);
    ~ExerciseScratch();
    ExerciseScratch(const ExerciseScratch&) = delete;
    ExerciseScratch& operator=(const ExerciseScratch&) = delete;

    const std::filesystem::path root;
    std::filesystem::path assets() const { return root / "assets"; }
    std::filesystem::path state() const { return root / "state"; }
};

const engine::Catalogue& exercise_fixture_catalogue();

}  // namespace strata::tests
