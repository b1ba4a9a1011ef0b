/*
 * The guest of compare/isolation: what does the CPU say about itself,
 * asked from inside the VM? Two CPUID instructions, answers left in
 * registers for the VMM to read after the HLT:
 *
 *   leaf 1:          ECX -> ESI  (bit 31: "a hypervisor is present")
 *   leaf 0x40000000: EAX = highest hypervisor leaf, EBX ECX EDX = the
 *                    hypervisor's signature ("KVMKVMKVM")
 *
 * CPUID always exits to the hypervisor (KVM answers it in the kernel from
 * the table the VMM set with KVM_SET_CPUID2), so what the guest learns is
 * what its VMM chose to tell it. Real mode, loaded at 0x1000.
 */
    .code16
    .text
    .global start
start:
    mov     $1, %eax
    cpuid
    mov     %ecx, %esi
    mov     $0x40000000, %eax
    xor     %ecx, %ecx
    cpuid
    hlt
    jmp     start
