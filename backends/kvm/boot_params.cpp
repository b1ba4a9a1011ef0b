#include "backends/kvm/boot_params.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

template <class T>
void put(std::vector<std::uint8_t>& page, std::size_t offset, T value) {
    std::memcpy(page.data() + offset, &value, sizeof value);
}

constexpr std::uint64_t kEbda = 0x9fc00, kHighMemory = 0x100000;
constexpr std::uint8_t kLoaderUndefined = 0xff;  // type_of_loader: "a loader with no assigned id"
constexpr std::uint8_t kCanUseHeap = 0x80;       // loadflags bit 7

}  // namespace

std::vector<E820Entry> pc_memory_map(std::uint64_t ram_size) {
    std::vector<E820Entry> map{{0, kEbda, 1}, {kEbda, kHighMemory - kEbda, 2}};
    if (ram_size > kHighMemory) map.push_back({kHighMemory, ram_size - kHighMemory, 1});
    return map;
}

engine::Result<std::vector<std::uint8_t>> build_boot_params(const BootParamsInput& in) {
    namespace at = boot_params_offset;
    const char* op = "build the zero page";
    if (in.header.cmdline_size && in.cmdline_length > in.header.cmdline_size)
        return engine::plain_error(op, fmt::format("the command line is {} bytes, the kernel takes at most {}",
                                                   in.cmdline_length, in.header.cmdline_size),
                                   "shorten the command line");
    if (in.memory_map.size() > at::kMaxE820Entries)
        return engine::plain_error(op, fmt::format("{} e820 entries, the zero page holds {}", in.memory_map.size(),
                                                   at::kMaxE820Entries));
    if (in.header.header_end > in.image.size() || in.header.header_end <= at::setup_header)
        return engine::plain_error(op, "the setup header lies outside the kernel image");

    std::vector<std::uint8_t> page(kBootParamsSize, 0);
    // The kernel's own header first, then the loader's answers over it.
    std::copy(in.image.begin() + at::setup_header, in.image.begin() + static_cast<std::ptrdiff_t>(in.header.header_end),
              page.begin() + at::setup_header);
    page[at::type_of_loader] = kLoaderUndefined;
    page[at::loadflags] = static_cast<std::uint8_t>(page[at::loadflags] | kCanUseHeap);
    put<std::uint32_t>(page, at::cmd_line_ptr, static_cast<std::uint32_t>(in.cmdline_address));
    put<std::uint32_t>(page, at::ext_cmd_line_ptr, static_cast<std::uint32_t>(in.cmdline_address >> 32));
    put<std::uint32_t>(page, at::ramdisk_image, static_cast<std::uint32_t>(in.initrd_address));
    put<std::uint32_t>(page, at::ext_ramdisk_image, static_cast<std::uint32_t>(in.initrd_address >> 32));
    put<std::uint32_t>(page, at::ramdisk_size, static_cast<std::uint32_t>(in.initrd_size));
    put<std::uint32_t>(page, at::ext_ramdisk_size, static_cast<std::uint32_t>(in.initrd_size >> 32));
    // Boot protocol 2.14: the loader may say where the ACPI root pointer is,
    // instead of the kernel searching the BIOS area for it.
    put<std::uint64_t>(page, at::acpi_rsdp_addr, in.acpi_rsdp_address);
    page[at::e820_entries] = static_cast<std::uint8_t>(in.memory_map.size());
    for (std::size_t i = 0; i < in.memory_map.size(); ++i) {
        const std::size_t entry = at::e820_table + i * 20;
        put<std::uint64_t>(page, entry, in.memory_map[i].address);
        put<std::uint64_t>(page, entry + 8, in.memory_map[i].size);
        put<std::uint32_t>(page, entry + 16, in.memory_map[i].type);
    }
    return page;
}

}  // namespace strata::kvm
