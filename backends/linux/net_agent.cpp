// Inside the agent: network set-up over rtnetlink with libnl-route-3, and a
// tiny UDP exchange to prove packets cross the veth pair. Every op works on
// the agent's own network namespace, one the lesson created.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <net/if.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/linux/agent_child.hpp"

namespace strata::linux::agent_side {

namespace {

int g_udp = -1;  // the socket udp_bind made; lives as long as the agent

// libnl returns negative NLE_* codes; the kernel's errno is what a learner
// can look up, so map the common ones back.
int errno_of(int nl_error) {
    switch (-nl_error) {
        case NLE_PERM: return EPERM;
        case NLE_EXIST: return EEXIST;
        case NLE_NODEV: return ENODEV;
        case NLE_OBJ_NOTFOUND: return ENOENT;
        case NLE_INVAL: return EINVAL;
        case NLE_NOMEM: return ENOMEM;
        case NLE_OPNOTSUPP: return EOPNOTSUPP;
        case NLE_BUSY: return EBUSY;
        default: return EIO;
    }
}

struct Socket {
    nl_sock* sk = nl_socket_alloc();
    Socket() { if (sk && nl_connect(sk, NETLINK_ROUTE) < 0) { nl_socket_free(sk); sk = nullptr; } }
    ~Socket() { if (sk) nl_socket_free(sk); }
};

void links(nl_sock* sk, wire::Reply& reply) {
    nl_cache* cache = nullptr;
    if (int r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache); r < 0) return fail(reply, "RTM_GETLINK", errno_of(r));
    std::size_t total = 0;
    long count = 0;
    for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
        auto* link = reinterpret_cast<rtnl_link*>(o);
        const unsigned flags = rtnl_link_get_flags(link);
        total += std::snprintf(reply.out + total, wire::kOutSize - total, "%s %d %s\n", rtnl_link_get_name(link),
                               rtnl_link_get_ifindex(link), (flags & IFF_UP) ? "UP" : "DOWN");
        ++count;
    }
    nl_cache_free(cache);
    reply.out_len = total;
    reply.result = count;
}

void change_link(nl_sock* sk, const char* name, wire::Reply& reply, const char* call,
                 void (*edit)(rtnl_link*, std::uint64_t), std::uint64_t value) {
    rtnl_link* link = nullptr;
    if (int r = rtnl_link_get_kernel(sk, 0, name, &link); r < 0) return fail(reply, "RTM_GETLINK", errno_of(r));
    rtnl_link* change = rtnl_link_alloc();
    edit(change, value);
    int r = rtnl_link_change(sk, link, change, 0);
    rtnl_link_put(change);
    rtnl_link_put(link);
    if (r < 0) return fail(reply, call, errno_of(r));
    reply.result = 0;
}

void add_address(nl_sock* sk, const char* name, const char* cidr, wire::Reply& reply) {
    const int index = int(if_nametoindex(name));
    if (index == 0) return fail(reply, "if_nametoindex", errno);
    nl_addr* local = nullptr;
    if (int r = nl_addr_parse(cidr, AF_INET, &local); r < 0) return fail(reply, "nl_addr_parse", errno_of(r));
    rtnl_addr* addr = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(addr, index);
    rtnl_addr_set_local(addr, local);
    int r = rtnl_addr_add(sk, addr, 0);
    rtnl_addr_put(addr);
    nl_addr_put(local);
    if (r < 0) return fail(reply, "RTM_NEWADDR", errno_of(r));
    reply.result = 0;
}

sockaddr_in inet(const char* address, std::uint64_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(std::uint16_t(port));
    ::inet_pton(AF_INET, address, &sa.sin_addr);
    return sa;
}

void udp(const wire::Request& rq, wire::Reply& reply) {
    if (rq.op == wire::Op::udp_bind) {
        if (g_udp < 0) g_udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (g_udp < 0) return fail(reply, "socket", errno);
        sockaddr_in sa = inet(rq.s[0], rq.n[0]);
        if (::bind(g_udp, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0) return fail(reply, "bind", errno);
        reply.result = 0;
        return;
    }
    if (g_udp < 0) return fail(reply, "udp", EBADF);
    if (rq.op == wire::Op::udp_send) {
        sockaddr_in to = inet(rq.s[0], rq.n[0]);
        ssize_t n = ::sendto(g_udp, rq.data, rq.data_len, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        if (n < 0) return fail(reply, "sendto", errno);
        reply.result = n;
        return;
    }
    pollfd p{g_udp, POLLIN, 0};
    int r = ::poll(&p, 1, int(rq.n[0] ? rq.n[0] : 2000));
    if (r == 0) return fail(reply, "recvfrom", ETIMEDOUT);
    if (r < 0) return fail(reply, "poll", errno);
    char buf[2048];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(g_udp, buf, sizeof buf - 1, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return fail(reply, "recvfrom", errno);
    char line[2200];
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    int m = std::snprintf(line, sizeof line, "%s:%d\n%.*s", ip, ntohs(from.sin_port), int(n), buf);
    put_out(reply, line, std::size_t(m));
    reply.result = n;
}

}  // namespace

void run_net(const wire::Request& rq, wire::Reply& reply) {
    if (rq.op == wire::Op::udp_bind || rq.op == wire::Op::udp_send || rq.op == wire::Op::udp_recv) return udp(rq, reply);
    Socket s;
    if (!s.sk) return fail(reply, "socket(AF_NETLINK)", errno ? errno : ENOMEM);
    switch (rq.op) {
        case wire::Op::net_links: return links(s.sk, reply);
        case wire::Op::net_veth: {
            // One RTM_NEWLINK makes both ends: a veth pair is a pipe for frames.
            int r = rtnl_link_veth_add(s.sk, rq.s[0], rq.s[1], ::getpid());
            if (r < 0) return fail(reply, "RTM_NEWLINK", errno_of(r));
            reply.result = 0;
            return;
        }
        case wire::Op::net_move:
            return change_link(s.sk, rq.s[0], reply, "RTM_NEWLINK",
                               [](rtnl_link* l, std::uint64_t pid) { rtnl_link_set_ns_pid(l, pid_t(pid)); }, rq.n[0]);
        case wire::Op::net_up:
            return change_link(s.sk, rq.s[0], reply, "RTM_NEWLINK",
                               [](rtnl_link* l, std::uint64_t) { rtnl_link_set_flags(l, IFF_UP); }, 0);
        case wire::Op::net_addr: return add_address(s.sk, rq.s[0], rq.s[1], reply);
        default: return fail(reply, "agent", ENOSYS);
    }
}

}  // namespace strata::linux::agent_side
