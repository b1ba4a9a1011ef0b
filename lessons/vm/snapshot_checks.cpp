#include "lessons/vm/snapshot_checks.hpp"

#include <bit>
#include <charconv>

#include <fmt/format.h>

#include "backends/kvm/tinyos.hpp"

namespace strata::lessons::vm {

namespace {

constexpr std::uint64_t kTickerCount = 24, kWriterRounds = 8;

engine::Result<void> wrong(std::string what) {
    return engine::plain_error("the continuation", std::move(what),
                               "a restored machine must go on exactly where it stopped: this one did not");
}

// The number after `prefix` in `line`, or -1.
long long number_after(const std::string& line, std::string_view prefix) {
    if (!line.starts_with(prefix)) return -1;
    long long n = -1;
    const char* begin = line.data() + prefix.size();
    auto [end, ec] = std::from_chars(begin, line.data() + line.size(), n);
    return ec == std::errc{} && end != begin ? n : -1;
}

}  // namespace

std::map<std::string, std::vector<std::string>> lines_by_program(std::string_view console) {
    std::map<std::string, std::vector<std::string>> out;
    std::size_t at = 0;
    while (at < console.size()) {
        auto end = console.find('\n', at);
        if (end == std::string_view::npos) end = console.size();
        const std::string line(console.substr(at, end - at));
        at = end + 1;
        const auto colon = line.find(": ");
        if (colon == std::string::npos || colon == 0) continue;
        const std::string name = line.substr(0, colon);
        if (name == "tinyos" || name.find(' ') != std::string::npos) continue;
        out[name].push_back(line);
    }
    return out;
}

std::uint64_t expected_writer_checksum() {
    std::uint64_t sum = 0;
    for (std::uint64_t page = 0; page < 64; ++page)
        for (std::uint64_t i = 0; i < 512; ++i) sum += kvm::tinyos::workload_word(page, page / 8 + 1, i);
    return sum;
}

std::uint64_t expected_hog_checksum() {
    constexpr std::uint64_t sizes[] = {384, 128, 32, 8, 2, 1};
    std::uint64_t round_of[kvm::tinyos::kDataPages] = {};
    std::uint64_t first = 0;
    for (std::uint64_t b = 0; b < std::size(sizes); ++b) {
        for (std::uint64_t p = first; p < first + sizes[b]; ++p) round_of[p % kvm::tinyos::kDataPages] = 0x21 + b;
        first = (first + sizes[b]) % kvm::tinyos::kDataPages;
    }
    std::uint64_t sum = 0;
    for (std::uint64_t page = 0; page < kvm::tinyos::kDataPages; ++page)
        for (std::uint64_t i = 0; i < 512; ++i) sum += kvm::tinyos::workload_word(page, round_of[page], i);
    return sum;
}

engine::Result<void> check_pause_phase(std::string_view before, std::string_view after) {
    const std::string all = std::string(before) + std::string(after);
    auto programs = lines_by_program(all);
    const auto& ticker = programs["ticker"];
    std::uint64_t expect = 1;
    for (const auto& line : ticker) {
        if (line == "ticker: done") {
            if (expect != kTickerCount + 1) return wrong(fmt::format("the ticker said done after counting to {}", expect - 1));
            expect = 0;  // nothing may follow
            continue;
        }
        const auto n = number_after(line, "ticker: ");
        if (expect == 0 || n != static_cast<long long>(expect))
            return wrong(fmt::format("the ticker printed \"{}\" where \"ticker: {}\" was due{}", line, expect,
                                     n >= 0 && n < static_cast<long long>(expect) ? ": a number repeated" : ": a number lost"));
        ++expect;
    }
    if (expect != 0) return wrong(fmt::format("the ticker stopped after {} without saying done", expect - 1));
    const auto& writer = programs["writer"];
    std::uint64_t round = 1;
    for (const auto& line : writer) {
        if (const auto sum = number_after(line, "writer: done, checksum "); line.starts_with("writer: done")) {
            const std::string printed = line.substr(std::string_view("writer: done, checksum ").size());
            if (round != kWriterRounds + 1) return wrong(fmt::format("the writer finished after {} rounds", round - 1));
            if (printed != std::to_string(expected_writer_checksum()))
                return wrong(fmt::format("the writer's checksum is {}, its pages should sum to {}", printed,
                                         expected_writer_checksum()));
            (void)sum;
            round = 0;
            continue;
        }
        if (round == 0 || number_after(line, "writer: round ") != static_cast<long long>(round))
            return wrong(fmt::format("the writer printed \"{}\" where round {} was due", line, round));
        ++round;
    }
    if (round != 0) return wrong(fmt::format("the writer stopped after round {} without its checksum", round - 1));
    return {};
}

engine::Result<void> same_per_program(std::string_view a, std::string_view b) {
    const auto pa = lines_by_program(a), pb = lines_by_program(b);
    for (const auto* side : {&pa, &pb})
        for (const auto& [name, lines] : *side) {
            const auto& one = pa.count(name) ? pa.at(name) : std::vector<std::string>{};
            const auto& two = pb.count(name) ? pb.at(name) : std::vector<std::string>{};
            for (std::size_t i = 0; i < std::max(one.size(), two.size()); ++i) {
                const std::string x = i < one.size() ? one[i] : "(nothing)", y = i < two.size() ? two[i] : "(nothing)";
                if (x != y) return wrong(fmt::format("{}'s line {} is \"{}\" in one and \"{}\" in the other", name, i + 1, x, y));
            }
        }
    return {};
}

DirtyCount count_dirty(std::span<const std::uint64_t> bitmap, std::uint64_t data_first_page, std::uint64_t data_pages) {
    DirtyCount c;
    for (std::size_t w = 0; w < bitmap.size(); ++w)
        for (std::uint64_t bits = bitmap[w]; bits; bits &= bits - 1) {
            const std::uint64_t page = w * 64 + static_cast<std::uint64_t>(std::countr_zero(bits));
            if (page >= data_first_page && page < data_first_page + data_pages)
                c.data_pages.push_back(static_cast<std::uint32_t>(page - data_first_page));
            else
                ++c.other_pages;
        }
    return c;
}

bool matches_mark(const DirtyCount& c, std::uint32_t first, std::uint32_t pages) {
    if (c.data_pages.size() != pages) return false;
    for (std::uint32_t i = 0; i < pages; ++i)
        if (c.data_pages[i] != first + i) return false;
    return true;
}

std::string page_ranges(const std::vector<std::uint32_t>& pages) {
    if (pages.empty()) return "none";
    std::string out;
    for (std::size_t i = 0; i < pages.size();) {
        std::size_t j = i;
        while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
        out += (out.empty() ? "" : ", ") + (j == i ? std::to_string(pages[i]) : fmt::format("{}-{}", pages[i], pages[j]));
        i = j + 1;
    }
    return out;
}

}  // namespace strata::lessons::vm
