#include "app/platform/frame_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <GL/gl.h>
#include <backends/imgui_impl_opengl3.h>

namespace strata::platform {

namespace {

ImVec4 empty_rect() { return {1e30f, 1e30f, -1e30f, -1e30f}; }
bool is_empty(const ImVec4& r) { return r.z <= r.x || r.w <= r.y; }
ImVec4 unite(const ImVec4& a, const ImVec4& b) {
    return {std::min(a.x, b.x), std::min(a.y, b.y), std::max(a.z, b.z), std::max(a.w, b.w)};
}
ImVec4 intersect(const ImVec4& a, const ImVec4& b) {
    return {std::max(a.x, b.x), std::max(a.y, b.y), std::min(a.z, b.z), std::min(a.w, b.w)};
}

bool same_command(const ImDrawCmd& a, const ImDrawCmd& b) {
    return a.ClipRect.x == b.ClipRect.x && a.ClipRect.y == b.ClipRect.y && a.ClipRect.z == b.ClipRect.z &&
           a.ClipRect.w == b.ClipRect.w && a.TextureId == b.TextureId && a.VtxOffset == b.VtxOffset &&
           a.IdxOffset == b.IdxOffset && a.ElemCount == b.ElemCount && a.UserCallback == nullptr &&
           b.UserCallback == nullptr;
}

template <typename T>
bool same_bytes(const std::vector<T>& copy, const ImVector<T>& now) {
    return copy.size() == static_cast<std::size_t>(now.Size) &&
           (now.Size == 0 || std::memcmp(copy.data(), now.Data, sizeof(T) * copy.size()) == 0);
}

bool same_list(const std::vector<ImDrawCmd>& commands, const std::vector<ImDrawVert>& vertices,
               const std::vector<ImDrawIdx>& indices, const ImDrawList& now) {
    if (commands.size() != static_cast<std::size_t>(now.CmdBuffer.Size)) return false;
    for (std::size_t i = 0; i < commands.size(); ++i)
        if (!same_command(commands[i], now.CmdBuffer[static_cast<int>(i)])) return false;
    return same_bytes(vertices, now.VtxBuffer) && same_bytes(indices, now.IdxBuffer);
}

// Where a list draws: each command's vertices, cut by its clip rectangle
// (a window's first commands clip to the whole display, though they only
// draw the window's frame).
ImVec4 list_bounds(const ImDrawList& list) {
    ImVec4 bounds = empty_rect();
    for (const ImDrawCmd& c : list.CmdBuffer) {
        ImVec4 drawn = empty_rect();
        const ImDrawVert* vtx = list.VtxBuffer.Data + c.VtxOffset;
        const ImDrawIdx* idx = list.IdxBuffer.Data + c.IdxOffset;
        for (unsigned e = 0; e < c.ElemCount; ++e) {
            const ImVec2 p = vtx[idx[e]].pos;
            drawn = unite(drawn, ImVec4(p.x, p.y, p.x, p.y));
        }
        if (c.ElemCount > 0) bounds = unite(bounds, intersect(drawn, c.ClipRect));
    }
    // Antialiased edges reach a pixel beyond their vertices' box at most.
    return is_empty(bounds) ? bounds : ImVec4(bounds.x - 1, bounds.y - 1, bounds.z + 1, bounds.w + 1);
}

// Area a triangle covers inside `clip`: exact when it lies inside, else
// scaled by how much of its bounding box the clip keeps (close enough for
// ImGui's rectangles and glyph quads).
double clipped_area(const ImDrawVert& a, const ImDrawVert& b, const ImDrawVert& c, const ImVec4& clip) {
    const double area = std::abs((b.pos.x - a.pos.x) * (c.pos.y - a.pos.y) - (c.pos.x - a.pos.x) * (b.pos.y - a.pos.y)) / 2;
    const ImVec4 box{std::min({a.pos.x, b.pos.x, c.pos.x}), std::min({a.pos.y, b.pos.y, c.pos.y}),
                     std::max({a.pos.x, b.pos.x, c.pos.x}), std::max({a.pos.y, b.pos.y, c.pos.y})};
    const double box_area = static_cast<double>(box.z - box.x) * static_cast<double>(box.w - box.y);
    if (box_area <= 0) return 0;
    const ImVec4 kept = intersect(box, clip);
    if (is_empty(kept)) return 0;
    return area * (static_cast<double>(kept.z - kept.x) * static_cast<double>(kept.w - kept.y)) / box_area;
}

}  // namespace

ImVec4 FrameRenderer::find_damage(const ImDrawData& data, bool& everything) {
    ImVec4 damage = empty_rect();
    std::vector<const ImDrawList*> order;
    order.reserve(static_cast<std::size_t>(data.CmdListsCount));
    for (auto& [list, copy] : previous_) copy.seen = false;
    for (int i = 0; i < data.CmdListsCount; ++i) {
        const ImDrawList& list = *data.CmdLists[i];
        order.push_back(&list);
        auto it = previous_.find(&list);
        ImVec4 bounds = empty_rect();
        if (it == previous_.end()) {
            bounds = list_bounds(list);
            damage = unite(damage, bounds);
            it = previous_.emplace(&list, ListCopy{}).first;
        } else if (!same_list(it->second.commands, it->second.vertices, it->second.indices, list)) {
            bounds = list_bounds(list);
            damage = unite(damage, unite(bounds, it->second.bounds));
        } else {
            it->second.seen = true;
            continue;
        }
        ListCopy& copy = it->second;
        copy.commands.assign(list.CmdBuffer.begin(), list.CmdBuffer.end());
        copy.vertices.assign(list.VtxBuffer.begin(), list.VtxBuffer.end());
        copy.indices.assign(list.IdxBuffer.begin(), list.IdxBuffer.end());
        copy.bounds = bounds;
        copy.seen = true;
    }
    // A window that closed (a tooltip, a popup) uncovers what was under it.
    for (auto it = previous_.begin(); it != previous_.end();) {
        if (!it->second.seen) {
            damage = unite(damage, it->second.bounds);
            it = previous_.erase(it);
        } else {
            ++it;
        }
    }
    // Windows that swapped places in the stacking order overlap differently.
    if (order != previous_order_) everything = true;
    previous_order_ = std::move(order);
    return damage;
}

void FrameRenderer::render(ImDrawData* data, int width, int height, unsigned clear_rgba) {
    stats_ = {};
    if (width <= 0 || height <= 0 || !data) return;
    const ImTextureID font = ImGui::GetIO().Fonts->TexID;
    // The driver sizes its back buffer from the display server's idea of
    // the window, and only looks again after a swap. So a frame is swapped
    // whenever the size changed, the server does not agree with it yet, or
    // it changed on the server since the last swap.
    window_size_ = partial_frames() ? copy_.window_size() : std::pair{width, height};
    resized_ = width != width_ || height != height_ || window_size_ != std::pair{width, height} ||
               window_size_ != swapped_size_;
    bool everything = full_redraw_ || !partial_frames() || resized_ || clear_rgba != clear_ || font != font_texture_;
    ImVec4 damage = find_damage(*data, everything);
    width_ = width;
    height_ = height;
    clear_ = clear_rgba;
    font_texture_ = font;
    full_redraw_ = false;

    const ImVec4 screen{data->DisplayPos.x, data->DisplayPos.y, data->DisplayPos.x + data->DisplaySize.x,
                        data->DisplayPos.y + data->DisplaySize.y};
    damage = everything ? screen : intersect(damage, screen);
    // Whole pixels, so the clear, the draws and the copy cover one area.
    damage = {std::floor(damage.x), std::floor(damage.y), std::ceil(damage.z), std::ceil(damage.w)};
    // In framebuffer pixels, inside the framebuffer: right after a resize
    // ImGui's display size and the drawable can disagree for a frame, and
    // a rectangle outside the window is an X protocol error when copied.
    const float sx = data->FramebufferScale.x, sy = data->FramebufferScale.y;
    const int x0 = std::clamp(static_cast<int>((damage.x - screen.x) * sx), 0, width);
    const int x1 = std::clamp(static_cast<int>((damage.z - screen.x) * sx), 0, width);
    const int y0 = std::clamp(static_cast<int>((damage.y - screen.y) * sy), 0, height);
    const int y1 = std::clamp(static_cast<int>((damage.w - screen.y) * sy), 0, height);
    damage_[0] = x0;
    damage_[1] = height - y1;
    damage_[2] = std::max(0, x1 - x0);
    damage_[3] = std::max(0, y1 - y0);
    if (is_empty(damage) || damage_[2] == 0 || damage_[3] == 0) return;

    glViewport(0, 0, width, height);
    glEnable(GL_SCISSOR_TEST);
    glScissor(damage_[0], damage_[1], damage_[2], damage_[3]);
    glClearColor(static_cast<float>(clear_rgba & 0xff) / 255.f, static_cast<float>((clear_rgba >> 8) & 0xff) / 255.f,
                 static_cast<float>((clear_rgba >> 16) & 0xff) / 255.f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    // Only what lies in the damage is drawn: every command's clip rectangle
    // shrinks to it (ImGui's OpenGL3 backend skips the empty ones).
    for (int i = 0; i < data->CmdListsCount; ++i) {
        const ImDrawList& list = *data->CmdLists[i];
        for (ImDrawCmd& c : data->CmdLists[i]->CmdBuffer) {
            c.ClipRect = intersect(c.ClipRect, damage);
            if (c.ElemCount == 0 || is_empty(c.ClipRect)) continue;
            ++stats_.draw_calls;
            if (!collect_stats_) continue;
            const ImDrawIdx* idx = list.IdxBuffer.Data + c.IdxOffset;
            const ImDrawVert* vtx = list.VtxBuffer.Data + c.VtxOffset;
            for (unsigned e = 0; e + 2 < c.ElemCount; e += 3)
                stats_.shaded_pixels += clipped_area(vtx[idx[e]], vtx[idx[e + 1]], vtx[idx[e + 2]], c.ClipRect);
        }
    }
    ImGui_ImplOpenGL3_RenderDrawData(data);
    stats_.damaged_share = static_cast<double>(damage_[2]) * damage_[3] / (static_cast<double>(width) * height);
}

void FrameRenderer::present(const std::function<void()>& swap) {
    // A new size is swapped: the driver may not have resized the back
    // buffer yet, and a rectangle copied from it past its old edges is an
    // X protocol error. The swap leaves the back buffer undefined, so the
    // frame after it is drawn whole.
    if (!partial_frames() || resized_) {
        swap();
        if (resized_) full_redraw_ = true;
        swapped_size_ = window_size_;
        resized_ = false;
        return;
    }
    // Never swapped: the back buffer keeps this frame for the next one.
    if (damage_[2] > 0 && damage_[3] > 0) copy_.copy(damage_[0], damage_[1], damage_[2], damage_[3]);
}

}  // namespace strata::platform
