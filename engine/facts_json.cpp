#include "engine/facts_json.hpp"

#include <optional>
#include <string>

#include "engine/json_integer.hpp"

namespace strata::engine {

using nlohmann::json;

namespace {

std::string memory_kind_key(MemoryKind kind) {
    switch (kind) {
        case MemoryKind::code: return "code";
        case MemoryKind::page_table: return "page_table";
        case MemoryKind::data: break;
    }
    return "data";
}

std::optional<MemoryKind> memory_kind_from_key(const std::string& key) {
    for (MemoryKind kind : {MemoryKind::data, MemoryKind::code, MemoryKind::page_table})
        if (memory_kind_key(kind) == key) return kind;
    return std::nullopt;
}

}  // namespace

json facts_to_json(const Facts& f) {
    json registers = json::array();
    for (const auto& view : f.registers) {
        json regs = json::array();
        for (const auto& [name, value] : view.registers) regs.push_back({name, value});
        registers.push_back({{"title", view.title}, {"registers", regs}});
    }
    json memory = json::array();
    for (const auto& view : f.memory)
        memory.push_back({{"title", view.title},
                          {"guest_physical", view.guest_physical},
                          {"host_virtual", view.host_virtual},
                          {"bytes", view.bytes},
                          {"kind", memory_kind_key(view.kind)}});
    json tables = json::array();
    for (const auto& t : f.tables)
        tables.push_back({{"title", t.title}, {"columns", t.columns}, {"rows", t.rows}, {"row_marked", t.row_marked}});
    json series = json::array();
    for (const auto& s : f.series) {
        json more = json::array();
        for (const auto& line : s.more) more.push_back({{"name", line.name}, {"points", line.points}});
        series.push_back({{"title", s.title}, {"x_label", s.x_label}, {"y_label", s.y_label}, {"points", s.points},
                          {"name", s.name}, {"more", more}});
    }
    json histograms = json::array();
    for (const auto& h : f.histograms)
        histograms.push_back({{"title", h.title}, {"unit", h.unit}, {"samples", h.samples}});
    json values = json::array();
    for (const auto& [k, v] : f.values) values.push_back({k, v});
    return {{"registers", registers}, {"memory", memory},         {"tables", tables},
            {"series", series},       {"histograms", histograms}, {"values", values}};
}

Result<Facts> facts_from_json(const json& j) {
    // nlohmann's get<>() throws on a type mismatch; a recording is outside
    // input, so catch here and turn it into an Error at the boundary.
    try {
        if (!j.is_object()) return plain_error("facts", "not a JSON object");
        Facts f;
        for (const auto& view : j.at("registers")) {
            RegisterView r{view.at("title").get<std::string>(), {}};
            for (const auto& pair : view.at("registers"))
                r.registers.emplace_back(pair.at(0).get<std::string>(), integer<std::uint64_t>(pair.at(1)));
            f.registers.push_back(std::move(r));
        }
        for (const auto& view : j.at("memory")) {
            // Recordings made before memory views had a kind are data.
            const auto kind = memory_kind_from_key(view.value("kind", std::string("data")));
            if (!kind) return plain_error("facts", "a memory view of an unknown kind");
            f.memory.push_back({view.at("title").get<std::string>(), integer<std::uint64_t>(view.at("guest_physical")),
                                integer<std::uint64_t>(view.at("host_virtual")),
                                integers<std::uint8_t>(view.at("bytes")), *kind});
        }
        for (const auto& t : j.at("tables"))
            f.tables.push_back({t.at("title").get<std::string>(), t.at("columns").get<std::vector<std::string>>(),
                                t.at("rows").get<std::vector<std::vector<std::string>>>(),
                                t.at("row_marked").get<std::vector<bool>>()});
        for (const auto& s : j.at("series")) {
            SeriesView view{s.at("title").get<std::string>(), s.at("x_label").get<std::string>(),
                            s.at("y_label").get<std::string>(),
                            s.at("points").get<std::vector<std::pair<double, double>>>()};
            // Recordings made before series had several lines have neither key.
            view.name = s.value("name", std::string());
            for (const auto& line : s.value("more", json::array()))
                view.more.push_back({line.at("name").get<std::string>(),
                                     line.at("points").get<std::vector<std::pair<double, double>>>()});
            f.series.push_back(std::move(view));
        }
        for (const auto& h : j.value("histograms", json::array()))
            f.histograms.push_back({h.at("title").get<std::string>(), h.at("unit").get<std::string>(),
                                    h.at("samples").get<std::vector<double>>()});
        for (const auto& pair : j.at("values"))
            f.values.emplace_back(pair.at(0).get<std::string>(), pair.at(1).get<std::string>());
        return f;
    } catch (const json::exception& e) {
        return plain_error("facts", std::string("malformed: ") + e.what());
    }
}

}  // namespace strata::engine
