// A lesson's outline: everything about it but its code — id, title, track,
// summary, requirements, options and its steps with the layers each is
// expected to touch — as JSON, and lessons made back from it.
//
// A lesson made from its outline cannot run live (its steps have no
// action); it is what a replay needs: the recording plays its steps
// (backends/replay), the narrative and exercises come from the lesson's
// Markdown. A build with no backends at all (strata in the browser, issue
// 16) gets the course from `strata list --outline`, run at build time, and
// so shows exactly the lessons the desktop strata has.
//
// Format: {"format": "strata-lesson-outline", "version": 1, "lessons": [
//   {"id", "title", "track", "summary", "requirements": ["kvm", ...],
//    "options": [{"key", "description", "choices": [...], "default"}],
//    "steps": [{"id", "title", "layers": ["kvm", ...]}]}]}
#pragma once

#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/lesson.hpp"

namespace strata::engine {

inline constexpr int kLessonOutlineVersion = 1;

nlohmann::json lessons_to_outline(std::span<const Lesson> lessons);

// Every field checked: the format and version (a newer one refused by
// name), types, known requirement and layer ids, no lesson or step id
// twice. A step's action fails with an error saying the lesson can only
// be replayed here; an option without choices accepts any value (only a
// recording made with it can play it).
Result<std::vector<Lesson>> lessons_from_outline(const nlohmann::json& outline);

}  // namespace strata::engine
