/*
 * The floor for `strata bench exit-cost`: the same guest (assets/guests/
 * exit_cost.S) in the same 64-bit set-up as strata's, driven with bare
 * ioctls and no tracing or device dispatch. Each KVM_RUN from entry to the
 * next exit is timed. Prints one JSON object per (mode, kind):
 *   {"mode":"kernel","kind":"pio","median":N,"min":N,"max":N,"runs":N}
 *
 *   strata-raw-exit-cost RUNS
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

extern const unsigned char strata_guest_exit_cost_start[];
extern const unsigned char strata_guest_exit_cost_end[];

#define RAM (2u << 20)
#define LOAD 0x4000
#define RING 0x7000
#define MMIO_ADDRESS 0x300000ull /* mapped by the tables, no RAM behind it */

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* GDT, TSS with an I/O bitmap, and identity page tables with the U bit,
 * laid out as backends/kvm/long_mode.cpp does. */
static void write_tables(uint8_t *ram) {
    uint64_t *gdt = (uint64_t *)(ram + 0x1000);
    gdt[1] = 0x00af9a000000ffffull;
    gdt[2] = 0x00cf92000000ffffull;
    gdt[3] = 0x00affa000000ffffull;
    gdt[4] = 0x00cff2000000ffffull;
    uint64_t tss = 0x1100, limit = 0x68 + 0xc0;
    gdt[5] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40);
    uint8_t *t = ram + tss;
    uint64_t rsp0 = 0x9000;
    memcpy(t + 4, &rsp0, 8);
    uint16_t iomap = 0x68;
    memcpy(t + 0x66, &iomap, 2);
    t[0x68 + 0xc0] = 0xff;
    uint64_t *pml4 = (uint64_t *)(ram + 0x10000), *pdpt = (uint64_t *)(ram + 0x11000);
    uint64_t *pd = (uint64_t *)(ram + 0x12000), *pt = (uint64_t *)(ram + 0x13000);
    pml4[0] = 0x11000 | 7;
    pdpt[0] = 0x12000 | 7;
    pd[0] = 0x13000 | 7;
    pd[1] = 0x200000 | 0x87;
    for (uint64_t i = 1; i < 512; ++i) pt[i] = (i << 12) | 7;
}

static void segment(struct kvm_segment *s, uint16_t selector, int code, int dpl) {
    memset(s, 0, sizeof *s);
    s->limit = 0xffffffff;
    s->selector = selector;
    s->type = code ? 11 : 3;
    s->present = 1;
    s->dpl = (uint8_t)dpl;
    s->s = 1;
    s->l = code ? 1 : 0;
    s->db = code ? 0 : 1;
    s->g = 1;
}

static void measure(int kvm, int run_size, int user, int kind, int runs) {
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) die("KVM_CREATE_VM");
    uint8_t *ram = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) die("mmap");
    memcpy(ram + LOAD, strata_guest_exit_cost_start, (size_t)(strata_guest_exit_cost_end - strata_guest_exit_cost_start));
    write_tables(ram);
    struct kvm_userspace_memory_region region = {.slot = 0, .memory_size = RAM, .userspace_addr = (uint64_t)(uintptr_t)ram};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) die("KVM_CREATE_VCPU");
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) die("mmap kvm_run");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) die("KVM_GET_SREGS");
    segment(&sregs.cs, user ? 0x1b : 0x08, 1, user ? 3 : 0);
    segment(&sregs.ds, user ? 0x23 : 0x10, 0, user ? 3 : 0);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    memset(&sregs.tr, 0, sizeof sregs.tr);
    sregs.tr.selector = 0x28;
    sregs.tr.base = 0x1100;
    sregs.tr.limit = 0x68 + 0xc0;
    sregs.tr.type = 11;
    sregs.tr.present = 1;
    sregs.gdt.base = 0x1000;
    sregs.gdt.limit = 7 * 8 - 1;
    sregs.idt.base = 0;
    sregs.idt.limit = 0;
    sregs.cr0 = 0x80050033;
    sregs.cr3 = 0x10000;
    sregs.cr4 = 0x620;
    sregs.efer = 0x501;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) die("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = LOAD, .rsp = 0x80000, .rflags = user ? 0x3002 : 0x2,
                            .rdi = (uint64_t)kind, .rsi = MMIO_ADDRESS};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) die("KVM_SET_REGS");

    int64_t *sample = calloc((size_t)runs, sizeof *sample);
    uint32_t consumed = 0;
    for (int i = -20; i < runs; ++i) { /* 20 warm-up exits */
        int64_t t0 = now_ns();
        if (ioctl(vcpu, KVM_RUN, 0) < 0) die("KVM_RUN");
        if (kind == 2) { /* the bare minimum a PV device does: take the bytes */
            uint32_t produced;
            memcpy(&produced, ram + RING, 4);
            consumed = produced;
            memcpy(ram + RING + 4, &consumed, 4);
        }
        int64_t t1 = now_ns();
        int expected = kind == 1 ? KVM_EXIT_MMIO : KVM_EXIT_IO;
        if ((int)run->exit_reason != expected) {
            fprintf(stderr, "unexpected exit %u (mode %s, kind %d)\n", run->exit_reason, user ? "user" : "kernel", kind);
            exit(1);
        }
        if (i >= 0) sample[i] = t1 - t0;
    }
    qsort(sample, (size_t)runs, sizeof *sample, by_value);
    static const char *kinds[] = {"pio", "mmio", "doorbell"};
    printf("{\"mode\":\"%s\",\"kind\":\"%s\",\"median\":%lld,\"min\":%lld,\"max\":%lld,\"runs\":%d}\n",
           user ? "user" : "kernel", kinds[kind], (long long)sample[runs / 2], (long long)sample[0],
           (long long)sample[runs - 1], runs);
    free(sample);
    munmap(run, (size_t)run_size);
    close(vcpu);
    munmap(ram, RAM);
    close(vm);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    if (runs < 1) runs = 1;
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("open /dev/kvm");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0) die("KVM_GET_VCPU_MMAP_SIZE");
    for (int user = 0; user <= 1; ++user)
        for (int kind = 0; kind <= 2; ++kind) measure(kvm, run_size, user, kind, runs);
    close(kvm);
    return 0;
}
