// strata: the entry point. Parses the command line and hands over to the
// CLI command or the GUI; fatal exits happen only here.
#include <cstdio>
#include <exception>

#include "app/cli/cli.hpp"

int main(int argc, char** argv) {
    try {
        return strata::cli::main(argc, argv);
    } catch (const std::exception& e) {
        // Nothing below main throws on purpose; this is a last resort that
        // still says what happened instead of aborting silently.
        std::fprintf(stderr, "strata: internal error: %s\n", e.what());
        return 1;
    }
}
