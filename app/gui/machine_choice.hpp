// What this machine can run, measured: the GUI's link to the machine probe.
// The desktop builds app/gui/machine_choice.cpp, which probes the machine;
// the browser edition, with no machine to probe, builds
// app/web/browser_machine.cpp, where every lesson is the replay of a real
// run. Nothing else in the views knows which of the two it is in.
#pragma once

#include "app/gui/lesson_choice.hpp"

namespace strata::gui {

// Probes the machine for what the lesson needs (once per kind of
// requirement, then cached) and picks live or replay.
Chooser machine_chooser();

// Every lesson of `catalogue`, live, replay or unavailable on this machine
// (slow: opens /dev/kvm and forks throwaway namespace children).
LessonAvailability machine_availability(const engine::Catalogue& catalogue);

}  // namespace strata::gui
