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

/*
 * `syscall` should enter the kernel in ring 0 at LSTAR (syscall_entry). On
 * a PVM host it does not for a kernel like this one: PVM expects a guest
 * kernel written for it and, for any other, jumps to LSTAR but leaves the
 * CPU in ring 3. Fetching syscall_entry, a kernel page, then faults — a
 * page fault from ring 3 at exactly that address, which no honest program
 * causes any other way. The kernel finishes what `syscall` should have
 * done: the program's RIP and RFLAGS are in RCX and R11, as `syscall`
 * left them. RFLAGS is cleaned as the CPU would on a real entry: a program
 * that jumps to the entry itself may not give itself I/O privilege.
 */
static int is_syscall_left_in_ring3(const struct frame *f, u64 cr2) {
    return f->vector == 14 && (f->cs & 3) == 3 && f->rip == (u64)syscall_entry && cr2 == f->rip;
}

static struct frame *finish_syscall_entry(struct frame *f) {
    f->rip = f->rcx;
    f->rflags = (f->r11 & 0xcd5UL) | 0x202UL; /* arithmetic flags, TF, DF; IF on */
    f->cs = USER_CS;
    f->ss = USER_DS;
    f->vector = VEC_SYSCALL;
    f->error = 0;
    return syscall_dispatch(f, SYSCALL_VIA_FAULT);
}

struct frame *trap(struct frame *f) {
    if (f->vector == VEC_SYSCALL) return syscall_dispatch(f, 0);
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
        if (is_syscall_left_in_ring3(f, cr2)) return finish_syscall_entry(f);
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
