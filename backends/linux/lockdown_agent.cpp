// Inside the agent: drop capabilities, set no_new_privs and load a seccomp
// filter. The filter is compiled by strata with libseccomp
// (seccomp_filter.cpp) and arrives as BPF bytes, and capability names come
// from libcap in strata too: both libraries allocate, and the agent, a raw
// clone of strata, must not (see net_agent.cpp). Here: system calls only.
#include <cerrno>
#include <cstring>

#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backends/linux/agent_child.hpp"

namespace strata::linux::agent_side {

void drop_caps(const wire::Request& rq, wire::Reply& reply) {
    const std::uint64_t keep = rq.n[0];
    // 1. The bounding set: what this process and its children can ever get
    //    back (through exec of a file with capabilities).
    for (int cap = 0; cap <= 63; ++cap) {
        if (keep & (1ull << cap)) continue;
        if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) <= 0) continue;  // unknown to this kernel, or gone
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) return fail(reply, "prctl", errno);
    }
    // 2. The ambient set would re-grant on exec: clear it.
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    // 3. Effective, permitted, inheritable: what this process has now.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    for (int i = 0; i < 2; ++i) {
        data[i].effective = std::uint32_t(keep >> (32 * i));
        data[i].permitted = std::uint32_t(keep >> (32 * i));
        data[i].inheritable = 0;
    }
    if (::syscall(SYS_capset, &header, data) < 0) return fail(reply, "capset", errno);
    reply.result = 0;
}

void set_no_new_privs(wire::Reply& reply) {
    // A one-way switch, inherited by children and kept across execve: from
    // now on no exec (set-uid bit, file capabilities) can grant privileges.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return fail(reply, "prctl", errno);
    reply.result = ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

void load_seccomp(const wire::Request& rq, wire::Reply& reply) {
    if (rq.data_len == 0 || rq.data_len % sizeof(sock_filter) != 0) return fail(reply, "seccomp", EINVAL);
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(rq.data_len / sizeof(sock_filter));
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<char*>(rq.data));
    // No prctl(PR_SET_NO_NEW_PRIVS) here: the lesson makes that call as its
    // own step. Without it (or CAP_SYS_ADMIN) the kernel answers EACCES, so
    // a set-uid program can never be run under a filter it did not expect.
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) return fail(reply, "seccomp", errno);
    reply.result = prog.len;
}

}  // namespace strata::linux::agent_side
