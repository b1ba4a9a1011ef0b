// Capability names from libcap and a seccomp filter compiled by
// libseccomp, checked without the agent: the filter really makes uname()
// fail with the chosen errno in a child that loads it, and only there.
#include <catch2/catch.hpp>

#include <cerrno>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/linux/capabilities.hpp"
#include "backends/linux/seccomp_filter.hpp"
#include "engine/recorder.hpp"

using namespace strata;

TEST_CASE("Capability names come from libcap and round-trip through a mask", "[unit][container]") {
    CHECK(linux::cap_name(21) == "cap_sys_admin");
    CHECK(linux::cap_name(0) == "cap_chown");
    auto mask = linux::cap_mask({"cap_sys_admin", "cap_chown"});
    REQUIRE(mask);
    CHECK(*mask == ((1ull << 21) | 1ull));
    CHECK(linux::cap_names(*mask) == "cap_chown cap_sys_admin");
    CHECK_FALSE(linux::cap_mask({"cap_no_such_thing"}));
    auto defaults = linux::cap_mask(linux::default_container_caps());
    REQUIRE(defaults);
    CHECK(__builtin_popcountll(*defaults) == 14);
    CHECK_FALSE(*defaults & (1ull << 21));
    CHECK(linux::cap_last() >= 37);
    std::uint64_t eff = 0;
    CHECK(linux::parse_cap_field("Name:\tx\nCapEff:\t000001ffffffffff\n", "CapEff", eff));
    CHECK(eff == 0x1ffffffffffull);
    CHECK_FALSE(linux::parse_cap_field("Name:\tx\n", "CapEff", eff));
}

TEST_CASE("A compiled errno filter makes uname fail with that errno in the process that loads it", "[unit][container]") {
    engine::Recorder recorder;
    auto filter = linux::compile_errno_filter(recorder, "uname", ENXIO);  // an errno uname never returns
    REQUIRE(filter);
    REQUIRE(!filter->bpf.empty());
    CHECK(filter->bpf.size() % sizeof(sock_filter) == 0);
    REQUIRE(recorder.events().size() == 1);
    CHECK(recorder.events()[0].name == "seccomp_export_bpf(uname -> ENXIO)");

    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        sock_fprog prog{static_cast<unsigned short>(filter->bpf.size() / sizeof(sock_filter)),
                        reinterpret_cast<sock_filter*>(filter->bpf.data())};
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(10);
        if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) ::_exit(11);
        struct utsname u {};
        const int r = ::uname(&u);
        ::_exit(r == -1 && errno == ENXIO ? 0 : 12);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    struct utsname here {};
    CHECK(::uname(&here) == 0);  // the parent never loaded it

    auto bad = linux::compile_errno_filter(recorder, "no_such_syscall", EPERM);
    CHECK_FALSE(bad);
}
