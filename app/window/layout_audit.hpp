// `strata screenshot --audit`: every lesson, step by step, drawn in real
// windows at several sizes, in normal and demo mode and in each theme,
// and for each picture the text problems measured from ImGui's draw data
// (draw_audit) and the diagram's own geometry (diagram_audit), as JSON.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace strata::gui {

struct LayoutAuditOptions {
    std::string platform = "glfw";
    std::vector<std::string> lessons;            // empty: every lesson
    std::vector<std::pair<int, int>> sizes;      // window sizes
    std::vector<bool> demo_modes;                // false: normal, true: demo
    std::vector<std::string> themes;
    bool last_step_only = false;                 // each lesson's last step only (the CTest)
    bool fail_on_diagram = false;                // exit 1 when the diagram has a problem
    bool fail_on_panels = false;                 // exit 1 when the panels' text has one
};

// Prints the JSON report to `out`; returns the exit code.
int run_layout_audit(const LayoutAuditOptions& options, std::FILE* out);

}  // namespace strata::gui
