// Made-up kvm_run pages, as KVM would fill them, for tests and fuzzers of
// the exit decoder and dispatcher: no /dev/kvm needed, and no code outside
// backends/kvm needs <linux/kvm.h>.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace strata::kvm::synthetic {

// A zeroed page of `size` bytes (at least sizeof(kvm_run)).
std::vector<std::uint8_t> empty_page(std::size_t size = 4096);
std::size_t run_struct_size();

// Fill the exit fields. `data` is copied to `data_offset` when it fits.
void set_io(std::vector<std::uint8_t>& page, bool out, std::uint16_t port, std::uint8_t size,
            std::uint32_t count, std::uint64_t data_offset, std::span<const std::uint8_t> data = {});
void set_mmio(std::vector<std::uint8_t>& page, std::uint64_t address, std::uint32_t length, bool write,
              std::span<const std::uint8_t> data = {});
void set_reason(std::vector<std::uint8_t>& page, std::uint32_t exit_reason);
void set_internal_error(std::vector<std::uint8_t>& page, std::uint32_t suberror, std::uint32_t ndata);
// The value an MMIO read returned to the guest (kvm_run.mmio.data).
std::vector<std::uint8_t> mmio_data(std::span<const std::uint8_t> page);

// Exit reason numbers from the KVM ABI, for tables of cases.
std::uint32_t reason_io();
std::uint32_t reason_mmio();
std::uint32_t reason_hlt();
std::uint32_t reason_shutdown();
std::uint32_t reason_fail_entry();
std::uint32_t reason_internal_error();
std::uint32_t reason_debug();
std::uint32_t reason_system_event();
std::uint32_t reason_intr();

}  // namespace strata::kvm::synthetic
