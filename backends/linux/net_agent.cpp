// Inside the agent: the network ops that must run in the container's
// network namespace. Every op works on the agent's own network namespace,
// one the lesson created; nothing here can reach the host's network.
//
// No libnl here. The agent is a raw clone of strata, which may have other
// threads: if one of them held malloc's lock at the moment of the clone,
// the lock stays held forever in the agent (glibc resets it only in fork(),
// not after a bare clone3). libnl allocates for every message, so it runs
// in strata instead, on a netlink socket the agent opens here: a socket
// belongs to the network namespace it was created in, whoever uses it.
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backends/linux/agent_child.hpp"

namespace strata::linux::agent_side {

namespace {

int g_udp = -1;  // the socket udp_bind made; lives as long as the agent

std::int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// socket(AF_NETLINK, NETLINK_ROUTE) in this namespace, bound (the kernel
// picks the port id), handed to strata.
void net_socket(wire::Reply& reply) {
    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return fail(reply, "socket", errno);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) {
        const int e = errno;
        ::close(fd);
        return fail(reply, "bind", e);
    }
    put_fd(reply, fd);
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

std::uint16_t checksum(const void* data, std::size_t len) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < len; i += 2) sum += std::uint32_t(p[i] << 8 | p[i + 1]);
    if (len & 1) sum += std::uint32_t(p[len - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons(std::uint16_t(~sum));
}

// What ping does: ICMP echo requests on a raw socket (CAP_NET_RAW in the
// namespace's user namespace, which the agent has), timing each reply. The
// reply comes from the other namespace's kernel, not from a process there.
void ping(const wire::Request& rq, wire::Reply& reply) {
    int fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) return fail(reply, "socket", errno);
    const sockaddr_in to = inet(rq.s[0], 0);
    const std::uint16_t id = std::uint16_t(::getpid() & 0xffff);
    const int count = int(rq.n[0] ? rq.n[0] : 3);
    const int timeout_ms = int(rq.n[1] ? rq.n[1] : 1000);
    std::size_t total = 0;
    long answered = 0;
    for (int seq = 1; seq <= count; ++seq) {
        alignas(8) std::uint8_t packet[sizeof(icmphdr) + 256] = {};
        auto* icmp = reinterpret_cast<icmphdr*>(packet);
        const std::size_t payload = rq.data_len < 256 ? rq.data_len : 256;
        std::memcpy(packet + sizeof(icmphdr), rq.data, payload);
        icmp->type = ICMP_ECHO;
        icmp->un.echo.id = htons(id);
        icmp->un.echo.sequence = htons(std::uint16_t(seq));
        icmp->checksum = checksum(packet, sizeof(icmphdr) + payload);
        const std::int64_t sent = now_ns();
        if (::sendto(fd, packet, sizeof(icmphdr) + payload, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) < 0) {
            const int e = errno;
            ::close(fd);
            return fail(reply, "sendto", e);
        }
        // Wait for our echo reply; the raw socket sees every ICMP packet.
        for (;;) {
            const int left = timeout_ms - int((now_ns() - sent) / 1000000);
            pollfd p{fd, POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, left) <= 0) break;
            std::uint8_t in[1500];
            const ssize_t n = ::recv(fd, in, sizeof in, 0);
            if (n < ssize_t(sizeof(iphdr))) continue;
            const auto* ip = reinterpret_cast<const iphdr*>(in);
            const std::size_t hl = std::size_t(ip->ihl) * 4;
            if (n < ssize_t(hl + sizeof(icmphdr))) continue;
            const auto* back = reinterpret_cast<const icmphdr*>(in + hl);
            if (back->type != ICMP_ECHOREPLY || ntohs(back->un.echo.id) != id || ntohs(back->un.echo.sequence) != seq)
                continue;
            total += std::size_t(std::snprintf(reply.out + total, wire::kOutSize - total, "%lld ",
                                               static_cast<long long>(now_ns() - sent)));
            ++answered;
            break;
        }
    }
    ::close(fd);
    reply.out_len = std::uint32_t(total);
    reply.result = answered;
    if (answered == 0) fail(reply, "recv", ETIMEDOUT);
}

}  // namespace

void run_net(const wire::Request& rq, wire::Reply& reply) {
    switch (rq.op) {
        case wire::Op::net_socket: return net_socket(reply);
        case wire::Op::udp_bind:
        case wire::Op::udp_send:
        case wire::Op::udp_recv: return udp(rq, reply);
        case wire::Op::ping: return ping(rq, reply);
        default: return fail(reply, "agent", ENOSYS);
    }
}

}  // namespace strata::linux::agent_side
