// The lesson navigator: tracks and their lessons, each with whether it runs
// live on this machine, plays a recording of a real run instead, or cannot
// run here (measured by the probe, with the reason), and how far the
// learner got.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "app/gui/command.hpp"
#include "app/gui/lesson_choice.hpp"
#include "app/gui/theme.hpp"
#include "engine/catalogue.hpp"

namespace strata::gui {

Commands navigator_view(const engine::Catalogue& catalogue, const LessonAvailability& availability,
                        const std::map<std::string, int>& steps_completed, const std::string& current_lesson,
                        const Palette& palette);

}  // namespace strata::gui
