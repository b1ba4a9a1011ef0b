// The zero page (struct boot_params): what a boot loader tells Linux.
//
// 4 KiB that the kernel finds through RSI at its 64-bit entry: a copy of
// the kernel's own setup header with the loader's answers filled in (where
// the command line and the initramfs are, who loaded it), and the e820
// memory map — on a PC the BIOS's list of which physical ranges are RAM.
// A VMM is the BIOS and the boot loader at once, so it writes all of it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "backends/kvm/bzimage.hpp"
#include "engine/error.hpp"

namespace strata::kvm {

inline constexpr std::size_t kBootParamsSize = 4096;

struct E820Entry {
    std::uint64_t address = 0, size = 0;
    std::uint32_t type = 1;  // 1 usable RAM, 2 reserved
};

// The map of a PC with `ram_size` bytes: low RAM below the EBDA at
// 0x9fc00, the legacy hole (video memory, option ROMs, BIOS) reserved up
// to 1 MiB, and RAM from 1 MiB on.
std::vector<E820Entry> pc_memory_map(std::uint64_t ram_size);

struct BootParamsInput {
    std::span<const std::uint8_t> image;  // the bzImage: its setup header is copied
    SetupHeader header;
    std::uint64_t cmdline_address = 0;
    std::size_t cmdline_length = 0;  // without the NUL
    std::uint64_t initrd_address = 0, initrd_size = 0;
    std::vector<E820Entry> memory_map;
    std::uint64_t acpi_rsdp_address = 0;  // 0: no ACPI tables (the kernel looks for none)
};

// The zero page's bytes. Refuses a command line longer than the kernel's
// cmdline_size and more e820 entries than the page holds.
engine::Result<std::vector<std::uint8_t>> build_boot_params(const BootParamsInput& input);

// Offsets in struct boot_params (arch/x86/include/uapi/asm/bootparam.h),
// for the inspectors and the tests.
namespace boot_params_offset {
inline constexpr std::size_t acpi_rsdp_addr = 0x070;
inline constexpr std::size_t ext_ramdisk_image = 0x0c0, ext_ramdisk_size = 0x0c4, ext_cmd_line_ptr = 0x0c8;
inline constexpr std::size_t e820_entries = 0x1e8, setup_header = 0x1f1, type_of_loader = 0x210, loadflags = 0x211;
inline constexpr std::size_t ramdisk_image = 0x218, ramdisk_size = 0x21c, cmd_line_ptr = 0x228;
inline constexpr std::size_t e820_table = 0x2d0;
inline constexpr std::size_t kMaxE820Entries = 128;
}  // namespace boot_params_offset

}  // namespace strata::kvm
