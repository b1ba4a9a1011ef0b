// A small assembler for guest code a learner types (the "make the guest
// print your name" challenge, the GUI's guest editor). AT&T syntax, as in
// strata's own guest sources (assets/guests/*.S) and its disassembly, so
// what a learner writes reads like what the inspectors show:
//
//     mov  $0x3f8, %dx        # the console port
//     movb $'A', %al
//     out  %al, (%dx)         # one byte, one VM exit
//     hlt
//
// Statements end at a newline or ';'; '#' starts a comment. Labels
// (`next:`) work as branch targets and as immediates (`mov $msg, %si`);
// `.byte`, `.ascii` and `.asciz` place data. Zydis's encoder does the
// encoding, so every instruction it knows can be written; this file only
// parses the text into encoder requests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/disassembler.hpp"
#include "engine/error.hpp"

namespace strata::engine {

struct AssembledLine {
    int line = 0;                 // 1-based, in the source text
    std::uint64_t address = 0;    // where its bytes start
    std::size_t size = 0;         // bytes it produced (0 for a label or comment)
};

struct Assembly {
    std::vector<std::uint8_t> bytes;
    std::vector<AssembledLine> lines;
};

// Guest code is tiny; anything larger is a mistake, not a program.
inline constexpr std::size_t kMaxAssembledBytes = 4096;

// Assembles `source` to run at `address` in `mode`. An error names the
// line ("line 3: unknown instruction 'mvo'") and is never a partial result.
Result<Assembly> assemble(std::string_view source, std::uint64_t address, CpuMode mode);

}  // namespace strata::engine
