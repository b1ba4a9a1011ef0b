#include "app/gui/navigator_view.hpp"

#include <fmt/format.h>
#include <imgui.h>

namespace strata::gui {

namespace {

const char* track_title(const std::string& track) {
    if (track == "vm") return "Virtual machines (KVM)";
    if (track == "container") return "Containers";
    if (track == "compare") return "Side by side";
    return track.c_str();
}

}  // namespace

Commands navigator_view(const engine::Catalogue& catalogue, const LessonAvailability& availability,
                        const std::map<std::string, int>& steps_completed, const std::string& current_lesson,
                        const Palette& palette) {
    Commands out;
    std::string track;
    bool open = false;
    for (const engine::Lesson& lesson : catalogue.lessons()) {
        if (lesson.track != track) {
            track = lesson.track;
            ImGui::SetNextItemOpen(true, ImGuiCond_Once);
            open = ImGui::CollapsingHeader(track_title(track));
        }
        if (!open) continue;
        ImGui::PushID(lesson.id.c_str());
        const int total = static_cast<int>(lesson.steps.size());
        const int done = steps_completed.count(lesson.id) ? steps_completed.at(lesson.id) : 0;
        if (ImGui::Selectable(lesson.title.c_str(), lesson.id == current_lesson))
            out.push_back({CommandKind::select_lesson, lesson.id});
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
            ImGui::Text("%s", lesson.id.c_str());
            ImGui::TextUnformatted(lesson.summary.c_str());
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
        ImGui::Indent();
        std::optional<std::string> missing;
        if (auto it = availability.missing.find(lesson.id); it != availability.missing.end()) missing = it->second;
        if (availability.skipped) ImGui::TextDisabled("availability not checked");
        else if (!availability.probed) ImGui::TextDisabled("checking this machine…");
        else if (missing) {
            ImGui::PushStyleColor(ImGuiCol_Text, palette.failed);
            ImGui::TextWrapped("not here: %s", missing->c_str());
            ImGui::PopStyleColor();
        } else {
            ImGui::PushStyleColor(ImGuiCol_Text, palette.path_vm_entry);
            ImGui::TextUnformatted("runs here, live");
            ImGui::PopStyleColor();
        }
        ImGui::SameLine();
        ImGui::TextDisabled("%d/%d", std::min(done, total), total);
        ImGui::Unindent();
        ImGui::PopID();
    }
    if (catalogue.lessons().empty()) ImGui::TextDisabled("No lessons are built in.");
    return out;
}

}  // namespace strata::gui
