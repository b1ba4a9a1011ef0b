#include "backends/kvm/page_walk.hpp"

#include <fmt/format.h>

namespace strata::kvm {

namespace {

constexpr std::uint64_t kAddressMask = 0x000ffffffffff000ull;  // bits 51..12
constexpr const char* kTableNames[] = {"", "PT", "PD", "PDPT", "PML4"};

bool canonical(std::uint64_t va) {
    const std::uint64_t top = va >> 47;  // bits 63..47 must all equal bit 47
    return top == 0 || top == 0x1ffff;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : " ") + s;
    return out;
}

}  // namespace

std::vector<std::string> page_entry_flags(std::uint64_t e, int level, bool leaf) {
    std::vector<std::string> flags;
    if (e & (1ull << 0)) flags.push_back("P");
    if (e & (1ull << 1)) flags.push_back("RW");
    if (e & (1ull << 2)) flags.push_back("US");
    if (e & (1ull << 3)) flags.push_back("PWT");
    if (e & (1ull << 4)) flags.push_back("PCD");
    if (e & (1ull << 5)) flags.push_back("A");
    if (leaf && (e & (1ull << 6))) flags.push_back("D");
    if ((level == 2 || level == 3) && (e & (1ull << 7))) flags.push_back("PS");
    if (level == 1 && (e & (1ull << 7))) flags.push_back("PAT");
    if (leaf && (e & (1ull << 8))) flags.push_back("G");
    if (e & (1ull << 63)) flags.push_back("NX");
    return flags;
}

PageWalk walk_page_tables(std::uint64_t cr3, std::uint64_t va, const PhysicalReader& read) {
    PageWalk walk;
    walk.virtual_address = va;
    if (!canonical(va)) {
        walk.fault = fmt::format("{:#x} is not canonical: bits 63..47 must all be equal (a #GP, not a page fault)", va);
        return walk;
    }
    bool writable = true, user = true, executable = true;
    std::uint64_t table = cr3 & kAddressMask;
    for (int level = 4; level >= 1; --level) {
        PageWalkEntry entry;
        entry.level = level;
        entry.table = kTableNames[level];
        entry.table_gpa = table;
        entry.index = static_cast<unsigned>((va >> (12 + 9 * (level - 1))) & 0x1ff);
        entry.entry_gpa = table + 8ull * entry.index;
        const auto value = read(entry.entry_gpa);
        if (!value) {
            walk.fault = fmt::format("the {} at {:#x} is not in guest RAM", entry.table, table);
            walk.entries.push_back(std::move(entry));
            return walk;
        }
        entry.value = *value;
        entry.present = entry.value & 1;
        const bool large = (level == 2 || level == 3) && (entry.value & (1ull << 7));
        entry.leaf = entry.present && (level == 1 || large);
        entry.flags = page_entry_flags(entry.value, level, entry.leaf);
        const std::uint64_t page_size = level == 3 ? (1ull << 30) : level == 2 ? (1ull << 21) : (1ull << 12);
        entry.target = entry.leaf ? (entry.value & kAddressMask & ~(page_size - 1)) : (entry.value & kAddressMask);
        walk.entries.push_back(entry);
        if (!entry.present) {
            walk.fault = fmt::format("{}[{}] is not present (P = 0): the CPU raises a page fault (#PF)",
                                     entry.table, entry.index);
            return walk;
        }
        writable = writable && (entry.value & 2);
        user = user && (entry.value & 4);
        executable = executable && !(entry.value & (1ull << 63));
        if (entry.leaf) {
            walk.page_size = page_size;
            walk.physical = entry.target | (va & (page_size - 1));
            walk.writable = writable;
            walk.user = user;
            walk.executable = executable;
            return walk;
        }
        table = entry.target;
    }
    return walk;  // unreachable: level 1 is always a leaf when present
}

engine::TableView page_walk_table(const PageWalk& walk, const std::string& title,
                                  const std::function<std::optional<std::uint64_t>(std::uint64_t)>& host_virtual) {
    engine::TableView view{title, {"step", "table at (GPA)", "index (VA bits)", "entry", "flags", "points to"}, {}, {}};
    for (const auto& e : walk.entries) {
        const int low = 12 + 9 * (e.level - 1);
        view.rows.push_back({e.table, fmt::format("{:#x}", e.table_gpa),
                             fmt::format("{} (bits {}..{})", e.index, low + 8, low), fmt::format("{:#018x}", e.value),
                             join(e.flags), !e.present ? "not present"
                                            : e.leaf   ? fmt::format("page frame {:#x}", e.target)
                                                       : fmt::format("next table {:#x}", e.target)});
        view.row_marked.push_back(e.leaf || !e.present);
    }
    if (walk.physical) {
        std::string host = "not in a RAM slot";
        if (host_virtual)
            if (auto h = host_virtual(*walk.physical)) host = fmt::format("{:#x}", *h);
        const char* size = walk.page_size == (1ull << 30) ? "1 GiB" : walk.page_size == (1ull << 21) ? "2 MiB" : "4 KiB";
        view.rows.push_back({"result", fmt::format("GPA {:#x}", *walk.physical),
                             fmt::format("offset {:#x} in a {} page", walk.virtual_address & (walk.page_size - 1), size),
                             fmt::format("host-virtual {}", host),
                             fmt::format("{}{}{}", walk.writable ? "writable " : "read-only ",
                                         walk.user ? "user " : "kernel-only ", walk.executable ? "exec" : "no-exec"),
                             ""});
    } else {
        view.rows.push_back({"result", "no translation", "", "", "", walk.fault});
    }
    view.row_marked.push_back(true);
    return view;
}

}  // namespace strata::kvm
