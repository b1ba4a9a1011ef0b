/*
 * The first guest: 16-bit real-mode code that prints a greeting to the
 * console port and halts.
 *
 * Every OUT to port 0x3f8 is a VM exit: the CPU leaves the guest, KVM_RUN
 * returns to strata with exit reason KVM_EXIT_IO, strata prints the byte
 * and enters the guest again. HLT with no interrupt controller is an exit
 * too (KVM_EXIT_HLT), which ends the run.
 *
 * Linked to run at guest-physical 0x1000 with CS = 0.
 */
    .code16
    .text
    .global start
start:
    mov     $message, %si       /* DS:SI walks the string            */
    mov     $0x3f8, %dx         /* the console port                   */
next:
    lodsb                       /* AL = *SI++                         */
    test    %al, %al
    jz      done                /* the terminating zero               */
    out     %al, (%dx)          /* one byte -> one VM exit            */
    jmp     next
done:
    hlt                         /* -> KVM_EXIT_HLT                    */
    jmp     done                /* if anything ever wakes us, halt again */

message:
    .asciz  "Hello from the guest!\n"
