// The inspectors: a tab per kind of fact the snapshot holds (values,
// registers, memory and disassembly, tables, series, console). Tabs without
// data are not shown.
#pragma once

#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// `previous` is the facts before the current step (for register changes).
void inspector_view(const engine::Snapshot* snapshot, const engine::Facts* previous, const FontSet& fonts,
                    const Palette& palette);

}  // namespace strata::gui
