// Cgroup path logic against fake /sys/fs/cgroup trees: v2 as root, v2
// delegated to a user, v1/hybrid, and nothing mounted.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "backends/linux/cgroup_layout.hpp"
#include "backends/linux/sweep.hpp"

using namespace strata::linux;
namespace fs = std::filesystem;

namespace {

struct FakeTree {
    fs::path root = fs::temp_directory_path() / ("cgroup-fake-" + std::to_string(::getpid()));
    FakeTree() { fs::create_directories(root); }
    ~FakeTree() { fs::remove_all(root); }
    void file(const std::string& rel) {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel) << "";
    }
};

}  // namespace

TEST_CASE("cgroup v2 is detected by cgroup.controllers and uses v2 file names", "[unit][container]") {
    FakeTree t;
    t.file("cgroup.controllers");
    auto layout = CgroupLayout::detect(t.root, "0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope\n", 0);
    REQUIRE(layout);
    CHECK(layout->version == CgroupVersion::v2);
    CHECK(layout->v2_parent == t.root);
    CHECK(layout->file_of(CgroupKnob::memory_limit) == "memory.max");
    CHECK(layout->file_of(CgroupKnob::memory_events) == "memory.events");
    CHECK(layout->file_of(CgroupKnob::cpu_quota) == "cpu.max");
    CHECK(layout->dir_of("memory", "strata-1-x") == t.root / "strata-1-x");
    CHECK(layout->dir_of("pids", "strata-1-x") == t.root / "strata-1-x");

    SECTION("an unprivileged user gets the parent of their own cgroup (a delegated subtree)") {
        auto user = CgroupLayout::detect(t.root, "0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope\n", 1000);
        REQUIRE(user);
        CHECK(user->v2_parent == t.root / "user.slice/user-1000.slice/user@1000.service/app.slice");
    }
}

TEST_CASE("cgroup v1 (and hybrid) uses one hierarchy per controller and v1 file names", "[unit][container]") {
    FakeTree t;
    for (const char* c : {"memory", "pids", "cpu", "cpuacct"}) fs::create_directories(t.root / c);
    fs::create_directories(t.root / "unified");
    auto layout = CgroupLayout::detect(t.root, "12:memory:/\n0::/\n", 0);
    REQUIRE(layout);
    CHECK(layout->version == CgroupVersion::v1);
    CHECK(layout->description.find("hybrid") != std::string::npos);
    CHECK(layout->file_of(CgroupKnob::memory_limit) == "memory.limit_in_bytes");
    CHECK(layout->file_of(CgroupKnob::swap_limit) == "memory.memsw.limit_in_bytes");
    CHECK(layout->file_of(CgroupKnob::memory_events) == "memory.oom_control");
    CHECK(layout->file_of(CgroupKnob::cpu_quota) == "cpu.cfs_quota_us");
    CHECK(layout->file_of(CgroupKnob::cpu_usage) == "cpuacct.usage");
    CHECK(layout->dir_of("memory", "strata-1-x") == t.root / "memory/strata-1-x");
    CHECK(layout->dir_of("pids", "strata-1-x") == t.root / "pids/strata-1-x");
    CHECK(layout->dir_of(CgroupLayout::controller_of(CgroupKnob::cpu_usage), "s") == t.root / "cpuacct/s");
}

TEST_CASE("No cgroup file system is an error with a hint", "[unit][container]") {
    FakeTree t;
    auto layout = CgroupLayout::detect(t.root, "", 0);
    REQUIRE_FALSE(layout);
    CHECK_FALSE(layout.error().hint.empty());
}

TEST_CASE("Counters and strata names parse", "[unit][container]") {
    CHECK(counter_in("low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n", "oom_kill") == 2);
    CHECK(counter_in("oom_kill_disable 0\nunder_oom 0\noom_kill 5\n", "oom_kill") == 5);
    CHECK(counter_in("nr_periods 4\n", "nr_throttled") == -1);
    CHECK(strata_cgroup_name(42, "limits") == "strata-42-limits");
    CHECK(strata_name_pid("strata-42-limits") == 42);
    CHECK(strata_name_pid("strata-42") == -1);
    CHECK(strata_name_pid("strata-x-1") == -1);
    CHECK(strata_name_pid("other-42-x") == -1);
}

TEST_CASE("sweep_stale removes directories of dead pids only", "[unit][container]") {
    FakeTree cg, tmp;
    // A pid that cannot exist (above pid_max) and our own, live pid.
    const std::string dead = "strata-2147483646-limits", live = "strata-" + std::to_string(::getpid()) + "-limits";
    fs::create_directories(cg.root / "memory" / dead);
    fs::create_directories(cg.root / "memory" / live);
    fs::create_directories(tmp.root / (dead + "-abc") / "upper");
    auto report = sweep_stale_in(cg.root.string(), tmp.root.string());
    CHECK(report.removed.size() == 2);
    CHECK(report.failed.empty());
    CHECK_FALSE(fs::exists(cg.root / "memory" / dead));
    CHECK(fs::exists(cg.root / "memory" / live));
    CHECK_FALSE(fs::exists(tmp.root / (dead + "-abc")));
}

TEST_CASE("A peer's cgroups are removed by the container id strata gave it, in every hierarchy", "[unit][container]") {
    FakeTree cg;
    const std::string id = "strata-" + std::to_string(::getpid()) + "-bench";
    for (const char* hierarchy : {"memory", "pids", "systemd", "unified/system.slice"})
        fs::create_directories(cg.root / hierarchy / id);
    fs::create_directories(cg.root / "memory" / "strata-1-bench");  // another id: left alone
    const auto report = remove_cgroups_named(id, cg.root.string());
    CHECK(report.removed.size() == 4);
    CHECK(report.failed.empty());
    for (const char* hierarchy : {"memory", "pids", "systemd", "unified/system.slice"})
        CHECK_FALSE(fs::exists(cg.root / hierarchy / id));
    CHECK(fs::exists(cg.root / "memory" / "strata-1-bench"));
}
