// The Zydis wrapper: text, lengths, branch targets and the prediction of
// the next RIP that vm/single-step checks against the real CPU.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/disassembler.hpp"

using namespace strata::engine;

TEST_CASE("Real-mode bytes decode to instructions with lengths and AT&T text", "[unit][disasm]") {
    // mov $0x3f8,%dx ; xor %ax,%ax ; out %al,(%dx) ; hlt
    const std::vector<std::uint8_t> code = {0xba, 0xf8, 0x03, 0x31, 0xc0, 0xee, 0xf4};
    const auto listing = disassemble(code, 0x1000, CpuMode::real16);
    REQUIRE(listing.size() == 4);
    CHECK(listing[0].length == 3);
    CHECK(listing[0].text.find("0x3F8") != std::string::npos);
    CHECK(listing[1].address == 0x1003);
    CHECK(listing[1].mnemonic == "xor");
    CHECK(listing[3].mnemonic == "hlt");
    CHECK(listing[3].ends_flow);
    CHECK_FALSE(predict_next(listing[3], 0x2));
    CHECK(predict_next(listing[1], 0x2) == 0x1005);
}

TEST_CASE("A conditional jump is predicted from the flags before it", "[unit][disasm]") {
    // at 0x100b: jnz -5 (75 fb) -> 0x1008
    const std::vector<std::uint8_t> jnz = {0x75, 0xfb};
    const auto i = disassemble_one(jnz, 0x100b, CpuMode::real16);
    REQUIRE(i);
    CHECK(i->conditional);
    CHECK(i->branch_target == 0x1008);
    CHECK(predict_next(*i, 0x002) == 0x1008);  // ZF clear: taken
    CHECK(predict_next(*i, 0x042) == 0x100d);  // ZF set: falls through
}

TEST_CASE("64-bit code, loops and undecodable bytes", "[unit][disasm]") {
    // lea 0x10(%rip),%rsi in long mode
    const std::vector<std::uint8_t> lea = {0x48, 0x8d, 0x35, 0x10, 0x00, 0x00, 0x00};
    const auto l = disassemble_one(lea, 0x4000, CpuMode::long64);
    REQUIRE(l);
    CHECK(l->length == 7);
    CHECK(l->mnemonic == "lea");
    // loop -2 at 0x108f: taken while CX - 1 != 0
    const std::vector<std::uint8_t> loop = {0xe2, 0xfe};
    const auto lp = disassemble_one(loop, 0x108f, CpuMode::real16);
    REQUIRE(lp);
    CHECK(predict_next(*lp, 0x2, 5) == 0x108f);
    CHECK(predict_next(*lp, 0x2, 1) == 0x1091);
    // A lone prefix, cut short, is not an instruction.
    const std::vector<std::uint8_t> garbage = {0x66};
    CHECK_FALSE(disassemble_one(garbage, 0, CpuMode::long64));
    CHECK(disassemble(garbage, 0, CpuMode::long64).empty());
    CHECK(disassemble({}, 0, CpuMode::real16).empty());
}
