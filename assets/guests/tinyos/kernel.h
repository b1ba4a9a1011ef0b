/*
 * tinyos: strata's own small guest operating system.
 *
 * strata's VMM starts the vCPU directly in 64-bit mode at `_start`
 * (boot.S); from there the kernel takes over the machine: its own GDT and
 * TSS, an IDT, the `syscall` entry, the timer, a UART console and its own
 * page tables. Then it runs small user programs in ring 3 (user/programs.c).
 *
 * This header is everything the kernel's files share: the memory map,
 * the trap frame, and one line per function.
 */
#pragma once

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef long i64;

#define TINYOS_NAME "tinyos"
#define TINYOS_RELEASE "0.1"
#define TINYOS_VERSION "#1 a teaching kernel by strata"

/* Guest-physical memory map (4 MiB of RAM; the kernel maps it 1:1). */
#define BOOT_INFO 0x7000UL   /* written by the VMM: struct boot_info     */
#define TRACE_RING 0x20000UL /* shared with the VMM: trace.c             */
#define POOL_START 0x200000UL /* free pages for page tables and programs */
#define POOL_END 0x400000UL

/* User virtual memory, the same in every process (paging.c). */
#define USER_TEXT 0x400000UL    /* the user programs' code, read-only     */
#define USER_STACK_TOP 0x800000UL
#define USER_STACK_PAGES 16
#define USER_HEAP 0x1000000UL   /* pages appear when first touched        */
#define USER_HEAP_END 0x1100000UL
/* The snapshot workload's shared data: one 2 MiB page, the same physical
 * memory in every process, so strata knows which guest-physical pages a
 * program writes (vm/snapshot checks KVM's dirty log against them). */
#define USER_DATA 0x2000000UL
#define DATA_PHYS 0x400000UL    /* needs 6 MiB of RAM: strata gives it    */

/* Segment selectors of the kernel's own GDT (cpu.c). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS 0x1b
#define USER_DS 0x23
#define TSS_SEL 0x28

/* What the VMM tells the kernel at boot (RDI points here). */
struct boot_info {
    u32 magic;    /* BOOT_MAGIC */
    u32 fault;    /* 0: boot normally; FAULT_*: misbehave on purpose */
    u32 workload; /* which programs to run: WORKLOAD_* (proc.c)       */
};
#define BOOT_MAGIC 0x534f5954 /* "TYOS" */
#define FAULT_TRIPLE 1        /* exception with no usable IDT           */
#define FAULT_HANG 2          /* kernel loops with interrupts off       */
#define WORKLOAD_TOUR 0       /* vm/tiny-os: six phases of small programs */
#define WORKLOAD_SNAPSHOT 1   /* vm/snapshot: long-running, page-writing ones */

/* Everything an entry into the kernel saved, in the order entry.S pushes
 * it; the CPU's own part (rip..ss) comes last. */
struct frame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector, error;
    u64 rip, cs, rflags, rsp, ss;
};
#define VEC_SYSCALL 0x80 /* not an IDT vector: entry.S marks syscalls so */
#define VEC_TIMER 0x20

/* Ports. */
#define CHECKPOINT_PORT 0x501 /* strata pauses the run here */
#define TRACE_DOORBELL 0x510
/* Checkpoints: 1 before the first user instruction; per finished phase
 * PHASE_DONE_TOUR + phase or PHASE_DONE_SNAPSHOT + phase; MARK_BASE | id
 * when a program calls mark(id) (syscall.c); PANIC from trap.c. */
#define PHASE_DONE_TOUR 2
#define PHASE_DONE_SNAPSHOT 0x10
#define MARK_BASE 0x100
#define CHECKPOINT_PANIC 0xee

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) {
    u8 v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }

/* lib.c */
void *memset(void *d, int c, u64 n);
void *memcpy(void *d, const void *s, u64 n);
u64 strlen(const char *s);

/* uart.c: the console. */
void uart_init(void);
void uart_putc(char c);
void kprint(const char *s);
void kprint_hex(u64 v);
void kprint_dec(u64 v);

/* trace.c: events for strata, through shared memory + a doorbell. */
enum trace_kind {
    TR_BOOT = 1,      /* a = setup step (SETUP_*)                   */
    TR_SYSCALL = 2,   /* a = syscall number | route (syscall.c)     */
    TR_PAGE_FAULT = 3,/* b = faulting address, a = error code       */
    TR_SWITCH = 4,    /* pid = to, a = from                         */
    TR_EXIT = 5,      /* a = exit code                              */
    TR_KILL = 6,      /* a = vector, b = rip                        */
    TR_START = 7,     /* a process was created, a = program index   */
    TR_MARK = 8,      /* a program's mark(): a = id, b = first page << 32 | pages */
};
enum setup_step { SETUP_GDT = 1, SETUP_IDT, SETUP_SYSCALL, SETUP_PAGING, SETUP_TIMER, SETUP_UART };
void trace(int kind, int pid, u32 a, u64 b);
void trace_flush(void);
void trace_eager(int on); /* flush after every event */

/* cpu.c: GDT, TSS, IDT, syscall MSRs, PIC and PIT. */
void cpu_init(void);
void set_kernel_stack(u64 top); /* TSS.RSP0 */
void timer_init(void);

/* paging.c */
u64 page_alloc(void);  /* a zeroed page, or 0 */
u64 *address_space_new(void);
int map_page(u64 *pml4, u64 va, u64 pa, u64 flags);
void map_shared_data(u64 *pml4); /* USER_DATA -> DATA_PHYS, one 2 MiB page */
int handle_user_fault(u64 *pml4, u64 va, u64 error);
int copy_user(u64 *pml4, void *kernel, u64 va, u64 len, int to_user); /* -1: bad pointer */
u64 *kernel_space(void);
void paging_init(void);
#define PTE_P 1UL
#define PTE_W 2UL
#define PTE_U 4UL

/* proc.c: processes and the scheduler. */
struct frame *trap(struct frame *f);
struct frame *schedule(struct frame *f);
void procs_init(u32 workload);
void procs_start_phase(void);
struct frame *first_frame(void);
u64 *current_pml4(void);
int current_pid(void);
struct frame *kill_current(struct frame *f, const char *why);
struct frame *exit_current(struct frame *f, int code);
struct frame *sleep_current(struct frame *f, u64 ticks);
struct frame *timer_tick(struct frame *f);
extern volatile u64 ticks;

/* syscall.c. `route` is 0 for a syscall that entered through LSTAR in
 * ring 0, SYSCALL_VIA_FAULT for one trap.c finished (a PVM host). It is
 * reported to strata in the top bit of the trace record's `a`. */
#define SYSCALL_VIA_FAULT 0x80000000U
struct frame *syscall_dispatch(struct frame *f, u32 route);

/* entry.S */
void enter_frame(struct frame *f) __attribute__((noreturn));
extern u64 isr_stubs[];
void syscall_entry(void);
