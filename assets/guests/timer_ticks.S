/*
 * The first guest of vm/interrupts: counts timer interrupts.
 *
 * It does what a PC operating system does at boot: install an interrupt
 * handler (here in the real-mode interrupt vector table at address 0),
 * program the two 8259 PICs so IRQ 0 arrives as vector 0x20, program the
 * 8254 PIT for 1000 interrupts a second, enable interrupts and wait.
 * KVM's in-kernel irqchip and PIT emulate all of that: none of those port
 * writes, interrupts or HLTs reaches the VMM. After 100 ticks the guest
 * reports through the checkpoint port (0x501) — the one exit of the run.
 *
 * The tick counter is at guest-physical 0x600, and the number of HLTs the
 * guest executed at 0x604, so the lesson can hold KVM's count of HLT exits
 * against it. Linked at 0x1000, CS = 0.
 */
    .code16
    .text
    .global start
    .set TICKS, 0x600
    .set HALTS, 0x604
    .set WANTED, 100
    .set PIT_DIVISOR, 1193      /* 1193182 Hz / 1193 = 1000.15 Hz */

.macro outb_imm port, value
    mov     $\value, %al
    out     %al, $\port
.endm

start:
    cli
    movl    $0, TICKS
    movl    $0, HALTS
    movw    $tick, 0x20*4       /* IVT[0x20] = 0000:tick */
    movw    $0, 0x20*4+2

    /* The PICs: ICW1 (edge, cascade, ICW4), ICW2 (vector base), ICW3
     * (wiring), ICW4 (8086 mode); then the mask: only IRQ 0. */
    outb_imm 0x20, 0x11
    outb_imm 0x21, 0x20
    outb_imm 0x21, 0x04
    outb_imm 0x21, 0x01
    outb_imm 0xa0, 0x11
    outb_imm 0xa1, 0x28
    outb_imm 0xa1, 0x02
    outb_imm 0xa1, 0x01
    outb_imm 0x21, 0xfe
    outb_imm 0xa1, 0xff

    /* The PIT: channel 0, low then high byte, mode 2 (rate generator). */
    outb_imm 0x43, 0x34
    outb_imm 0x40, PIT_DIVISOR & 0xff
    outb_imm 0x40, PIT_DIVISOR >> 8

    sti
wait:
    incl    HALTS               /* one more HLT, each a VM exit         */
    hlt                         /* sleeps in KVM until the next tick    */
    cmpl    $WANTED, TICKS
    jb      wait
    cli
    mov     $0x501, %dx
    mov     $1, %al
    out     %al, (%dx)          /* checkpoint 1: the VMM reads TICKS    */
    hlt
    jmp     .

tick:
    push    %ax
    incl    TICKS
    mov     $0x20, %al
    out     %al, $0x20          /* end of interrupt, to the master PIC */
    pop     %ax
    iret
