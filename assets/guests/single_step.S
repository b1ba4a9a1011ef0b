/*
 * The guest of vm/single-step: a few real-mode instructions worth
 * watching one at a time. It sums 3 + 2 + 1 in a loop (so a conditional
 * jump is taken twice and then falls through), turns the sum into the
 * digit '6', prints it and a newline through port 0x3f8, and halts.
 *
 * Linked at 0x1000, CS = 0.
 */
    .code16
    .text
    .global start
start:
    mov     $0x3f8, %dx
    xor     %ax, %ax
    mov     $3, %cx
again:
    add     %cx, %ax            /* 3, then 5, then 6                 */
    dec     %cx                 /* sets ZF when CX reaches 0          */
    jnz     again
    add     $'0', %al           /* 6 -> '6'                           */
    out     %al, (%dx)          /* an I/O exit, then the debug exit   */
    mov     $'\n', %al
    out     %al, (%dx)
    hlt                         /* the lesson's "run to here" target  */
    jmp     .
