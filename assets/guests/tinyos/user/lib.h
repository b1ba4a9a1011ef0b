/*
 * What a tinyos program can use: the system calls, each a `syscall`
 * instruction (never `int 0x80`: on PVM hosts `int n` from ring 3 faults),
 * and a few string helpers. Everything here is static inline: a program
 * may not call kernel code, which ring 3 cannot even read.
 */
#pragma once

typedef unsigned long u64;
typedef long i64;

enum { SYS_WRITE, SYS_GETPID, SYS_UNAME, SYS_YIELD, SYS_SLEEP, SYS_EXIT, SYS_MARK };

static inline i64 syscall1(u64 nr, u64 a) {
    i64 ret;
    /* The CPU puts RIP in RCX and RFLAGS in R11: both are clobbered. */
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a) : "rcx", "r11", "memory");
    return ret;
}
static inline i64 syscall2(u64 nr, u64 a, u64 b) {
    i64 ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return ret;
}

static inline i64 syscall3(u64 nr, u64 a, u64 b, u64 c) {
    i64 ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

struct utsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65];
};

static inline u64 str_len(const char *s) {
    u64 n = 0;
    while (s[n]) ++n;
    return n;
}
static inline i64 write(const char *buf, u64 len) { return syscall2(SYS_WRITE, (u64)buf, len); }
static inline void print(const char *s) { write(s, str_len(s)); }
static inline i64 getpid(void) { return syscall1(SYS_GETPID, 0); }
static inline i64 uname(struct utsname *u) { return syscall1(SYS_UNAME, (u64)u); }
static inline void yield(void) { syscall1(SYS_YIELD, 0); }
static inline void sleep_ms(u64 ms) { syscall1(SYS_SLEEP, ms); }
/* Tells strata "I reached point `id`, having just written `pages` pages of
 * the shared data from page `first`" (syscall.c); strata pauses there. */
static inline void mark(u64 id, u64 first, u64 pages) { syscall3(SYS_MARK, id, first, pages); }
static inline __attribute__((noreturn)) void exit(int code) {
    syscall1(SYS_EXIT, (u64)code);
    for (;;) {
    }
}

/* "text" + number + "\n", built on the stack and written at once. */
static inline void print_num(const char *text, u64 v) {
    char buf[80];
    u64 n = 0;
    while (*text && n < 50) buf[n++] = *text++;
    char digits[20];
    int d = 0;
    do digits[d++] = (char)('0' + v % 10); while ((v /= 10) && d < 20);
    while (d) buf[n++] = digits[--d];
    buf[n++] = '\n';
    write(buf, n);
}
