// How the GUI turns a catalogue lesson into what it runs: the lesson itself
// when this machine can run it live, otherwise the replay of its shipped
// recording. It is the same decision `strata run` makes
// (lessons::availability / choose_playable), so the CLI and the window
// never disagree about whether a lesson is live or a replay.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "engine/catalogue.hpp"
#include "lessons/availability.hpp"

namespace strata::gui {

// Called on the controller's worker thread (probing may fork children).
// machine_chooser() (app/gui/machine_choice.hpp) is the one that probes.
// `given`: the options a run asks for (a challenge's), empty for the lesson
// as taught; a replay then plays the recording of exactly that run, or is
// refused saying it needs a live one (lessons::choose_playable).
using Chooser =
    std::function<engine::Result<lessons::Playable>(const engine::Lesson&, const engine::LessonOptions& given)>;

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
    // Every lesson replays by choice (--replay, the browser edition): the
    // list says "replay" alone, and why only on hover.
    bool all_replays = false;
    std::map<std::string, lessons::Availability> lessons;

    const lessons::Availability* find(const std::string& id) const;
};

LessonAvailability availability_of(const engine::Catalogue& catalogue, const probe::MachineReport& report);
// Without probing: each lesson a replay where it ships a recording, else
// unavailable; `why_replay` says why this window only replays.
LessonAvailability replay_availability(const engine::Catalogue& catalogue, std::string_view why_replay);

}  // namespace strata::gui
