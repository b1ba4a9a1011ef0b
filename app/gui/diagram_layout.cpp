#include "app/gui/diagram_layout.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/narrative.hpp"

namespace strata::gui {

namespace {

using engine::plain_error;

std::optional<engine::Stratum> stratum_from_key(const std::string& key) {
    if (key == "guest") return engine::Stratum::guest;
    if (key == "host-user") return engine::Stratum::host_user;
    if (key == "host-kernel") return engine::Stratum::host_kernel;
    if (key == "hardware") return engine::Stratum::hardware;
    return std::nullopt;
}

float positive(const nlohmann::json& j, const char* key, bool& ok) {
    if (!j.contains(key) || !j[key].is_number()) {
        ok = false;
        return 0;
    }
    return j[key].get<float>();
}

}  // namespace

const DiagramNode* DiagramLayout::node(engine::LayerId layer) const {
    for (const auto& n : nodes)
        if (n.layer == layer) return &n;
    return nullptr;
}

engine::Result<DiagramLayout> parse_diagram_layout(const std::string& json_text) {
    const auto j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return plain_error("diagram layout", "not a JSON object");
    DiagramLayout layout;
    bool ok = true;
    if (!j.contains("canvas")) return plain_error("diagram layout", "missing \"canvas\"");
    layout.width = positive(j["canvas"], "width", ok);
    layout.height = positive(j["canvas"], "height", ok);
    if (!ok || layout.width <= 0 || layout.height <= 0)
        return plain_error("diagram layout", "\"canvas\" needs a positive width and height");

    for (const auto& b : j.value("bands", nlohmann::json::array())) {
        auto stratum = stratum_from_key(b.value("stratum", ""));
        if (!stratum) return plain_error("diagram layout", "band with unknown stratum " + b.dump());
        DiagramBand band{*stratum, b.value("title", ""), positive(b, "y", ok), positive(b, "height", ok)};
        if (!ok || band.height <= 0) return plain_error("diagram layout", "band needs y and a positive height: " + b.dump());
        layout.bands.push_back(band);
    }
    for (const auto& n : j.value("nodes", nlohmann::json::array())) {
        const std::string key = n.value("layer", "");
        auto layer = engine::layer_from_key(key);
        if (!layer) return plain_error("diagram layout", "node names unknown layer \"" + key + "\"");
        if (layout.node(*layer)) return plain_error("diagram layout", "layer \"" + key + "\" has two nodes");
        CanvasRect r{positive(n, "x", ok), positive(n, "y", ok), positive(n, "width", ok), positive(n, "height", ok)};
        if (!ok || r.width <= 0 || r.height <= 0)
            return plain_error("diagram layout", "node \"" + key + "\" needs x, y and a positive size");
        layout.nodes.push_back({*layer, r});
    }
    for (const auto& lane : j.value("lanes", nlohmann::json::array())) {
        CanvasRect r{positive(lane, "x", ok), positive(lane, "y", ok), positive(lane, "width", ok),
                     positive(lane, "height", ok)};
        const std::string title = lane.value("title", "");
        if (!ok || title.empty() || r.width <= 0 || r.height <= 0 || r.x < 0 || r.y < 0 ||
            r.x + r.width > layout.width || r.y + r.height > layout.height)
            return plain_error("diagram layout", "lane needs a title and a caption box inside the canvas: " + lane.dump());
        layout.lanes.push_back({title, r});
    }
    for (const char* key : {"legend", "caption"}) {
        if (!j.contains(key)) continue;
        const auto& box = j[key];
        CanvasRect r{positive(box, "x", ok), positive(box, "y", ok), positive(box, "width", ok), positive(box, "height", ok)};
        if (!ok || r.width <= 0 || r.height <= 0 || r.x < 0 || r.y < 0 || r.x + r.width > layout.width ||
            r.y + r.height > layout.height)
            return plain_error("diagram layout", std::string("\"") + key + "\" needs a box inside the canvas: " + box.dump());
        (std::string(key) == "legend" ? layout.legend : layout.caption) = r;
    }
    // Every recorded layer must have somewhere to light up.
    for (const auto& info : engine::all_layers())
        if (!layout.node(info.id))
            return plain_error("diagram layout", "no node for layer \"" + std::string(info.key) + "\"");
    return layout;
}

engine::Result<DiagramLayout> load_diagram_layout(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return engine::errno_error("open " + file.string(), errno, "cannot read the diagram layout");
    std::stringstream text;
    text << in.rdbuf();
    auto layout = parse_diagram_layout(text.str());
    if (!layout) return std::unexpected(layout.error().with_context(file.string()));
    return layout;
}

std::filesystem::path default_diagram_layout_path() { return engine::asset_dir() / "layout" / "diagram.json"; }

}  // namespace strata::gui
