// Markdown to a small block/span model, parsed with md4c. The narrative view
// draws it; keeping parsing separate lets tests check headings, emphasis,
// code, lists and links without drawing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::gui {

struct MdSpan {
    std::string text;
    bool strong = false;
    bool emphasis = false;
    bool code = false;
    std::string link;  // target URL when inside a link
};

enum class MdBlockKind { paragraph, heading, code, list_item, quote, rule };

struct MdBlock {
    MdBlockKind kind = MdBlockKind::paragraph;
    int level = 0;       // heading level (1-6)
    int depth = 0;       // list nesting (1 = top-level item), quote depth
    std::string bullet;  // "•" or "3." for list items
    std::vector<MdSpan> spans;
    std::string code;    // code block text
};

std::vector<MdBlock> parse_markdown(std::string_view markdown);

}  // namespace strata::gui
