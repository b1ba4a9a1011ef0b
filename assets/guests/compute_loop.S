/*
 * The guest of compare/guest-speed: one compute routine that strata runs,
 * byte for byte, in four places: natively in its own process, inside a
 * container, and inside this VM in ring 3 and in ring 0. Same bytes, same
 * answer; only where they run differs, so the times compare.
 *
 * The routine is a xorshift64 loop: RDI = iterations, returns the state in
 * RAX. It follows the System V calling convention (clobbers only RAX, RCX,
 * RDX) and uses no absolute address, so the host can copy it anywhere
 * and call it as `uint64_t routine(uint64_t iterations)`.
 *
 * The image starts with a header the host reads (compute_loop.hpp):
 *   +0  "LOOP"
 *   +4  u32 offset of the routine     +8  u32 its length in bytes
 *   +12 u32 offset of the entry point
 * At the entry the VMM has set RDI = iterations and RSP = a stack; the
 * guest calls the routine, puts the answer in RBX and reports checkpoint 1
 * on port 0x501 (an OUT works from ring 3 too, where HLT would fault).
 * Resumed, it runs the routine again with whatever RDI the VMM set.
 *
 * Linked at 0x4000.
 */
    .code64
    .text
    .global start
start:
    .ascii  "LOOP"
    .long   routine - start
    .long   routine_end - routine
    .long   entry - start

entry:
    call    routine
    mov     %rax, %rbx          /* the answer, for the VMM to read        */
    mov     $0x501, %dx
    mov     $1, %al
    out     %al, (%dx)          /* checkpoint 1: done                     */
    jmp     entry

    .balign 16
routine:
    mov     %rdi, %rcx
    movabs  $0x2545f4914f6cdd1d, %rax
    test    %rcx, %rcx
    jz      2f
1:  mov     %rax, %rdx          /* x ^= x << 13                           */
    shl     $13, %rdx
    xor     %rdx, %rax
    mov     %rax, %rdx          /* x ^= x >> 7                            */
    shr     $7, %rdx
    xor     %rdx, %rax
    mov     %rax, %rdx          /* x ^= x << 17                           */
    shl     $17, %rdx
    xor     %rdx, %rax
    dec     %rcx
    jnz     1b
2:  ret
routine_end:
