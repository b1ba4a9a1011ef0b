// Reading what the kernel says a process and a cgroup cost.
#include <catch2/catch.hpp>

#include "backends/linux/memory_use.hpp"

using namespace strata::linux;

TEST_CASE("smaps_rollup's kB lines become bytes", "[unit][linux]") {
    const char* text =
        "55a51e0ae000-7ffd37876000 ---p 00000000 00:00 0                          [rollup]\n"
        "Rss:                3780 kB\n"
        "Pss:                1328 kB\n"
        "Pss_Dirty:           804 kB\n"
        "Pss_Anon:            584 kB\n"
        "Pss_File:            744 kB\n"
        "Pss_Shmem:             0 kB\n"
        "Shared_Clean:       2856 kB\n";
    const auto m = parse_smaps_rollup(text);
    CHECK(m.rss == 3780 * 1024);
    CHECK(m.pss == 1328 * 1024);  // not Pss_Dirty, which starts the same
    CHECK(m.pss_anon == 584 * 1024);
    CHECK(m.pss_file == 744 * 1024);
    CHECK(m.pss_shmem == 0);
    CHECK(parse_smaps_rollup("").rss == 0);
    CHECK(parse_smaps_rollup("Rss: junk kB\n").rss == 0);
}

TEST_CASE("A cgroup's kernel memory is read the way its version writes it", "[unit][linux]") {
    CHECK(parse_kernel_memory(CgroupVersion::v1, "262144\n") == 262144u);
    CHECK_FALSE(parse_kernel_memory(CgroupVersion::v1, "n/a"));
    CHECK(parse_kernel_memory(CgroupVersion::v2, "anon 4096\nfile 0\nkernel_stack 16384\nkernel 638976\nslab 1000\n") ==
          638976u);  // "kernel", not "kernel_stack"
    CHECK_FALSE(parse_kernel_memory(CgroupVersion::v2, "anon 4096\nkernel_stack 16384\n"));  // kernels before 5.18
}
