// Fuzzes the recording loader (backends/replay/recording.hpp): a recording
// is a file anyone can hand `strata run --recording`, and a shipped one may
// be cut short by an interrupted copy. The lesson it is checked against is
// built from the input itself when the first byte is even (its lesson id and
// step ids), so the fuzzer gets past the "not this lesson" check to the
// steps, facts, events and timing; with an odd byte it is a fixed lesson.
// Beyond "no crash": a refusal explains itself, and an accepted recording
// written again by strata reads back to the same JSON.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "backends/replay/recording.hpp"

namespace {

strata::engine::Lesson lesson_for(const nlohmann::json& j, bool from_input) {
    strata::engine::Lesson lesson;
    lesson.id = "vm/hello-kvm";
    for (const char* id : {"open", "create-vm", "memory", "vcpu", "registers", "run"}) lesson.steps.push_back({id});
    if (!from_input || !j.is_object()) return lesson;
    if (auto it = j.find("lesson"); it != j.end() && it->is_string()) lesson.id = it->get<std::string>();
    if (auto it = j.find("steps"); it != j.end() && it->is_array()) {
        lesson.steps.clear();
        for (const auto& step : *it)
            if (step.is_object() && step.contains("id") && step["id"].is_string())
                lesson.steps.push_back({step["id"].get<std::string>()});
    }
    return lesson;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return 0;  // the loader reports a parse error before it gets here
    const auto lesson = lesson_for(json, (data[0] & 1) == 0);
    auto recording = strata::replay::recording_from_json(json, lesson);
    if (!recording) {
        if (recording.error().message.empty()) std::abort();
        return 0;
    }
    (void)recording->label();
    const auto written = strata::replay::recording_to_json(*recording);
    auto again = strata::replay::recording_from_json(written, lesson);
    if (!again || strata::replay::recording_to_json(*again) != written) std::abort();
    (void)strata::replay::recording_text(*recording);
    return 0;
}
