// A recording: everything a live run of a lesson produced — its events,
// each step's outcome, facts and console output — and the machine it ran
// on. Made by `strata record`, played back where a lesson cannot run live.
//
// File format (JSON, documented in docs/RECORDINGS.md):
//   {"format": "strata-recording", "version": 1, "lesson": ID,
//    "options": {...}, "machine": {...}, "steps": [...], "events": [...]}
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/facts.hpp"
#include "engine/lesson.hpp"
#include "engine/snapshot.hpp"
#include "engine/trace_event.hpp"

namespace strata::replay {

inline constexpr int kRecordingVersion = 1;
// No real recording comes near this (the largest shipped one is under
// 1 MiB); a file past it is refused before it is read into memory.
inline constexpr std::uintmax_t kMaxRecordingBytes = 64u << 20;

// Where and when the real run happened; shown on every replayed step.
struct MachineInfo {
    std::string kernel_release;  // "6.1.0-56-amd64"
    std::string os_name;
    std::string kvm_kind;        // "hardware-assisted", "software-nested", "unavailable"
    std::string platform;        // "QEMU Standard PC (i440FX)", from DMI, when known
    std::string recorded_at;     // ISO 8601 UTC
    std::string strata_version;
    // "v2", "hybrid", "v1": container lessons make different cgroup calls
    // on each. Empty in recordings made before it was kept.
    std::string cgroup_mode;
    // Whether root made it: rootless runs of some container lessons take
    // another path (overlay copies the image first).
    bool as_root = false;
};

struct RecordedStep {
    std::string id;
    engine::StepStatus status = engine::StepStatus::done;
    std::string summary;
    std::optional<engine::Error> error;
    std::chrono::nanoseconds duration{};
    engine::Facts facts;   // after the step
    std::string console;   // the whole console after the step
};

struct Recording {
    std::string lesson_id;
    engine::LessonOptions options;
    MachineInfo machine;
    std::vector<RecordedStep> steps;
    std::vector<engine::TraceEvent> events;

    // "A real run on Linux 6.1.0-56-amd64 (2026-11-24; KVM: hardware-assisted; machine: QEMU ...), replayed"
    std::string label() const;
};

// From a live session: one snapshot taken after each step that ran (the
// last one also holds every event).
Recording record_session(const std::vector<engine::Snapshot>& after_each_step, const engine::LessonOptions& options,
                         MachineInfo machine);

nlohmann::json recording_to_json(const Recording& recording);
// Validates everything: format, version (a newer one is refused by name),
// field types, step ids against `lesson`, layer ids, event step indices
// and timing (no event may start after its step ended).
engine::Result<Recording> recording_from_json(const nlohmann::json& json, const engine::Lesson& lesson);
engine::Result<Recording> load_recording(const std::filesystem::path& path, const engine::Lesson& lesson);
// The file's text: JSON with one event per line, so a recording stays
// compact and a regenerated one diffs line by line.
std::string recording_text(const Recording& recording);
engine::Result<void> save_recording(const Recording& recording, const std::filesystem::path& path);

// The shipped recording of a lesson: <assets>/recordings/<lesson id>.json.
std::filesystem::path shipped_recording_path(const std::filesystem::path& assets, const std::string& lesson_id);

}  // namespace strata::replay
