// The agent's side: what runs inside the new namespaces. Internal to
// backends/linux (Agent starts it; nothing else should).
#pragma once

#include <sys/types.h>

#include "backends/linux/agent_protocol.hpp"

namespace strata::linux::agent_side {

// Serves requests on `sock` until Op::quit or EOF, then _exit()s.
[[noreturn]] void serve(int sock);

// fork() without the C library. glibc's fork() first takes every malloc
// arena's lock and stdio's list lock; the agent is a bare clone of strata,
// where another thread may have held one of them at the moment of the
// clone, and then it stays held in the agent forever and fork() never
// returns. The child gets a copy of the agent and may make system calls
// only (and _exit), as everything in the agent does.
pid_t raw_fork();

// Helpers shared by the agent's op files. Each fills `reply` and returns.
void put_out(wire::Reply& reply, const char* text, std::size_t len);
void put_text(wire::Reply& reply, const char* text);
void fail(wire::Reply& reply, const char* call, int error);
// Hands `fd` to strata with the reply (SCM_RIGHTS); the agent's copy is closed.
void put_fd(wire::Reply& reply, int fd);

// Builtin programs the agent forks (builtins.cpp).
void run_builtin(const wire::Request& request, wire::Reply& reply);
// Network ops: a netlink socket for strata, UDP and ICMP echo (net_agent.cpp).
void run_net(const wire::Request& request, wire::Reply& reply);
// Capabilities, no_new_privs and seccomp (lockdown_agent.cpp).
void drop_caps(const wire::Request& request, wire::Reply& reply);
void set_no_new_privs(wire::Reply& reply);
void load_seccomp(const wire::Request& request, wire::Reply& reply);
// /proc's read-only and masked paths (harden_agent.cpp).
void harden_proc(const wire::Request& request, wire::Reply& reply);

}  // namespace strata::linux::agent_side
