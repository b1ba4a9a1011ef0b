/*
 * The system calls. A program puts the number in RAX and arguments in
 * RDI, RSI, RDX and executes `syscall`; the result comes back in RAX.
 * Every pointer a program passes is checked and copied (copy_user), so a
 * bad one fails the call instead of crashing the kernel.
 */
#include "kernel.h"

enum { SYS_WRITE, SYS_GETPID, SYS_UNAME, SYS_YIELD, SYS_SLEEP, SYS_EXIT, SYS_MARK };
#define EFAULT 14
#define ENOSYS 38

/* Five fields of 65 bytes, like Linux's struct utsname. */
struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65];
};

static void put(char *dst, const char *src) { memcpy(dst, src, strlen(src) + 1); }

static i64 sys_write(u64 buf, u64 len) {
    char chunk[128];
    if (len > 4096) len = 4096;
    for (u64 done = 0; done < len;) {
        u64 n = len - done < sizeof chunk ? len - done : sizeof chunk;
        if (copy_user(current_pml4(), chunk, buf + done, n, 0)) return -EFAULT;
        for (u64 i = 0; i < n; ++i) uart_putc(chunk[i]);
        done += n;
    }
    return (i64)len;
}

static i64 sys_uname(u64 buf) {
    struct utsname u;
    memset(&u, 0, sizeof u);
    put(u.sysname, TINYOS_NAME);
    put(u.nodename, "guest");
    put(u.release, TINYOS_RELEASE);
    put(u.version, TINYOS_VERSION);
    put(u.machine, "x86_64");
    return copy_user(current_pml4(), &u, buf, sizeof u, 1) ? -EFAULT : 0;
}

/* mark(id, first page, pages): a program tells strata how far it got and
 * which pages of USER_DATA it has just written. The record goes into the
 * trace first; then the checkpoint port makes strata's run loop pause
 * right here, in the middle of the program's run. */
static i64 sys_mark(u64 id, u64 first, u64 pages) {
    trace(TR_MARK, current_pid(), (u32)(id & 0xff), (first << 32) | (pages & 0xffffffffUL));
    trace_flush();
    outl(CHECKPOINT_PORT, MARK_BASE | (u32)(id & 0xff));
    return 0;
}

struct frame *syscall_dispatch(struct frame *f, u32 route) {
    u64 nr = f->rax;
    trace(TR_SYSCALL, current_pid(), (nr < 0xffff ? (u32)nr : 0xffffU) | route, f->rdi);
    switch (nr) {
        case SYS_WRITE: f->rax = (u64)sys_write(f->rdi, f->rsi); return f;
        case SYS_GETPID: f->rax = (u64)current_pid(); return f;
        case SYS_UNAME: f->rax = (u64)sys_uname(f->rdi); return f;
        case SYS_YIELD: f->rax = 0; return schedule(f);
        case SYS_SLEEP: f->rax = 0; return sleep_current(f, f->rdi / 10 ? f->rdi / 10 : 1); /* ms -> ticks */
        case SYS_EXIT: return exit_current(f, (int)f->rdi);
        case SYS_MARK: f->rax = (u64)sys_mark(f->rdi, f->rsi, f->rdx); return f;
        default: f->rax = (u64)-ENOSYS; return f;
    }
}
