#include "engine/narrative.hpp"

#include <cstdlib>
#include <system_error>

#include <unistd.h>

#include "engine/front_matter.hpp"
#include "engine/lesson_markdown.hpp"

namespace strata::engine {

const NarrativeSection* Narrative::section(std::string_view id) const {
    for (const auto& s : sections)
        if (s.id == id) return &s;
    return nullptr;
}

namespace {

std::string_view trimmed(std::string_view line) {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    return line;
}

}  // namespace

Narrative parse_narrative(std::string_view markdown) {
    // The front matter is data (exercises), not prose. An unclosed one is
    // reported by the exercise loader; the narrative then shows the file
    // as it is rather than losing the text.
    std::string_view text = markdown;
    if (auto fm = split_front_matter(markdown)) text = fm->body;
    Narrative n;
    std::string* body = &n.introduction;
    bool in_fence = false;  // a "## " inside a code block is not a heading
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;

        if (line.starts_with("```") || line.starts_with("~~~")) in_fence = !in_fence;
        if (!in_fence && line.starts_with("## ")) {
            NarrativeSection s;
            std::string_view heading = line.substr(3);
            auto open = heading.rfind("{#");
            if (open != std::string_view::npos && heading.ends_with("}")) {
                s.id = std::string(heading.substr(open + 2, heading.size() - open - 3));
                heading = heading.substr(0, open);
            }
            while (!heading.empty() && heading.back() == ' ') heading.remove_suffix(1);
            s.title = std::string(heading);
            n.sections.push_back(std::move(s));
            body = &n.sections.back().markdown;
            continue;
        }
        // Outside a step's section a marker has nothing to reveal after, so
        // it stays text (and the lint test finds it).
        if (!in_fence && !n.sections.empty() && trimmed(line) == kRevealMarker) {
            body = &n.sections.back().revealed;
            continue;
        }
        body->append(line);
        body->push_back('\n');
    }
    return n;
}

Result<Narrative> load_narrative(const std::filesystem::path& assets, std::string_view lesson_id) {
    auto text = read_lesson_markdown(assets, lesson_id);
    if (!text) return std::unexpected(text.error());
    return parse_narrative(*text);
}

}  // namespace strata::engine
