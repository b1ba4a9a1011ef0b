#include "app/gui/text_fit.hpp"

#include <algorithm>

#include <imgui.h>

namespace strata::gui {

namespace {

constexpr std::string_view kEllipsis = "…";

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The largest prefix of `text` with at most `n` bytes that ends on a character boundary.
std::string_view head(std::string_view text, std::size_t n) {
    while (n > 0 && n < text.size() && continuation(text[n])) --n;
    return text.substr(0, n);
}

// The largest suffix with at most `n` bytes that starts on a character boundary.
std::string_view tail(std::string_view text, std::size_t n) {
    std::size_t start = text.size() - std::min(n, text.size());
    while (start < text.size() && continuation(text[start])) ++start;
    return text.substr(start);
}

}  // namespace

std::string elide_middle(std::string_view text, float max_width, const std::function<float(std::string_view)>& width_of) {
    if (width_of(text) <= max_width) return std::string(text);
    // Keep `keep` bytes in all, half from each end (a call's name and its
    // last argument); binary search for the most that fits.
    auto candidate = [&](std::size_t keep) {
        const std::size_t front = (keep + 1) / 2;
        const std::size_t back = keep - front;
        return std::string(head(text, front)) + std::string(kEllipsis) + std::string(tail(text, back));
    };
    std::size_t lo = 0, hi = text.size();
    while (lo < hi) {
        const std::size_t mid = (lo + hi + 1) / 2;
        if (width_of(candidate(mid)) <= max_width) lo = mid;
        else hi = mid - 1;
    }
    return candidate(lo);
}

bool fitted_text(std::string_view text, bool tooltip) {
    // The room to the clip's edge when that comes first: a table cell
    // can report more room than its column shows.
    const float to_clip = ImGui::GetWindowDrawList()->GetClipRectMax().x - ImGui::GetCursorScreenPos().x;
    const float room = std::min(ImGui::GetContentRegionAvail().x, to_clip);
    auto width_of = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
    const std::string shown = elide_middle(text, room, width_of);
    ImGui::TextUnformatted(shown.c_str());
    const bool cut = shown.size() != text.size() || shown != text;
    if (cut && tooltip && ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
        ImGui::TextUnformatted(text.data(), text.data() + text.size());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    return cut;
}

void text_wrapped(std::string_view text) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionMax().x - 3.0f);
    ImGui::TextUnformatted(text.data(), text.data() + text.size());
    ImGui::PopTextWrapPos();
}

void muted_wrapped(std::string_view text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(text);
    ImGui::PopStyleColor();
}

bool begin_text_child(const char* id, float height) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 0));
    const bool open = ImGui::BeginChild(id, ImVec2(0, height), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
    ImGui::PopStyleVar();
    return open;
}

}  // namespace strata::gui
