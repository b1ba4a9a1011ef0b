// Reading a lesson's exercises from its Markdown front matter (YAML, read
// with yaml-cpp) and checking them against the lesson itself: every step,
// option and choice they name must exist. Each mistake is one Error whose
// operation is "FILE:LINE" and whose message says what is wrong, so an
// instructor editing the file sees where.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/error.hpp"
#include "engine/exercise.hpp"
#include "engine/lesson.hpp"

namespace strata::engine {

// `markdown` is the whole file; `source` names it in messages. A file
// without front matter, or whose front matter has no `exercises`, has none.
Result<LessonExercises> parse_exercises(std::string_view markdown, const std::string& source, const Lesson& lesson);

// assets/lessons/<lesson id>.md. A missing file is an error; the narrative
// loader reports the same file missing.
Result<LessonExercises> load_exercises(const std::filesystem::path& assets, const Lesson& lesson);

}  // namespace strata::engine
