// A piece of saved state (vcpu_state.hpp, vm_state.hpp) to and from the
// kernel structure it is: the bytes KVM's GET ioctl filled in.
#pragma once

#include <cstring>

#include <fmt/format.h>

#include "backends/kvm/vcpu_state.hpp"

namespace strata::kvm {

template <class T>
Bytes piece_of(const T& value) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
    return Bytes(p, p + sizeof(T));
}

// A size mismatch is a caller's bug or a malformed file, which
// decode_snapshot rules out before anything gets here.
template <class T>
Result<T> piece_as(const Bytes& bytes, const char* what) {
    if (bytes.size() != sizeof(T))
        return engine::plain_error("saved state", fmt::format("the {} piece has {} bytes, not {}", what, bytes.size(), sizeof(T)));
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
}

}  // namespace strata::kvm
