/*
 * The guest of `strata bench exit-cost`: 64-bit code that makes one kind
 * of VM exit over and over, so the VMM can time each round trip. Runs in
 * ring 0 or ring 3 (the VMM chooses with CS when it starts the vCPU).
 *
 *   RDI = 0: OUT to port 0x503 (port I/O)
 *   RDI = 1: a 4-byte store to RSI, an address with no RAM behind it (MMIO)
 *   RDI = 2: one byte into the paravirtual ring at 0x7000 and its doorbell,
 *            an OUT to port 0x502
 *
 * Linked at 0x4000.
 */
    .code64
    .text
    .global start
start:
    cmp     $1, %edi
    je      mmio
    cmp     $2, %edi
    je      doorbell
    mov     $0x503, %dx
pio:
    out     %al, (%dx)
    jmp     pio
mmio:
    movl    $0, (%rsi)
    jmp     mmio
doorbell:
    mov     $0x502, %dx
1:  mov     0x7000, %ecx        /* produced                             */
    mov     %ecx, %ebx
    and     $2047, %ebx
    movb    $'x', 0x7040(%rbx)  /* the byte                             */
    inc     %ecx
    mov     %ecx, 0x7000        /* publish                              */
    out     %al, (%dx)          /* ring                                 */
    jmp     1b
