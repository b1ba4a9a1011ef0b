#include "backends/linux/seccomp_allowlist.hpp"

#include <cerrno>
#include <memory>
#include <sched.h>

#include <fmt/format.h>
#include <seccomp.h>

namespace strata::linux {

namespace {

struct CtxFree { void operator()(void* c) const { seccomp_release(c); } };

// An OCI action name as libseccomp's action; nullopt for one strata does not know.
std::optional<std::uint32_t> action_of(const std::string& name, int errno_ret) {
    const std::uint32_t error = std::uint32_t(errno_ret >= 0 ? errno_ret : EPERM);
    if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
    if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(error);
    if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
    if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
    if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
    if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
    return std::nullopt;
}

std::optional<scmp_compare> compare_of(const std::string& op) {
    if (op == "SCMP_CMP_NE") return SCMP_CMP_NE;
    if (op == "SCMP_CMP_LT") return SCMP_CMP_LT;
    if (op == "SCMP_CMP_LE") return SCMP_CMP_LE;
    if (op == "SCMP_CMP_EQ") return SCMP_CMP_EQ;
    if (op == "SCMP_CMP_GE") return SCMP_CMP_GE;
    if (op == "SCMP_CMP_GT") return SCMP_CMP_GT;
    if (op == "SCMP_CMP_MASKED_EQ") return SCMP_CMP_MASKED_EQ;
    return std::nullopt;
}

}  // namespace

const std::vector<std::string>& default_allowlist() {
    // Docker's default profile's unconditional list (moby
    // profiles/seccomp/default.json), less what it allows only with
    // CAP_SYS_ADMIN and friends, which a strata shell never has.
    static const std::vector<std::string> names = {
        "accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk", "capget", "capset", "chdir", "chmod",
        "chown", "clock_adjtime", "clock_getres", "clock_gettime", "clock_nanosleep", "close", "close_range",
        "connect", "copy_file_range", "creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
        "epoll_ctl", "epoll_pwait", "epoll_pwait2", "epoll_wait", "eventfd", "eventfd2", "execve", "execveat",
        "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fallocate", "fanotify_mark", "fchdir",
        "fchmod", "fchmodat", "fchown", "fchownat", "fcntl", "fdatasync", "fgetxattr", "flistxattr", "flock",
        "fork", "fremovexattr", "fsetxattr", "fstat", "fstatfs", "fsync", "ftruncate", "futex", "futex_waitv",
        "futimesat", "getcpu", "getcwd", "getdents", "getdents64", "getegid", "geteuid", "getgid", "getgroups",
        "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority", "getrandom",
        "getresgid", "getresuid", "getrlimit", "get_robust_list", "getrusage", "getsid", "getsockname",
        "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid", "getxattr", "inotify_add_watch",
        "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
        "io_pgetevents", "ioprio_get", "ioprio_set", "io_setup", "io_submit", "io_uring_enter",
        "io_uring_register", "io_uring_setup", "kill", "landlock_add_rule", "landlock_create_ruleset",
        "landlock_restrict_self", "lchown", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr",
        "lremovexattr", "lseek", "lsetxattr", "lstat", "madvise", "membarrier", "memfd_create", "memfd_secret",
        "mincore", "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mprotect",
        "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend", "mq_unlink", "mremap",
        "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at",
        "nanosleep", "newfstatat", "open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal",
        "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll", "prctl", "pread64",
        "preadv", "preadv2", "prlimit64", "process_mrelease", "pselect6", "pwrite64", "pwritev", "pwritev2",
        "read", "readahead", "readlink", "readlinkat", "readv", "recvfrom", "recvmmsg", "recvmsg",
        "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
        "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
        "rt_sigtimedwait", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr", "sched_getparam",
        "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
        "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
        "select", "semctl", "semget", "semop", "semtimedop", "sendfile", "sendmmsg", "sendmsg", "sendto",
        "setfsgid", "setfsuid", "setgid", "setgroups", "setitimer", "setpgid", "setpriority", "setregid",
        "setresgid", "setresuid", "setreuid", "setrlimit", "set_robust_list", "setsid", "setsockopt",
        "set_thread_area", "set_tid_address", "setuid", "setxattr", "shmat", "shmctl", "shmdt", "shmget",
        "shutdown", "sigaltstack", "signalfd", "signalfd4", "socket", "socketpair", "splice", "stat", "statfs",
        "statx", "symlink", "symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time",
        "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime", "timer_settime", "timerfd_create",
        "timerfd_gettime", "timerfd_settime", "times", "tkill", "truncate", "umask", "uname", "unlink",
        "unlinkat", "utime", "utimensat", "utimes", "vfork", "wait4", "waitid", "write", "writev",
    };
    return names;
}

std::vector<OciSyscallRule> default_profile_rules() {
    // clone only without namespace flags; clone3's flags sit behind a
    // pointer no filter can read, so it answers ENOSYS and libc falls back.
    constexpr std::uint64_t kNamespaces = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                                          CLONE_NEWNET | CLONE_NEWCGROUP;
    return {{default_allowlist(), "SCMP_ACT_ALLOW", -1, {}},
            {{"clone"}, "SCMP_ACT_ALLOW", -1, {{0, kNamespaces, 0, "SCMP_CMP_MASKED_EQ"}}},
            {{"clone3"}, "SCMP_ACT_ERRNO", ENOSYS, {}}};
}

Result<CompiledFilter> compile_seccomp_profile(Recorder& recorder, const std::string& default_action,
                                               int default_errno, const std::vector<OciSyscallRule>& rules) {
    CallRecord call;
    call.name = fmt::format("seccomp_export_bpf(profile, default {})", default_action);
    call.layers = {LayerId::runtime, LayerId::security};
    call.start = recorder.now();
    CompiledFilter out;
    int r = 0;
    const auto default_act = action_of(default_action, default_errno);
    if (!default_act) r = -EINVAL;
    std::unique_ptr<void, CtxFree> ctx(r == 0 ? seccomp_init(*default_act) : nullptr);
    if (r == 0 && !ctx) r = -ENOMEM;
    int added = 0, unknown = 0;
    for (const auto& rule : rules) {
        const auto act = action_of(rule.action, rule.errno_ret);
        if (!act) { r = r ? r : -EINVAL; break; }
        std::vector<scmp_arg_cmp> args;
        for (const auto& a : rule.args) {
            const auto op = compare_of(a.op);
            if (!op || a.index > 5) { r = r ? r : -EINVAL; break; }
            args.push_back(scmp_arg_cmp{a.index, *op, a.value, a.value_two});
        }
        for (const auto& name : rule.names) {
            if (r != 0) break;
            const int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) { ++unknown; continue; }  // a call this libseccomp or kernel lacks
            // The same action as the default needs no rule (libseccomp refuses one).
            if (*act == *default_act && args.empty()) continue;
            r = seccomp_rule_add_array(ctx.get(), *act, nr, unsigned(args.size()), args.data());
            ++added;
        }
    }
    if (r == 0) r = export_bpf(ctx.get(), out.bpf);
    out.description = fmt::format("default {}, {} rules", default_action, added);
    call.duration = recorder.now() - call.start;
    call.error = r < 0 ? -r : 0;
    call.result = r < 0 ? -1 : std::int64_t(out.bpf.size() / 8);
    call.args = {{"default", default_action}, {"rules", std::to_string(added) + " system calls"},
                 {"unknown names skipped", std::to_string(unknown)},
                 {"instructions", std::to_string(out.bpf.size() / 8)}};
    call.detail = "libseccomp compiles the profile into the BPF program the kernel runs at every system call";
    if (auto rec = record_call(recorder, std::move(call), "seccomp"); !rec) return std::unexpected(rec.error());
    return out;
}

Result<CompiledFilter> compile_allowlist_filter(Recorder& recorder) {
    return compile_seccomp_profile(recorder, "SCMP_ACT_ERRNO", EPERM, default_profile_rules());
}

}  // namespace strata::linux
