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
    // The step's heading, then its question, then the text that answers it.
    auto in_order = [&](const std::string& heading, const std::string& question, const std::string& answer) {
        CAPTURE(heading, question, answer);
        const auto h = out.find(heading), q = out.find(question), a = out.find(answer);
        REQUIRE(h != std::string::npos);
        REQUIRE(q != std::string::npos);
        REQUIRE(a != std::string::npos);
        CHECK(h < q);
        CHECK(q < a);
        return std::pair{h, q};
    };
    const auto [step3, asked] = in_order("Step 3/4", "? Predict (hostname-inside)", "`hostname` printed `strata-box`");
    // Between the step's heading and its question nothing names the answer.
    CHECK(out.substr(step3, asked - step3).find("strata-box") == std::string::npos);
    // The verdict, then the text that explains it.
    CHECK(out.find("✓ hostname-inside") < out.find("`hostname` printed `strata-box`"));
    in_order("Step 4/4", "? Predict (hostname-outside)", "The host's name did not change");
}
