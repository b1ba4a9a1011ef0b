// What vm/snapshot checks about tinyos's snapshot workload, as pure
// functions of what the guest printed and what KVM reported (unit-tested
// without /dev/kvm).
//
// A restored machine must go on exactly where it stopped. tinyos runs two
// programs at once, switched by its timer, so their lines interleave
// differently from run to run; what must not differ is each program's own
// sequence: the ticker counts 1..24 with no number repeated or lost, the
// writer finishes rounds 1..8 once each and prints the checksum of the
// pages it wrote.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/error.hpp"

namespace strata::lessons::vm {

// Each program's lines ("ticker: 3" -> under "ticker"), in order; lines of
// the kernel ("tinyos: ...") and others without "name: " are left out.
std::map<std::string, std::vector<std::string>> lines_by_program(std::string_view console);

// The writer's final checksum as the guest computes it: the sum of every
// word of data pages 0-63, word(page, page / 8 + 1, index).
std::uint64_t expected_writer_checksum();

// The hog's final checksum: the sum of every word of the 512 data pages
// after its six bursts (user/workload.c, prog_hog).
std::uint64_t expected_hog_checksum();

// `before`: the console up to the pause; `after`: what the machine printed
// from then to the end of the phase. Fine when, together, the ticker
// counted 1..24 once each and the writer did rounds 1..8 once each and
// printed expected_writer_checksum(); otherwise says what went wrong.
engine::Result<void> check_pause_phase(std::string_view before, std::string_view after);

// The same programs' lines in two continuations of one snapshot (another
// process, another VM): equal program by program, or the first difference.
engine::Result<void> same_per_program(std::string_view a, std::string_view b);

// One round of dirty-page logging: the pages of a bitmap (one bit per RAM
// page) that lie in the shared data and those that lie elsewhere.
struct DirtyCount {
    std::vector<std::uint32_t> data_pages;  // page numbers within the shared data (0-based)
    std::uint64_t other_pages = 0;          // tinyos's kernel: stacks, trace ring, page tables
};
DirtyCount count_dirty(std::span<const std::uint64_t> bitmap, std::uint64_t data_first_page, std::uint64_t data_pages);
// Exactly pages [first, first + pages) of the shared data, as the program said.
bool matches_mark(const DirtyCount& count, std::uint32_t first, std::uint32_t pages);
// "64-79" / "none" / "64-79, 81" for a sorted list.
std::string page_ranges(const std::vector<std::uint32_t>& pages);

}  // namespace strata::lessons::vm
