#include "engine/trace_json.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include <fmt/format.h>

namespace strata::engine {

using nlohmann::json;

json event_to_json(const TraceEvent& e) {
    json layers = json::array();
    for (LayerId l : e.layers) layers.push_back(std::string(layer_key(l)));
    json args = json::object();
    for (const auto& a : e.args) args[a.name] = a.value;
    json out = {
        {"seq", e.sequence},
        {"start_ns", e.start.count()},
        {"duration_ns", e.duration.count()},
        {"kind", std::string(event_kind_key(e.kind))},
        {"name", e.name},
        {"args", std::move(args)},
        {"result", e.result},
        {"layers", std::move(layers)},
        {"step", e.step},
    };
    if (e.error != 0) {
        out["errno"] = e.error;
        out["errno_name"] = errno_name(e.error);
    }
    if (!e.detail.empty()) out["detail"] = e.detail;
    if (e.replayed) out["replayed"] = true;
    return out;
}

Result<TraceEvent> event_from_json(const json& j) {
    auto bad = [](const std::string& field) {
        return plain_error("trace event", "field '" + field + "' is missing or has the wrong type");
    };
    if (!j.is_object()) return plain_error("trace event", "not a JSON object");
    TraceEvent e;
    auto need = [&](const char* field, json::value_t type) {
        auto it = j.find(field);
        if (it == j.end()) return false;
        if (type == json::value_t::number_integer) return it->is_number_integer();
        return it->type() == type;
    };
    if (!need("seq", json::value_t::number_integer)) return bad("seq");
    if (!need("start_ns", json::value_t::number_integer)) return bad("start_ns");
    if (!need("duration_ns", json::value_t::number_integer)) return bad("duration_ns");
    if (!need("kind", json::value_t::string)) return bad("kind");
    if (!need("name", json::value_t::string)) return bad("name");
    if (!need("layers", json::value_t::array)) return bad("layers");
    e.sequence = j["seq"].get<std::uint64_t>();
    e.start = std::chrono::nanoseconds(j["start_ns"].get<std::int64_t>());
    e.duration = std::chrono::nanoseconds(j["duration_ns"].get<std::int64_t>());
    if (!event_kind_from_key(j["kind"].get<std::string>(), e.kind)) return bad("kind");
    e.name = j["name"].get<std::string>();
    for (const auto& l : j["layers"]) {
        if (!l.is_string()) return bad("layers");
        auto id = layer_from_key(l.get<std::string>());
        if (!id) return plain_error("trace event", "unknown layer id '" + l.get<std::string>() + "'");
        e.layers.push_back(*id);
    }
    if (auto it = j.find("args"); it != j.end()) {
        if (!it->is_object()) return bad("args");
        for (const auto& [name, value] : it->items()) {
            if (!value.is_string()) return bad("args." + name);
            e.args.push_back({name, value.get<std::string>()});
        }
    }
    if (auto it = j.find("result"); it != j.end()) {
        if (!it->is_number_integer()) return bad("result");
        e.result = it->get<std::int64_t>();
    }
    if (auto it = j.find("errno"); it != j.end()) {
        if (!it->is_number_integer()) return bad("errno");
        e.error = it->get<int>();
    }
    if (auto it = j.find("step"); it != j.end()) {
        if (!it->is_number_integer()) return bad("step");
        e.step = it->get<int>();
    }
    if (auto it = j.find("detail"); it != j.end()) {
        if (!it->is_string()) return bad("detail");
        e.detail = it->get<std::string>();
    }
    if (auto it = j.find("replayed"); it != j.end()) e.replayed = it->is_boolean() && it->get<bool>();
    return e;
}

namespace {

double micros(std::chrono::nanoseconds t) { return static_cast<double>(t.count()) / 1000.0; }

std::string step_label(const Lesson& lesson, int step) {
    if (step < 0 || step >= static_cast<int>(lesson.steps.size())) return "outside the steps";
    return fmt::format("step {}: {}", step + 1, lesson.steps[static_cast<std::size_t>(step)].title);
}

// What an event's result is, by kind: a viewer shows "result: 1350"
// otherwise, which says nothing.
void label_result(const TraceEvent& e, json& args) {
    if (e.error) {
        args["errno"] = fmt::format("{} ({})", errno_name(e.error), std::strerror(e.error));
        args["returned"] = e.result;
        return;
    }
    switch (e.kind) {
        case EventKind::syscall:
        case EventKind::ioctl:
        case EventKind::vm_entry:
        case EventKind::file_read: args["returned"] = e.result; break;
        case EventKind::exits_in_kvm: args["VM exits kept in KVM (count)"] = e.result; break;
        case EventKind::process: args["status or pid"] = e.result; break;
        default:
            if (e.result != 0) args["value"] = e.result;
    }
}

}  // namespace

json to_chrome_trace(const EventLogView& events, const Lesson& lesson) {
    constexpr int pid = 1;
    json list = json::array();
    // Metadata: the process is the lesson, each thread (track) a step.
    list.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", pid}, {"tid", 0},
                    {"args", {{"name", lesson.id + " — " + lesson.title}}}});
    std::map<int, std::pair<std::chrono::nanoseconds, std::chrono::nanoseconds>> step_extent;
    for (const auto& e : events) {
        auto [it, fresh] = step_extent.try_emplace(e.step, e.start, e.start + e.duration);
        if (!fresh) {
            it->second.first = std::min(it->second.first, e.start);
            it->second.second = std::max(it->second.second, e.start + e.duration);
        }
    }
    for (const auto& [step, extent] : step_extent) {
        const int tid = step + 1;
        list.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", pid}, {"tid", tid},
                        {"args", {{"name", step_label(lesson, step)}}}});
        list.push_back({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", pid}, {"tid", tid},
                        {"args", {{"sort_index", tid}}}});
        // One span enclosing the step's calls, so a viewer nests them under it.
        list.push_back({{"name", step_label(lesson, step)}, {"cat", "step"}, {"ph", "X"},
                        {"ts", micros(extent.first)}, {"dur", micros(extent.second - extent.first)},
                        {"pid", pid}, {"tid", tid}, {"args", json::object()}});
    }
    for (const auto& e : events) {
        json args = json::object();
        for (const auto& a : e.args) args[a.name] = a.value;
        if (!e.detail.empty()) args["detail"] = e.detail;
        label_result(e, args);
        std::string layers;
        for (LayerId l : e.layers) layers += (layers.empty() ? "" : " -> ") + std::string(layer_key(l));
        args["layers"] = layers;
        if (e.replayed) args["replayed"] = true;
        json event = {{"name", e.name},
                      {"cat", std::string(event_kind_key(e.kind))},
                      {"ts", micros(e.start)},
                      {"pid", pid},
                      {"tid", e.step + 1},
                      {"args", std::move(args)}};
        // Zero-length events are instants: a 0 µs slice is invisible.
        if (e.duration.count() > 0) {
            event["ph"] = "X";
            event["dur"] = micros(e.duration);
        } else {
            event["ph"] = "i";
            event["s"] = "t";
        }
        list.push_back(std::move(event));
    }
    return {{"traceEvents", std::move(list)}, {"displayTimeUnit", "ns"}, {"otherData", {{"lesson", lesson.id}}}};
}

}  // namespace strata::engine
