// container/network for real, as root and as nobody: lo alone and down in
// a new namespace, the veth pair built over netlink, a datagram and echo
// replies across it, the calls in order, and the host's network untouched
// (its interface list in /sys/class/net is the same before and after).
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "tests/container/lesson_runner.hpp"

using namespace strata::tests;

namespace {

std::set<std::string> host_interfaces() {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator("/sys/class/net")) out.insert(e.path().filename());
    return out;
}

}  // namespace

TEST_CASE("container/network: a veth pair between two new namespaces carries a datagram and pings",
          "[userns][root]") {
    const auto who = GENERATE(RunAs::root, RunAs::nobody);
    CAPTURE(who == RunAs::root ? "root" : "nobody");
    const auto before = host_interfaces();
    const auto run = run_lesson("container/network", who);
    const auto after = host_interfaces();
    check_clean(run);
    CHECK(run.failed_events.empty());

    // The host: same interfaces, none of the lesson's.
    CHECK(before == after);
    CHECK_FALSE(after.count("veth-out"));
    CHECK_FALSE(after.count("veth-box"));
    CHECK(run.value("host interfaces unchanged") == "yes");

    // A new network namespace holds lo only, switched off.
    CHECK(run.value("interfaces in a new namespace") == "lo");
    CHECK(run.value("lo in a new namespace") == "DOWN");
    // After the move the container holds its end; both ends addressed and up.
    CHECK(run.value("container interfaces after the move") == "lo veth-box");
    CHECK(run.value("container end") == "UP 10.200.0.2/30");
    CHECK(run.value("outside end") == "UP 10.200.0.1/30");
    // The datagram arrived intact, from the outside end's address.
    CHECK(run.value("datagram payload") == "hello from outside, over a veth pair");
    CHECK(run.value("datagram from") == "10.200.0.1:4243");
    CHECK(run.value("echo replies") == "5 of 5");
    CHECK(std::stod(run.value("round trip median (us)")) > 0.0);

    // The table: the container's rows are lo and its veth end, nothing of the host's.
    REQUIRE(run.tables.count("network interfaces"));
    std::vector<std::string> inside;
    for (const auto& row : run.tables.at("network interfaces"))
        if (row[0] == "container") inside.push_back(row[1]);
    CHECK(inside == std::vector<std::string>{"lo", "veth-box"});

    // The calls, in the order a runtime makes them.
    const std::vector<std::string> order = {
        "clone3(CLONE_NEWUSER|CLONE_NEWNET)",
        "socket(AF_NETLINK, NETLINK_ROUTE)",
        "RTM_GETLINK + RTM_GETADDR (container)",
        "setns(CLONE_NEWUSER)",
        "unshare(CLONE_NEWNET)",
        "RTM_NEWLINK veth veth-out <-> veth-box",
        "RTM_NEWLINK veth-box -> container namespace",
        "RTM_NEWADDR 10.200.0.1/30 dev veth-out",
        "RTM_NEWADDR 10.200.0.2/30 dev veth-box",
        "RTM_NEWLINK veth-out up",
        "RTM_NEWLINK veth-box up",
        "RTM_GETLINK veth-box until operstate UP",
        "bind(UDP 10.200.0.2:4242)",
        "sendto(UDP 10.200.0.2:4242)",
        "recvfrom(UDP)",
        "ICMP echo x5 -> 10.200.0.2",
    };
    int last = -1;
    for (const auto& name : order) {
        CAPTURE(name);
        const int at = run.index_of(name);
        CHECK(at > last);
        last = at;
    }
}
