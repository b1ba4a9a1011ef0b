/*
 * kmain: the kernel's setup, in order. Each step replaces something the
 * VMM provided or adds what a multitasking kernel needs; trace() tells
 * strata about each one.
 */
#include "kernel.h"

void kmain(const struct boot_info *info) {
    trace(TR_BOOT, 0, 0, 0);
    cpu_init();      /* GDT + TSS, IDT, syscall MSRs */
    paging_init();   /* our own page tables: CR3     */
    uart_init();     /* the console                  */
    kprint("tinyos " TINYOS_RELEASE " booting\n");
    timer_init();    /* PIC + PIT: 100 Hz            */

    /* strata's robustness lesson: a kernel that breaks on purpose. */
    if (info->magic == BOOT_MAGIC && info->fault == FAULT_TRIPLE) {
        static const struct { u16 limit; u64 base; } __attribute__((packed)) no_idt = {0, 0};
        __asm__ volatile("lidt %0; ud2" ::"m"(no_idt)); /* #UD -> no gate -> #DF -> shutdown */
    }
    if (info->magic == BOOT_MAGIC && info->fault == FAULT_HANG)
        for (;;) __asm__ volatile("cli");

    procs_init(info->magic == BOOT_MAGIC ? info->workload : WORKLOAD_TOUR);
    procs_start_phase();
    struct frame *first = first_frame();
    kprint("tinyos: entering user mode\n");
    trace_flush();
    outb(CHECKPOINT_PORT, 1); /* strata's clock: the first user instruction is next */
    enter_frame(first);
}
