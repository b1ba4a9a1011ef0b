// Replay: a lesson whose steps play a recording back instead of making
// real calls. Each step re-emits its recorded events (flagged `replayed`)
// with their original relative timing, restores the step's facts and
// console, and ends as the recorded step ended. The Session, the CLI and
// the GUI need no special case: it is just another lesson, labelled.
#pragma once

#include <memory>

#include "backends/replay/recording.hpp"
#include "engine/lesson.hpp"

namespace strata::replay {

struct ReplayOptions {
    double speed = 1.0;  // 2.0 plays twice as fast; 0 means no waiting at all
};

engine::Lesson make_replay_lesson(const engine::Lesson& original, std::shared_ptr<const Recording> recording,
                                  ReplayOptions options = {});

}  // namespace strata::replay
