/*
 * The guest of the QEMU peer in `strata bench start` and compare/start-time:
 * a 64 KiB firmware image (qemu -bios) whose reset vector at once writes
 * 0x2a to QEMU's isa-debug-exit device at port 0x501. QEMU then exits with
 * status (0x2a << 1) | 1 = 85, which proves the guest's first instructions
 * ran. What the timing measures is QEMU's own start-up (its device model,
 * KVM set-up, loading the firmware) to the guest's first OUT: no BIOS, no
 * boot loader, no guest kernel.
 *
 * A PC's CPU starts at 0xFFFFFFF0, the last 16 bytes of the firmware.
 */
    .code16
    .text
    .org    0xffe0
    .global start
start:
    mov     $0x501, %dx
    mov     $0x2a, %al
    out     %al, (%dx)
1:  hlt
    jmp     1b

    .org    0xfff0
reset:
    jmp     start
    .org    0x10000
