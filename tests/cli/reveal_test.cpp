// `strata run --step-by-step` on a terminal: a step's text above its
// `<!-- reveal -->` is printed, then its predictions are asked, and only
// once the step has run is the rest printed. The terminal is a pty made by
// script(1), as a learner's would be (predictions are asked on terminals
// only); the shipped recording plays, so no container is made.
#include <catch2/catch.hpp>

#include "tests/cli/run_strata.hpp"

using namespace strata::tests;

TEST_CASE("On a terminal a prediction is asked before the text that answers it", "[cli][reveal]") {
    // uts: Enter after steps 1 and 2, "3" (strata-box) before step 3,
    // Enter, "2" (unchanged) before step 4, the last.
    const auto run = run_shell("printf '\\n\\n3\\n\\n2\\n' | XDG_STATE_HOME='" + scratch_state_home().string() +
                               "' script -qec '" STRATA_BINARY " run container/uts --step-by-step --replay --speed 0' "
                               "/dev/null 2>&1");
    CAPTURE(run.output);
    REQUIRE(run.status == 0);
    const std::string& out = run.output;
    const auto step3 = out.find("Step 3/4");
    const auto asked = out.find("? Predict (hostname-inside)");
    const auto answer = out.find("`hostname` printed `strata-box`");
    REQUIRE(step3 != std::string::npos);
    REQUIRE(asked != std::string::npos);
    REQUIRE(answer != std::string::npos);
    CHECK(step3 < asked);
    CHECK(asked < answer);
    // Between the step's heading and its question nothing names the answer.
    CHECK(out.substr(step3, asked - step3).find("strata-box") == std::string::npos);
    CHECK(out.find("✓ hostname-inside") < answer);  // the verdict, then the text that explains it

    const auto step4 = out.find("Step 4/4");
    const auto asked4 = out.find("? Predict (hostname-outside)");
    const auto answer4 = out.find("The host's name did not change");
    REQUIRE(step4 != std::string::npos);
    REQUIRE(asked4 != std::string::npos);
    REQUIRE(answer4 != std::string::npos);
    CHECK(step4 < asked4);
    CHECK(asked4 < answer4);
}
