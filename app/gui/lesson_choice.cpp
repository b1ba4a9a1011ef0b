#include "app/gui/lesson_choice.hpp"

#include <memory>
#include <mutex>
#include <utility>

namespace strata::gui {

Chooser machine_chooser() {
    // Shared by copies of the chooser; one report per ProbeOptions, since a
    // container probe forks throwaway children and a KVM one opens the device.
    struct Cache {
        std::mutex mutex;
        std::map<std::pair<bool, bool>, probe::MachineReport> reports;
    };
    auto cache = std::make_shared<Cache>();
    return [cache](const engine::Lesson& lesson) -> engine::Result<lessons::Playable> {
        const auto options = lessons::probe_options_for(lesson);
        probe::MachineReport report;
        {
            std::lock_guard lock(cache->mutex);
            const auto key = std::make_pair(options.kvm, options.containers);
            auto it = cache->reports.find(key);
            if (it == cache->reports.end()) it = cache->reports.emplace(key, probe::probe_machine(options)).first;
            report = it->second;
        }
        auto chosen = lessons::choose_playable(lesson, report, /*force_replay=*/false, std::nullopt);
        if (!chosen) return std::unexpected(chosen.error().error);
        return std::move(*chosen);
    };
}

Chooser live_chooser() {
    return [](const engine::Lesson& lesson) -> engine::Result<lessons::Playable> {
        lessons::Playable p;
        p.lesson = &lesson;
        return p;
    };
}

Chooser replay_chooser(double speed) {
    return [speed](const engine::Lesson& lesson) -> engine::Result<lessons::Playable> {
        auto chosen = lessons::choose_playable(lesson, probe::MachineReport{}, /*force_replay=*/true, std::nullopt, speed);
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

LessonAvailability replay_availability(const engine::Catalogue& catalogue) {
    LessonAvailability result;
    result.probed = true;
    for (const auto& lesson : catalogue.lessons()) {
        lessons::Availability a;
        a.recording = lessons::shipped_recording(lesson);
        if (a.recording) {
            a.mode = lessons::Mode::replay;
            a.why = "every lesson plays the recording of a real run here (strata gui --replay)";
        } else {
            a.why = "no recording of this lesson ships with strata, and this window only replays";
        }
        result.lessons[lesson.id] = std::move(a);
    }
    return result;
}

}  // namespace strata::gui
