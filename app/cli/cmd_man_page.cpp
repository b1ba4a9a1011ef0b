// `strata man-page [--prefix DIR]`: prints the manual page (roff),
// generated from this very command line (app/cli/man_page.hpp). Hidden
// from --help: the build runs it to make strata.1.gz.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <fmt/chrono.h>

#include "app/cli/cli.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/man_page.hpp"

namespace strata::cli {

namespace {

// SOURCE_DATE_EPOCH when set (reproducible builds), else today.
std::string page_date() {
    std::time_t when = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) when = std::strtoll(epoch, nullptr, 10);
    return fmt::format("{:%Y-%m-%d}", fmt::gmtime(when));
}

}  // namespace

Command add_man_page(CLI::App& app) {
    struct Options {
        std::string prefix = "/usr", output;
    };
    auto options = std::make_shared<Options>();
    auto* sub = app.add_subcommand("man-page", "Print strata's manual page (roff), generated from this command line");
    sub->group("");  // hidden
    sub->add_option("--prefix", options->prefix, "The install prefix the page describes (default /usr)");
    sub->add_option("-o,--output", options->output, "Write the page to this file instead of standard output");
    return [&app, options]() {
        const std::string page = man_page(app, installed_help_paths(options->prefix), page_date(), STRATA_VERSION);
        if (options->output.empty()) {
            std::fputs(page.c_str(), stdout);
            return static_cast<int>(exit_ok);
        }
        std::ofstream out(options->output);
        out << page;
        if (!out.flush()) {
            std::fprintf(stderr, "strata: cannot write %s\n", options->output.c_str());
            return static_cast<int>(exit_failed);
        }
        return static_cast<int>(exit_ok);
    };
}

}  // namespace strata::cli
