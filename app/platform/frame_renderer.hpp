// Draws ImGui's frame, redrawing only the part of the window that changed
// since the last frame when the display lets strata show just that part.
//
// Why: with Mesa's llvmpipe (a software rasterizer: lab machines without a
// GPU driver, virtual machines, Xvfb) nearly all of a frame's time is spent
// shading pixels in llvmpipe's threads. While the diagram animates, only
// the diagram's pixels change; redrawing the navigator, timeline,
// narrative and inspectors every frame shaded about five times more
// pixels than changed. What is on screen is the same pixel for pixel: the
// unchanged region keeps pixels drawn from the same draw commands.
//
// How: damage is found by comparing each ImGui draw list (commands,
// vertices, indices) with the previous frame's copy; a list that changed
// damages the box its vertices cover, before and after. A changed order of
// lists, size, clear colour or font texture damages everything. Drawing
// only the damage needs a back buffer that keeps its pixels between frames,
// which a swap does not promise, so partial frames are never swapped: they
// are shown with GLX_MESA_copy_sub_buffer, which copies a rectangle of the
// back buffer to the window and leaves the back buffer as it was. strata
// does this only on software renderers (where it pays, and presenting is
// a copy anyway); a GPU driver gets a full frame and a normal swap.
#pragma once

#include <functional>
#include <utility>
#include <unordered_map>
#include <vector>

#include <imgui.h>

namespace strata::platform {

// What the last frame cost in pixels, for `strata gui --bench-frames`.
struct FrameStats {
    double damaged_share = 0;  // of the window's area redrawn (1 = all)
    double shaded_pixels = 0;  // triangle area rasterized, estimated from the draw data
    int draw_calls = 0;        // commands sent to GL (those outside the damage are skipped)
};

// Shows partial frames: `copy` copies a rectangle of the back buffer to
// the window (GL coordinates: origin at the bottom left) leaving the back
// buffer alone; `window_size` is the window's size as the display server
// has it now (a driver only resizes its back buffer at a swap, so a
// partial frame is shown only when the two agree).
struct CopySubBuffer {
    std::function<void(int x, int y, int width, int height)> copy;
    std::function<std::pair<int, int>()> window_size;
    explicit operator bool() const { return copy && window_size; }
};

class FrameRenderer {
public:
    // `copy_sub_buffer` empty: every frame is drawn in full and swapped.
    void enable_partial_frames(CopySubBuffer copy_sub_buffer) { copy_ = std::move(copy_sub_buffer); }
    bool partial_frames() const { return static_cast<bool>(copy_) && partial_; }

    // Draws ImGui's current draw data (IM_COL32 clear colour) into the
    // back buffer of a `width`x`height` window.
    void render(ImDrawData* data, int width, int height, unsigned clear_rgba);
    // Shows the frame: the damaged rectangle, or `swap` for a full frame.
    void present(const std::function<void()>& swap);
    // The next frame is drawn and shown in full (fonts re-uploaded, the
    // window was exposed).
    void invalidate() { full_redraw_ = true; }
    // Off: every frame is drawn in full (`--full-redraw`, to compare).
    void set_partial_redraw(bool on) { partial_ = on; }
    // Off by default: estimating shaded pixels walks every triangle.
    void set_collect_stats(bool on) { collect_stats_ = on; }
    const FrameStats& stats() const { return stats_; }

private:
    struct ListCopy {
        std::vector<ImDrawCmd> commands;
        std::vector<ImDrawVert> vertices;
        std::vector<ImDrawIdx> indices;
        ImVec4 bounds;  // where its vertices were, clipped
        bool seen = false;
    };
    ImVec4 find_damage(const ImDrawData& data, bool& everything);

    CopySubBuffer copy_;
    int width_ = 0, height_ = 0;
    unsigned clear_ = 0;
    ImTextureID font_texture_ = nullptr;
    bool full_redraw_ = true;
    bool partial_ = true;
    bool collect_stats_ = false;
    bool resized_ = false;  // the last render() was for a new size
    std::pair<int, int> window_size_{-1, -1};   // the server's, at the last render()
    std::pair<int, int> swapped_size_{-1, -1};  // the server's, at the last swap
    int damage_[4] = {0, 0, 0, 0};  // last render()'s damage, GL x, y, width, height
    std::unordered_map<const ImDrawList*, ListCopy> previous_;
    std::vector<const ImDrawList*> previous_order_;
    FrameStats stats_;
};

}  // namespace strata::platform
