// Mapping: a move-only owner of an mmap()ed region (guest RAM, a vCPU's
// kvm_run page). Unmapped on destruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include <sys/mman.h>

namespace strata::sys {

class Mapping {
public:
    Mapping() = default;
    Mapping(void* address, std::size_t size) : address_(address), size_(size) {}
    ~Mapping() { reset(); }
    Mapping(Mapping&& other) noexcept
        : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    Mapping& operator=(Mapping&& other) noexcept {
        if (this != &other) {
            reset();
            address_ = std::exchange(other.address_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;

    void* address() const { return address_; }
    std::size_t size() const { return size_; }
    bool valid() const { return address_ != nullptr; }
    std::span<std::uint8_t> bytes() const { return {static_cast<std::uint8_t*>(address_), size_}; }
    void reset() {
        if (address_) ::munmap(address_, size_);
        address_ = nullptr;
        size_ = 0;
    }

private:
    void* address_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace strata::sys
