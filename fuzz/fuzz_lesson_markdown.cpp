// Fuzzes what an instructor writes: a lesson's Markdown file, which may be
// edited on a lab machine (docs/AUTHORING.md). One input goes through the
// front matter splitter, the exercise parser (YAML, with yaml-cpp) checked
// against a lesson whose steps are the file's own sections, the narrative
// parser, and the window's Markdown model (md4c). Beyond "no crash": every
// refusal names where and what, and the narrative only splits the text:
// no heading spans lines, and nothing is added but the last line's newline.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/gui/markdown.hpp"
#include "engine/exercise_parse.hpp"
#include "engine/front_matter.hpp"
#include "engine/narrative.hpp"

namespace {

strata::engine::Lesson lesson_of(const strata::engine::Narrative& narrative) {
    strata::engine::Lesson lesson;
    lesson.id = "container/uts";
    for (const auto& section : narrative.sections) lesson.steps.push_back({section.id, section.title});
    lesson.options.push_back({"guest", "which guest", {"hello", "loop", "triple-fault"}});
    lesson.options.push_back({"memory", "a limit", {}, "64M", [](const std::string& value) {
                                  return value.empty() ? std::optional<std::string>("empty") : std::nullopt;
                              }});
    return lesson;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view markdown(reinterpret_cast<const char*>(data), size);
    auto front = strata::engine::split_front_matter(markdown);
    if (!front && front.error().message.empty()) std::abort();

    const auto narrative = strata::engine::parse_narrative(markdown);
    std::size_t kept = narrative.introduction.size();
    for (const auto& section : narrative.sections) {
        if (section.id.find('\n') != std::string::npos || section.title.find('\n') != std::string::npos) std::abort();
        kept += section.id.size() + section.title.size() + section.markdown.size() + section.revealed.size();
    }
    if (kept > markdown.size() + 1) std::abort();

    auto exercises = strata::engine::parse_exercises(markdown, "fuzz.md", lesson_of(narrative));
    if (!exercises && (exercises.error().message.empty() || exercises.error().operation.empty())) std::abort();

    (void)strata::gui::parse_markdown(markdown);
    for (const auto& section : narrative.sections) (void)strata::gui::parse_markdown(section.markdown);
    return 0;
}
