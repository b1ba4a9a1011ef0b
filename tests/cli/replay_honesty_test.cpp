// A replay never pretends: an option that changes what a lesson runs plays
// a recording made with that option, or is refused (exit 3) saying a live
// run is needed; a recording made with other options is refused (exit 2).
// `--replay` stands in for a machine without /dev/kvm or user namespaces.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <unistd.h>

#include "tests/cli/run_strata.hpp"

using strata::tests::run_strata;

TEST_CASE("A replay with an option plays the recording of that option's run", "[cli][replay]") {
    const auto taught = run_strata("run vm/hello-kvm --replay --no-narrative --no-exercises --speed 0");
    REQUIRE(taught.status == 0);
    REQUIRE(taught.output.find("Hello from the guest!") != std::string::npos);
    for (const char* guest : {"loop", "triple-fault"}) {
        CAPTURE(guest);
        const auto run = run_strata(std::string("run vm/hello-kvm --replay --set guest=") + guest +
                                    " --no-narrative --no-exercises --speed 0");
        INFO(run.output);
        // Neither guest prints: the run that replays is the one asked for.
        CHECK(run.output.find("Hello from the guest!") == std::string::npos);
        CHECK(run.output.find(", replayed") != std::string::npos);
    }

    const auto uts = run_strata("run container/pid --replay --set namespaces=CLONE_NEWUTS --no-narrative --no-exercises --speed 0");
    INFO(uts.output);
    CHECK(uts.output.find("calls itself pid 1") == std::string::npos);
    CHECK(uts.output.find("CLONE_NEWUTS") != std::string::npos);
}

TEST_CASE("A replay with an option no recording shows is refused: it needs a live run", "[cli][replay]") {
    const auto custom = run_strata("run vm/hello-kvm --replay --set guest=custom --set 'program=hlt' --no-exercises");
    INFO(custom.output);
    CHECK(custom.status == 3);
    CHECK(custom.output.find("--set guest=custom,program=hlt changes what the lesson runs") != std::string::npos);
    CHECK(custom.output.find("needs a live run") != std::string::npos);
    CHECK(custom.output.find("KVM_CREATE_VM") == std::string::npos);

    const auto cgroup = run_strata("run container/cgroups --replay --set memory-limit=77 --no-exercises");
    INFO(cgroup.output);
    CHECK(cgroup.status == 3);
    CHECK(cgroup.output.find("needs a live run") != std::string::npos);
}

TEST_CASE("A recording played with other options than it was made with is refused", "[cli][replay]") {
    const auto run = run_strata(std::string("run vm/hello-kvm --set guest=loop --recording ") + STRATA_SOURCE_DIR +
                                "/assets/recordings/vm/hello-kvm.json --no-exercises --speed 0");
    INFO(run.output);
    CHECK(run.status == 2);
    CHECK(run.output.find("this recording was made with the lesson's default options, not --set guest=loop") !=
          std::string::npos);
}

TEST_CASE("Replays are called what they are: a real run elsewhere, replayed", "[cli][replay]") {
    const auto run = run_strata("run vm/hello-kvm --replay --no-exercises --speed 0");
    INFO(run.output);
    CHECK(run.status == 0);
    CHECK(run.output.find("▶ A real run on Linux") != std::string::npos);
    CHECK(run.output.find("), replayed") != std::string::npos);
    CHECK(run.output.find("really happened on this machine") == std::string::npos);
}
