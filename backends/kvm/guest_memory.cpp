#include "backends/kvm/guest_memory.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

namespace strata::kvm {

using engine::LayerId;

engine::Result<GuestMemory> GuestMemory::allocate(engine::Recorder& recorder, std::uint64_t guest_base,
                                                  std::size_t size) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    if (size == 0 || size % page != 0 || guest_base % page != 0)
        return engine::plain_error("allocate guest memory",
                                   fmt::format("size {:#x} and guest base {:#x} must be non-zero multiples of "
                                               "the {} byte page size", size, guest_base, page));
    engine::Span span(recorder, engine::EventKind::syscall, "mmap(guest RAM)", {LayerId::vmm, LayerId::ram});
    span.arg("length", fmt::format("{:#x} ({} KiB)", size, size / 1024))
        .arg("prot", "PROT_READ|PROT_WRITE")
        .arg("flags", "MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE");
    void* address = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                           -1, 0);
    const int error = address == MAP_FAILED ? errno : 0;
    span.finish(address == MAP_FAILED ? -1 : static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(address)),
                error);
    if (address == MAP_FAILED)
        return engine::errno_error("mmap guest RAM", error, fmt::format("could not map {} bytes", size));
    return GuestMemory(guest_base, sys::Mapping(address, size));
}

bool GuestMemory::contains(std::uint64_t gpa, std::size_t length) const {
    // Written to be overflow-safe: gpa and length come from the guest.
    if (gpa < guest_base_) return false;
    const std::uint64_t offset = gpa - guest_base_;
    return offset <= size() && length <= size() - offset;
}

engine::Result<std::span<std::uint8_t>> GuestMemory::bytes(std::uint64_t gpa, std::size_t length) const {
    if (!contains(gpa, length))
        return engine::plain_error("guest memory access",
                                   fmt::format("[{:#x}, +{:#x}) lies outside guest RAM [{:#x}, {:#x})", gpa, length,
                                               guest_base_, guest_base_ + size()));
    return mapping_.bytes().subspan(gpa - guest_base_, length);
}

engine::Result<void> GuestMemory::write(std::uint64_t gpa, std::span<const std::uint8_t> data) {
    auto target = bytes(gpa, data.size());
    if (!target) return std::unexpected(target.error());
    std::memcpy(target->data(), data.data(), data.size());
    return {};
}

engine::Result<std::uint64_t> GuestMemory::host_address(std::uint64_t gpa) const {
    if (!contains(gpa, 1))
        return engine::plain_error("translate", fmt::format("{:#x} is not in guest RAM", gpa));
    return host_base() + (gpa - guest_base_);
}

}  // namespace strata::kvm
