/*
 * trap(): where every interrupt, exception and syscall arrives (entry.S
 * built the frame). It returns the frame to resume.
 *
 * An exception in ring 3 is the program's fault: the kernel kills the
 * program and runs the others. A page fault may instead be demand paging
 * (paging.c): map the page, resume the same frame, and the faulting
 * instruction runs again — all inside the guest, without a VM exit. An
 * exception in ring 0 is the kernel's own bug: it reports and stops.
 */
#include "kernel.h"

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", 0, "invalid TSS", "segment not present", "stack fault",
    "general protection fault", "page fault", 0, "x87 error", "alignment check", "machine check", "SIMD error",
};

static void panic(struct frame *f) {
    u64 cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    kprint("tinyos: PANIC: exception ");
    kprint_dec(f->vector);
    kprint(" in the kernel at rip ");
    kprint_hex(f->rip);
    kprint(", cr2 ");
    kprint_hex(cr2);
    kprint("\n");
    trace_flush();
    outb(CHECKPOINT_PORT, 0xee); /* strata reports the panic */
    for (;;) __asm__ volatile("cli; hlt");
}

struct frame *trap(struct frame *f) {
    if (f->vector == VEC_SYSCALL) return syscall_dispatch(f);
    if (f->vector == VEC_TIMER) return timer_tick(f);
    if (f->vector > VEC_TIMER) { /* another PIC line: masked, but acknowledge */
        if (f->vector >= 0x28) outb(0xa0, 0x20);
        outb(0x20, 0x20);
        return f;
    }
    if ((f->cs & 3) == 0) panic(f);
    if (f->vector == 14) {
        u64 cr2;
        __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
        trace(TR_PAGE_FAULT, current_pid(), (u32)f->error, cr2);
        if (handle_user_fault(current_pml4(), cr2, f->error) == 0) return f; /* retry */
        kprint("tinyos: pid ");
        kprint_dec(current_pid());
        kprint(" touched ");
        kprint_hex(cr2);
        kprint("\n");
        return kill_current(f, (f->error & 1) ? "page protection fault" : "segmentation fault");
    }
    const char *name = exception_names[f->vector];
    return kill_current(f, name ? name : "exception");
}
