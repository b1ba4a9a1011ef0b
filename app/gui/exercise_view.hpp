// The exercise panel, above the narrative: the predictions for the step
// about to run (choose, lock in), the verdicts and hints of the step that
// just ran, the challenges with their parameter editors (a choice, flags to
// tick, a number, guest code), and where the learner left off last time.
// A function of the snapshot and the tracker's panel; it returns commands.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include "app/gui/command.hpp"
#include "app/gui/exercise_tracker.hpp"
#include "app/gui/fonts.hpp"
#include "app/gui/theme.hpp"
#include "engine/snapshot.hpp"

namespace strata::gui {

// What the learner is editing, kept between frames.
struct ExerciseEditState {
    std::string lesson_id;
    std::map<std::string, int> selected;        // prediction id -> choice index (-1: none)
    std::map<std::string, std::string> values;  // challenge id -> the editor's text
    float content_height = 0;                   // measured last frame, to size the panel
    // Where this frame drew each "Lock in" button (prediction id -> rect):
    // drawn below the scrolling part, so a long list of choices never
    // pushes them out of sight; tests check they lie inside the panel.
    std::map<std::string, ImRect> lock_in_buttons;
    // Where each unlocked prediction's choices were drawn, in order (the
    // browser edition's tests click them).
    std::map<std::string, std::vector<ImRect>> choice_buttons;
};

// Draws the panel; nothing at all when the lesson has no exercises and
// nothing to resume.
Commands exercise_view(const engine::Snapshot* snapshot, const ExercisePanel& panel, bool busy, const FontSet& fonts,
                       const Palette& palette, ExerciseEditState& edits);

// The value an editor starts with, and the flags editor's text <-> ticks.
std::string initial_value(const engine::Exercise& challenge);
std::string join_flags(const std::vector<std::string>& flags, const std::vector<bool>& ticked);

}  // namespace strata::gui
