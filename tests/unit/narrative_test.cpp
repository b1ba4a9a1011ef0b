#include <catch2/catch.hpp>

#include "engine/narrative.hpp"

using namespace strata::engine;

TEST_CASE("A narrative splits into one section per step", "[unit][engine]") {
    const auto n = parse_narrative(
        "# Hello, KVM\n"
        "Intro text.\n"
        "## Open the device {#open-kvm}\n"
        "Body one.\n"
        "```c\n"
        "## not a heading inside code\n"
        "```\n"
        "## Create a VM {#create-vm}\n"
        "Body two.\n");
    CHECK(n.title == "Hello, KVM");
    CHECK(n.introduction == "Intro text.\n");
    REQUIRE(n.sections.size() == 2);
    CHECK(n.sections[0].id == "open-kvm");
    CHECK(n.sections[0].title == "Open the device");
    CHECK(n.sections[0].markdown.find("## not a heading inside code") != std::string::npos);
    CHECK(n.section("create-vm")->markdown == "Body two.\n");
    CHECK(n.section("missing") == nullptr);
}
