// The replay banner: when the steps play back a recording of a real run
// made elsewhere (this machine cannot run the lesson live), every view says
// so plainly. A full-width strip in the replay colour with the recording's
// label ("A real run on Linux 6.1.0-… (2026-11-24; KVM: …), replayed"),
// drawn over the diagram and at the top of the narrative panel.
#pragma once

#include <optional>

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// Draws the banner at the cursor, across the available width, when
// `snapshot` is a replay; returns where it was drawn (nothing otherwise).
std::optional<ImRect> replay_banner(const engine::Snapshot* snapshot, const Palette& palette);

}  // namespace strata::gui
