#include "backends/kvm/synthetic_exit.hpp"

#include <algorithm>
#include <cstring>

#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm::synthetic {

namespace {
kvm_run* as_run(std::vector<std::uint8_t>& page) { return reinterpret_cast<kvm_run*>(page.data()); }
}  // namespace

std::size_t run_struct_size() { return sizeof(kvm_run); }

std::vector<std::uint8_t> empty_page(std::size_t size) {
    return std::vector<std::uint8_t>(std::max(size, sizeof(kvm_run)), 0);
}

void set_reason(std::vector<std::uint8_t>& page, std::uint32_t exit_reason) { as_run(page)->exit_reason = exit_reason; }

void set_io(std::vector<std::uint8_t>& page, bool out, std::uint16_t port, std::uint8_t size, std::uint32_t count,
            std::uint64_t data_offset, std::span<const std::uint8_t> data) {
    auto* run = as_run(page);
    run->exit_reason = KVM_EXIT_IO;
    run->io.direction = out ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
    run->io.port = port;
    run->io.size = size;
    run->io.count = count;
    run->io.data_offset = data_offset;
    // memcpy from an empty span's null pointer is undefined even for 0 bytes.
    if (!data.empty() && data_offset <= page.size() && data.size() <= page.size() - data_offset)
        std::memcpy(page.data() + data_offset, data.data(), data.size());
}

void set_mmio(std::vector<std::uint8_t>& page, std::uint64_t address, std::uint32_t length, bool write,
              std::span<const std::uint8_t> data) {
    auto* run = as_run(page);
    run->exit_reason = KVM_EXIT_MMIO;
    run->mmio.phys_addr = address;
    run->mmio.len = length;
    run->mmio.is_write = write ? 1 : 0;
    if (!data.empty())
        std::memcpy(run->mmio.data, data.data(), std::min<std::size_t>(data.size(), sizeof run->mmio.data));
}

void set_internal_error(std::vector<std::uint8_t>& page, std::uint32_t suberror, std::uint32_t ndata) {
    auto* run = as_run(page);
    run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
    run->internal.suberror = suberror;
    run->internal.ndata = ndata;
}

std::vector<std::uint8_t> mmio_data(std::span<const std::uint8_t> page) {
    const auto* run = reinterpret_cast<const kvm_run*>(page.data());
    return {run->mmio.data, run->mmio.data + sizeof run->mmio.data};
}

std::uint32_t reason_io() { return KVM_EXIT_IO; }
std::uint32_t reason_mmio() { return KVM_EXIT_MMIO; }
std::uint32_t reason_hlt() { return KVM_EXIT_HLT; }
std::uint32_t reason_shutdown() { return KVM_EXIT_SHUTDOWN; }
std::uint32_t reason_fail_entry() { return KVM_EXIT_FAIL_ENTRY; }
std::uint32_t reason_internal_error() { return KVM_EXIT_INTERNAL_ERROR; }
std::uint32_t reason_debug() { return KVM_EXIT_DEBUG; }
std::uint32_t reason_system_event() { return KVM_EXIT_SYSTEM_EVENT; }
std::uint32_t reason_intr() { return KVM_EXIT_INTR; }

}  // namespace strata::kvm::synthetic
