// The namespace lessons, run for real as root and as nobody: their effect
// on the machine, the calls they made in order, the layers each step lit,
// and nothing left behind.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "backends/linux/container_ids.hpp"
#include "tests/container/lesson_runner.hpp"

using namespace strata::tests;

namespace {

const char* who_name(RunAs who) { return who == RunAs::root ? "root" : "nobody"; }

}  // namespace

TEST_CASE("container/just-a-process: a plain child shares every namespace with strata", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who_name(who));
    const auto run = run_lesson("container/just-a-process", who);
    check_clean(run);
    CHECK(run.uid == (who == RunAs::root ? 0 : 65534));
    CHECK(run.value("namespaces shared with the host") == "8 of 8");
    CHECK(run.value("child pid (host)") == run.value("child pid (as it sees itself)"));
    CHECK(run.index_of("readlink /proc/self/ns/") < run.index_of("clone3(0)"));
    CHECK(run.has_event("readlink(/proc/self/ns/uts)"));
}

TEST_CASE("container/uts: the container is renamed and the host is not", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who_name(who));
    char before[256] = {};
    ::gethostname(before, sizeof before);
    const auto run = run_lesson("container/uts", who);
    check_clean(run);
    CHECK(run.value("host name inside") == "strata-box");
    CHECK(run.value("host name outside") == before);
    char after[256] = {};
    ::gethostname(after, sizeof after);
    CHECK(std::string(after) == before);
    // clone with a user namespace, its maps, then the UTS namespace, then the name.
    const int clone = run.index_of("clone3(CLONE_NEWUSER)");
    const int map = run.index_of("write /proc/");
    const int unshare = run.index_of("unshare(CLONE_NEWUTS)");
    const int name = run.index_of("sethostname(\"strata-box\")");
    CHECK(clone >= 0);
    CHECK(clone < map);
    CHECK(map < unshare);
    CHECK(unshare < name);
    CHECK(run.failed_events.empty());
}

TEST_CASE("container/pid: the child is PID 1, sees only its own processes and reaps an orphan", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who_name(who));
    const auto run = run_lesson("container/pid", who);
    check_clean(run);
    CHECK(run.value("pid inside") == "1");
    CHECK(run.value("pid outside") != "1");
    CHECK(run.value("parent pid inside") == "0");
    CHECK(run.value("pids in the container's /proc") == "1");
    CHECK(run.value("processes ps sees") == "2");
    CHECK(run.value("orphan's new parent") == "1");
    CHECK(run.value("reaped by pid 1") == run.value("orphan pid"));
    CHECK(run.value("orphan exit status") == "7");
    CHECK(run.has_event("clone3(CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS)"));
    CHECK(run.index_of("mount(MS_REC|MS_PRIVATE, /)") < run.index_of("mount(proc, /proc)"));
}

TEST_CASE("container/mount-pivot: a private root, the host's mount table untouched", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who_name(who));
    const auto run = run_lesson("container/mount-pivot", who);
    check_clean(run);
    CHECK(run.value("host mount table unchanged") == "yes, byte for byte");
    CHECK(run.value("entries left in /old-root") == "0");
    CHECK(run.value("ls / inside").find("bin") != std::string::npos);
    CHECK(run.value("ls / inside").find("old-root") != std::string::npos);
    CHECK(run.value("ls / inside").find("work") == std::string::npos);  // no host directories
    // The order crun and runc use, and the one that keeps the host safe.
    const int priv = run.index_of("mount(MS_REC|MS_PRIVATE, /)");
    const int bind = run.index_of("mount(MS_BIND|MS_REC");
    const int pivot = run.index_of("pivot_root(");
    const int umount = run.index_of("umount2(/old-root, MNT_DETACH)");
    CHECK(priv >= 0);
    CHECK(priv < bind);
    CHECK(bind < pivot);
    CHECK(pivot < umount);
    REQUIRE(run.tables.count("mounts: container vs host"));
    const auto& rows = run.tables.at("mounts: container vs host");
    REQUIRE(!rows.empty());
    CHECK(rows[0][0] == "/");
    CHECK(std::stoi(run.value("container mounts")) < std::stoi(run.value("host mounts")));
}

TEST_CASE("container/overlay: writes land in upper, the image is shared and untouched", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who_name(who));
    const auto run = run_lesson("container/overlay", who);
    check_clean(run);
    CHECK(run.value("upper holds the writes") == "yes");
    CHECK(run.value("lower untouched") == "yes");
    CHECK(run.value("B reads the image's files") == "yes");
    CHECK(run.value("B sees A's files") == "no");
    // 256 KiB written by A, nothing by B.
    CHECK(std::stoi(run.value("container A's upper on disk")) >= 256);
    CHECK(std::stoi(run.value("container B's upper on disk")) < 16);
    CHECK(run.has_event("mount(overlay, "));
}

TEST_CASE("container/user: root inside, never host root outside", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who_name(who));
    const auto run = run_lesson("container/user", who);
    check_clean(run);
    // Run by root, container root is the first uid of a subordinate range;
    // run by a user, that user.
    const std::string outside = who == RunAs::root ? std::to_string(strata::linux::container_ids().uid) : "65534";
    if (who == RunAs::root) CHECK(outside != "0");
    CHECK(run.value("uid inside before the map") == "65534");
    CHECK(run.value("uid_map") .find("0 " ) != std::string::npos);
    CHECK(run.value("uid inside") == "0");
    CHECK(run.value("uid outside") == outside);
    CHECK(run.value("capabilities inside (CapEff)") == "000001ffffffffff");
    CHECK(run.value("sethostname on the host's UTS namespace") == "EPERM");
    CHECK(run.value("sethostname on its own UTS namespace") == "allowed");
    CHECK(run.value("file owner seen from outside") == outside);
    CHECK(run.index_of("write /proc/") > run.index_of("clone3(CLONE_NEWUSER)"));
    CHECK(run.index_of("write /proc/") < run.index_of("sethostname(\"not-allowed\")"));
    // The refused call is recorded as refused, with its errno.
    REQUIRE(run.failed_events.size() == 1);
    CHECK(run.failed_events[0] == "sethostname(\"not-allowed\")");
}
