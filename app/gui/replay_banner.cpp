#include "app/gui/replay_banner.hpp"

#include <algorithm>
#include <string>

namespace strata::gui {

std::optional<ImRect> replay_banner(const engine::Snapshot* snapshot, const Palette& palette) {
    if (!snapshot || !snapshot->replay_label) return std::nullopt;
    const float width = std::max(ImGui::GetContentRegionAvail().x, 1.0f);
    const ImVec2 pad = ImGui::GetStyle().FramePadding;
    const std::string text = "↺ " + *snapshot->replay_label;
    // The label is long; it wraps rather than being cut, so the date and the
    // kind of KVM it ran on always show.
    const ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, std::max(width - 2 * pad.x, 1.0f));
    const ImVec2 min = ImGui::GetCursorScreenPos();
    const ImRect rect(min, ImVec2(min.x + width, min.y + size.y + 2 * pad.y));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(rect.Min, rect.Max, palette.replay_fill, 3.0f);
    dl->AddText(nullptr, 0.0f, ImVec2(min.x + pad.x, min.y + pad.y), palette.replay_text, text.c_str(), nullptr,
                width - 2 * pad.x);
    ImGui::Dummy(rect.GetSize());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("These steps play back a recording of a real run made on another machine:\n"
                          "the events, timings, facts and console are that run's. This machine cannot\n"
                          "run the lesson live (see the navigator for why).");
    return rect;
}

}  // namespace strata::gui
