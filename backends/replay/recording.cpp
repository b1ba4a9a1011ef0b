#include "backends/replay/recording.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "engine/facts_json.hpp"
#include "engine/json_integer.hpp"
#include "engine/trace_json.hpp"

namespace strata::replay {

using nlohmann::json;

std::string Recording::label() const {
    std::string date = machine.recorded_at.substr(0, 10);
    std::string details = date;
    // What the lesson's track depends on: the kind of KVM for VMs, the
    // cgroup layout and the user for containers; both for the compare track.
    const bool uses_kvm = !lesson_id.starts_with("container/");
    const bool uses_containers = !lesson_id.starts_with("vm/");
    if (uses_kvm && !machine.kvm_kind.empty() && machine.kvm_kind != "unavailable") details += "; KVM: " + machine.kvm_kind;
    if (uses_containers && !machine.cgroup_mode.empty())
        details += fmt::format("; cgroups: {}, as {}", machine.cgroup_mode, machine.as_root ? "root" : "an ordinary user");
    if (!machine.platform.empty()) details += "; machine: " + machine.platform;
    // Says first that it happened, where, and that this is a replay of it,
    // not a run on the learner's machine.
    return fmt::format("A real run on Linux {} ({}), replayed", machine.kernel_release, details);
}

Recording record_session(const std::vector<engine::Snapshot>& after_each_step, const engine::LessonOptions& options,
                         MachineInfo machine) {
    Recording r;
    r.options = options;
    r.machine = std::move(machine);
    if (after_each_step.empty()) return r;
    const auto& last = after_each_step.back();
    r.lesson_id = last.lesson ? last.lesson->id : "";
    r.events = last.events.to_vector();
    for (std::size_t i = 0; i < after_each_step.size() && i < last.steps.size(); ++i) {
        const auto& s = last.steps[i];
        if (s.status == engine::StepStatus::pending) break;
        RecordedStep step;
        step.id = last.lesson->steps[i].id;
        step.status = s.status;
        step.summary = s.summary;
        step.error = s.error;
        step.duration = s.duration;
        step.facts = after_each_step[i].facts;
        step.console = after_each_step[i].console;
        r.steps.push_back(std::move(step));
    }
    return r;
}

namespace {

json error_to_json(const engine::Error& e) {
    return {{"operation", e.operation}, {"errno", e.errno_value}, {"message", e.message}, {"hint", e.hint}};
}

engine::Result<engine::StepStatus> status_from(const std::string& key) {
    for (auto s : {engine::StepStatus::done, engine::StepStatus::failed, engine::StepStatus::cancelled})
        if (engine::step_status_key(s) == key) return s;
    return engine::plain_error("recording", "unknown step status '" + key + "'");
}

// Replay waits between a step's events as long as the real run did. In a
// real run every event of a step starts within the step's duration (both
// come from the same clock), so an event past it means corrupt timing,
// which would otherwise make the replay wait for as long as it says.
engine::Result<void> check_timing(const Recording& r) {
    std::vector<std::optional<std::chrono::nanoseconds>> first(r.steps.size());
    for (const auto& e : r.events) {
        if (e.duration.count() < 0)
            return engine::plain_error("recording", fmt::format("event {} has a negative duration", e.sequence));
        if (e.step < 0) continue;
        auto& step_first = first[static_cast<std::size_t>(e.step)];
        if (!step_first) step_first = e.start;
        const auto& step = r.steps[static_cast<std::size_t>(e.step)];
        if (e.start - *step_first > step.duration)
            return engine::plain_error(
                "recording",
                fmt::format("event {} starts {} ms into step {}, which lasted {} ms: the timing is corrupt", e.sequence,
                            (e.start - *step_first).count() / 1000000, step.id, step.duration.count() / 1000000),
                "regenerate it with `strata record` or scripts/record-lessons.sh");
    }
    return {};
}

}  // namespace

json recording_to_json(const Recording& r) {
    json steps = json::array();
    for (const auto& s : r.steps) {
        json step = {{"id", s.id},
                     {"status", std::string(engine::step_status_key(s.status))},
                     {"summary", s.summary},
                     {"duration_ns", s.duration.count()},
                     {"facts", engine::facts_to_json(s.facts)},
                     {"console", s.console}};
        if (s.error) step["error"] = error_to_json(*s.error);
        steps.push_back(std::move(step));
    }
    json events = json::array();
    for (const auto& e : r.events) events.push_back(engine::event_to_json(e));
    return {{"format", "strata-recording"},
            {"version", kRecordingVersion},
            {"lesson", r.lesson_id},
            {"options", r.options},
            {"machine",
             {{"kernel_release", r.machine.kernel_release},
              {"os", r.machine.os_name},
              {"kvm_kind", r.machine.kvm_kind},
              {"platform", r.machine.platform},
              {"recorded_at", r.machine.recorded_at},
              {"strata_version", r.machine.strata_version},
              {"cgroup_mode", r.machine.cgroup_mode},
              {"as_root", r.machine.as_root}}},
            {"steps", std::move(steps)},
            {"events", std::move(events)}};
}

engine::Result<Recording> recording_from_json(const json& j, const engine::Lesson& lesson) {
    auto bad = [](const std::string& why) { return engine::plain_error("recording", why); };
    try {
        if (!j.is_object() || j.value("format", "") != "strata-recording")
            return bad("not a strata recording (no \"format\": \"strata-recording\")");
        const int version = engine::integer<int>(j.at("version"));
        if (version > kRecordingVersion)
            return engine::plain_error("recording",
                                       fmt::format("made by a newer strata (format version {}; this strata reads "
                                                   "up to {})",
                                                   version, kRecordingVersion),
                                       "update strata, or record the lesson again with this version");
        if (version < 1) return bad(fmt::format("format version {} is not valid", version));

        Recording r;
        r.lesson_id = j.at("lesson").get<std::string>();
        if (r.lesson_id != lesson.id)
            return bad(fmt::format("it is a recording of {}, not of {}", r.lesson_id, lesson.id));
        r.options = j.at("options").get<engine::LessonOptions>();
        const auto& m = j.at("machine");
        r.machine = {m.at("kernel_release").get<std::string>(), m.at("os").get<std::string>(),
                     m.at("kvm_kind").get<std::string>(),       m.at("platform").get<std::string>(),
                     m.at("recorded_at").get<std::string>(),    m.at("strata_version").get<std::string>(),
                     m.value("cgroup_mode", std::string()),     m.value("as_root", false)};

        const auto& steps = j.at("steps");
        if (!steps.is_array() || steps.size() > lesson.steps.size())
            return bad(fmt::format("it has {} steps; the lesson has {}", steps.size(), lesson.steps.size()));
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const auto& s = steps[i];
            RecordedStep step;
            step.id = s.at("id").get<std::string>();
            if (step.id != lesson.steps[i].id)
                return bad(fmt::format("step {} is '{}' in the recording but '{}' in the lesson: the lesson changed "
                                       "since it was recorded",
                                       i + 1, step.id, lesson.steps[i].id));
            auto status = status_from(s.at("status").get<std::string>());
            if (!status) return std::unexpected(status.error());
            step.status = *status;
            step.summary = s.at("summary").get<std::string>();
            step.duration = std::chrono::nanoseconds(engine::integer<std::int64_t>(s.at("duration_ns")));
            if (step.duration.count() < 0) return bad(fmt::format("step {} has a negative duration", step.id));
            auto facts = engine::facts_from_json(s.at("facts"));
            if (!facts) return std::unexpected(facts.error().with_context(fmt::format("step {}", step.id)));
            step.facts = std::move(*facts);
            step.console = s.at("console").get<std::string>();
            if (auto it = s.find("error"); it != s.end())
                step.error = engine::Error{it->at("operation").get<std::string>(), engine::integer<int>(it->at("errno")),
                                           it->at("message").get<std::string>(), it->at("hint").get<std::string>()};
            r.steps.push_back(std::move(step));
        }
        for (const auto& e : j.at("events")) {
            auto event = engine::event_from_json(e);
            if (!event) return std::unexpected(event.error().with_context("recording"));
            if (event->step < -1 || event->step >= static_cast<int>(r.steps.size()))
                return bad(fmt::format("event {} belongs to step {}, which the recording does not have",
                                       event->sequence, event->step));
            r.events.push_back(std::move(*event));
        }
        if (auto timing = check_timing(r); !timing) return std::unexpected(timing.error());
        return r;
    } catch (const json::exception& e) {
        return bad(std::string("malformed: ") + e.what());
    }
}

engine::Result<Recording> load_recording(const std::filesystem::path& path, const engine::Lesson& lesson) {
    const std::string what = "recording " + path.string();
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec) return engine::errno_error("open " + path.string(), ec.value(), "cannot read the recording");
    if (!std::filesystem::is_regular_file(status))
        return engine::plain_error(what, "is not a regular file", "give the path of a JSON file made by `strata record`");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return engine::errno_error("stat " + path.string(), ec.value(), "cannot read the recording");
    if (size == 0)
        return engine::plain_error(what, "is empty (an interrupted copy?)",
                                   "regenerate it with `strata record` or scripts/record-lessons.sh");
    if (size > kMaxRecordingBytes)
        return engine::plain_error(what,
                                   fmt::format("is {} MiB; strata reads recordings up to {} MiB", size >> 20,
                                               kMaxRecordingBytes >> 20),
                                   "this is not a recording of one lesson run; check the path");
    std::ifstream in(path);
    if (!in) return engine::errno_error("open " + path.string(), errno, "cannot read the recording");
    std::stringstream text;
    text << in.rdbuf();
    auto j = json::parse(text.str(), nullptr, false);
    if (j.is_discarded())
        return engine::plain_error("recording " + path.string(), "is not valid JSON (truncated or corrupt?)",
                                   "regenerate it with `strata record` or scripts/record-lessons.sh");
    auto r = recording_from_json(j, lesson);
    if (!r) return std::unexpected(r.error().with_context(path.string()));
    return r;
}

std::string recording_text(const Recording& recording) {
    json j = recording_to_json(recording);
    const json events = std::move(j["events"]);
    j.erase("events");
    std::string out = "{";
    for (const auto& [key, value] : j.items()) out += json(key).dump() + ": " + value.dump() + ",\n ";
    out += "\"events\": [";
    for (std::size_t i = 0; i < events.size(); ++i) out += (i ? ",\n  " : "\n  ") + events[i].dump();
    out += "\n]}\n";
    return out;
}

engine::Result<void> save_recording(const Recording& recording, const std::filesystem::path& path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    // Write beside and rename, so a killed run never leaves half a file.
    const auto temporary = path.string() + ".partial";
    {
        std::ofstream out(temporary);
        out << recording_text(recording);
        if (!out) return engine::errno_error("write " + temporary, errno);
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec) return engine::errno_error("rename " + temporary, ec.value());
    return {};
}

std::filesystem::path shipped_recording_path(const std::filesystem::path& assets, const std::string& lesson_id) {
    return assets / "recordings" / (lesson_id + ".json");
}

}  // namespace strata::replay
