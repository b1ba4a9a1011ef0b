// ACPI tables: how a PC's firmware tells the kernel about devices no bus
// can find.
//
// A virtio-mmio device is a page of registers at a fixed address; nothing
// on a PC enumerates it. strata writes what a firmware would: the RSDP
// (found through the zero page's acpi_rsdp_addr), an XSDT listing a FADT
// and a MADT, the FADT flagged "hardware-reduced" (no legacy ACPI hardware:
// no PM timer, no SCI, nothing else strata would have to model) pointing
// at the DSDT, the MADT naming the local APIC and the I/O APIC (Linux
// drops the 8259 PIC and the PIT on a hardware-reduced machine), and the
// DSDT itself, compiled by iasl from acpi/virtio_dsdt.asl, which names the
// device, its registers and its interrupt.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace strata::kvm::acpi {

// Where the tables go: the BIOS area below 1 MiB, which the e820 map marks
// reserved, so the kernel keeps its hands off them.
inline constexpr std::uint64_t kTablesAddress = 0xe0000;

// What the DSDT says of the device (acpi/virtio_dsdt.asl has the same).
inline constexpr std::uint64_t kVirtioMmioBase = 0xd0000000;
inline constexpr std::uint64_t kVirtioMmioLength = 0x200;
inline constexpr std::uint32_t kVirtioIrq = 5;

struct Table {
    std::string signature;  // "RSDP", "XSDT", "APIC", "FACP", "DSDT"
    std::uint64_t address = 0;
    std::size_t length = 0;
    std::string what;
};

struct Tables {
    std::vector<std::uint8_t> bytes;  // to be written at kTablesAddress
    std::uint64_t rsdp = 0;           // guest-physical address of the RSDP
    std::vector<Table> tables;        // in the order the kernel follows them
};

Tables build_tables();

// The DSDT's AML as iasl compiled it.
std::span<const std::uint8_t> virtio_dsdt();

// An ACPI checksum: the byte that makes all bytes sum to zero.
std::uint8_t checksum(std::span<const std::uint8_t> bytes);

}  // namespace strata::kvm::acpi
