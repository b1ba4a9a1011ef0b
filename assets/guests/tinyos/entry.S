/*
 * Every way into the kernel ends in one C function, trap(frame *).
 *
 * Interrupts and exceptions: the CPU pushes SS, RSP, RFLAGS, CS, RIP (and
 * for some exceptions an error code) on the kernel stack; a small stub per
 * vector pushes the vector number (and a 0 where the CPU pushed no error
 * code), then trap_common pushes the 15 general registers. The result is
 * a `struct frame` (kernel.h).
 *
 * `syscall` pushes nothing and does not even switch stacks: it only saves
 * RIP in RCX and RFLAGS in R11. syscall_entry builds the same frame by
 * hand on the current process's kernel stack, so a syscall looks to C like
 * any other trap (vector 0x80).
 *
 * trap() returns the frame to resume — the same one, or another process's
 * (that is a context switch). The way out is always iretq: on PVM hosts
 * sysretq faults, and iretq works everywhere.
 */
    .text

.macro stub vector, has_error
    .p2align 4
stub_\vector:
    .if \has_error == 0
    push    $0
    .endif
    push    $\vector
    jmp     trap_common
.endm

/* Exceptions 0-31 (8, 10-14, 17, 21, 29, 30 come with an error code),
 * then the 16 PIC interrupts at 0x20-0x2f. */
    .irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
    stub \v, 0
    .endr
    .irp v, 8,10,11,12,13,14,17,21,29,30
    stub \v, 1
    .endr
    .irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    stub \v, 0
    .endr

trap_common:
    push    %rax
    push    %rbx
    push    %rcx
    push    %rdx
    push    %rsi
    push    %rdi
    push    %rbp
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, %rdi              /* the frame */
    call    trap
    mov     %rax, %rdi              /* the frame to resume */
    /* fall through */

    .global enter_frame
enter_frame:                        /* enter_frame(struct frame *) */
    mov     %rdi, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rbp
    pop     %rdi
    pop     %rsi
    pop     %rdx
    pop     %rcx
    pop     %rbx
    pop     %rax
    add     $16, %rsp               /* vector and error code */
    iretq

    .global syscall_entry
syscall_entry:
    /* Interrupts are off (SFMASK clears IF), so the scratch slot is safe. */
    mov     %rsp, user_rsp(%rip)
    mov     kernel_stack_top(%rip), %rsp
    push    $0x23                   /* SS: user data    */
    push    user_rsp(%rip)          /* RSP              */
    push    %r11                    /* RFLAGS           */
    push    $0x1b                   /* CS: user code    */
    push    %rcx                    /* RIP              */
    push    $0                      /* error code       */
    push    $0x80                   /* "vector": syscall */
    jmp     trap_common

    .section .rodata
    .global isr_stubs
isr_stubs:                          /* the stub of vector i, for the IDT */
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad   stub_\v
    .endr
    .irp v, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .quad   stub_\v
    .endr

    .bss
    .balign 8
user_rsp:
    .skip   8
    .section .note.GNU-stack, "", @progbits
