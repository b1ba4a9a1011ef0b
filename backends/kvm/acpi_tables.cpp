#include "backends/kvm/acpi_tables.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

// iasl's C output of acpi/virtio_dsdt.asl: unsigned char virtio_dsdt_aml_code[].
#include "virtio_dsdt.hex"

namespace strata::kvm::acpi {

namespace {

// Offsets of the tables within the block at kTablesAddress.
constexpr std::size_t kRsdp = 0x0, kXsdt = 0x40, kMadt = 0x80, kFadt = 0x100, kDsdt = 0x280;
constexpr std::size_t kHeaderLength = 36;   // every table but the RSDP starts with it
constexpr std::size_t kRsdpLength = 36;     // ACPI 2.0 and later
constexpr std::size_t kFadtLength = 276;    // FADT revision 6
constexpr std::uint32_t kHardwareReduced = 1u << 20;  // FADT flags: HW_REDUCED_ACPI
constexpr std::size_t kMadtLength = kHeaderLength + 8 + 8 + 12;  // + one local APIC, one I/O APIC
constexpr std::uint32_t kLocalApic = 0xfee00000, kIoApic = 0xfec00000;  // where KVM's irqchip has them

template <class T>
void put(std::vector<std::uint8_t>& b, std::size_t at, T value) {
    std::memcpy(b.data() + at, &value, sizeof value);
}

void put_text(std::vector<std::uint8_t>& b, std::size_t at, const char* text, std::size_t width) {
    std::memcpy(b.data() + at, text, std::min(width, std::strlen(text)));
}

// The header every system description table starts with.
void header(std::vector<std::uint8_t>& b, std::size_t at, const char* signature, std::uint32_t length,
            std::uint8_t revision) {
    put_text(b, at, signature, 4);
    put<std::uint32_t>(b, at + 4, length);
    b[at + 8] = revision;
    put_text(b, at + 10, "STRATA", 6);    // OEM id
    put_text(b, at + 16, "STRATAVM", 8);  // OEM table id
    put<std::uint32_t>(b, at + 24, 1);    // OEM revision
    put_text(b, at + 28, "STRA", 4);      // creator id
    put<std::uint32_t>(b, at + 32, 1);    // creator revision
}

void seal(std::vector<std::uint8_t>& b, std::size_t at, std::size_t length, std::size_t checksum_at) {
    b[checksum_at] = 0;
    b[checksum_at] = checksum({b.data() + at, length});
}

}  // namespace

std::span<const std::uint8_t> virtio_dsdt() { return {virtio_dsdt_aml_code, sizeof virtio_dsdt_aml_code}; }

std::uint8_t checksum(std::span<const std::uint8_t> bytes) {
    const auto sum = std::accumulate(bytes.begin(), bytes.end(), 0u);
    return static_cast<std::uint8_t>(0x100 - (sum & 0xff));
}

Tables build_tables() {
    const auto dsdt = virtio_dsdt();
    Tables t;
    t.bytes.assign(kDsdt + dsdt.size(), 0);
    auto& b = t.bytes;
    const std::uint64_t base = kTablesAddress;

    // RSDP: no RSDT (32-bit), only the XSDT; two checksums, over its first
    // 20 bytes (ACPI 1.0's structure) and over all of it.
    put_text(b, kRsdp, "RSD PTR ", 8);
    put_text(b, kRsdp + 9, "STRATA", 6);
    b[kRsdp + 15] = 2;  // revision: ACPI 2.0+
    put<std::uint32_t>(b, kRsdp + 20, kRsdpLength);
    put<std::uint64_t>(b, kRsdp + 24, base + kXsdt);
    seal(b, kRsdp, 20, kRsdp + 8);
    seal(b, kRsdp, kRsdpLength, kRsdp + 32);

    // XSDT: the FADT and the MADT.
    header(b, kXsdt, "XSDT", kHeaderLength + 16, 1);
    put<std::uint64_t>(b, kXsdt + kHeaderLength, base + kFadt);
    put<std::uint64_t>(b, kXsdt + kHeaderLength + 8, base + kMadt);
    seal(b, kXsdt, kHeaderLength + 16, kXsdt + 9);

    // MADT ("APIC"): hardware-reduced ACPI means no 8259 PIC and no PIT for
    // Linux (it installs a null PIC), so interrupts go through the I/O APIC
    // and the timer is the local APIC's: both in KVM's irqchip, described
    // here. ISA IRQ n is GSI n (no overrides): COM1 stays on 4, virtio on 5.
    header(b, kMadt, "APIC", kMadtLength, 4);
    put<std::uint32_t>(b, kMadt + 36, kLocalApic);
    put<std::uint32_t>(b, kMadt + 40, 0);  // flags: no PC/AT 8259 pair to mask
    std::size_t at = kMadt + 44;
    b[at] = 0;  // processor local APIC
    b[at + 1] = 8;
    b[at + 2] = 0;                           // ACPI processor UID
    b[at + 3] = 0;                           // APIC id of vCPU 0
    put<std::uint32_t>(b, at + 4, 1);        // enabled
    at += 8;
    b[at] = 1;  // I/O APIC
    b[at + 1] = 12;
    b[at + 2] = 0;                           // I/O APIC id
    put<std::uint32_t>(b, at + 4, kIoApic);
    put<std::uint32_t>(b, at + 8, 0);        // its first GSI
    seal(b, kMadt, kMadtLength, kMadt + 9);

    // FADT ("FACP"), revision 6.3: hardware-reduced, the DSDT's address in
    // both the 32-bit and the 64-bit field. IAPC_BOOT_ARCH stays 0: no
    // 8042 worth a driver, which spares the guest its probe.
    header(b, kFadt, "FACP", kFadtLength, 6);
    put<std::uint32_t>(b, kFadt + 40, static_cast<std::uint32_t>(base + kDsdt));  // DSDT
    put<std::uint32_t>(b, kFadt + 112, kHardwareReduced);                        // Flags
    b[kFadt + 131] = 3;                                                           // minor version
    put<std::uint64_t>(b, kFadt + 140, base + kDsdt);                             // X_DSDT
    put_text(b, kFadt + 268, "STRATA", 8);                                        // hypervisor vendor
    seal(b, kFadt, kFadtLength, kFadt + 9);

    // The DSDT as iasl compiled it (its checksum is iasl's).
    std::copy(dsdt.begin(), dsdt.end(), b.begin() + kDsdt);

    t.rsdp = base + kRsdp;
    t.tables = {
        {"RSDP", base + kRsdp, kRsdpLength, "the root pointer: the zero page's acpi_rsdp_addr points here"},
        {"XSDT", base + kXsdt, kHeaderLength + 16, "the list of tables: the FADT and the MADT"},
        {"APIC", base + kMadt, kMadtLength, "the MADT: one local APIC (vCPU 0) and the I/O APIC, both KVM's"},
        {"FACP", base + kFadt, kFadtLength, "the FADT: hardware-reduced ACPI, and where the DSDT is"},
        {"DSDT", base + kDsdt, dsdt.size(), "AML naming device LNRO0005 (virtio-mmio), its registers and IRQ"},
    };
    return t;
}

}  // namespace strata::kvm::acpi
