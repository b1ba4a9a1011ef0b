// The guest editor's assembler: AT&T text -> bytes through Zydis's
// encoder, checked byte for byte against what GNU as makes of the same
// instructions, and back through the disassembler.
#include <catch2/catch.hpp>

#include <vector>

#include "engine/assembler.hpp"
#include "engine/disassembler.hpp"

using namespace strata::engine;
using Bytes = std::vector<std::uint8_t>;

TEST_CASE("Real-mode instructions assemble to the bytes GNU as makes", "[unit][asm]") {
    using Row = std::pair<std::string, Bytes>;
    auto [source, expected] = GENERATE(table<std::string, Bytes>({
        Row{"mov $0x3f8, %dx", {0xba, 0xf8, 0x03}},
        Row{"movb $'A', %al", {0xb0, 0x41}},
        Row{"mov $65, %al", {0xb0, 0x41}},
        Row{"out %al, (%dx)", {0xee}},
        Row{"out %al, $0x80", {0xe6, 0x80}},
        Row{"hlt", {0xf4}},
        Row{"xor %ax, %ax", {0x31, 0xc0}},
        Row{"lodsb", {0xac}},
        Row{"rep outsb", {0xf3, 0x6e}},
        Row{"incb (%si)", {0xfe, 0x04}},
        Row{"movb $'\\n', %al", {0xb0, 0x0a}},
        Row{".asciz \"Hi\"", {'H', 'i', 0}},
        Row{".byte 1, 0x2, 'c'", {1, 2, 'c'}},
    }));
    CAPTURE(source);
    auto out = assemble(source, 0x1000, CpuMode::real16);
    REQUIRE(out);
    CHECK(out->bytes == expected);
}

TEST_CASE("Statements split at newlines and semicolons, comments and labels are understood", "[unit][asm]") {
    const std::string program =
        "start:  mov $msg, %si      # the string\n"
        "        mov $0x3f8, %dx\n"
        "next:   lodsb; test %al, %al; jz done\n"
        "        out %al, (%dx)\n"
        "        jmp next\n"
        "done:   hlt\n"
        "msg:    .asciz \"Ada; #1\"\n";
    auto out = assemble(program, 0x1000, CpuMode::real16);
    REQUIRE(out);
    // msg follows hlt: mov(3) mov(3) lodsb(1) test(2) jz(2) out(1) jmp(2) hlt(1) = 15 bytes
    REQUIRE(out->bytes.size() == 15 + 8);
    CHECK(out->bytes[0] == 0xbe);                                 // mov $imm16, %si
    CHECK((out->bytes[1] | out->bytes[2] << 8) == 0x1000 + 15);    // = address of msg
    CHECK(std::string(out->bytes.begin() + 15, out->bytes.end() - 1) == "Ada; #1");

    // The disassembler reads the same program back, branches to the labels.
    const auto listing = disassemble(out->bytes, 0x1000, CpuMode::real16, 8);
    REQUIRE(listing.size() == 8);
    CHECK(listing[4].mnemonic == "jz");
    CHECK(listing[4].branch_target == 0x1000 + 14);  // done: hlt
    CHECK(listing[6].mnemonic == "jmp");
    CHECK(listing[6].branch_target == 0x1000 + 6);   // next: lodsb
    CHECK(out->lines.size() == 9);                   // one per statement, labels included
}

TEST_CASE("A forward jump that cannot be short grows to a near jump", "[unit][asm]") {
    std::string program = "jmp far_away\n";
    for (int i = 0; i < 200; ++i) program += "nop\n";
    program += "far_away: hlt\n";
    auto out = assemble(program, 0x1000, CpuMode::real16);
    REQUIRE(out);
    CHECK(out->bytes[0] == 0xe9);  // jmp rel16
    const auto jump = disassemble_one(out->bytes, 0x1000, CpuMode::real16);
    REQUIRE(jump);
    CHECK(jump->branch_target == 0x1000 + 3 + 200);
}

TEST_CASE("Mistakes name their line and what is wrong", "[unit][asm]") {
    using Row = std::pair<std::string, std::string>;
    auto [source, expected] = GENERATE(table<std::string, std::string>({
        Row{"hlt\nmvo $1, %al", "line 2: unknown instruction 'mvo'"},
        Row{"mov $1, %xyz", "there is no register '%xyz'"},
        Row{"jmp nowhere", "'nowhere' is not a label"},
        Row{"inc (%si)", "say the size of the memory operand"},
        Row{"movb $'AB', %al", "a character literal is one character"},
        Row{"a: nop\na: nop", "label 'a' is defined twice"},
        Row{"movb $0x3f8, %al", "cannot be encoded"},
        Row{".asciz \"open", "quote is not closed"},
        Row{".quad 1", "unknown directive '.quad'"},
        Row{"mov $1,, %al", "an operand is missing"},
    }));
    CAPTURE(source);
    auto out = assemble(source, 0x1000, CpuMode::real16);
    REQUIRE_FALSE(out);
    CHECK_THAT(out.error().message, Catch::Contains(expected));
}

TEST_CASE("A program larger than the limit is refused", "[unit][asm]") {
    std::string program;
    for (std::size_t i = 0; i < kMaxAssembledBytes + 1; ++i) program += "nop\n";
    auto out = assemble(program, 0x1000, CpuMode::real16);
    REQUIRE_FALSE(out);
    CHECK_THAT(out.error().message, Catch::Contains("larger than"));
}

TEST_CASE("64-bit code assembles too", "[unit][asm]") {
    auto out = assemble("mov $0x3f8, %dx\nmovq $1, %rax\nsyscall", 0x4000, CpuMode::long64);
    if (!out) FAIL(out.error().message);
    const auto listing = disassemble(out->bytes, 0x4000, CpuMode::long64);
    REQUIRE(listing.size() == 3);
    CHECK(listing[1].mnemonic == "mov");
    CHECK(listing[2].mnemonic == "syscall");
}
