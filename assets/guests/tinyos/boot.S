/*
 * tinyos's first instructions.
 *
 * strata's VMM has already done what a boot loader would: the vCPU is in
 * 64-bit mode, on page tables and a GDT the VMM wrote, with RIP here and
 * RDI pointing at the boot_info it filled in. Interrupts are off. The
 * kernel only needs a stack of its own, and C. (.bss needs no clearing:
 * strata hands over fresh RAM, all zeros — and on PVM hosts every kernel
 * instruction is emulated, so a kernel that does less boots faster.)
 */
    .section .text.boot, "ax"
    .global _start
_start:
    lea     boot_stack_top(%rip), %rsp
    call    kmain                   /* never returns */
1:  cli
    hlt
    jmp     1b

    .bss
    .balign 16
boot_stack:
    .skip   8192
boot_stack_top:
    .section .note.GNU-stack, "", @progbits
