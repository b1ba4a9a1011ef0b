#include "engine/lesson_metadata.hpp"


#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/front_matter.hpp"
#include "engine/lesson_markdown.hpp"
#include "engine/try.hpp"

namespace strata::engine {

namespace {

// A top-level scalar of the front matter, or an error saying which.
Result<std::string> required_text(const YAML::Node& root, const char* key, const std::string& file) {
    const YAML::Node node = root[key];
    if (!node || !node.IsScalar() || node.Scalar().empty())
        return plain_error(file, std::string("the front matter has no `") + key + ":`",
                           "every lesson's Markdown starts with its title and summary (docs/AUTHORING.md)");
    return node.Scalar();
}

}  // namespace

Result<LessonMetadata> parse_lesson_metadata(std::string_view markdown, const std::string& file) {
    auto front = split_front_matter(markdown);
    if (!front) return plain_error(file + ":1", front.error().message, front.error().hint);
    if (!front->present)
        return plain_error(file, "no front matter", "start the file with a `---` block holding `title:` and `summary:`");
    YAML::Node root;
    try {
        root = YAML::Load(front->yaml);
    } catch (const YAML::Exception& e) {
        return plain_error(fmt::format("{}:{}", file, front->yaml_first_line + (e.mark.line >= 0 ? e.mark.line : 0)),
                           "YAML: " + e.msg);
    }
    if (!root.IsMap()) return plain_error(file, "the front matter is not a mapping of keys");
    LessonMetadata out;
    out.title = STRATA_TRY(required_text(root, "title", file));
    out.summary = STRATA_TRY(required_text(root, "summary", file));
    return out;
}

Result<LessonMetadata> load_lesson_metadata(const std::filesystem::path& assets, std::string_view lesson_id) {
    auto text = STRATA_TRY(read_lesson_markdown(assets, lesson_id));
    return parse_lesson_metadata(text, lesson_markdown_path(assets, lesson_id).string());
}

std::string track_of(std::string_view lesson_id) {
    return std::string(lesson_id.substr(0, lesson_id.find('/')));
}

std::vector<std::string> fill_metadata(std::vector<Lesson>& lessons, const std::filesystem::path& assets) {
    std::vector<std::string> problems;
    for (auto& lesson : lessons) {
        lesson.track = track_of(lesson.id);
        auto metadata = load_lesson_metadata(assets, lesson.id);
        if (!metadata) {
            lesson.title = lesson.id;
            problems.push_back(lesson.id + ": " + metadata.error().describe());
            continue;
        }
        lesson.title = std::move(metadata->title);
        lesson.summary = std::move(metadata->summary);
    }
    return problems;
}

}  // namespace strata::engine
