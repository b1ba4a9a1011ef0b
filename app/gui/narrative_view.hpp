// The narrative: the lesson's Markdown (one section per step), rendered
// with headings, emphasis, code, lists and links; each section shows its
// step's state and outcome (the error and its explanation when it failed),
// and the current step's section is kept in view. A section's revealed
// part (below its `<!-- reveal -->`) appears only once its step has run.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/gui/command.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/markdown.hpp"
#include "app/gui/theme.hpp"
#include "engine/narrative.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// A lesson's narrative parsed once: Markdown blocks per step id.
struct ParsedNarrative {
    std::string lesson_id;
    bool found = false;
    std::string problem;  // why there is no narrative file
    std::string title;
    std::vector<MdBlock> introduction;
    std::map<std::string, std::vector<MdBlock>> sections;  // shown before the step runs
    std::map<std::string, std::vector<MdBlock>> revealed;  // shown once it has run
};
ParsedNarrative parse_lesson_narrative(const engine::Lesson& lesson, const std::filesystem::path& assets);

// The Markdown a step's section shows in its state: its text before it
// runs, then also its revealed text once it is done (never before its
// predictions are locked in; not after a failure, which showed otherwise).
std::vector<const std::vector<MdBlock>*> section_blocks(const ParsedNarrative& narrative, const std::string& step_id,
                                                        engine::StepStatus status);

struct NarrativeViewState {
    std::shared_ptr<const ParsedNarrative> narrative;
    int scrolled_to = -2;  // the step last scrolled into view
};

// Returns open_link when a link was clicked.
Commands narrative_view(const engine::Snapshot* snapshot, const FontSet& fonts, const Palette& palette,
                        NarrativeViewState& state);

// Draws Markdown blocks wrapped to the available width (also used by
// tests); clicked links go to `commands` as open_link.
void draw_markdown(const std::vector<MdBlock>& blocks, const FontSet& fonts, const Palette& palette,
                   Commands* commands = nullptr);

}  // namespace strata::gui
