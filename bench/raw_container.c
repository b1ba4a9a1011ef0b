/* The floor for starting a container: clone3 with every namespace (user
 * included, so it runs without root too), private mounts, bind the rootfs,
 * pivot_root, detach the old root, exec /bin/true. No tracing, no checks
 * beyond what the kernel needs. Usage: strata-raw-container ROOTFS [RUNS]
 * Prints one start-to-exit time per run in nanoseconds. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct clone_args_raw { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup; };

static void write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd >= 0) { (void)!write(fd, text, strlen(text)); close(fd); }
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s ROOTFS [RUNS]\n", argv[0]); return 2; }
    const char *rootfs = argv[1];
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    for (int i = 0; i < runs; ++i) {
        int64_t t0 = now_ns();
        int go[2];
        if (pipe2(go, O_CLOEXEC) != 0) return 1;
        struct clone_args_raw args = {0};
        args.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
        args.exit_signal = SIGCHLD;
        long pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid < 0) { perror("clone3"); return 1; }
        if (pid == 0) {
            char c;
            close(go[1]);
            if (read(go[0], &c, 1) != 1) _exit(120);
            if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) _exit(121);
            if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL)) _exit(122);
            if (chdir(rootfs)) _exit(123);
            if (syscall(SYS_pivot_root, ".", ".")) _exit(124);
            if (umount2(".", MNT_DETACH)) _exit(125);
            if (chdir("/")) _exit(126);
            char *const av[] = {"/bin/true", NULL};
            execve("/bin/true", av, NULL);
            _exit(127);
        }
        close(go[0]);
        char path[64], map[64];
        snprintf(path, sizeof path, "/proc/%ld/setgroups", pid);
        write_file(path, "deny");
        snprintf(path, sizeof path, "/proc/%ld/uid_map", pid);
        snprintf(map, sizeof map, "0 %d 1", (int)geteuid());
        write_file(path, map);
        snprintf(path, sizeof path, "/proc/%ld/gid_map", pid);
        snprintf(map, sizeof map, "0 %d 1", (int)getegid());
        write_file(path, map);
        (void)!write(go[1], "g", 1);
        close(go[1]);
        int status;
        waitpid((pid_t)pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "container failed: %d\n", status); return 1; }
        printf("%lld\n", (long long)(now_ns() - t0));
    }
    return 0;
}
