// container/whole for real, as root and as nobody: every stage of a
// runtime from strata's bundle, and the process inside sees the lockdown;
// compare/runtime: on no probe is strata's container looser than crun's.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "tests/container/lesson_runner.hpp"

using namespace strata::tests;

TEST_CASE("container/whole: a runtime's every stage from strata's bundle", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who == RunAs::root ? "root" : "nobody");
    const auto run = run_lesson("container/whole", who);
    check_clean(run);
    CHECK(run.value("fields strata does not apply") == "none");
    CHECK(run.value("process exit status") == "0");
    // The process itself reports the lockdown: the bundle's three
    // capabilities, no_new_privs, a seccomp filter.
    CHECK(run.value("CapEff") == "0000000020000420");
    CHECK(run.value("NoNewPrivs") == "1");
    CHECK(run.value("Seccomp") == "2");
    CHECK(run.value("/dev inside").find("null") != std::string::npos);
    CHECK(run.value("/dev inside").find("urandom") != std::string::npos);
    CHECK(run.value("interfaces inside") == "1");
    // The stages in runc's order.
    const int clone = run.index_of("clone3(");
    const int pivot = run.index_of("pivot_root(., .)");
    const int caps = run.index_of("prctl(PR_CAPBSET_DROP)");
    const int nnp = run.index_of("prctl(PR_SET_NO_NEW_PRIVS, 1)");
    const int filter = run.index_of("seccomp(SECCOMP_SET_MODE_FILTER)");
    const int exec = run.index_of("fork + execve(/bin/sh");
    CHECK(clone >= 0);
    CHECK(clone < pivot);
    CHECK(pivot < caps);
    CHECK(caps < nnp);
    CHECK(nnp < filter);
    CHECK(filter < exec);
    if (who == RunAs::root) {
        CHECK(run.has_event("mkdir(/sys/fs/cgroup/"));
        CHECK(run.failed_events.empty());
    } else {
        // Without a delegated cgroup (never on v1), the refused mkdir is the
        // only failure, and the lesson says the limits were not applied.
        for (const auto& failed : run.failed_events) CHECK(failed.rfind("mkdir(/sys/fs/cgroup", 0) == 0);
        if (!run.failed_events.empty()) CHECK(run.value("cgroup").rfind("not applied", 0) == 0);
    }
}

TEST_CASE("compare/runtime: strata's whole container is at least as strict as crun's default", "[userns][root]") {
    const auto run = run_lesson("compare/runtime", RunAs::root);
    check_clean(run);
    REQUIRE(run.tables.count("strata's whole container vs crun's default"));
    const auto& rows = run.tables.at("strata's whole container vs crun's default");
    REQUIRE(rows.size() >= 20);
    // crun is installed with the test packages (scripts/install-deps.sh --test).
    CHECK(run.value("crun: REMOUNT") == "refused");
    int judged = 0;
    for (const auto& row : rows) {
        CAPTURE(row);
        REQUIRE(row.size() == 5);
        CHECK(row[3] != "LOOSER");
        if (row[3] == "stricter" || row[3] == "the same") ++judged;
        if (row[3] == "stricter") CHECK_FALSE(row[4].empty());  // every difference explained
    }
    CHECK(judged >= 20);
    CHECK(run.value("probes looser in strata") == "0");
    for (const char* key : {"PROCSYS", "REMOUNT", "WRITE", "MOUNT", "UNSHARE", "CHROOT", "MKNOD", "REBOOT"}) {
        CAPTURE(key);
        CHECK(run.value(std::string("strata: ") + key) == "refused");
    }
    for (const char* ns : {"NS_user", "NS_mnt", "NS_pid", "NS_net", "NS_ipc", "NS_uts", "NS_cgroup"}) {
        CAPTURE(ns);
        CHECK(run.value(std::string("strata: ") + ns) == "own");
    }
    CHECK(run.value("strata: Seccomp") == "2");
    // The lesson's prediction (user-namespace) resolves to exactly one of
    // its choices, one per verdict.
    const auto ns_user = run.value("verdict: NS_user");
    CAPTURE(ns_user);
    CHECK((ns_user == "stricter" || ns_user == "the same" || ns_user == "LOOSER"));
}

TEST_CASE("compare/runtime as nobody: strata's column, and why crun's is empty", "[userns]") {
    const auto run = run_lesson("compare/runtime", RunAs::nobody);
    INFO(run.error);
    REQUIRE(run.ok);
    for (const auto& l : run.leaks) UNSCOPED_INFO(l);
    CHECK(run.leaks.empty());
    CHECK(run.value("strata: REMOUNT") == "refused");
    CHECK(run.value("strata: NS_user") == "own");
    CHECK(run.value("crun: REMOUNT").empty());
}
