/* strata-container-timer RUNS PROGRAM [ARGS...]: runs PROGRAM RUNS+1 times
 * (the first run warms caches and is not reported) and prints each run's
 * start-to-exit time in nanoseconds, one per line. Exits 1 if a run fails.
 *
 * Why a separate program: on hosts with hybrid cgroups crun must run in a
 * private mount namespace where /sys/fs/cgroup/unified is unmounted. The
 * benchmark sets that up once with `unshare -m` + `umount` and runs this
 * timer inside it, so the set-up is not counted in crun's times. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>

extern char** environ;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s RUNS PROGRAM [ARGS...]\n", argv[0]);
        return 2;
    }
    const int runs = atoi(argv[1]);
    posix_spawn_file_actions_t quiet;
    posix_spawn_file_actions_init(&quiet);
    posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
    for (int i = 0; i <= runs; ++i) {
        const long long t0 = now_ns();
        pid_t pid;
        if (posix_spawn(&pid, argv[2], &quiet, NULL, argv + 2, environ) != 0) return 1;
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
        if (i > 0) printf("%lld\n", now_ns() - t0);
    }
    return 0;
}
