#include "app/gui/machine_choice.hpp"

#include <map>
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
    return [cache](const engine::Lesson& lesson, const engine::LessonOptions& given) -> engine::Result<lessons::Playable> {
        const auto options = lessons::probe_options_for(lesson);
        probe::MachineReport report;
        {
            std::lock_guard lock(cache->mutex);
            const auto key = std::make_pair(options.kvm, options.containers);
            auto it = cache->reports.find(key);
            if (it == cache->reports.end()) it = cache->reports.emplace(key, probe::probe_machine(options)).first;
            report = it->second;
        }
        auto chosen = lessons::choose_playable(lesson, report, /*force_replay=*/false, std::nullopt, 1.0, given);
        if (!chosen) return std::unexpected(chosen.error().error);
        return std::move(*chosen);
    };
}

LessonAvailability machine_availability(const engine::Catalogue& catalogue) {
    return availability_of(catalogue, lessons::probe_for_every_lesson());
}

}  // namespace strata::gui
