/*
 * The DSDT strata gives vm/virtio's Linux guest: one virtio-mmio device, and
 * the serial port its console is on.
 *
 * A PC has no bus a kernel could scan for memory-mapped devices; the firmware
 * names them in ACPI. "LNRO0005" is the id Linux's virtio_mmio driver matches
 * (drivers/virtio/virtio_mmio.c), _CRS says where its registers are and which
 * interrupt it raises. Debian's kernel has no virtio_mmio.device= command line
 * option (CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES is off), so this table is how it
 * learns of the device, as it is under Firecracker and QEMU's microvm.
 *
 * COM1 is here because the FADT says "hardware-reduced": Linux then drops the
 * legacy 8259 PIC and with it the ISA IRQ numbers, so the UART's interrupt
 * must come from the firmware as a GSI on the I/O APIC, like any other device.
 * Without it the kernel's own messages (polled) still appear, but nothing
 * /init writes (interrupt-driven) ever leaves the guest.
 *
 * Compiled by iasl (acpica-tools) at build time; backends/kvm/acpi_tables.hpp
 * holds the same base, length and IRQ, and a unit test checks they agree.
 */
DefinitionBlock ("", "DSDT", 2, "STRATA", "VIRTIO", 1)
{
    Scope (\_SB)
    {
        Device (COM1)
        {
            Name (_HID, EisaId ("PNP0501"))
            Name (_UID, One)
            Name (_CRS, ResourceTemplate ()
            {
                IO (Decode16, 0x03F8, 0x03F8, 0x00, 0x08)
                IRQNoFlags () { 4 }
            })
        }

        Device (VR00)
        {
            Name (_HID, "LNRO0005")
            Name (_UID, Zero)
            Name (_CRS, ResourceTemplate ()
            {
                Memory32Fixed (ReadWrite, 0xD0000000, 0x00000200)
                Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { 5 }
            })
        }
    }
}
