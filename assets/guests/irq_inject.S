/*
 * The second guest of vm/interrupts: no interrupt controller at all; the
 * VMM injects every interrupt itself with KVM_INTERRUPT.
 *
 * It starts with interrupts off and makes one exit (a poll of port 0x510)
 * so the VMM, wanting to inject, finds it cannot and asks KVM for the
 * interrupt window. The `sti` opens it: KVM_EXIT_IRQ_WINDOW_OPEN, and the
 * VMM injects. Then the guest polls until its handler has counted 20
 * interrupts; each poll is an exit, each exit a chance for the VMM to
 * inject the next one. The count is at 0x600; checkpoint 2 ends the run.
 *
 * Linked at 0x1000, CS = 0.
 */
    .code16
    .text
    .global start
    .set COUNT, 0x600
    .set WANTED, 20
    .set POLL, 0x510

start:
    cli
    movw    $0, COUNT
    movw    $handler, 0x20*4    /* IVT[0x20] = 0000:handler */
    movw    $0, 0x20*4+2
    mov     $POLL, %dx
    out     %al, (%dx)          /* an exit with IF = 0: no injection now */
    sti                         /* the interrupt window opens here       */
    nop
1:  cmpw    $WANTED, COUNT
    jae     2f
    out     %al, (%dx)          /* poll: an exit, a chance to inject     */
    jmp     1b
2:  cli
    mov     $0x501, %dx
    mov     $2, %al
    out     %al, (%dx)          /* checkpoint 2                          */
    hlt
    jmp     .

handler:
    incw    COUNT
    iret
