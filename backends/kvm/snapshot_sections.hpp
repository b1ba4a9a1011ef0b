// The sections of a snapshot file, each to and from bytes (the layouts are
// in docs/SNAPSHOT-FORMAT.md), with the checks decode_snapshot makes on
// every one. Used by snapshot_file.cpp, which does the header, the table
// and the checksums around them.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "backends/kvm/snapshot_file.hpp"

namespace strata::kvm::sections {

// Little-endian writing and bounded reading of plain integers.
class Writer {
public:
    void u8(std::uint8_t v) { bytes_.push_back(v); }
    void u32(std::uint32_t v) { put(&v, 4); }
    void u64(std::uint64_t v) { put(&v, 8); }
    void put(const void* data, std::size_t size) {
        const auto* p = static_cast<const std::uint8_t*>(data);
        bytes_.insert(bytes_.end(), p, p + size);
    }
    void zeros(std::size_t n) { bytes_.insert(bytes_.end(), n, 0); }
    void pad_to_8() { zeros((8 - bytes_.size() % 8) % 8); }
    std::vector<std::uint8_t>& bytes() { return bytes_; }

private:
    std::vector<std::uint8_t> bytes_;
};

class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
    // Each returns false (and reads nothing) when fewer bytes are left.
    bool u8(std::uint8_t& v) { return get(&v, 1); }
    bool u32(std::uint32_t& v) { return get(&v, 4); }
    bool u64(std::uint64_t& v) { return get(&v, 8); }
    bool get(void* out, std::size_t size) {
        if (size > bytes_.size() - at_) return false;
        std::memcpy(out, bytes_.data() + at_, size);
        at_ += size;
        return true;
    }
    std::size_t position() const { return at_; }
    std::size_t left() const { return bytes_.size() - at_; }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t at_ = 0;
};

// The payload of every section of `snapshot`, in all_sections() order.
SectionPayloads encode_sections(const Snapshot& snapshot);

// Fills `into` (all but its origin, which is the header's) from the
// payloads, each present once and with a verified checksum. Every size,
// count and strata-defined field is checked; the error names the section.
Result<void> decode_sections(const std::map<SectionId, std::span<const std::uint8_t>>& payloads, Snapshot& into);

}  // namespace strata::kvm::sections
