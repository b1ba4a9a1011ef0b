// The lesson navigator: tracks and their lessons, each with whether it can
// run live on this machine (measured by the probe, with the reason when
// not) and how far the learner got.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "app/gui/command.hpp"
#include "app/gui/theme.hpp"
#include "engine/catalogue.hpp"

namespace strata::gui {

// Per lesson id: nullopt = runs here; a string = what is missing.
struct LessonAvailability {
    bool probed = false;  // false while the machine probe still runs
    bool skipped = false; // not checked at all (tests): claim nothing
    std::map<std::string, std::optional<std::string>> missing;
};

Commands navigator_view(const engine::Catalogue& catalogue, const LessonAvailability& availability,
                        const std::map<std::string, int>& steps_completed, const std::string& current_lesson,
                        const Palette& palette);

}  // namespace strata::gui
