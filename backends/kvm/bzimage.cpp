#include "backends/kvm/bzimage.hpp"

#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

constexpr std::uint32_t kHeaderMagic = 0x53726448;  // "HdrS" at 0x202
constexpr std::size_t kHeaderMagicAt = 0x202;
constexpr std::size_t kLastFieldEnd = 0x264;  // init_size, the last field read here

template <class T>
T field(std::span<const std::uint8_t> image, std::size_t offset) {
    T value{};
    std::memcpy(&value, image.data() + offset, sizeof value);  // x86: little endian, as the file
    return value;
}

}  // namespace

std::string SetupHeader::version_text() const { return fmt::format("{}.{}", version >> 8, version & 0xff); }

engine::Result<SetupHeader> read_setup_header(std::span<const std::uint8_t> image, const std::string& name) {
    const std::string operation = "read the setup header of " + name;
    const char* not_kernel_hint = "give a Linux kernel image (bzImage), such as /boot/vmlinuz-<version>: "
                                  "--set kernel=PATH";
    if (image.size() < kHeaderMagicAt + 4 || field<std::uint32_t>(image, kHeaderMagicAt) != kHeaderMagic)
        return engine::plain_error(operation,
                                   fmt::format("not a bzImage: no \"HdrS\" magic at offset 0x202 ({} bytes read)",
                                               image.size()),
                                   not_kernel_hint);
    if (image.size() < kLastFieldEnd)
        return engine::plain_error(operation, fmt::format("truncated: {} bytes end inside the setup header", image.size()),
                                   "the file was cut short (an interrupted copy or download?): use the whole kernel image");
    SetupHeader h;
    h.setup_sects = image[0x1f1];
    h.syssize = field<std::uint32_t>(image, 0x1f4);
    h.version = field<std::uint16_t>(image, 0x206);
    h.loadflags = image[0x211];
    h.initrd_addr_max = field<std::uint32_t>(image, 0x22c);
    h.kernel_alignment = field<std::uint32_t>(image, 0x230);
    h.relocatable_kernel = image[0x234];
    h.xloadflags = field<std::uint16_t>(image, 0x236);
    h.cmdline_size = field<std::uint32_t>(image, 0x238);
    h.pref_address = field<std::uint64_t>(image, 0x258);
    h.init_size = field<std::uint32_t>(image, 0x260);
    h.header_end = 0x202 + image[0x201];
    // kernel_version (0x20e): a pointer into the setup code, less 0x200.
    const std::size_t version_at = std::size_t{field<std::uint16_t>(image, 0x20e)} + 0x200;
    if (field<std::uint16_t>(image, 0x20e) != 0 && version_at < image.size() && version_at < h.setup_bytes())
        for (std::size_t i = version_at; i < image.size() && i < version_at + 256 && image[i] >= 0x20 && image[i] < 0x7f; ++i)
            h.kernel_version += static_cast<char>(image[i]);

    if (h.version < kMinimumBootProtocol)
        return engine::plain_error(operation,
                                   fmt::format("boot protocol {} is too old: strata needs 2.12 or newer", h.version_text()),
                                   "kernels since Linux 3.8 speak protocol 2.12: use a newer kernel");
    if (!h.has_64bit_entry())
        return engine::plain_error(operation, "the kernel has no 64-bit entry point (xloadflags bit 0 clear)",
                                   "strata enters Linux in 64-bit mode: use an x86-64 kernel");
    if (h.header_end > h.setup_bytes() || h.header_end < kLastFieldEnd)
        return engine::plain_error(operation, fmt::format("a setup header ending at {:#x} is not inside its {} byte "
                                                          "setup code", h.header_end, h.setup_bytes()),
                                   not_kernel_hint);
    const std::size_t whole = h.setup_bytes() + h.kernel_bytes();
    if (h.kernel_bytes() == 0 || image.size() < whole)
        return engine::plain_error(operation,
                                   fmt::format("truncated: the header describes {} bytes ({} of setup code, {} of "
                                               "kernel), the file has {}",
                                               whole, h.setup_bytes(), h.kernel_bytes(), image.size()),
                                   "the file was cut short (an interrupted copy or download?): use the whole kernel image");
    return h;
}

std::span<const std::uint8_t> protected_mode_kernel(std::span<const std::uint8_t> image, const SetupHeader& header) {
    return image.subspan(header.setup_bytes(), header.kernel_bytes());
}

}  // namespace strata::kvm
