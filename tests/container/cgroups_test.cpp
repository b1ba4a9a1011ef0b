// container/cgroups for real (as root: this machine's cgroup v1 is not
// delegated), and as nobody, where it must fail cleanly with a hint.
#include <catch2/catch.hpp>

#include "tests/container/lesson_runner.hpp"

using namespace strata::tests;

TEST_CASE("container/cgroups: the limits are enforced and counted by the kernel", "[root][slow]") {
    const auto run = run_lesson("container/cgroups", RunAs::root);
    check_clean(run);
    CHECK(run.value("hog") == "killed by SIGKILL");
    CHECK(std::stoll(run.value("oom_kill counter")) >= 1);
    CHECK(run.value("fork failed with") == "EAGAIN");
    const int forks = std::stoi(run.value("forks before the limit"));
    CHECK(forks > 0);
    CHECK(forks <= 16);
    CHECK(std::stoll(run.value("pids.events max")) >= 1);
    CHECK(std::stoll(run.value("nr_throttled")) >= 3);
    // 20% quota: well under half a CPU, measured by the loop itself.
    const int share = std::stoi(run.value("busy loop CPU share"));
    CHECK(share >= 10);
    CHECK(share <= 35);
    CHECK(run.index_of("mkdir(/sys/fs/cgroup/") < run.index_of("clone3("));
    CHECK(run.has_event("rmdir(/sys/fs/cgroup/"));
}

TEST_CASE("container/cgroups as nobody on a host without delegation fails at the first write, with a hint",
          "[userns]") {
    const auto run = run_lesson("container/cgroups", RunAs::nobody);
    CHECK_FALSE(run.ok);
    CHECK(run.error.find("EACCES") != std::string::npos);
    CHECK(run.error.find("delegated") != std::string::npos);
    for (const auto& l : run.leaks) UNSCOPED_INFO(l);
    CHECK(run.leaks.empty());
}
