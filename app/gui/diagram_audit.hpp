// What is wrong with a drawn diagram, measured from the geometry the view
// reports (DiagramFrame): wires through boxes or over text, wires on top
// of each other, text cut off by its box, text over other text, badges
// over node names, and the weakest text contrast. `strata screenshot
// --audit` and the tests use the same counts.
#pragma once

#include <string>
#include <vector>

#include "app/gui/diagram_view.hpp"

namespace strata::gui {

struct DiagramAudit {
    int wires_through_boxes = 0;   // wire segments entering a box's inside
    int wires_over_text = 0;       // wire segments crossing any text
    int wires_coinciding = 0;      // pairs of wires running on top of each other
    int text_clipped = 0;          // text reaching outside its box
    int text_overlapping = 0;      // pairs of texts drawn over each other
    int badges_over_names = 0;     // count badges over a node's name
    double lowest_contrast = 21;   // WCAG contrast ratio of the weakest text
    std::vector<std::string> findings;  // one line per problem, for people

    std::string findings_text() const;  // the findings, a line each
};

DiagramAudit audit_diagram(const DiagramFrame& frame);

}  // namespace strata::gui
