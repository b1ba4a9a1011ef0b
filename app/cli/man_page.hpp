// strata's manual page, generated from the command line itself: every
// visible subcommand with its options and positionals as CLI11 knows them,
// then the sections of help_text.hpp. `strata man-page` prints it; the
// build turns that into strata.1.gz for the package.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "app/cli/help_text.hpp"

namespace strata::cli {

// `date` as it goes on the title line, "2026-12-01".
std::string man_page(const CLI::App& app, const HelpPaths& paths, const std::string& date, const std::string& version);

}  // namespace strata::cli
