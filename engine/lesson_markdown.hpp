// A lesson's Markdown file, assets/lessons/<lesson id>.md: where it is, and
// its text. Three things read it — the title and summary (front matter),
// the exercises (front matter) and the narrative (the body) — through this
// one reader, so a missing file is reported the same way by each.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace strata::engine {

std::filesystem::path lesson_markdown_path(const std::filesystem::path& assets, std::string_view lesson_id);

// The whole file, or an Error naming the path and errno with what to do.
Result<std::string> read_lesson_markdown(const std::filesystem::path& assets, std::string_view lesson_id);

}  // namespace strata::engine
