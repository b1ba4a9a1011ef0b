// Narrative Markdown, disassembly and settings: the content the views show.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "app/gui/disassembly.hpp"
#include "app/gui/markdown.hpp"
#include "app/gui/narrative_view.hpp"
#include "app/gui/settings.hpp"
#include "lessons/catalogue.hpp"

using namespace strata;
using gui::MdBlockKind;

TEST_CASE("Narrative Markdown keeps headings, emphasis, code, lists and links", "[gui][narrative]") {
    const auto blocks = gui::parse_markdown(
        "## Make a VM\n\nKVM gives you a **file descriptor** for the *whole* VM: `ioctl(KVM_CREATE_VM)`.\n\n"
        "1. open\n2. create\n\n- see [the docs](https://docs.kernel.org/virt/kvm/api.html)\n\n"
        "```\nmov al, 'H'\n```\n");
    REQUIRE(blocks.size() == 6);
    CHECK(blocks[0].kind == MdBlockKind::heading);
    CHECK(blocks[0].level == 2);
    CHECK(blocks[0].spans.at(0).text == "Make a VM");

    const auto& p = blocks[1].spans;
    REQUIRE(p.size() == 7);
    CHECK((p[1].text == "file descriptor" && p[1].strong));
    CHECK((p[3].text == "whole" && p[3].emphasis));
    CHECK((p[5].text == "ioctl(KVM_CREATE_VM)" && p[5].code));

    CHECK(blocks[2].kind == MdBlockKind::list_item);
    CHECK(blocks[2].bullet == "1.");
    CHECK(blocks[3].bullet == "2.");
    CHECK(blocks[4].bullet == "•");
    CHECK(blocks[4].spans.at(1).link == "https://docs.kernel.org/virt/kvm/api.html");
    CHECK(blocks[5].kind == MdBlockKind::code);
    CHECK(blocks[5].code == "mov al, 'H'\n");
}

TEST_CASE("Guest code is disassembled in the mode the registers say", "[gui][inspectors]") {
    const engine::MemoryView code{"guest code", 0x1000, 0x7f0000001000, {0xb0, 0x48, 0xba, 0xf8, 0x03, 0xee, 0xf4}};
    SECTION("no CR0 recorded: real mode, 16-bit") {
        engine::Facts facts;
        CHECK(gui::guess_cpu_mode(facts) == gui::CpuMode::real16);
        const auto listing = gui::disassemble(code, gui::CpuMode::real16);
        REQUIRE(listing.size() == 4);
        CHECK(listing[0].text == "mov al, 0x48");
        CHECK(listing[1].text == "mov dx, 0x3F8");
        CHECK(listing[2].text == "out dx, al");
        CHECK(listing[3].text == "hlt");
        CHECK(listing[3].address == 0x1006);
    }
    SECTION("CR0.PE: 32-bit; EFER.LMA: 64-bit") {
        engine::Facts facts;
        facts.set_registers({"vCPU 0", {{"rip", 0x1000}, {"cr0", 0x11}, {"efer", 0}}});
        CHECK(gui::guess_cpu_mode(facts) == gui::CpuMode::protected32);
        facts.set_registers({"vCPU 0", {{"rip", 0x1000}, {"cr0", 0x80000011}, {"efer", 0x500}}});
        CHECK(gui::guess_cpu_mode(facts) == gui::CpuMode::long64);
    }
    SECTION("in real mode the next instruction is at CS.base + IP") {
        engine::Facts facts;
        facts.set_registers({"vCPU 0", {{"rip", 0x0006}, {"cs.base", 0x1000}, {"cr0", 0x10}}});
        CHECK(gui::instruction_address(facts, gui::CpuMode::real16) == 0x1006);
    }
    SECTION("undecodable bytes still cover the view") {
        const engine::MemoryView junk{"junk", 0, 0, {0x0f, 0xff}};
        std::size_t covered = 0;
        for (const auto& insn : gui::disassemble(junk, gui::CpuMode::long64)) covered += insn.bytes.size();
        CHECK(covered == 2);
    }
}

TEST_CASE("Settings live in the XDG config dir and survive a round trip", "[gui][settings]") {
    const auto dir = std::filesystem::temp_directory_path() / ("strata-" + std::to_string(::getpid()) + "-gui-settings");
    std::filesystem::remove_all(dir);
    ::setenv("XDG_CONFIG_HOME", dir.c_str(), 1);
    CHECK(gui::config_dir() == dir / "strata");
    gui::Settings s;
    s.theme = "high-contrast";
    s.font_scale = 1.5f;
    REQUIRE(gui::save_settings(gui::config_dir(), s));
    const auto loaded = gui::load_settings(gui::config_dir());
    CHECK(loaded.theme == "high-contrast");
    CHECK(loaded.font_scale == 1.5f);
    SECTION("a damaged file gives defaults instead of stopping the app") {
        std::ofstream(gui::settings_file(gui::config_dir())) << "{\"theme\": 42, \"font_scale\": ";
        CHECK(gui::load_settings(gui::config_dir()).theme == "dark");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("A step's revealed text appears only once the step has run", "[gui][narrative][reveal]") {
    const engine::Lesson* uts = lessons::catalogue().find("container/uts");
    REQUIRE(uts);
    const auto narrative = gui::parse_lesson_narrative(*uts, engine::asset_dir());
    REQUIRE(narrative.found);
    auto text_of = [](const std::vector<const std::vector<gui::MdBlock>*>& parts) {
        std::string text;
        for (const auto* blocks : parts)
            for (const auto& block : *blocks)
                for (const auto& span : block.spans) text += span.text;
        return text;
    };
    // Before the rename runs, its prediction asks what `hostname` prints:
    // the section must not say.
    for (auto status : {engine::StepStatus::pending, engine::StepStatus::running, engine::StepStatus::failed}) {
        const auto shown = text_of(gui::section_blocks(narrative, "sethostname", status));
        CHECK(shown.find("sethostname()") != std::string::npos);
        CHECK(shown.find("strata-box") == std::string::npos);
    }
    const auto done = text_of(gui::section_blocks(narrative, "sethostname", engine::StepStatus::done));
    CHECK(done.find("strata-box") != std::string::npos);
}
