// compare/patching for real: the container's kernel is the host's byte for
// byte and its image holds none; the VM's kernel lives in its own RAM.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "backends/kvm/tinyos.hpp"
#include "tests/compare/common_checks.hpp"

using namespace strata;

TEST_CASE("compare/patching: the container reports the host's kernel, the VM keeps its own", "[kvm][userns]") {
    const auto run = tests::run_compare_lesson("compare/patching");
    CHECK_COMPARE_RUN_CLEAN(run);
    std::ifstream in("/proc/version");
    std::stringstream text;
    text << in.rdbuf();
    std::string version = text.str();
    while (!version.empty() && version.back() == '\n') version.pop_back();

    CHECK(run.value("host /proc/version") == version);
    CHECK(run.value("container's /proc/version") == version);
    CHECK(run.value("container's /proc/version is the host's") == "yes, byte for byte");
    CHECK(run.value("a kernel in the container's image") == "none (no /boot)");
    CHECK_THAT(run.value("guest's kernel"), Catch::StartsWith("tinyos "));
    CHECK(run.value("guest's kernel").find(run.value("host kernel").substr(run.value("host kernel").find(' ') + 1)) ==
          std::string::npos);
    // The guest kernel's name was found inside its image in guest RAM.
    const auto where = run.value("its name in guest RAM");
    REQUIRE_THAT(where, Catch::StartsWith("at guest-physical 0x"));
    const auto address = std::stoull(where.substr(where.find("0x")), nullptr, 16);
    CHECK(address >= kvm::tinyos::kLoadAddress);
    CHECK(address < kvm::tinyos::kKernelEnd);
    const auto split = run.value("osrelease inside / outside");
    CHECK(split.substr(0, split.find(" / ")) == split.substr(split.find(" / ") + 3));
}
