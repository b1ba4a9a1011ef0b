/*
 * A 64-bit guest with a bug: it writes through a null pointer. Page 0 is
 * not mapped (strata leaves it out on purpose), so the store raises a page
 * fault; there is no IDT to deliver it, which raises a double fault, which
 * cannot be delivered either: a triple fault, and KVM reports
 * KVM_EXIT_SHUTDOWN. strata shows the RIP of the faulting store.
 *
 * Linked at 0x4000.
 */
    .code64
    .text
    .global start
start:
    mov     $0x3f8, %dx
    mov     $'!', %al
    out     %al, (%dx)
    xor     %rdi, %rdi
    movq    $42, (%rdi)         /* #PF -> #DF -> triple fault           */
    hlt
