#include "engine/lesson_outline.hpp"

#include <set>

#include <fmt/format.h>

#include "engine/json_integer.hpp"

namespace strata::engine {

namespace {

constexpr const char* kFormat = "strata-lesson-outline";
constexpr Requirement kRequirements[] = {Requirement::kvm, Requirement::userns, Requirement::root,
                                         Requirement::cgroup_writable, Requirement::guest_kernel};

std::optional<Requirement> requirement_from_key(std::string_view key) {
    for (auto r : kRequirements)
        if (requirement_key(r) == key) return r;
    return std::nullopt;
}

nlohmann::json step_outline(const Step& step) {
    nlohmann::json layers = nlohmann::json::array();
    for (auto layer : step.expected_layers) layers.push_back(std::string(layer_key(layer)));
    return {{"id", step.id}, {"title", step.title}, {"layers", layers}};
}

nlohmann::json lesson_outline(const Lesson& lesson) {
    nlohmann::json requirements = nlohmann::json::array(), options = nlohmann::json::array(),
                   steps = nlohmann::json::array();
    for (auto r : lesson.requirements) requirements.push_back(std::string(requirement_key(r)));
    for (const auto& o : lesson.options)
        options.push_back({{"key", o.key}, {"description", o.description}, {"choices", o.choices},
                           {"default", o.choices.empty() ? o.default_value : o.choices.front()}});
    for (const auto& s : lesson.steps) steps.push_back(step_outline(s));
    return {{"id", lesson.id},           {"title", lesson.title}, {"track", lesson.track},
            {"summary", lesson.summary}, {"requirements", requirements}, {"options", options},
            {"steps", steps}};
}

// Reading an outline stops at the first problem, saying where it is.
std::unexpected<Error> fail(const std::string& where, const std::string& what) {
    return plain_error("read the lesson outline", where.empty() ? what : where + ": " + what,
                       "make it again with `strata list --outline` from the same strata");
}

Result<std::string> text(const nlohmann::json& object, const char* key, const std::string& where) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string())
        return fail(where, fmt::format("\"{}\" is missing or not text", key));
    return object[key].get<std::string>();
}

Result<std::vector<std::string>> texts(const nlohmann::json& object, const char* key, const std::string& where) {
    if (!object.contains(key) || !object[key].is_array()) return fail(where, fmt::format("\"{}\" is not a list", key));
    std::vector<std::string> out;
    for (const auto& v : object[key]) {
        if (!v.is_string()) return fail(where, fmt::format("\"{}\" holds something that is not text", key));
        out.push_back(v.get<std::string>());
    }
    return out;
}

Result<LessonOption> read_option(const nlohmann::json& o, const std::string& where) {
    LessonOption option;
    auto key = text(o, "key", where + ": an option");
    if (!key) return std::unexpected(key.error());
    option.key = *key;
    const std::string at = where + ": option " + option.key;
    auto description = text(o, "description", at);
    auto default_value = text(o, "default", at);
    auto choices = texts(o, "choices", at);
    if (!description) return std::unexpected(description.error());
    if (!default_value) return std::unexpected(default_value.error());
    if (!choices) return std::unexpected(choices.error());
    option.description = *description;
    option.choices = *choices;
    option.default_value = *default_value;
    if (!option.choices.empty() && option.choices.front() != option.default_value)
        return fail(at, "its default is not its first choice");
    // No `validate`: the live lesson checks free-form values; here only a
    // recording made with the value can play it (choose_playable refuses
    // the rest).
    return option;
}

Result<Step> read_step(const nlohmann::json& s, const std::string& where) {
    Step step;
    auto id = text(s, "id", where + ": a step");
    if (!id) return std::unexpected(id.error());
    step.id = *id;
    const std::string at = where + ": step " + step.id;
    auto title = text(s, "title", at);
    if (!title) return std::unexpected(title.error());
    step.title = *title;
    auto layers = texts(s, "layers", at);
    if (!layers) return std::unexpected(layers.error());
    for (const auto& key : *layers) {
        const auto layer = layer_from_key(key);
        if (!layer) return fail(at, fmt::format("unknown layer \"{}\"", key));
        step.expected_layers.push_back(*layer);
    }
    step.action = [lesson = where](Context&) -> Result<StepOutcome> {
        return plain_error(lesson, "this lesson comes from its outline, without its code: it can only be replayed",
                           "run it live with the desktop strata on Linux with KVM");
    };
    return step;
}

Result<Lesson> read_lesson(const nlohmann::json& entry) {
    Lesson lesson;
    auto id = text(entry, "id", "a lesson");
    if (!id) return std::unexpected(id.error());
    lesson.id = *id;
    const std::string& where = lesson.id;
    for (auto [key, field] : {std::pair{"title", &lesson.title}, std::pair{"track", &lesson.track},
                              std::pair{"summary", &lesson.summary}}) {
        auto value = text(entry, key, where);
        if (!value) return std::unexpected(value.error());
        *field = *value;
    }
    auto requirements = texts(entry, "requirements", where);
    if (!requirements) return std::unexpected(requirements.error());
    for (const auto& key : *requirements) {
        const auto r = requirement_from_key(key);
        if (!r) return fail(where, fmt::format("unknown requirement \"{}\"", key));
        lesson.requirements.push_back(*r);
    }
    if (!entry.contains("options") || !entry["options"].is_array()) return fail(where, "\"options\" is not a list");
    for (const auto& o : entry["options"]) {
        auto option = read_option(o, where);
        if (!option) return std::unexpected(option.error());
        lesson.options.push_back(std::move(*option));
    }
    if (!entry.contains("steps") || !entry["steps"].is_array() || entry["steps"].empty())
        return fail(where, "\"steps\" is not a list of at least one step");
    std::set<std::string> step_ids;
    for (const auto& s : entry["steps"]) {
        auto step = read_step(s, where);
        if (!step) return std::unexpected(step.error());
        if (!step_ids.insert(step->id).second) return fail(where, fmt::format("step \"{}\" is listed twice", step->id));
        lesson.steps.push_back(std::move(*step));
    }
    lesson.make_state = [](const LessonOptions&) { return std::make_unique<LessonState>(); };
    return lesson;
}

}  // namespace

nlohmann::json lessons_to_outline(std::span<const Lesson> lessons) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& lesson : lessons) list.push_back(lesson_outline(lesson));
    return {{"format", kFormat}, {"version", kLessonOutlineVersion}, {"lessons", list}};
}

Result<std::vector<Lesson>> lessons_from_outline(const nlohmann::json& outline) {
    if (!outline.is_object() || outline.value("format", "") != kFormat)
        return fail("", fmt::format("not a lesson outline (its \"format\" is not \"{}\")", kFormat));
    if (!outline.contains("version") || !fits_integer<int>(outline["version"]))
        return fail("", "\"version\" is missing or not an integer");
    if (const int version = outline["version"].get<int>(); version != kLessonOutlineVersion)
        return fail("", fmt::format("version {} (this strata reads version {}{})", version, kLessonOutlineVersion,
                                    version > kLessonOutlineVersion ? ": it comes from a newer strata" : ""));
    if (!outline.contains("lessons") || !outline["lessons"].is_array()) return fail("", "\"lessons\" is not a list");
    std::vector<Lesson> lessons;
    std::set<std::string> ids;
    for (const auto& entry : outline["lessons"]) {
        auto lesson = read_lesson(entry);
        if (!lesson) return std::unexpected(lesson.error());
        if (!ids.insert(lesson->id).second) return fail(lesson->id, "the lesson is listed twice");
        lessons.push_back(std::move(*lesson));
    }
    return lessons;
}

}  // namespace strata::engine
