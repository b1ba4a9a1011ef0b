#include "engine/trace_json.hpp"

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

json to_chrome_trace(const std::vector<TraceEvent>& events, const std::string& lesson_id) {
    json list = json::array();
    for (const auto& e : events) {
        json args = json::object();
        for (const auto& a : e.args) args[a.name] = a.value;
        args["result"] = e.result;
        if (e.error) args["errno"] = errno_name(e.error);
        std::string layers;
        for (LayerId l : e.layers) layers += (layers.empty() ? "" : " -> ") + std::string(layer_key(l));
        args["layers"] = layers;
        // One track per step so Perfetto groups a step's calls together.
        list.push_back({{"name", e.name},
                        {"cat", std::string(event_kind_key(e.kind))},
                        {"ph", "X"},
                        {"ts", static_cast<double>(e.start.count()) / 1000.0},
                        {"dur", static_cast<double>(e.duration.count()) / 1000.0},
                        {"pid", 1},
                        {"tid", e.step + 1},
                        {"args", std::move(args)}});
    }
    return {{"traceEvents", std::move(list)}, {"displayTimeUnit", "ns"}, {"otherData", {{"lesson", lesson_id}}}};
}

}  // namespace strata::engine
