#include <catch2/catch.hpp>

#include "engine/narrative.hpp"

using namespace strata::engine;

TEST_CASE("A narrative splits into one section per step", "[unit][engine]") {
    const auto n = parse_narrative(
        "Intro text.\n"
        "## Open the device {#open-kvm}\n"
        "Body one.\n"
        "```c\n"
        "## not a heading inside code\n"
        "```\n"
        "## Create a VM {#create-vm}\n"
        "Body two.\n");
    CHECK(n.introduction == "Intro text.\n");
    REQUIRE(n.sections.size() == 2);
    CHECK(n.sections[0].id == "open-kvm");
    CHECK(n.sections[0].title == "Open the device");
    CHECK(n.sections[0].markdown.find("## not a heading inside code") != std::string::npos);
    CHECK(n.section("create-vm")->markdown == "Body two.\n");
    CHECK(n.section("missing") == nullptr);
}

TEST_CASE("A reveal marker splits a step's section into what is shown before it runs and after", "[unit][engine]") {
    const auto n = parse_narrative(
        "## Rename {#sethostname}\n"
        "strata calls sethostname inside.\n"
        "<!-- reveal -->\n"
        "`hostname` printed strata-box.\n"
        "```\n"
        "<!-- reveal -->\n"
        "```\n"
        "## Look outside {#check}\n"
        "No marker: all of it is shown before.\n");
    REQUIRE(n.sections.size() == 2);
    CHECK(n.sections[0].markdown == "strata calls sethostname inside.\n");
    // A marker inside a code block is an example, not a marker.
    CHECK(n.sections[0].revealed == "`hostname` printed strata-box.\n```\n<!-- reveal -->\n```\n");
    CHECK(n.sections[1].markdown == "No marker: all of it is shown before.\n");
    CHECK(n.sections[1].revealed.empty());
}
