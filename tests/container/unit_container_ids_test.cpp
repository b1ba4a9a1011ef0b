// Which host ids a container's root gets: /etc/subuid parsing.
#include <catch2/catch.hpp>

#include "backends/linux/container_ids.hpp"

using strata::linux::subordinate_range;

TEST_CASE("A subordinate range is read from /etc/subuid for the user named", "[unit]") {
    const std::string file = "# comment\nalice:100000:65536\nroot:200000:65536\nroot:300000:131072\n";
    const auto r = subordinate_range(file, "root", 65536);
    CHECK(r.start == 200000);
    CHECK(r.count == 65536);
}

TEST_CASE("A range longer than wanted is cut, a shorter one is used whole", "[unit]") {
    CHECK(subordinate_range("root:400000:1000000\n", "root", 65536).count == 65536);
    const auto short_range = subordinate_range("root:500000:1000\nroot:600000:2000\n", "root", 65536);
    CHECK(short_range.start == 600000);
    CHECK(short_range.count == 2000);
}

TEST_CASE("No usable range: another user's, malformed lines, a range that includes uid 0", "[unit]") {
    CHECK(subordinate_range("", "root", 65536).count == 0);
    CHECK(subordinate_range("rooted:100000:65536\n", "root", 65536).count == 0);
    CHECK(subordinate_range("root:abc:65536\nroot:100000:\nroot:100000:0\n", "root", 65536).count == 0);
    CHECK(subordinate_range("root:0:65536\n", "root", 65536).count == 0);
}
