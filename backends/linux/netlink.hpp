// rtnetlink with libnl-route-3, run by strata on a socket that belongs to
// a lesson's network namespace.
//
// Why strata and not the agent: libnl allocates for every message and the
// agent, a raw clone of a possibly multi-threaded strata, must not touch
// the allocator (net_agent.cpp). A netlink socket talks to the network
// namespace it was created in, whoever holds it, so the agent opens one
// inside (Agent::net_socket) and strata configures that namespace through
// it without ever entering it. The kernel checks CAP_NET_ADMIN in the user
// namespace owning that network namespace, for the socket's opener and for
// strata: both hold it there (the agent as root inside, strata as the user
// namespace's owner, or as real root).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "backends/linux/traced.hpp"
#include "backends/sys/fd.hpp"

struct nl_sock;

namespace strata::linux {

struct LinkInfo {
    std::string name;                    // "lo", "veth-box"
    int index = 0;
    bool up = false;                     // IFF_UP: switched on
    bool carrier = false;                // IFF_LOWER_UP: frames can flow (a veth needs both ends up)
    std::string kind;                    // "veth", or "" for lo and physical devices
    std::vector<std::string> addresses;  // IPv4, "10.200.0.1/30"
};

// "UP", "UP, no carrier" or "DOWN".
std::string link_state(const LinkInfo& link);

class RouteSocket {
public:
    // Takes a bound NETLINK_ROUTE socket opened in another namespace.
    // `where` names that namespace in labels ("container", "outside").
    static Result<RouteSocket> adopt(Recorder& recorder, sys::Fd fd, std::string where);
    // A socket in strata's own network namespace: the host's. Lessons only
    // read through it (links()); they never change the host's network.
    static Result<RouteSocket> host(Recorder& recorder);

    RouteSocket(RouteSocket&&) noexcept = default;
    RouteSocket& operator=(RouteSocket&&) noexcept = default;
    ~RouteSocket();

    const std::string& where() const { return where_; }

    // RTM_GETLINK + RTM_GETADDR: every interface with its state and addresses.
    Result<std::vector<LinkInfo>> links();
    // RTM_NEWLINK type veth: both ends, in this namespace (`peer_ns_pid`
    // names it by a process in it; the kernel resolves pids in strata's
    // PID namespace).
    Result<void> add_veth(const std::string& name, const std::string& peer, pid_t peer_ns_pid);
    // RTM_NEWLINK with IFLA_NET_NS_PID: moves the link to the network
    // namespace of `pid`; `to` names it for the label.
    Result<void> move_link(const std::string& name, pid_t pid, const std::string& to);
    // RTM_NEWADDR: an IPv4 address with its prefix, "10.200.0.2/30".
    Result<void> add_address(const std::string& name, const std::string& cidr);
    // RTM_NEWLINK with IFF_UP.
    Result<void> set_up(const std::string& name);
    // The kernel finishes switching a link on asynchronously (its "linkwatch"
    // work attaches the queueing discipline and sets the operational state);
    // a packet sent before that is dropped, and ARP retries only after a
    // second. Polls RTM_GETLINK until the operational state is UP; returns
    // how long that took.
    Result<std::chrono::microseconds> wait_until_running(const std::string& name, std::chrono::milliseconds timeout);

private:
    struct Free { void operator()(nl_sock* sk) const; };
    RouteSocket() = default;
    Recorder* recorder_ = nullptr;
    std::unique_ptr<nl_sock, Free> sk_;
    std::string where_;
};

// A fallback device a tunnel module creates in every network namespace
// (sit0, tunl0, gre0, gretap0, erspan0, ip_vti0, ip6tnl0, ip6gre0, ip6_vti0).
bool is_fallback_tunnel(const std::string& name);

}  // namespace strata::linux
