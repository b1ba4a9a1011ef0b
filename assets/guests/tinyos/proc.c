/*
 * Processes and the scheduler.
 *
 * A process is an address space, a kernel stack, and the frame it was
 * last interrupted with (kernel.h). Switching processes is just resuming
 * a different frame: trap() returns it, entry.S pops it and irets. The
 * timer interrupts 100 times a second; each tick the next runnable
 * process gets the CPU (round robin). With nothing to run, the CPU goes
 * to the idle loop, which sleeps in `hlt` until the next interrupt.
 *
 * The programs run in phases (one per lesson step): when every process
 * of a phase has exited or been killed, the kernel reports a checkpoint
 * to strata and starts the next phase. boot_info picks the list of
 * phases: vm/tiny-os's tour, or vm/snapshot's workload (user/workload.c).
 */
#include "kernel.h"

#define MAX_PROCS 8
#define KSTACK 8192
#define CPU_BUDGET 50 /* ticks (0.5 s) of CPU time before a program is killed */

enum state { FREE, RUNNABLE, SLEEPING };

struct proc {
    enum state state;
    int pid;
    const char *name;
    struct frame *frame; /* where it stopped, on its kernel stack */
    u64 *pml4;
    u64 wake_at;         /* SLEEPING: tick to wake at */
    u64 cpu_ticks;
};

/* The programs (user/programs.c, user/workload.c), phase by phase. */
void prog_hello(void), prog_counter(void), prog_pager(void), prog_divide(void), prog_snoop(void),
    prog_spin(void), prog_echo(void), prog_touch(void), prog_uname(void);
void prog_ticker(void), prog_writer(void), prog_dirtier(void), prog_hog(void);
struct program {
    const char *name;
    void (*entry)(void);
};
static const struct program tour0[] = {{"hello", prog_hello},   {"counter", prog_counter}, {"pager", prog_pager},
                                       {"divide", prog_divide}, {"snoop", prog_snoop},     {"spin", prog_spin}, {0, 0}};
static const struct program tour1[] = {{"echo", prog_echo}, {0, 0}};
static const struct program tour2[] = {{"touch", prog_touch}, {0, 0}};
static const struct program tour3[] = {{"uname", prog_uname}, {0, 0}};
static const struct program *const tour[] = {tour0, tour1, tour2, tour3};
/* vm/snapshot: two programs to pause mid-run, then one whose page writes
 * the lesson checks against the dirty log, then one to migrate live. */
static const struct program snap0[] = {{"ticker", prog_ticker}, {"writer", prog_writer}, {0, 0}};
static const struct program snap1[] = {{"dirtier", prog_dirtier}, {0, 0}};
static const struct program snap2[] = {{"hog", prog_hog}, {0, 0}};
static const struct program *const snapshot_phases[] = {snap0, snap1, snap2};

static const struct program *const *phases = tour;
static int phase_count = 4;
static u32 phase_done = PHASE_DONE_TOUR; /* checkpoint of phase 0's end */
static int shared_data;                  /* map USER_DATA into each process */

static struct proc procs[MAX_PROCS];
static u8 kstacks[MAX_PROCS][KSTACK] __attribute__((aligned(16)));
static struct proc idle;
static u8 idle_stack[4096] __attribute__((aligned(16)));
static struct proc *current;
static int phase, next_pid = 1;
u64 kernel_stack_top; /* entry.S: where syscall_entry switches to */
volatile u64 ticks;

static u64 stack_top(struct proc *p) { return (u64)kstacks[p - procs] + KSTACK; }

static void idle_loop(void) {
    for (;;) __asm__ volatile("sti; hlt; cli");
}

/* The frame a new process starts from: as if it had been interrupted
 * just before its first instruction, in ring 3, interrupts enabled. */
static struct frame *initial_frame(u64 top, u64 rip, int user) {
    struct frame *f = (struct frame *)(top - sizeof(struct frame));
    memset(f, 0, sizeof *f);
    f->rip = rip;
    f->cs = user ? USER_CS : KERNEL_CS;
    f->ss = user ? USER_DS : KERNEL_DS;
    f->rflags = 0x202; /* IF */
    f->rsp = user ? USER_STACK_TOP - 8 : top; /* -8: as if called */
    return f;
}

static void spawn(const struct program *prog) {
    for (int i = 0; i < MAX_PROCS; ++i) {
        struct proc *p = &procs[i];
        if (p->state != FREE) continue;
        p->pml4 = address_space_new();
        if (!p->pml4) {
            kprint("tinyos: out of memory\n");
            return;
        }
        if (shared_data) map_shared_data(p->pml4);
        p->pid = next_pid++;
        p->name = prog->name;
        p->cpu_ticks = 0;
        p->frame = initial_frame(stack_top(p), (u64)prog->entry, 1);
        p->state = RUNNABLE;
        trace(TR_START, p->pid, (u32)(prog - phases[phase]), 0);
        return;
    }
}

void procs_init(u32 workload) {
    if (workload != WORKLOAD_SNAPSHOT) return;
    phases = snapshot_phases;
    phase_count = 3;
    phase_done = PHASE_DONE_SNAPSHOT;
    shared_data = 1;
}

void procs_start_phase(void) {
    trace_eager(phases == tour && phase == 1); /* vm/tiny-os follows one syscall event by event */
    for (const struct program *prog = phases[phase]; prog->name; ++prog) spawn(prog);
}

static int live_procs(void) {
    int n = 0;
    for (int i = 0; i < MAX_PROCS; ++i) n += procs[i].state != FREE;
    return n;
}

static void run(struct proc *p) {
    if (p != current && current && p != &idle) trace(TR_SWITCH, p->pid, current->pid, 0);
    current = p;
    u64 top = p == &idle ? (u64)idle_stack + sizeof idle_stack : stack_top(p);
    set_kernel_stack(top);
    kernel_stack_top = top;
    __asm__ volatile("mov %0, %%cr3" ::"r"(p == &idle ? kernel_space() : p->pml4) : "memory");
}

/* Saves `f` as the current process's frame (unless it just died) and
 * returns the frame of the next one to run. */
struct frame *schedule(struct frame *f) {
    if (current && (current == &idle || current->state != FREE)) current->frame = f;
    if (!live_procs() && phase < phase_count) {
        trace_flush();
        outb(CHECKPOINT_PORT, (u8)(phase_done + phase)); /* strata pauses here */
        if (++phase < phase_count) procs_start_phase();
    }
    int start = current && current != &idle ? (int)(current - procs) : MAX_PROCS - 1;
    for (int k = 1; k <= MAX_PROCS; ++k) {
        struct proc *p = &procs[(start + k) % MAX_PROCS];
        if (p->state == RUNNABLE) {
            run(p);
            return p->frame;
        }
    }
    run(&idle);
    return idle.frame;
}

struct frame *first_frame(void) {
    idle.frame = initial_frame((u64)idle_stack + sizeof idle_stack, (u64)idle_loop, 0);
    current = &idle;
    return schedule(idle.frame);
}

u64 *current_pml4(void) { return current->pml4; }
int current_pid(void) { return current == &idle ? 0 : current->pid; }

static struct frame *finish(struct frame *f) {
    current->state = FREE;
    return schedule(f);
}

struct frame *exit_current(struct frame *f, int code) {
    trace(TR_EXIT, current->pid, (u32)code, 0);
    return finish(f);
}

struct frame *kill_current(struct frame *f, const char *why) {
    kprint("tinyos: killed pid ");
    kprint_dec(current->pid);
    kprint(" (");
    kprint(current->name);
    kprint("): ");
    kprint(why);
    kprint(" at rip ");
    kprint_hex(f->rip);
    kprint("\n");
    trace(TR_KILL, current->pid, (u32)f->vector, f->rip);
    return finish(f);
}

struct frame *sleep_current(struct frame *f, u64 n) {
    current->state = SLEEPING;
    current->wake_at = ticks + n;
    return schedule(f);
}

struct frame *timer_tick(struct frame *f) {
    ++ticks;
    outb(0x20, 0x20); /* end of interrupt, to the PIC */
    for (int i = 0; i < MAX_PROCS; ++i)
        if (procs[i].state == SLEEPING && procs[i].wake_at <= ticks) procs[i].state = RUNNABLE;
    if (current != &idle && ++current->cpu_ticks > CPU_BUDGET) return kill_current(f, "used its whole CPU budget");
    return schedule(f);
}
