// Conditions on a recorded run, and ${...} placeholders filled from it.
#include <fnmatch.h>

#include <cstdlib>

#include <fmt/format.h>

#include "engine/exercise_check.hpp"

namespace strata::engine {

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

bool glob(const std::string& pattern, const std::string& text) {
    return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

// The events a selector looks at: its own step if it names one, else the
// evidence's scope.
std::vector<const TraceEvent*> events_in_scope(const Evidence& evidence, const std::string& step) {
    std::vector<const TraceEvent*> out;
    const int only = step.empty() ? evidence.scope_step : step_index(evidence.snapshot, step);
    if (!step.empty() && only < 0) return out;
    for (const auto& e : evidence.snapshot.events)
        if (only < 0 || e.step == only) out.push_back(&e);
    return out;
}

bool kind_matches(const EventSelector& s, const TraceEvent& e) { return !s.kind || e.kind == *s.kind; }

bool selector_matches(const EventSelector& s, const TraceEvent& e, const Evidence& evidence) {
    if (!kind_matches(s, e)) return false;
    if (!s.name.empty() && !glob(interpolate(s.name, evidence), e.name)) return false;
    for (const auto& [name, pattern] : s.args) {
        bool found = false;
        for (const auto& arg : e.args) found = found || (arg.name == name && glob(interpolate(pattern, evidence), arg.value));
        if (!found) return false;
    }
    if (s.error) {
        if (*s.error == "none" && e.error != 0) return false;
        if (*s.error == "any" && e.error == 0) return false;
        if (*s.error != "none" && *s.error != "any" && errno_name(e.error) != *s.error) return false;
    }
    return true;
}

const std::string* fact_value(const Snapshot& snapshot, const std::string& key) {
    for (const auto& [k, v] : snapshot.facts.values)
        if (k == key) return &v;
    return nullptr;
}

// "32 MiB" -> 32, "8 of 8" -> 8, "-3" -> -3; nullopt when there is no number.
std::optional<double> first_number(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool digit = text[i] >= '0' && text[i] <= '9';
        const bool minus = text[i] == '-' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9';
        if (digit || minus) return std::strtod(text.c_str() + i, nullptr);
    }
    return std::nullopt;
}

bool numbers_hold(const Condition& c, double value) {
    if (c.at_least && value < *c.at_least) return false;
    if (c.at_most && value > *c.at_most) return false;
    return true;
}

bool text_holds(const Condition& c, const std::string& raw, const Evidence& evidence) {
    const std::string value = trim(raw);
    if (c.equals && value != trim(interpolate(*c.equals, evidence))) return false;
    if (c.not_equals && value == trim(interpolate(*c.not_equals, evidence))) return false;
    if (c.matches && !glob(interpolate(*c.matches, evidence), value)) return false;
    if (c.contains && value.find(interpolate(*c.contains, evidence)) == std::string::npos) return false;
    if (c.at_least || c.at_most) {
        const auto number = first_number(value);
        if (!number || !numbers_hold(c, *number)) return false;
    }
    return true;
}

bool status_is(const std::string& wanted, StepStatus status) {
    if (wanted == "ran") return status == StepStatus::done || status == StepStatus::failed || status == StepStatus::cancelled;
    return step_status_key(status) == wanted;
}

const TraceEvent* positioned(const EventSelector& s, EventPosition position, const std::vector<const TraceEvent*>& events) {
    const TraceEvent* found = nullptr;
    for (const TraceEvent* e : events) {
        if (!kind_matches(s, *e)) continue;
        found = e;
        if (position == EventPosition::first) break;
    }
    return found;
}

constexpr std::string_view kNotRecorded = "(not recorded)";

// The value of one placeholder; nullopt when the name is not understood.
std::optional<std::string> placeholder(std::string_view name, const Evidence& evidence) {
    const auto colon = name.find(':');
    const std::string_view head = name.substr(0, colon);
    const std::string arg = colon == std::string_view::npos ? "" : std::string(name.substr(colon + 1));
    if (colon == std::string_view::npos) {
        if (name == "failed") {
            for (const TraceEvent* e : events_in_scope(evidence, ""))
                if (e->failed()) return fmt::format("{} → {}", e->name, errno_name(e->error));
            return std::string(kNotRecorded);
        }
        if (name == "console") {
            // What the guest or container printed, trimmed to a line's worth.
            std::string text = trim(evidence.snapshot.console);
            if (text.size() > 200) text = "…" + text.substr(text.size() - 200);
            return text;
        }
        if (auto it = evidence.bindings.find(std::string(name)); it != evidence.bindings.end()) return it->second;
        if (name == "student" || name == "answer") return std::string(kNotRecorded);
        return std::nullopt;
    }
    if (head == "fact") {
        const std::string* value = fact_value(evidence.snapshot, arg);
        if (!value) return std::string(kNotRecorded);
        // A multi-line fact reads as one line inside a sentence.
        std::string text = trim(*value);
        for (std::size_t at; (at = text.find('\n')) != std::string::npos;) text.replace(at, 1, "; ");
        return text;
    }
    if (head == "first" || head == "last" || head == "count") {
        EventSelector s;
        EventKind kind;
        if (!event_kind_from_key(arg, kind)) return std::nullopt;
        s.kind = kind;
        const auto events = events_in_scope(evidence, "");
        if (head == "count") {
            std::size_t n = 0;
            for (const TraceEvent* e : events) n += e->kind == kind;
            return std::to_string(n);
        }
        const TraceEvent* e = positioned(s, head == "first" ? EventPosition::first : EventPosition::last, events);
        return e ? e->name : std::string(kNotRecorded);
    }
    return std::nullopt;
}

// Calls `each(name, begin, end)` for every ${name} in text.
template <class F>
void for_each_placeholder(std::string_view text, F each) {
    std::size_t pos = 0;
    while ((pos = text.find("${", pos)) != std::string_view::npos) {
        const auto close = text.find('}', pos + 2);
        if (close == std::string_view::npos) return;
        each(text.substr(pos + 2, close - pos - 2), pos, close + 1);
        pos = close + 1;
    }
}

}  // namespace

int step_index(const Snapshot& snapshot, std::string_view step_id) {
    if (!snapshot.lesson) return -1;
    for (std::size_t i = 0; i < snapshot.lesson->steps.size(); ++i)
        if (snapshot.lesson->steps[i].id == step_id) return static_cast<int>(i);
    return -1;
}

std::string interpolate(std::string_view text, const Evidence& evidence) {
    std::string out;
    std::size_t copied = 0;
    for_each_placeholder(text, [&](std::string_view name, std::size_t begin, std::size_t end) {
        auto value = placeholder(name, evidence);
        if (!value) return;  // left as written; validation reports it
        out.append(text.substr(copied, begin - copied));
        out.append(*value);
        copied = end;
    });
    out.append(text.substr(copied));
    return out;
}

std::string interpolate_without_run(std::string_view text, const Bindings& bindings) {
    std::string out;
    std::size_t copied = 0;
    for_each_placeholder(text, [&](std::string_view name, std::size_t begin, std::size_t end) {
        const auto colon = name.find(':');
        const std::string_view head = name.substr(0, colon);
        const std::string arg = colon == std::string_view::npos ? "" : std::string(name.substr(colon + 1));
        std::string value;
        if (auto it = bindings.find(std::string(name)); it != bindings.end()) value = it->second;
        else if (name == "student") value = "(your name)";
        else if (name == "answer") value = "(your answer)";
        else if (name == "failed") value = "(the first failed call a run records)";
        else if (name == "console") value = "(what the run prints)";
        else if (head == "fact") value = fmt::format("(the \"{}\" a run records)", arg);
        else if (head == "count") value = fmt::format("(the number of {} events a run records)", arg);
        else if (head == "first" || head == "last") value = fmt::format("(the {} {} a run records)", head, arg);
        else return;  // not a placeholder: left as written, as interpolate() does
        out.append(text.substr(copied, begin - copied));
        out.append(value);
        copied = end;
    });
    out.append(text.substr(copied));
    return out;
}

std::vector<std::string> unknown_placeholders(std::string_view text) {
    static const Snapshot empty;
    const Evidence evidence{empty, -1, {}};
    std::vector<std::string> out;
    for_each_placeholder(text, [&](std::string_view name, std::size_t, std::size_t) {
        if (!placeholder(name, evidence)) out.emplace_back(name);
    });
    return out;
}

bool holds(const Condition& c, const Evidence& evidence) {
    switch (c.kind) {
        case Condition::Kind::all:
            for (const auto& child : c.children)
                if (!holds(child, evidence)) return false;
            return true;
        case Condition::Kind::any:
            for (const auto& child : c.children)
                if (holds(child, evidence)) return true;
            return false;
        case Condition::Kind::negate: return c.children.size() == 1 && !holds(c.children.front(), evidence);
        case Condition::Kind::event: {
            const auto events = events_in_scope(evidence, c.event.step);
            if (c.position != EventPosition::any) {
                const TraceEvent* e = positioned(c.event, c.position, events);
                return e && selector_matches(c.event, *e, evidence);
            }
            for (const TraceEvent* e : events)
                if (selector_matches(c.event, *e, evidence)) return true;
            return false;
        }
        case Condition::Kind::count: {
            std::size_t n = 0;
            for (const TraceEvent* e : events_in_scope(evidence, c.event.step)) n += selector_matches(c.event, *e, evidence);
            return numbers_hold(c, static_cast<double>(n));
        }
        case Condition::Kind::fact: {
            const std::string* value = fact_value(evidence.snapshot, c.key);
            return value && text_holds(c, *value, evidence);
        }
        case Condition::Kind::console: return text_holds(c, evidence.snapshot.console, evidence);
        case Condition::Kind::step: {
            const int index = step_index(evidence.snapshot, c.key);
            if (index < 0 || index >= static_cast<int>(evidence.snapshot.steps.size())) return false;
            return status_is(c.status, evidence.snapshot.steps[static_cast<std::size_t>(index)].status);
        }
    }
    return false;
}

}  // namespace strata::engine
