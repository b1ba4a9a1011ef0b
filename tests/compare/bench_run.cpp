#include "tests/compare/bench_run.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "backends/linux/temp_dir.hpp"

namespace strata::tests {

ShellRun strata_bench(const std::string& args) {
    auto dir = linux::TempDir::create("bench-stderr");
    REQUIRE(dir);
    const auto err = dir->path() / "stderr";
    auto run = run_shell(std::string(STRATA_BINARY) + " " + args + " 2>'" + err.string() + "' </dev/null");
    std::ostringstream said;
    said << std::ifstream(err).rdbuf();
    UNSCOPED_INFO("strata " << args << " said on stderr:\n" << said.str());
    return run;
}

}  // namespace strata::tests
