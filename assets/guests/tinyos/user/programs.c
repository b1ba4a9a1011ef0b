/*
 * The user programs tinyos runs in ring 3, each in its own address space.
 * Some behave; some misbehave on purpose, and the kernel must kill them
 * and carry on.
 */
#include "lib.h"

void prog_hello(void) {
    print_num("hello: I am pid ", (u64)getpid());
    yield();
    print("hello: bye\n");
    exit(0);
}

void prog_counter(void) {
    for (u64 i = 1; i <= 3; ++i) {
        print_num("counter: ", i);
        sleep_ms(20);
    }
    exit(0);
}

/* Touches pages of its heap that nobody mapped: each first touch is a
 * page fault the kernel answers with a fresh page. */
void prog_pager(void) {
    volatile u64 *heap = (volatile u64 *)0x1000000;
    u64 sum = 0;
    for (u64 page = 0; page < 8; ++page) heap[page * 512] = page + 1;
    for (u64 page = 0; page < 8; ++page) sum += heap[page * 512];
    print_num("pager: 8 fresh pages, sum ", sum);
    exit(0);
}

void prog_divide(void) {
    /* volatile: the compiler must really divide (it would turn 1 / x
     * into x == 1, which never faults). */
    volatile u64 ten = 10, zero = 0;
    print("divide: dividing by zero\n");
    print_num("divide: got ", ten / zero);
    exit(0);
}

/* Reads the kernel's first page: mapped, but without the U bit. */
void prog_snoop(void) {
    print("snoop: reading kernel memory\n");
    print_num("snoop: got ", *(volatile u64 *)0x100000);
    exit(0);
}

void prog_spin(void) {
    print("spin: looping forever\n");
    for (volatile u64 i = 0;; ++i) {
    }
}

void prog_echo(void) {
    write("echo\n", 5);
    exit(0);
}

void prog_touch(void) {
    volatile char *heap = (volatile char *)0x1080000;
    heap[0] = 1; /* not mapped: a page fault, handled inside the guest */
    exit(heap[0]);
}

void prog_uname(void) {
    struct utsname u;
    uname(&u);
    char line[200];
    u64 n = 0;
    const char *parts[] = {"uname: ", u.sysname, " ", u.release, " ", u.version, " ", u.machine, "\n"};
    for (unsigned p = 0; p < sizeof parts / sizeof parts[0]; ++p)
        for (const char *s = parts[p]; *s && n < sizeof line; ++s) line[n++] = *s;
    write(line, n);
    exit(0);
}
