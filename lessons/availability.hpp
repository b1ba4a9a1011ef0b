// Whether a lesson can run live on this machine, and if not, whether a
// recording of a real run can stand in for it. The CLI and the GUI decide
// the same way through this one function.
#pragma once

#include <expected>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "backends/probe/machine_report.hpp"
#include "engine/lesson.hpp"

namespace strata::lessons {

enum class Mode { live, replay, unavailable };

struct Availability {
    Mode mode = Mode::unavailable;
    std::string why;  // why not live (requirement and fix), when not live
    std::optional<std::filesystem::path> recording;  // the shipped recording, if any
};

// `report` must come from a probe that covered the lesson's requirements.
Availability availability(const engine::Lesson& lesson, const probe::MachineReport& report);
// The lesson's shipped recording (of the lesson as taught), if it has one.
std::optional<std::filesystem::path> shipped_recording(const engine::Lesson& lesson);

// The options of `resolved` that differ from the lesson's defaults, as
// "key=value" joined by ',' in key order: "guest=loop". Empty for the
// lesson as taught. A recording of such a variant ships as
// <assets>/recordings/<lesson id>@<variant>.json.
std::string variant_name(const engine::Lesson& lesson, const engine::LessonOptions& resolved);
std::filesystem::path variant_recording_path(const engine::Lesson& lesson, const engine::LessonOptions& resolved);

// Why a lesson could not be played: the learner's input cannot work
// (exit 2), or it needs a live run this machine cannot make (exit 3).
enum class Refusal { bad_input, needs_live, failed };
struct NotPlayable {
    Refusal kind = Refusal::failed;
    engine::Error error;
};

// What to run: the lesson itself, or a replay lesson built from a recording.
struct Playable {
    const engine::Lesson* lesson = nullptr;         // points at `owned` for a replay
    std::shared_ptr<engine::Lesson> owned;          // the replay lesson, if any
    bool replay = false;
};

// `force_replay`: play `recording` (or the shipped one) even if live works.
// `given` holds the options the learner chose (--set; defaults are filled
// in here). A
// replay never pretends: it plays a recording made with exactly those
// options, or it is refused; options that change what runs are never
// dropped silently.
std::expected<Playable, NotPlayable> choose_playable(const engine::Lesson& lesson, const probe::MachineReport& report,
                                                     bool force_replay,
                                                     const std::optional<std::filesystem::path>& recording,
                                                     double replay_speed = 1.0,
                                                     const engine::LessonOptions& given = {});

// The probe options that cover `lesson`'s requirements (and no more).
probe::ProbeOptions probe_options_for(const engine::Lesson& lesson);

// This machine, probed for everything any lesson may need: the GUI marks
// each lesson live, replay or unavailable from it, and asks it here, of
// the lessons, instead of reaching into the backends itself. (In
// lessons/machine_probe.cpp: the one function here that touches the
// machine, so a build with no machine to probe, the browser's, leaves it
// out.)
probe::MachineReport probe_for_every_lesson();

}  // namespace strata::lessons
