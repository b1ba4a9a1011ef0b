/*
 * The CPU's own tables, replacing the ones strata's VMM started us with:
 *
 *   GDT  code and data segments for ring 0 and ring 3, and the TSS
 *   TSS  in 64-bit mode it holds no task state, only RSP0: the stack the
 *        CPU switches to when an interrupt arrives while ring 3 runs
 *   IDT  one gate per exception and PIC interrupt, all into entry.S
 *   MSRs where `syscall` jumps (LSTAR), which segments it loads (STAR),
 *        which RFLAGS bits it clears (SFMASK)
 *
 * and the two chips of the PC's timer path: the 8259 PIC and the 8254 PIT.
 * Under KVM with an in-kernel irqchip, none of this exits to the VMM: the
 * table loads and MSR writes are handled by the CPU or KVM, and the PIC
 * and PIT ports are emulated inside KVM.
 */
#include "kernel.h"

struct tss {
    u32 reserved0;
    u64 rsp0, rsp1, rsp2;
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;  /* past the limit: no I/O bitmap, ring 3 may use no port */
} __attribute__((packed));

struct idt_gate {
    u16 offset_low, selector;
    u8 ist, type;  /* type 0x8e: present, DPL 0, 64-bit interrupt gate (clears IF) */
    u16 offset_mid;
    u32 offset_high, reserved;
} __attribute__((packed));

static u64 gdt[7] = {
    0,
    0x00af9a000000ffffUL, /* 0x08 kernel code: L=1, DPL 0 */
    0x00cf92000000ffffUL, /* 0x10 kernel data             */
    0x00affa000000ffffUL, /* 0x18 user code: L=1, DPL 3   */
    0x00cff2000000ffffUL, /* 0x20 user data: DPL 3        */
    0, 0,                 /* 0x28 the TSS (16 bytes), filled below */
};
static struct tss tss;
static struct idt_gate idt[48];

struct table_pointer {
    u16 limit;
    u64 base;
} __attribute__((packed));

static void wrmsr(u32 msr, u64 v) { __asm__ volatile("wrmsr" ::"c"(msr), "a"((u32)v), "d"((u32)(v >> 32))); }

void set_kernel_stack(u64 top) { tss.rsp0 = top; }

static void load_gdt(void) {
    u64 base = (u64)&tss, limit = sizeof tss - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89UL << 40) | (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;
    tss.iomap_base = sizeof tss;
    struct table_pointer p = {sizeof gdt - 1, (u64)gdt};
    __asm__ volatile(
        "lgdt %0\n"
        "pushq $0x08\n"          /* reload CS with a far return */
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1: movw $0x10, %%ax\n"
        "movw %%ax, %%ds\n movw %%ax, %%es\n movw %%ax, %%ss\n"
        "xorw %%ax, %%ax\n movw %%ax, %%fs\n movw %%ax, %%gs\n"
        "movw $0x28, %%ax\n ltr %%ax\n"
        :
        : "m"(p)
        : "rax", "memory");
}

static void load_idt(void) {
    for (int v = 0; v < 48; ++v) {
        u64 handler = isr_stubs[v];
        idt[v] = (struct idt_gate){(u16)handler, KERNEL_CS, 0, 0x8e, (u16)(handler >> 16), (u32)(handler >> 32), 0};
    }
    struct table_pointer p = {sizeof idt - 1, (u64)idt};
    __asm__ volatile("lidt %0" ::"m"(p));
}

void cpu_init(void) {
    load_gdt();
    trace(TR_BOOT, 0, SETUP_GDT, 0);
    load_idt();
    trace(TR_BOOT, 0, SETUP_IDT, 0);
    /* EFER.SCE (syscall enabled) was set by the VMM: on PVM hosts a guest
     * cannot write EFER. */
    wrmsr(0xc0000081, ((u64)KERNEL_CS << 32) | ((u64)(KERNEL_DS | 3) << 48)); /* STAR   */
    wrmsr(0xc0000082, (u64)syscall_entry);                                    /* LSTAR  */
    wrmsr(0xc0000084, 0x47700); /* SFMASK: clear TF, IF, DF, IOPL, NT, AC on entry */
    trace(TR_BOOT, 0, SETUP_SYSCALL, 0);
}

/* The PICs: ICW1-ICW4 put IRQ 0-7 at vectors 0x20-0x27, IRQ 8-15 at
 * 0x28-0x2f; then mask everything but IRQ 0, the timer. The PIT's
 * channel 0 in rate-generator mode interrupts HZ times a second. */
#define HZ 100
void timer_init(void) {
    static const u8 pic[][2] = {{0x20, 0x11}, {0x21, 0x20}, {0x21, 0x04}, {0x21, 0x01}, {0xa0, 0x11},
                                {0xa1, 0x28}, {0xa1, 0x02}, {0xa1, 0x01}, {0x21, 0xfe}, {0xa1, 0xff}};
    for (unsigned i = 0; i < sizeof pic / sizeof pic[0]; ++i) outb(pic[i][0], pic[i][1]);
    const u16 divisor = 1193182 / HZ;
    outb(0x43, 0x34);
    outb(0x40, divisor & 0xff);
    outb(0x40, divisor >> 8);
    trace(TR_BOOT, 0, SETUP_TIMER, 0);
}
