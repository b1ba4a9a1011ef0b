/*
 * The floor for `strata bench vm-hello`: the same KVM sequence as the
 * lesson vm/hello-kvm, with bare ioctls and no tracing, timed per stage.
 * Prints one JSON object per run (nanoseconds per stage) for strata to
 * compare with its own traced path in the same run.
 *
 *   strata-raw-vm-hello RUNS
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

/* The same embedded guest strata runs (assets/guests/hello.S). */
extern const unsigned char strata_guest_hello_start[];
extern const unsigned char strata_guest_hello_end[];

#define GUEST_RAM (64 * 1024)
#define LOAD_ADDRESS 0x1000

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void one_run(void) {
    int64_t t0 = now_ns();
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("open /dev/kvm");
    int64_t t_open = now_ns();

    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) die("KVM_CREATE_VM");
    int64_t t_vm = now_ns();

    void *ram = mmap(NULL, GUEST_RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) die("mmap");
    memcpy((char *)ram + LOAD_ADDRESS, strata_guest_hello_start,
           (size_t)(strata_guest_hello_end - strata_guest_hello_start));
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = GUEST_RAM, .userspace_addr = (uint64_t)(uintptr_t)ram};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");
    int64_t t_memory = now_ns();

    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0 || run_size <= 0) die("KVM_CREATE_VCPU");
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) die("mmap kvm_run");
    int64_t t_vcpu = now_ns();

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) die("KVM_GET_SREGS");
    sregs.cs.base = sregs.cs.selector = 0;
    sregs.ds.base = sregs.ds.selector = 0;
    sregs.es.base = sregs.es.selector = 0;
    sregs.fs.base = sregs.fs.selector = 0;
    sregs.gs.base = sregs.gs.selector = 0;
    sregs.ss.base = sregs.ss.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) die("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = LOAD_ADDRESS, .rsp = 0x8000, .rflags = 2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) die("KVM_SET_REGS");
    int64_t t_regs = now_ns();

    if (ioctl(vcpu, KVM_RUN, 0) < 0) die("KVM_RUN");
    int64_t t_first_exit = now_ns();
    if (run->exit_reason != KVM_EXIT_IO) {
        fprintf(stderr, "unexpected first exit %u\n", run->exit_reason);
        exit(1);
    }
    int64_t t_total = now_ns();

    printf("{\"open\":%lld,\"create_vm\":%lld,\"memory\":%lld,\"create_vcpu\":%lld,\"registers\":%lld,"
           "\"first_run\":%lld,\"total\":%lld}\n",
           (long long)(t_open - t0), (long long)(t_vm - t_open), (long long)(t_memory - t_vm),
           (long long)(t_vcpu - t_memory), (long long)(t_regs - t_vcpu), (long long)(t_first_exit - t_regs),
           (long long)(t_total - t0));

    munmap(run, (size_t)run_size);
    close(vcpu);
    munmap(ram, GUEST_RAM);
    close(vm);
    close(kvm);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 20;
    for (int i = 0; i < runs; ++i) one_run();
    return 0;
}
