// Flag decoding and mountinfo parsing: pure functions, no privileges.
#include <catch2/catch.hpp>

#include <sched.h>
#include <sys/mount.h>

#include "backends/linux/flags.hpp"
#include "backends/linux/mountinfo.hpp"
#include "backends/linux/netlink.hpp"

using namespace strata::linux;

TEST_CASE("Clone flags decode to the names a learner reads", "[unit][container]") {
    using Row = std::tuple<std::uint64_t, std::string>;
    auto [flags, text] = GENERATE(table<std::uint64_t, std::string>({
        Row{0, "0"},
        Row{CLONE_NEWUTS, "CLONE_NEWUTS"},
        Row{CLONE_NEWPID | CLONE_NEWNS, "CLONE_NEWPID|CLONE_NEWNS"},
        Row{CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER, "CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS"},
        Row{CLONE_NEWNET | 0x4, "CLONE_NEWNET|0x4"},
    }));
    CAPTURE(flags);
    CHECK(decode_clone_flags(flags) == text);
}

TEST_CASE("Mount flags decode, unknown bits kept as hex", "[unit][container]") {
    CHECK(decode_mount_flags(MS_PRIVATE | MS_REC) == "MS_REC|MS_PRIVATE");
    CHECK(decode_mount_flags(MS_BIND | MS_REMOUNT | MS_RDONLY) == "MS_RDONLY|MS_REMOUNT|MS_BIND");
    CHECK(decode_umount_flags(MNT_DETACH) == "MNT_DETACH");
    CHECK(decode_mount_flags(1ull << 40) == "0x10000000000");
}

TEST_CASE("The namespace table covers every /proc/self/ns link and builds all_namespace_flags", "[unit][container]") {
    std::uint64_t all = 0;
    for (const auto& ns : namespace_kinds()) {
        CAPTURE(ns.file);
        CHECK(decode_clone_flags(ns.clone_flag).starts_with("CLONE_NEW"));
        if (ns.clone_flag != CLONE_NEWTIME) all |= ns.clone_flag;
    }
    CHECK(namespace_kinds().size() == 8);
    CHECK(all_namespace_flags() == all);
    CHECK((all_namespace_flags() & CLONE_NEWUSER) != 0);
}

TEST_CASE("mountinfo lines parse into mount point, type and propagation", "[unit][container]") {
    const auto rows = parse_mountinfo(
        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n"
        "40 36 0:5 / /proc rw,nosuid - proc proc rw\n"
        "garbage line\n");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].mount_point == "/mnt2");
    CHECK(rows[0].root == "/mnt1");
    CHECK(rows[0].fstype == "ext3");
    CHECK(rows[0].source == "/dev/root");
    CHECK(rows[0].propagation == "master:1");
    CHECK(rows[1].propagation == "private");
}

TEST_CASE("The fallback tunnels a module puts in every network namespace are told from real links", "[unit]") {
    for (const char* name : {"sit0", "tunl0", "gre0", "gretap0", "erspan0", "ip_vti0", "ip6tnl0", "ip6gre0", "ip6_vti0"}) {
        CAPTURE(name);
        CHECK(strata::linux::is_fallback_tunnel(name));
    }
    for (const char* name : {"lo", "eth0", "veth0", "sit1", "gre", ""}) {
        CAPTURE(name);
        CHECK_FALSE(strata::linux::is_fallback_tunnel(name));
    }
}
