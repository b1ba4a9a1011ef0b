// Walking x86-64 4-level page tables by hand: the work the CPU's MMU does
// on a TLB miss, done in software so a learner can see each step.
//
// CR3 gives the guest-physical address of the PML4; bits 47..39 of the
// virtual address index it, bits 38..30 the PDPT, 29..21 the PD, 20..12
// the PT, and bits 11..0 are the offset in the 4 KiB page. A PDPT or PD
// entry with PS set maps a 1 GiB or 2 MiB page directly and the walk ends
// early. A pure function of the tables' bytes (read through a callback),
// so it is unit-tested without a VM; the guest controls those bytes, so
// nothing in them is trusted (a reader refusing an address ends the walk).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/facts.hpp"

namespace strata::kvm {

struct PageWalkEntry {
    int level = 4;                 // 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT
    std::string table;             // "PML4"
    std::uint64_t table_gpa = 0;   // guest-physical address of the table
    unsigned index = 0;            // which of its 512 entries
    std::uint64_t entry_gpa = 0;   // table_gpa + 8 * index
    std::uint64_t value = 0;       // the 64-bit entry
    bool present = false;
    bool leaf = false;             // maps a page (PT entry, or PS set)
    std::uint64_t target = 0;      // next table, or the page frame when leaf
    std::vector<std::string> flags;  // "P", "RW", "US", "A", "PS", "NX", ...
};

struct PageWalk {
    std::uint64_t virtual_address = 0;
    std::vector<PageWalkEntry> entries;
    std::optional<std::uint64_t> physical;  // set when the walk found a page
    std::uint64_t page_size = 0;            // 4 KiB, 2 MiB or 1 GiB
    bool writable = false, user = false, executable = false;  // effective, all levels combined
    std::string fault;                      // why there is no translation, for a learner
};

// Reads the 8-byte entry at a guest-physical address; nullopt when the
// address is not guest RAM.
using PhysicalReader = std::function<std::optional<std::uint64_t>(std::uint64_t guest_physical)>;

// Walks `virtual_address` through the tables rooted at `cr3`.
PageWalk walk_page_tables(std::uint64_t cr3, std::uint64_t virtual_address, const PhysicalReader& read);

// The named flag bits of an entry at `level` ("PS" only where it means a
// large page; "G" and "D" only on entries that map a page).
std::vector<std::string> page_entry_flags(std::uint64_t entry, int level, bool leaf);

// The walk as an inspector table: one row per level, then the result.
// `host_virtual` turns a guest-physical address into the VMM's address (may
// be empty).
engine::TableView page_walk_table(const PageWalk& walk, const std::string& title,
                                  const std::function<std::optional<std::uint64_t>(std::uint64_t)>& host_virtual);

}  // namespace strata::kvm
