#include "tests/gui/headless.hpp"

#include <imgui_internal.h>

#include <cstdio>
#include <cstdlib>

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
    // Lines drawn from the white pixel, so the only vertices textured from
    // elsewhere in the font atlas are glyphs (text_cut_sideways).
    ImGui::GetStyle().AntiAliasedLinesUseTex = false;
}

HeadlessImGui::~HeadlessImGui() { ImGui::DestroyContext(); }

void HeadlessImGui::build_font_atlas() {
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
}

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

std::vector<std::string> HeadlessImGui::text_cut_sideways(const std::vector<std::string>& skip) {
    std::vector<std::string> cut;
    const ImGuiContext& g = *GImGui;
    const ImVec2 white = g.IO.Fonts->TexUvWhitePixel;
    const ImTextureID atlas = g.IO.Fonts->TexID;
    for (const ImGuiWindow* window : g.Windows) {
        if (!window->WasActive || window->Hidden) continue;
        if (window->ScrollbarX) continue;  // a sideways scrollbar: nothing is out of reach
        const ImGuiWindow* root = window->RootWindow ? window->RootWindow : window;
        const std::string name = root->Name;
        bool skipped = false;
        for (const auto& s : skip) skipped = skipped || name == s;
        if (skipped) continue;
        const ImDrawList* dl = window->DrawList;
        for (const ImDrawCmd& cmd : dl->CmdBuffer) {
            if (cmd.UserCallback || cmd.TextureId != atlas) continue;
            bool out = false;
            for (unsigned i = 0; i < cmd.ElemCount && !out; ++i) {
                const ImDrawVert& v = dl->VtxBuffer[static_cast<int>(cmd.VtxOffset + dl->IdxBuffer[static_cast<int>(cmd.IdxOffset + i)])];
                if (v.uv.x == white.x && v.uv.y == white.y) continue;  // a shape, not a glyph
                // Glyph quads fully above or below the clip rect are lines
                // scrolled away; only those cut at the sides are lost.
                if (v.pos.y < cmd.ClipRect.y || v.pos.y > cmd.ClipRect.w) continue;
                out = v.pos.x < cmd.ClipRect.x - 1.0f || v.pos.x > cmd.ClipRect.z + 1.0f;
                if (out && std::getenv("STRATA_DEBUG_CUT"))
                    std::fprintf(stderr, "%s: glyph at (%.0f,%.0f) clip (%.0f,%.0f)-(%.0f,%.0f)\n", window->Name, v.pos.x, v.pos.y,
                                 cmd.ClipRect.x, cmd.ClipRect.y, cmd.ClipRect.z, cmd.ClipRect.w);
            }
            if (out) {
                cut.push_back(window->Name);
                break;
            }
        }
    }
    return cut;
}

}  // namespace strata::tests
