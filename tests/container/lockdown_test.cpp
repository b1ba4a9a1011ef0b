// container/lockdown for real, as root and as nobody: sethostname works
// before the capability drop and fails with EPERM after; the filter is
// refused without no_new_privs; uname() fails with the filter's errno
// inside while it works outside; the kernel release inside is the host's.
#include <catch2/catch.hpp>

#include <sys/utsname.h>

#include "tests/container/lesson_runner.hpp"

using namespace strata::tests;

TEST_CASE("container/lockdown: capabilities dropped, a seccomp filter inside only, one kernel", "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who == RunAs::root ? "root" : "nobody");
    const auto run = run_lesson("container/lockdown", who);
    check_clean(run);

    struct utsname here {};
    REQUIRE(::uname(&here) == 0);  // this process was never filtered
    CHECK(run.value("kernel release inside") == here.release);
    CHECK(run.value("kernel release outside") == here.release);

    CHECK(run.value("sethostname before the drop") == "allowed");
    CHECK(run.value("sethostname after the drop") == "EPERM");
    CHECK(run.value("cap_sys_admin after") == "no");
    CHECK(std::stoi(run.value("capabilities before")) > std::stoi(run.value("capabilities after")));
    CHECK(run.value("capabilities after") == "14");  // Docker's default set

    CHECK(run.value("seccomp before no_new_privs") == "EACCES");
    CHECK(run.value("NoNewPrivs") == "1");
    CHECK(run.value("uname inside") == "EPERM");
    CHECK(run.value("uname outside") == std::string("allowed, release ") + here.release);
    CHECK(run.value("Seccomp mode") == "2");
    // The same program before and after the filter: busybox assumes uname()
    // never fails, so under the filter it prints an empty release.
    CHECK(run.value("uname -r run inside") == std::string("\"") + here.release + "\", exit status 0");
    CHECK(run.value("uname -r run inside, filtered") == "\"\", exit status 0");

    // The refusals are recorded as refused, in order; nothing else failed.
    CHECK(run.failed_events ==
          std::vector<std::string>{"sethostname(\"after-the-drop\")", "seccomp(SECCOMP_SET_MODE_FILTER)", "uname()"});
    const int drop = run.index_of("prctl(PR_CAPBSET_DROP) + capset");
    const int nnp = run.index_of("prctl(PR_SET_NO_NEW_PRIVS, 1)");
    const int compile = run.index_of("seccomp_export_bpf(uname -> EPERM)");
    CHECK(run.index_of("sethostname(\"strata-box\")") < drop);
    CHECK(drop < run.index_of("sethostname(\"after-the-drop\")"));
    CHECK(drop < compile);
    CHECK(compile < nnp);
    const int filter = run.index_of("seccomp(SECCOMP_SET_MODE_FILTER)", nnp);
    CHECK(nnp < filter);
    CHECK(filter < run.index_of("uname()", filter));
    REQUIRE(run.tables.count("capabilities: before vs after the drop"));
    bool sys_admin_row = false;
    for (const auto& row : run.tables.at("capabilities: before vs after the drop"))
        if (row[0] == "cap_sys_admin") sys_admin_row = row[1] == "yes" && row[2] == "-";
    CHECK(sys_admin_row);
}
