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
        const lessons::Availability* a = availability.find(lesson.id);
        if (availability.skipped) ImGui::TextDisabled("availability not checked");
        else if (!availability.probed || !a) ImGui::TextDisabled("checking this machine…");
        else if (a->mode == lessons::Mode::live) {
            ImGui::PushStyleColor(ImGuiCol_Text, palette.path_vm_entry);
            ImGui::TextUnformatted("runs here, live");
            ImGui::PopStyleColor();
        } else {
            const bool replay = a->mode == lessons::Mode::replay;
            ImGui::PushStyleColor(ImGuiCol_Text, replay ? palette.replay : palette.failed);
            // Just what is missing ("no usable /dev/kvm"); the why and the fix
            // are in the tooltip, so the list stays a list.
            std::string first = a->why.substr(0, a->why.find_first_of("(:\n"));
            while (!first.empty() && first.back() == ' ') first.pop_back();
            if (replay) ImGui::TextWrapped("replay (not live here: %s)", first.c_str());
            else ImGui::TextWrapped("not here: %s", first.c_str());
            ImGui::PopStyleColor();
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
                if (replay)
                    ImGui::TextUnformatted("Opens as a replay: a recording of a real run on another machine, "
                                           "labelled on every step.");
                ImGui::TextUnformatted(a->why.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
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
