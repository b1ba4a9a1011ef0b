#include "app/gui/markdown.hpp"

#include <md4c.h>

namespace strata::gui {

namespace {

struct ListLevel {
    bool ordered = false;
    unsigned next = 1;
};

// md4c is a SAX-style parser: these callbacks build blocks as it walks.
struct Builder {
    std::vector<MdBlock> blocks;
    std::vector<ListLevel> lists;
    int quote_depth = 0;
    int strong = 0, emphasis = 0, code = 0;
    std::vector<std::string> links;
    bool in_code_block = false;
    bool item_open = false;  // a list item block waits for its first text

    MdBlock& open(MdBlockKind kind) {
        blocks.push_back({});
        blocks.back().kind = kind;
        blocks.back().depth = kind == MdBlockKind::quote ? quote_depth : static_cast<int>(lists.size());
        return blocks.back();
    }

    void text(std::string_view t) {
        if (in_code_block) {
            blocks.back().code.append(t);
            return;
        }
        if (blocks.empty()) open(MdBlockKind::paragraph);
        auto& spans = blocks.back().spans;
        const bool s = strong > 0, e = emphasis > 0, c = code > 0;
        const std::string link = links.empty() ? std::string{} : links.back();
        if (!spans.empty() && spans.back().strong == s && spans.back().emphasis == e && spans.back().code == c &&
            spans.back().link == link)
            spans.back().text.append(t);
        else
            spans.push_back({std::string(t), s, e, c, link});
    }
};

int enter_block(MD_BLOCKTYPE type, void* detail, void* user) {
    auto& b = *static_cast<Builder*>(user);
    switch (type) {
        case MD_BLOCK_H: b.open(MdBlockKind::heading).level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level); break;
        case MD_BLOCK_P:
            if (b.item_open) b.item_open = false;  // the item's first paragraph is the item
            else b.open(b.quote_depth > 0 ? MdBlockKind::quote : MdBlockKind::paragraph);
            break;
        case MD_BLOCK_CODE:
            b.open(MdBlockKind::code);
            b.in_code_block = true;
            break;
        case MD_BLOCK_UL: b.lists.push_back({false, 1}); break;
        case MD_BLOCK_OL: b.lists.push_back({true, static_cast<MD_BLOCK_OL_DETAIL*>(detail)->start}); break;
        case MD_BLOCK_LI: {
            auto& item = b.open(MdBlockKind::list_item);
            if (!b.lists.empty() && b.lists.back().ordered) item.bullet = std::to_string(b.lists.back().next++) + ".";
            else item.bullet = "•";
            b.item_open = true;
            break;
        }
        case MD_BLOCK_QUOTE: ++b.quote_depth; break;
        case MD_BLOCK_HR: b.open(MdBlockKind::rule); break;
        default: break;
    }
    return 0;
}

int leave_block(MD_BLOCKTYPE type, void*, void* user) {
    auto& b = *static_cast<Builder*>(user);
    switch (type) {
        case MD_BLOCK_CODE: b.in_code_block = false; break;
        case MD_BLOCK_UL:
        case MD_BLOCK_OL:
            if (!b.lists.empty()) b.lists.pop_back();
            break;
        case MD_BLOCK_LI: b.item_open = false; break;
        case MD_BLOCK_QUOTE: --b.quote_depth; break;
        default: break;
    }
    return 0;
}

int enter_span(MD_SPANTYPE type, void* detail, void* user) {
    auto& b = *static_cast<Builder*>(user);
    switch (type) {
        case MD_SPAN_STRONG: ++b.strong; break;
        case MD_SPAN_EM: ++b.emphasis; break;
        case MD_SPAN_CODE: ++b.code; break;
        case MD_SPAN_A: {
            const auto& href = static_cast<MD_SPAN_A_DETAIL*>(detail)->href;
            b.links.emplace_back(href.text, href.size);
            break;
        }
        default: break;
    }
    return 0;
}

int leave_span(MD_SPANTYPE type, void*, void* user) {
    auto& b = *static_cast<Builder*>(user);
    switch (type) {
        case MD_SPAN_STRONG: --b.strong; break;
        case MD_SPAN_EM: --b.emphasis; break;
        case MD_SPAN_CODE: --b.code; break;
        case MD_SPAN_A:
            if (!b.links.empty()) b.links.pop_back();
            break;
        default: break;
    }
    return 0;
}

std::string_view entity(std::string_view e) {
    if (e == "&amp;") return "&";
    if (e == "&lt;") return "<";
    if (e == "&gt;") return ">";
    if (e == "&quot;") return "\"";
    if (e == "&nbsp;") return " ";
    return e;
}

int on_text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
    auto& b = *static_cast<Builder*>(user);
    const std::string_view t(text, size);
    switch (type) {
        case MD_TEXT_SOFTBR: b.text(" "); break;
        case MD_TEXT_BR: b.text("\n"); break;
        case MD_TEXT_ENTITY: b.text(entity(t)); break;
        case MD_TEXT_NULLCHAR: break;
        default: b.text(t); break;
    }
    return 0;
}

}  // namespace

std::vector<MdBlock> parse_markdown(std::string_view markdown) {
    Builder builder;
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_FLAG_NOHTML | MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_STRIKETHROUGH;
    parser.enter_block = enter_block;
    parser.leave_block = leave_block;
    parser.enter_span = enter_span;
    parser.leave_span = leave_span;
    parser.text = on_text;
    md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &builder);
    return builder.blocks;
}

}  // namespace strata::gui
