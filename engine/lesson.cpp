#include "engine/lesson.hpp"

namespace strata::engine {

std::string_view requirement_key(Requirement r) {
    switch (r) {
        case Requirement::kvm: return "kvm";
        case Requirement::userns: return "userns";
        case Requirement::root: return "root";
        case Requirement::cgroup_writable: return "cgroup-writable";
        case Requirement::guest_kernel: return "guest-kernel";
    }
    return "";
}

Result<LessonOptions> Lesson::resolve_options(const LessonOptions& given) const {
    LessonOptions resolved;
    for (const auto& option : options)
        resolved[option.key] = option.choices.empty() ? option.default_value : option.choices.front();
    for (const auto& [key, value] : given) {
        const LessonOption* known = nullptr;
        for (const auto& option : options)
            if (option.key == key) known = &option;
        if (!known) {
            std::string keys;
            for (const auto& option : options) keys += (keys.empty() ? "" : ", ") + option.key;
            return plain_error(id, "unknown option '" + key + "'",
                               keys.empty() ? "this lesson has no options" : "its options are: " + keys);
        }
        bool allowed = known->choices.empty();
        for (const auto& choice : known->choices) allowed = allowed || choice == value;
        if (known->choices.empty() && known->validate)
            if (auto why = known->validate(value))
                return plain_error(id, "option " + key + " cannot be '" + value + "'", *why);
        if (!allowed) {
            std::string values;
            for (const auto& choice : known->choices) values += (values.empty() ? "" : ", ") + choice;
            return plain_error(id, "option " + key + " cannot be '" + value + "'", "choose one of: " + values);
        }
        resolved[key] = value;
    }
    return resolved;
}

Context::Context(Recorder& recorder, Facts& facts, std::string& console,
                 const std::atomic<bool>& cancelled)
    : recorder_(recorder), facts_(facts), console_(console), cancelled_(cancelled) {}

void Context::console_write(std::string_view bytes) {
    std::lock_guard lock(console_mutex_);
    console_.append(bytes);
}

std::string Context::console_text() const {
    std::lock_guard lock(console_mutex_);
    return console_;
}

void Context::set_canceller(std::function<void()> cancel) {
    std::lock_guard lock(canceller_mutex_);
    canceller_ = std::move(cancel);
    // A cancel that came just before (a signal between the step's start and
    // here) found no canceller: honour it now, or the run would go on.
    if (canceller_ && cancelled_) canceller_();
}

void Context::run_canceller() {
    std::lock_guard lock(canceller_mutex_);
    if (canceller_) canceller_();
}

}  // namespace strata::engine
