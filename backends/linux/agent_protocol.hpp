// The wire format between strata and its agent: a process strata clones
// into new namespaces that then makes, one request at a time, the calls a
// lesson step asks for (sethostname, mount, pivot_root, ...) *from inside*.
//
// Why an agent: namespaces belong to processes. strata itself must never
// enter them (it would change the host view of the GUI, and a
// multi-threaded process cannot even unshare a user namespace), so the
// container's side of each step runs in the agent and the result comes back
// here, where it is recorded. Fixed-size plain structs: the agent is a
// clone of a possibly multi-threaded process and avoids the allocator.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::linux::wire {

enum class Op : std::uint32_t {
    quit,
    unshare,        // n0 = flags
    setns,          // s0 = /proc/<pid>/ns/<kind> (opened by the agent), n0 = nstype
    sethostname,    // s0 = name
    gethostname,    // -> out
    mount,          // s0 source, s1 target, s2 fstype, s3 data, n0 flags; empty strings are NULL
    umount2,        // s0 target, n0 flags
    pivot_root,     // s0 new root, s1 put old
    chdir,          // s0
    mkdir,          // s0, n0 mode
    readlink,       // s0 -> out
    read_file,      // s0 -> out (bounded)
    write_file,     // s0 path, data; n0 = 1 to create
    list_dir,       // s0 -> names, '\n' separated
    getids,         // -> out "pid ppid uid gid euid"
    run,            // data = argv then env ('\0' separated), n1 = argc when env follows (0: default env), n0 = timeout ms -> out = output, result = wait status
    builtin,        // n0 = which Builtin, n1 = argument, n2 = timeout ms -> out, result = wait status
    orphan,         // fork a child that forks a grandchild and exits -> out "child grandchild"
    reap,           // waitpid(-1, WNOHANG) loop -> out "pid status\n"...
    drop_caps,      // n0 = capabilities to keep (bit mask) -> result
    seccomp,        // data = BPF program (struct sock_filter[]) -> result; needs no_new_privs or CAP_SYS_ADMIN
    uname,          // -> out "sysname release nodename"
    shell,          // fd passed with the request = pty slave; data = argv; result = wait status
    // Network (net_agent.cpp). The agent only opens sockets and moves
    // packets; rtnetlink messages are built by strata with libnl on the
    // socket net_socket hands back (see netlink.hpp for why).
    net_socket,     // -> fd (SCM_RIGHTS) of a NETLINK_ROUTE socket in the agent's network namespace
    udp_bind,       // s0 address, n0 port
    udp_send,       // s0 address, n0 port, data = payload
    udp_recv,       // n0 timeout ms -> out = "from-ip:port\npayload"
    ping,           // s0 address, n0 count, n1 timeout ms per reply, data = payload -> out "rtt_ns ..."
    no_new_privs,   // prctl(PR_SET_NO_NEW_PRIVS, 1)
    run_code,       // data = machine code of `uint64_t f(uint64_t)`, n0 = its argument -> result = f(n0), nanos = its run
    become_root,    // setresgid(0,0,0) + setresuid(0,0,0), once the id maps are written
    harden,         // data = 'r'/'m' + path, '\0' separated (empty: runc's defaults) -> out = what was done, result = count
};

enum class Builtin : std::uint64_t {
    hog = 1,        // allocate and touch n1 bytes
    fork_bomb = 2,  // fork until fork fails (at most n1 children), report the count and errno
    burn = 3,       // spin on the CPU for n1 milliseconds of wall time, report CPU time used
};

constexpr std::size_t kStringSize = 512;
constexpr std::size_t kDataSize = 8192;
constexpr std::size_t kOutSize = 32768;

struct Request {
    Op op = Op::quit;
    std::uint64_t n[4] = {};
    char s[4][kStringSize] = {};
    std::uint32_t data_len = 0;
    char data[kDataSize] = {};
};

struct Reply {
    std::int64_t result = 0;
    std::int32_t error = 0;       // errno of the failing call
    std::int64_t nanos = 0;       // how long the call took inside the agent
    char failed_call[64] = {};    // which call failed when an op makes several
    std::uint32_t has_fd = 0;     // 1: an fd travels with the reply (SCM_RIGHTS)
    std::uint32_t out_len = 0;
    char out[kOutSize] = {};
};

}  // namespace strata::linux::wire
