#include "lessons/availability.hpp"

#include <algorithm>
#include <expected>

#include <fmt/format.h>

#include "backends/replay/replayer.hpp"
#include "engine/narrative.hpp"

namespace strata::lessons {

probe::ProbeOptions probe_options_for(const engine::Lesson& lesson) {
    const auto& reqs = lesson.requirements;
    auto needs = [&](engine::Requirement r) { return std::find(reqs.begin(), reqs.end(), r) != reqs.end(); };
    probe::ProbeOptions options;
    options.kvm = needs(engine::Requirement::kvm) || needs(engine::Requirement::guest_kernel);
    options.containers = needs(engine::Requirement::userns) || needs(engine::Requirement::cgroup_writable);
    options.installation = false;  // doctor reports missing files; a lesson says so when it needs them
    return options;
}

std::optional<std::filesystem::path> shipped_recording(const engine::Lesson& lesson) {
    auto shipped = replay::shipped_recording_path(engine::asset_dir(), lesson.id);
    std::error_code ec;
    if (!std::filesystem::exists(shipped, ec)) return std::nullopt;
    return shipped;
}

Availability availability(const engine::Lesson& lesson, const probe::MachineReport& report) {
    Availability a;
    a.recording = shipped_recording(lesson);
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

std::string variant_name(const engine::Lesson& lesson, const engine::LessonOptions& resolved) {
    const auto defaults = lesson.resolve_options({});
    std::string name;
    for (const auto& [key, value] : resolved) {
        if (defaults && defaults->contains(key) && defaults->at(key) == value) continue;
        name += (name.empty() ? "" : ",") + key + "=" + value;
    }
    return name;
}

std::filesystem::path variant_recording_path(const engine::Lesson& lesson, const engine::LessonOptions& resolved) {
    const auto variant = variant_name(lesson, resolved);
    if (variant.empty()) return replay::shipped_recording_path(engine::asset_dir(), lesson.id);
    return replay::shipped_recording_path(engine::asset_dir(), lesson.id + "@" + variant);
}

namespace {

// engine's error makers return std::unexpected<Error>; this keeps the Error.
std::unexpected<NotPlayable> refuse(Refusal kind, std::unexpected<engine::Error> error) {
    return std::unexpected(NotPlayable{kind, std::move(error.error())});
}

std::unexpected<NotPlayable> refuse(Refusal kind, engine::Error error) {
    return std::unexpected(NotPlayable{kind, std::move(error)});
}

}  // namespace

std::expected<Playable, NotPlayable> choose_playable(const engine::Lesson& lesson, const probe::MachineReport& report,
                                                     bool force_replay,
                                                     const std::optional<std::filesystem::path>& recording,
                                                     double replay_speed, const engine::LessonOptions& given) {
    const auto a = availability(lesson, report);
    auto resolved = lesson.resolve_options(given);
    if (!resolved) return refuse(Refusal::bad_input, resolved.error());
    Playable p;
    if (a.mode == Mode::live && !force_replay && !recording) {
        p.lesson = &lesson;
        return p;
    }
    const auto variant = variant_name(lesson, *resolved);
    std::optional<std::filesystem::path> path = recording;
    if (!path) {
        std::error_code ec;
        const auto shipped = variant_recording_path(lesson, *resolved);
        if (std::filesystem::exists(shipped, ec)) path = shipped;
    }
    if (!path && !variant.empty()) {
        // The option changes what runs, and no recording shows that run:
        // playing the lesson as taught instead would be a lie.
        const std::string why = a.mode == Mode::live
                                    ? "run it without --replay: this machine can run it live"
                                    : "this machine cannot run it live: " + a.why;
        return refuse(Refusal::needs_live,
                      engine::plain_error(lesson.id,
                                          "--set " + variant + " changes what the lesson runs, and no recording of "
                                              "that run ships, so it needs a live run",
                                          why));
    }
    if (!path) {
        if (force_replay)
            return refuse(Refusal::failed,
                          engine::plain_error(lesson.id, "there is no recording of this lesson to replay",
                                              "make one on a machine that can run it: `strata record " + lesson.id +
                                                  " -o FILE`"));
        return refuse(Refusal::needs_live, engine::plain_error(lesson.id, "cannot run live on this machine: " + a.why));
    }
    auto loaded = replay::load_recording(*path, lesson);
    if (!loaded) return refuse(Refusal::failed, loaded.error());
    // Recordings made before an option existed lack it: it had its default.
    // (Not resolve_options: a recorded default, like an empty program, need
    // not pass the check a value typed by the learner must.)
    auto recorded_options = lesson.resolve_options({}).value_or(engine::LessonOptions{});
    for (const auto& [key, value] : loaded->options) recorded_options[key] = value;
    if (recorded_options != *resolved) {
        const auto made_with = variant_name(lesson, recorded_options);
        return refuse(Refusal::bad_input,
                      engine::plain_error(path->string(),
                                          "this recording was made with " +
                                              (made_with.empty() ? std::string("the lesson's default options")
                                                                 : "--set " + made_with) +
                                              ", not " +
                                              (variant.empty() ? std::string("the defaults") : "--set " + variant),
                                          "a replay shows only the run it recorded: give the recording's options, "
                                          "or record a run with yours (`strata record " +
                                              lesson.id + " --set KEY=VALUE -o FILE`)"));
    }
    auto shared = std::make_shared<const replay::Recording>(std::move(*loaded));
    p.owned = std::make_shared<engine::Lesson>(replay::make_replay_lesson(lesson, shared, {replay_speed}));
    p.lesson = p.owned.get();
    p.replay = true;
    return p;
}

}  // namespace strata::lessons
