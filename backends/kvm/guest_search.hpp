// Looking for bytes in guest RAM from the VMM's side: guest RAM is memory
// of strata's own process, so the VMM can read everything a guest has —
// its kernel's code and data included — without asking the guest. (A VM
// boundary protects the host from the guest, not the guest from its host.)
#pragma once

#include <optional>
#include <string_view>

#include "backends/kvm/guest_memory.hpp"

namespace strata::kvm {

// The guest-physical address of the first occurrence of `needle` in
// [from, to), or nullopt. Recorded as the VMM reading guest RAM.
std::optional<std::uint64_t> find_in_guest_memory(engine::Recorder& recorder, const GuestMemory& ram,
                                                  std::string_view needle, std::uint64_t from, std::uint64_t to);

}  // namespace strata::kvm
