#include "app/gui/lesson_choice.hpp"

#include <utility>

namespace strata::gui {

Chooser live_chooser() {
    return [](const engine::Lesson& lesson, const engine::LessonOptions&) -> engine::Result<lessons::Playable> {
        lessons::Playable p;
        p.lesson = &lesson;
        return p;
    };
}

Chooser replay_chooser(double speed) {
    return [speed](const engine::Lesson& lesson, const engine::LessonOptions& given) -> engine::Result<lessons::Playable> {
        auto chosen =
            lessons::choose_playable(lesson, probe::MachineReport{}, /*force_replay=*/true, std::nullopt, speed, given);
        if (!chosen) return std::unexpected(chosen.error().error);
        return std::move(*chosen);
    };
}

const lessons::Availability* LessonAvailability::find(const std::string& id) const {
    auto it = lessons.find(id);
    return it == lessons.end() ? nullptr : &it->second;
}

LessonAvailability availability_of(const engine::Catalogue& catalogue, const probe::MachineReport& report) {
    LessonAvailability result;
    result.probed = true;
    for (const auto& lesson : catalogue.lessons()) result.lessons[lesson.id] = lessons::availability(lesson, report);
    return result;
}

LessonAvailability replay_availability(const engine::Catalogue& catalogue, std::string_view why_replay) {
    LessonAvailability result;
    result.probed = true;
    result.all_replays = true;
    for (const auto& lesson : catalogue.lessons()) {
        lessons::Availability a;
        a.recording = lessons::shipped_recording(lesson);
        if (a.recording) {
            a.mode = lessons::Mode::replay;
            a.why = why_replay;
        } else {
            a.why = "no recording of this lesson ships with strata, and this window only replays";
        }
        result.lessons[lesson.id] = std::move(a);
    }
    return result;
}

}  // namespace strata::gui
