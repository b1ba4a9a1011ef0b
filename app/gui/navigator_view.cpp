#include "app/gui/navigator_view.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

#include "app/gui/text_fit.hpp"

namespace strata::gui {

namespace {

const char* track_title(const std::string& track) {
    if (track == "vm") return "Virtual machines (KVM)";
    if (track == "container") return "Containers";
    if (track == "compare") return "Side by side";
    return track.c_str();
}

void disabled_wrapped(const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("%s", text);
    ImGui::PopStyleColor();
}

// One lesson: its title wrapped to the panel (never cut), the steps done
// of the steps there are at the right of its first line (below it in a very
// narrow list), and the whole row a selectable that opens it.
void lesson_row(const engine::Lesson& lesson, int done, int total, bool current, Commands& out) {
    const std::string count = fmt::format("{}/{}", done, total);
    const ImGuiStyle& style = ImGui::GetStyle();
    const float room = ImGui::GetContentRegionAvail().x;
    const float count_w = ImGui::CalcTextSize(count.c_str()).x;
    // Too narrow for both on one line: the count goes under the title.
    const bool count_below = room - count_w - style.ItemSpacing.x < ImGui::GetFontSize() * 3;
    const float title_w = std::max(count_below ? room : room - count_w - style.ItemSpacing.x, 1.0f);
    const ImVec2 title = ImGui::CalcTextSize(lesson.title.c_str(), nullptr, false, title_w);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float height = title.y + (count_below ? ImGui::GetTextLineHeight() : 0.0f);
    if (ImGui::Selectable("##lesson", current, 0, ImVec2(0, height))) out.push_back({CommandKind::select_lesson, lesson.id});
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
        ImGui::TextUnformatted(lesson.title.c_str());
        ImGui::TextDisabled("%s  ·  %s steps done", lesson.id.c_str(), count.c_str());
        ImGui::TextUnformatted(lesson.summary.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), at, ImGui::GetColorU32(ImGuiCol_Text), lesson.title.c_str(), nullptr,
                title_w);
    dl->AddText(ImVec2(at.x + std::max(room - count_w, 0.0f), count_below ? at.y + title.y : at.y),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), count.c_str());
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
            // A header's label cannot wrap: cut in the middle, whole on hover.
            const std::string title = track_title(track);
            const float room = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() - ImGui::GetStyle().FramePadding.x * 3;
            const std::string shown = elide_middle(title, room, [](std::string_view s) {
                return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x;
            });
            open = ImGui::CollapsingHeader((shown + "###" + track).c_str());
            if (shown != title && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", title.c_str());
        }
        if (!open) continue;
        ImGui::PushID(lesson.id.c_str());
        const int total = static_cast<int>(lesson.steps.size());
        const int done = steps_completed.count(lesson.id) ? steps_completed.at(lesson.id) : 0;
        lesson_row(lesson, std::min(done, total), total, lesson.id == current_lesson, out);
        ImGui::Indent();
        const lessons::Availability* a = availability.find(lesson.id);
        // Every line wraps: a narrow list cuts nothing.
        if (availability.skipped) disabled_wrapped("availability not checked");
        else if (!availability.probed || !a) disabled_wrapped("checking this machine…");
        else if (a->mode == lessons::Mode::live) {
            ImGui::PushStyleColor(ImGuiCol_Text, palette.path_vm_entry);
            ImGui::TextWrapped("runs here, live");
            ImGui::PopStyleColor();
        } else {
            const bool replay = a->mode == lessons::Mode::replay;
            ImGui::PushStyleColor(ImGuiCol_Text, replay ? palette.replay : palette.failed);
            // Just what is missing ("no usable /dev/kvm"); the why and the fix
            // are in the tooltip, so the list stays a list.
            std::string first = a->why.substr(0, a->why.find_first_of("(:\n"));
            while (!first.empty() && first.back() == ' ') first.pop_back();
            if (replay && availability.all_replays) ImGui::TextUnformatted("replay");
            else if (replay) ImGui::TextWrapped("replay (not live here: %s)", first.c_str());
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
        ImGui::Unindent();
        ImGui::PopID();
    }
    if (catalogue.lessons().empty()) ImGui::TextDisabled("No lessons are built in.");
    return out;
}

}  // namespace strata::gui
