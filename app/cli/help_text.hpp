// What `strata --help` says after the options, and the manual page's
// extra sections: written once here and shown by both, so the man page is
// generated from the command line (app/cli/man_page.hpp) instead of being
// kept by hand beside it.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace strata::cli {

struct HelpSection {
    std::string title;  // "Exit status"
    std::vector<std::pair<std::string, std::string>> items;  // term, explanation
};

// Where strata's files are, for the texts: the installed layout under /usr
// in the man page, the files this strata really uses in --help.
struct HelpPaths {
    std::filesystem::path assets, rootfs, helpers;
};
HelpPaths installed_help_paths(const std::filesystem::path& prefix);
HelpPaths running_help_paths();

// `with_files`: the installed files, for the man page (--help shows the
// directories in use under Environment instead).
std::vector<HelpSection> help_sections(const HelpPaths& paths, bool with_files);

// The sections as plain text, for CLI11's footer.
std::string help_footer(const std::vector<HelpSection>& sections);

}  // namespace strata::cli
