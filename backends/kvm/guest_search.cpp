#include "backends/kvm/guest_search.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace strata::kvm {

std::optional<std::uint64_t> find_in_guest_memory(engine::Recorder& recorder, const GuestMemory& ram,
                                                  std::string_view needle, std::uint64_t from, std::uint64_t to) {
    engine::Span span(recorder, engine::EventKind::note, "VMM reads guest RAM", {engine::LayerId::vmm, engine::LayerId::ram});
    span.arg("looking for", fmt::format("\"{}\"", needle));
    span.arg("range", fmt::format("{:#x}-{:#x}", from, to));
    std::optional<std::uint64_t> found;
    from = std::max<std::uint64_t>(from, ram.guest_base());
    to = std::min<std::uint64_t>(to, ram.guest_base() + ram.size());
    if (!needle.empty() && to > from)
        if (auto bytes = ram.bytes(from, to - from)) {
            const auto it = std::search(bytes->begin(), bytes->end(), needle.begin(), needle.end(),
                                        [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
            if (it != bytes->end()) found = from + static_cast<std::uint64_t>(it - bytes->begin());
        }
    span.arg("found at", found ? fmt::format("{:#x}", *found) : "nowhere");
    span.finish(found ? 0 : -1, 0);
    return found;
}

}  // namespace strata::kvm
