// The shipped recordings of VM lessons, embedded into the KVM test binary
// at build time (tests/kvm/embed_vm_assets.cmake).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::tests {

struct ShippedRecording {
    std::string lesson_id;
    std::string_view json;
};

std::vector<ShippedRecording> shipped_vm_recordings();

}  // namespace strata::tests
