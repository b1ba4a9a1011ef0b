// Where the layer diagram's bands and nodes sit: data loaded from
// assets/layout/diagram.json, in canvas units. Draw code only scales it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/layers.hpp"

namespace strata::gui {

struct CanvasRect {
    float x = 0, y = 0, width = 0, height = 0;
    float center_x() const { return x + width / 2; }
    float center_y() const { return y + height / 2; }
};

struct DiagramBand {
    engine::Stratum stratum;
    std::string title;
    float y = 0, height = 0;
};

struct DiagramNode {
    engine::LayerId layer;
    CanvasRect rect;
};

// The diagram has two sides, the VM's on the left and the container's on
// the right; a lane's caption says which is which, where it says it.
struct DiagramLane {
    std::string title;
    CanvasRect caption;
};

struct DiagramLayout {
    float width = 0, height = 0;
    std::vector<DiagramBand> bands;
    std::vector<DiagramNode> nodes;
    std::vector<DiagramLane> lanes;  // optional
    // Boxes of free space for text that is not a node's: what the count
    // badges count (the legend), and the event in flight during the
    // animation (the caption). Optional; no box, no text.
    std::optional<CanvasRect> legend, caption;

    const DiagramNode* node(engine::LayerId layer) const;
};

// Parses and validates: every node names a known layer, every layer has
// exactly one node, sizes are positive, and lane captions lie inside the
// canvas. Errors name the bad entry.
engine::Result<DiagramLayout> parse_diagram_layout(const std::string& json_text);
engine::Result<DiagramLayout> load_diagram_layout(const std::filesystem::path& file);
// assets/layout/diagram.json under engine::asset_dir().
std::filesystem::path default_diagram_layout_path();

}  // namespace strata::gui
