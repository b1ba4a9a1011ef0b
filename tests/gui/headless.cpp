#include "tests/gui/headless.hpp"

namespace strata::tests {

HeadlessImGui::HeadlessImGui(float width, float height) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // tests never write files
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    for (int i = 0; i < ImGuiKey_COUNT; ++i) io.KeyMap[i] = 300 + i;  // any distinct native indices
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

HeadlessImGui::~HeadlessImGui() { ImGui::DestroyContext(); }

void HeadlessImGui::raw_frame(const std::function<void()>& body) {
    ImGui::NewFrame();
    body();
    ImGui::Render();
}

void HeadlessImGui::frame(const std::function<void()>& body) {
    raw_frame([&] {
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        ImGui::Begin("test", nullptr, ImGuiWindowFlags_NoDecoration);
        body();
        ImGui::End();
    });
}

bool HeadlessImGui::drew_colour_in(ImVec2 min, ImVec2 max, ImU32 colour) {
    const ImDrawData* data = ImGui::GetDrawData();
    for (int l = 0; l < data->CmdListsCount; ++l)
        for (const ImDrawVert& v : data->CmdLists[l]->VtxBuffer)
            if (v.col == colour && v.pos.x >= min.x - 0.5f && v.pos.x <= max.x + 0.5f && v.pos.y >= min.y - 0.5f &&
                v.pos.y <= max.y + 0.5f)
                return true;
    return false;
}

bool HeadlessImGui::drew_colour(ImU32 colour) { return drew_colour_in(ImVec2(-1e9f, -1e9f), ImVec2(1e9f, 1e9f), colour); }

}  // namespace strata::tests
