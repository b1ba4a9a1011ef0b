#include "engine/lesson_markdown.hpp"

#include <fstream>
#include <sstream>

namespace strata::engine {

std::filesystem::path lesson_markdown_path(const std::filesystem::path& assets, std::string_view lesson_id) {
    return assets / "lessons" / (std::string(lesson_id) + ".md");
}

Result<std::string> read_lesson_markdown(const std::filesystem::path& assets, std::string_view lesson_id) {
    const auto path = lesson_markdown_path(assets, lesson_id);
    std::ifstream in(path);
    if (!in)
        return errno_error("open " + path.string(), errno, "the lesson's Markdown is missing",
                           "strata's files are incomplete: reinstall the package, or set STRATA_ASSETS to its assets "
                           "directory");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace strata::engine
