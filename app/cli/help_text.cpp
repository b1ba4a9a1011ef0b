#include "app/cli/help_text.hpp"

#include <fmt/format.h>

#include "engine/install_layout.hpp"

namespace strata::cli {

HelpPaths installed_help_paths(const std::filesystem::path& prefix) {
    const auto p = engine::installed_paths(prefix);
    return {p.assets, p.rootfs, p.helpers};
}

HelpPaths running_help_paths() {
    return {engine::asset_dir(), engine::rootfs_dir(), engine::helper_program("strata-raw-vm-hello").parent_path()};
}

std::vector<HelpSection> help_sections(const HelpPaths& paths, bool with_files) {
    std::vector<HelpSection> sections = {
        {"Without a command",
         {{"strata", "opens the window when a display is present, otherwise a guided tour of the first lesson in "
                     "the terminal"}}},
        {"Exit status",
         {{"0", "success"},
          {"1", "a lesson step failed, or a recording could not be read"},
          {"2", "usage error (a recording made with other options than those given, too); an unknown command "
                "or lesson id gets the closest ones suggested"},
          {"3", "this machine lacks what the lesson needs, or an option needs a live run no shipped recording "
                "shows; `strata doctor` says what, and how to fix it"},
          {"128+N", "stopped by signal N (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP, 141 a closed output pipe) after removing everything the run "
                    "made; a SIGKILLed strata's leftovers are removed by the next strata command"}}},
        {"Environment",
         {{"STRATA_ASSETS",
           fmt::format("lesson texts, recordings and the diagram layout (default {})", paths.assets.string())},
          {"STRATA_ROOTFS",
           fmt::format("the container image, a directory holding bin/busybox (default {})", paths.rootfs.string())},
          {"STRATA_FONT_DIR", "the window's fonts (default /usr/share/fonts/truetype/dejavu)"},
          {"XDG_CONFIG_HOME", "the window's settings are kept in $XDG_CONFIG_HOME/strata (default ~/.config/strata)"}}},
    };
    if (with_files)
        sections.push_back(
            {"Files",
             {{paths.assets.string(), "lesson texts (lessons/), recordings of real runs (recordings/), diagram layout"},
              {paths.rootfs.string(), "the container image: busybox, made from busybox-static when strata is installed"},
              {paths.helpers.string(), "helper programs: the benchmarks' raw floors, make-rootfs"}}});
    return sections;
}

std::string help_footer(const std::vector<HelpSection>& sections) {
    std::string out;
    for (const auto& s : sections) {
        out += "\n" + s.title + ":\n";
        for (const auto& [term, text] : s.items) {
            // Long terms (paths) get their explanation on the next line.
            if (term.size() > 18) out += fmt::format("  {}\n  {:<18} {}\n", term, "", text);
            else out += fmt::format("  {:<18} {}\n", term, text);
        }
    }
    return out;
}

}  // namespace strata::cli
