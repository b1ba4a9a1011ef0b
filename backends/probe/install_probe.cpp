// strata's own files: the assets (lesson texts, recordings, the diagram's
// layout) and the container image. A lab machine where the package was
// half installed, or the image never made, says so here instead of failing
// in the middle of a lesson.
#include <filesystem>

#include <fmt/format.h>

#include "backends/linux/rootfs.hpp"
#include "backends/probe/machine_report.hpp"
#include "engine/install_layout.hpp"

namespace strata::probe {

namespace fs = std::filesystem;

void probe_installation(MachineReport& report) {
    const auto assets = engine::asset_dir();
    const bool installed = engine::installation() == engine::Installation::installed;
    std::error_code ec;
    std::string missing;
    for (const char* part : {"lessons", "recordings", "layout/diagram.json"})
        if (!fs::exists(assets / part, ec)) missing += std::string(missing.empty() ? "" : ", ") + part;
    const std::string where = installed ? "installed" : "build tree";
    if (missing.empty())
        report.checks.push_back({"strata.assets", "strata's files", Status::ok,
                                 fmt::format("{} ({}): lesson texts, recordings, diagram layout", assets.string(), where),
                                 ""});
    else
        report.checks.push_back({"strata.assets", "strata's files", Status::missing,
                                 fmt::format("{} ({}) lacks {}", assets.string(), where, missing),
                                 installed ? "reinstall strata (sudo apt install --reinstall strata)"
                                           : "set STRATA_ASSETS to the assets directory of strata's source tree"});

    if (auto rootfs = linux::find_rootfs())
        report.checks.push_back({"strata.rootfs", "container image", Status::ok,
                                 *rootfs + ": busybox, for the container lessons", ""});
    else
        report.checks.push_back({"strata.rootfs", "container image", Status::missing, rootfs.error().describe(),
                                 rootfs.error().hint});
}

}  // namespace strata::probe
