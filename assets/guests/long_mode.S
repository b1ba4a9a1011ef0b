/*
 * The guest of vm/long-mode: 64-bit code from its very first instruction.
 * strata wrote the GDT and page tables and set CR0/CR3/CR4/EFER before the
 * first KVM_RUN, so there is no real-mode prologue here at all.
 *
 * It prints a line through the UART at 0x3f8, then stores "LONGMODE"
 * through the high-half alias 0xffff800000000000, which the page tables
 * send to guest-physical 0x200000: the VMM finds the bytes there.
 *
 * Linked at 0x4000.
 */
    .code64
    .text
    .global start
start:
    lea     message(%rip), %rsi
    mov     $0x3f8, %dx
1:  lodsb
    test    %al, %al
    jz      2f
    out     %al, (%dx)          /* one exit per byte, as in real mode   */
    jmp     1b
2:  movabs  $0xffff800000000000, %rdi
    movabs  $0x45444f4d474e4f4c, %rax   /* "LONGMODE" */
    mov     %rax, (%rdi)        /* a virtual address far above RAM     */
    hlt
    jmp     2b

message:
    .asciz  "Hello from 64-bit long mode!\n"
