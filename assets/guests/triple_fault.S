/*
 * A guest that triple-faults: it switches to protected mode with an empty
 * IDT, then divides by zero. The #DE cannot be delivered (no IDT entry),
 * nor can the resulting #GP and #DF, so the CPU shuts down: KVM reports
 * KVM_EXIT_SHUTDOWN.
 */
    .code16
    .text
    .global start
start:
    cli
    lidt    empty_idt           /* limit 0: every vector is out of bounds */
    xor     %ax, %ax
    div     %ax                 /* #DE -> #GP -> #DF -> shutdown          */
    hlt

empty_idt:
    .word   0
    .long   0
