// One widget per kind of engine::Facts, used by the inspector panel.
#pragma once

#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"
#include "engine/facts.hpp"

namespace strata::gui {

// Registers; those whose value differs from `previous` (the snapshot
// before the current step) are highlighted, with the old value on hover.
void register_table(const engine::RegisterView& view, const engine::RegisterView* previous, const FontSet& fonts,
                    const Palette& palette);
// Hex dump with guest-physical and host-virtual addresses, and the
// disassembly of the bytes with the instruction at RIP marked.
void memory_inspector(const engine::MemoryView& view, const engine::Facts& facts, const FontSet& fonts,
                      const Palette& palette);
void fact_table(const engine::TableView& view, const Palette& palette);
// Every line of the series on shared axes, with a legend when there are several.
void series_plot(const engine::SeriesView& view, const Palette& palette);
// The samples binned (engine::bin_samples), with their range and median.
void histogram_plot(const engine::HistogramView& view, const Palette& palette);
void value_list(const std::vector<std::pair<std::string, std::string>>& values);

}  // namespace strata::gui
