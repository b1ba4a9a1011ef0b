// Themes: ImGui's style plus the diagram's and timeline's own colours, so a
// lit node reads as lit on a projector (high contrast) as well as on a
// laptop (dark, light).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <imgui.h>

#include "engine/layers.hpp"
#include "engine/trace_event.hpp"

namespace strata::gui {

struct Palette {
    ImU32 band_fill[4];      // per Stratum, guest .. hardware
    ImU32 band_title;
    ImU32 stratum_accent[4]; // per Stratum: the one colour of its layers, wherever they are shown
    ImU32 node_fill;         // untouched node
    ImU32 node_lit;          // touched by the current step's recorded events
    ImU32 node_border;
    ImU32 node_lit_border;
    ImU32 node_text;
    ImU32 node_lit_text;
    ImU32 node_filtered;     // outline of the node the timeline is filtered by
    ImU32 counter_fill;
    ImU32 counter_text;
    ImU32 path_syscall;      // user space going down into the kernel
    ImU32 path_vm_entry;     // the VMM entering the guest
    ImU32 path_vm_exit;      // an exit to the VMM: the guest leaving back to it
    ImU32 path_kept_in_kvm;  // VM exits KVM handled without returning to the VMM
    ImU32 path_other;        // output, process, file reads, notes
    ImU32 failed;            // a failed call: red everywhere
    ImU32 current_row;       // the current step's events in the timeline
    ImU32 link;              // links in the narrative
    ImU32 code_background;
    ImU32 muted_text;
    ImU32 changed_value;     // a register that changed since the last step
    ImU32 window_background; // the panels' background: the GL clear colour (panels draw none)
    ImU32 replay;            // "this is a replay" text in panels (navigator)
    ImU32 replay_fill;       // the replay banner over the diagram and narrative
    ImU32 replay_text;       // text on replay_fill
};

struct Theme {
    std::string key;  // "dark", "light", "high-contrast"
    Palette palette;
};

// One type scale, from the UI font's size: titles (the diagram's band
// headings, all one size), body text (a node's name, at most), captions
// (lane captions, count badges, the legend, the event in flight).
struct TypeScale {
    float title, body, caption;
};
TypeScale type_scale(float font_size);

// The spacing grid: paddings and gaps are multiples of one unit (pixels at
// 1x type), so the diagram's margins line up.
constexpr float kSpacing = 4.0f;

std::span<const std::string_view> theme_keys();
// The named theme (dark when unknown); applies ImGui's colours to `style`.
Theme make_theme(std::string_view key, ImGuiStyle& style);
// The path colour for an event of `kind`.
ImU32 path_colour(const Palette& palette, const engine::TraceEvent& event);
// A layer's colour: its stratum's accent, the same in the diagram (band
// chips, node bars) and the timeline's layer chips.
ImU32 layer_colour(const Palette& palette, engine::LayerId layer);

}  // namespace strata::gui
