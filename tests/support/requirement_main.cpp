// main() for test binaries that need a real backend (KVM, namespaces).
//
// Catch2 v2 has no SKIP: when the machine lacks what the binary needs, it
// prints why and exits with 77, which CTest reports as skipped
// (SKIP_RETURN_CODE). Listing tests (CTest's discovery) always works.
// The tests run in a temp directory of their own (see PrivateTempDir).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#include "tests/support/private_temp_dir.hpp"
#include "tests/support/requirements.hpp"

int main(int argc, char** argv) {
    bool listing = false;
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--list", 6) == 0) listing = true;
    if (!listing) {
        if (auto missing = strata::tests::missing_requirement(STRATA_TEST_REQUIREMENT)) {
            std::printf("SKIPPED: this test needs %s: %s\n", STRATA_TEST_REQUIREMENT, missing->c_str());
            return 77;
        }
    }
    if (listing) return Catch::Session().run(argc, argv);
    const strata::tests::PrivateTempDir temp;
    return Catch::Session().run(argc, argv);
}
