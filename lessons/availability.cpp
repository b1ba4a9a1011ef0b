#include "lessons/availability.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "backends/replay/replayer.hpp"
#include "engine/narrative.hpp"

namespace strata::lessons {

probe::ProbeOptions probe_options_for(const engine::Lesson& lesson) {
    const auto& reqs = lesson.requirements;
    auto needs = [&](engine::Requirement r) { return std::find(reqs.begin(), reqs.end(), r) != reqs.end(); };
    probe::ProbeOptions options;
    options.kvm = needs(engine::Requirement::kvm);
    options.containers = needs(engine::Requirement::userns) || needs(engine::Requirement::cgroup_writable);
    options.installation = false;  // doctor reports missing files; a lesson says so when it needs them
    return options;
}

Availability availability(const engine::Lesson& lesson, const probe::MachineReport& report) {
    Availability a;
    const auto shipped = replay::shipped_recording_path(engine::asset_dir(), lesson.id);
    std::error_code ec;
    if (std::filesystem::exists(shipped, ec)) a.recording = shipped;
    for (auto r : lesson.requirements)
        if (auto why = report.missing(r)) {
            a.why = *why;
            // The probe's own check says how to fix it.
            for (const auto& check : report.checks)
                if (check.status == probe::Status::missing && !check.fix.empty()) {
                    a.why = fmt::format("{}: {}\n  what to do: {}", *why, check.detail, check.fix);
                    break;
                }
            a.mode = a.recording ? Mode::replay : Mode::unavailable;
            return a;
        }
    a.mode = Mode::live;
    return a;
}

engine::Result<Playable> choose_playable(const engine::Lesson& lesson, const probe::MachineReport& report,
                                         bool force_replay, const std::optional<std::filesystem::path>& recording,
                                         double replay_speed) {
    const auto a = availability(lesson, report);
    Playable p;
    if (a.mode == Mode::live && !force_replay && !recording) {
        p.lesson = &lesson;
        return p;
    }
    const auto path = recording ? recording : a.recording;
    if (!path) {
        if (force_replay)
            return engine::plain_error(lesson.id, "there is no recording of this lesson to replay",
                                       "make one on a machine that can run it: `strata record " + lesson.id +
                                           " -o FILE`");
        return engine::plain_error(lesson.id, "cannot run live on this machine: " + a.why);
    }
    auto loaded = replay::load_recording(*path, lesson);
    if (!loaded) return std::unexpected(loaded.error());
    auto shared = std::make_shared<const replay::Recording>(std::move(*loaded));
    p.owned = std::make_shared<engine::Lesson>(replay::make_replay_lesson(lesson, shared, {replay_speed}));
    p.lesson = p.owned.get();
    p.replay = true;
    return p;
}

}  // namespace strata::lessons
