// How the GUI turns a catalogue lesson into what it runs: the lesson itself
// when this machine can run it live, otherwise the replay of its shipped
// recording. It is the same decision `strata run` makes
// (lessons::availability / choose_playable), so the CLI and the window
// never disagree about whether a lesson is live or a replay.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "engine/catalogue.hpp"
#include "lessons/availability.hpp"

namespace strata::gui {

// Called on the controller's worker thread (probing may fork children).
using Chooser = std::function<engine::Result<lessons::Playable>(const engine::Lesson&)>;

// Probes the machine for what the lesson needs (once per kind of
// requirement, then cached) and picks live or replay.
Chooser machine_chooser();
// Always the lesson itself: for tests whose fixture lessons need nothing.
Chooser live_chooser();
// Always the replay of the lesson's shipped recording, whatever this
// machine can do, paced as it was recorded (`speed` 0: no waiting): what
// `strata gui --replay` and the browser edition open.
Chooser replay_chooser(double speed = 1.0);

// Per lesson id, live / replay / unavailable and why, for the navigator.
struct LessonAvailability {
    bool probed = false;   // false while the machine probe still runs
    bool skipped = false;  // not checked at all (tests): claim nothing
    std::map<std::string, lessons::Availability> lessons;

    const lessons::Availability* find(const std::string& id) const;
};

LessonAvailability availability_of(const engine::Catalogue& catalogue, const probe::MachineReport& report);
// Without probing: each lesson a replay where it ships a recording, else
// unavailable; `why` says these are replays of real runs, by choice.
LessonAvailability replay_availability(const engine::Catalogue& catalogue);

}  // namespace strata::gui
