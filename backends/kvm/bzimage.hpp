// A Linux kernel image (bzImage) as the x86 boot protocol describes it.
//
// A bzImage is two programs in one file: the real-mode setup code (the
// boot sector and (setup_sects) 512-byte sectors after it) and the
// protected-mode kernel behind them — a small decompressor with the
// compressed kernel inside. At offset 0x1f1 the setup code starts with the
// "setup header": the kernel's half of the contract with its boot loader
// (Documentation/arch/x86/boot.rst). A VMM that boots Linux directly, as
// strata does, reads it to learn where the kernel wants to go, how much
// room it needs to decompress itself and whether it has a 64-bit entry.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/error.hpp"

namespace strata::kvm {

// The fields of the setup header strata uses or shows (offsets from the
// start of the file, as in boot.rst).
struct SetupHeader {
    std::uint8_t setup_sects = 0;         // 0x1f1: 512-byte sectors of setup code (0 means 4)
    std::uint32_t syssize = 0;            // 0x1f4: protected-mode code, in 16-byte units
    std::uint16_t version = 0;            // 0x206: boot protocol, 0x020f is 2.15
    std::uint8_t loadflags = 0;           // 0x211: bit 0 LOADED_HIGH (kernel at 1 MiB or above)
    std::uint32_t initrd_addr_max = 0;    // 0x22c: highest address the initramfs may end at
    std::uint32_t kernel_alignment = 0;   // 0x230: physical alignment the kernel needs
    std::uint8_t relocatable_kernel = 0;  // 0x234: may be loaded anywhere aligned
    std::uint16_t xloadflags = 0;         // 0x236: bit 0 XLF_KERNEL_64 (has the 64-bit entry)
    std::uint32_t cmdline_size = 0;       // 0x238: longest command line, without the NUL
    std::uint64_t pref_address = 0;       // 0x258: where the kernel prefers to be loaded
    std::uint32_t init_size = 0;          // 0x260: bytes it needs from its load address while it decompresses
    std::size_t header_end = 0;           // 0x202 + the byte at 0x201: the header's extent in the file
    std::string kernel_version;           // the string 0x20e points at (+0x200): "6.1.0-57-amd64 (...) #1 SMP ..."

    std::size_t setup_bytes() const { return (std::size_t{setup_sects ? setup_sects : 4u} + 1) * 512; }
    std::size_t kernel_bytes() const { return std::size_t{syssize} * 16; }
    bool has_64bit_entry() const { return xloadflags & 1; }
    // "2.15"
    std::string version_text() const;
    // The release alone, as uname -r prints it: "6.1.0-57-amd64".
    std::string release() const { return kernel_version.substr(0, kernel_version.find(' ')); }
};

// The oldest protocol strata boots: 2.12 added xloadflags, which says
// whether the 64-bit entry exists.
inline constexpr std::uint16_t kMinimumBootProtocol = 0x020c;
// The 64-bit entry point is this far into the protected-mode kernel.
inline constexpr std::uint64_t k64BitEntryOffset = 0x200;

// Reads and checks the header of `image` (a whole bzImage file). Refused,
// each with its own message and hint: a file without the "HdrS" magic (not
// a bzImage), a protocol older than 2.12 or a kernel without the 64-bit
// entry, and a file shorter than its header says (truncated). `name` is
// the file's name for the messages.
engine::Result<SetupHeader> read_setup_header(std::span<const std::uint8_t> image, const std::string& name);

// The protected-mode kernel: what goes to the load address.
std::span<const std::uint8_t> protected_mode_kernel(std::span<const std::uint8_t> image, const SetupHeader& header);

}  // namespace strata::kvm
