#include "engine/front_matter.hpp"

namespace strata::engine {

namespace {

// A marker line: exactly `marker`, ignoring trailing blanks and a '\r'.
bool is_marker(std::string_view line, std::string_view marker) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    return line == marker;
}

}  // namespace

Result<FrontMatter> split_front_matter(std::string_view text) {
    FrontMatter fm;
    fm.body = text;
    std::size_t end = text.find('\n');
    if (!is_marker(text.substr(0, end), "---")) return fm;
    if (end == std::string_view::npos)
        return plain_error("line 1", "the front matter opened here is never closed", "end it with a line '---'");

    fm.present = true;
    fm.yaml_first_line = 2;
    std::size_t pos = end + 1;
    int line = 2;
    while (pos <= text.size()) {
        std::size_t next = text.find('\n', pos);
        if (next == std::string_view::npos) next = text.size();
        const std::string_view current = text.substr(pos, next - pos);
        if (is_marker(current, "---") || is_marker(current, "...")) {
            fm.body = next < text.size() ? text.substr(next + 1) : std::string_view{};
            fm.body_first_line = line + 1;
            return fm;
        }
        fm.yaml.append(current);
        fm.yaml.push_back('\n');
        pos = next + 1;
        ++line;
    }
    return plain_error("line 1", "the front matter opened here is never closed", "end it with a line '---'");
}

}  // namespace strata::engine
