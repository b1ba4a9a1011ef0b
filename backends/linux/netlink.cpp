#include "backends/linux/netlink.hpp"

#include <cerrno>
#include <thread>

#include <fmt/format.h>
#include <linux/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

namespace strata::linux {

namespace {

// libnl returns negative NLE_* codes; a learner looks up the kernel's
// errno, so map the common ones back.
int errno_of(int nl_error) {
    switch (nl_error < 0 ? -nl_error : nl_error) {
        case NLE_PERM: return EPERM;
        case NLE_EXIST: return EEXIST;
        case NLE_NODEV: return ENODEV;
        case NLE_OBJ_NOTFOUND: return ENOENT;
        case NLE_INVAL: return EINVAL;
        case NLE_NOMEM: return ENOMEM;
        case NLE_OPNOTSUPP: return EOPNOTSUPP;
        case NLE_BUSY: return EBUSY;
        case NLE_NOADDR: return EADDRNOTAVAIL;
        case NLE_BAD_SOCK: return EBADF;
        default: return EIO;
    }
}

// One rtnetlink exchange, timed and recorded; `nl_result` is libnl's.
struct Exchange {
    Recorder& recorder;
    CallRecord call;
    Exchange(Recorder& r, std::string name, std::vector<EventArg> args) : recorder(r) {
        call.name = std::move(name);
        call.args = std::move(args);
        call.layers = {LayerId::runtime, LayerId::network};
        call.start = recorder.now();
    }
    Result<void> finish(int nl_result, std::string detail = {}) {
        call.duration = recorder.now() - call.start;
        call.result = nl_result < 0 ? -1 : 0;
        call.error = nl_result < 0 ? errno_of(nl_result) : 0;
        if (nl_result < 0) call.args.push_back({"libnl", nl_geterror(nl_result)});
        call.detail = std::move(detail);
        if (auto r = record_call(recorder, std::move(call), "rtnetlink"); !r) return std::unexpected(r.error());
        return {};
    }
};

struct LinkPut { void operator()(rtnl_link* l) const { rtnl_link_put(l); } };
struct CachePut { void operator()(nl_cache* c) const { nl_cache_free(c); } };
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using CachePtr = std::unique_ptr<nl_cache, CachePut>;

}  // namespace

std::string link_state(const LinkInfo& link) {
    if (!link.up) return "DOWN";
    return link.carrier ? "UP" : "UP, no carrier";
}

void RouteSocket::Free::operator()(nl_sock* sk) const { nl_socket_free(sk); }  // closes the fd too

RouteSocket::~RouteSocket() = default;

Result<RouteSocket> RouteSocket::adopt(Recorder& recorder, sys::Fd fd, std::string where) {
    RouteSocket s;
    s.recorder_ = &recorder;
    s.where_ = std::move(where);
    s.sk_.reset(nl_socket_alloc());
    if (!s.sk_) return engine::errno_error("nl_socket_alloc", ENOMEM, "libnl could not allocate a socket");
    // libnl owns the fd from here on (nl_socket_free closes it).
    if (int r = nl_socket_set_fd(s.sk_.get(), NETLINK_ROUTE, fd.get()); r < 0)
        return engine::errno_error("nl_socket_set_fd", errno_of(r), nl_geterror(r));
    fd.release();
    return s;
}

Result<RouteSocket> RouteSocket::host(Recorder& recorder) {
    RouteSocket s;
    s.recorder_ = &recorder;
    s.where_ = "host";
    s.sk_.reset(nl_socket_alloc());
    if (!s.sk_) return engine::errno_error("nl_socket_alloc", ENOMEM, "libnl could not allocate a socket");
    Exchange x(recorder, "socket(AF_NETLINK, NETLINK_ROUTE)", {{"in", "strata's own (the host's) network namespace"}});
    if (auto r = x.finish(nl_connect(s.sk_.get(), NETLINK_ROUTE)); !r) return std::unexpected(r.error());
    return s;
}

Result<std::vector<LinkInfo>> RouteSocket::links() {
    Exchange x(*recorder_, fmt::format("RTM_GETLINK + RTM_GETADDR ({})", where_), {{"namespace", where_}});
    nl_cache* raw_links = nullptr;
    nl_cache* raw_addrs = nullptr;
    int r = rtnl_link_alloc_cache(sk_.get(), AF_UNSPEC, &raw_links);
    CachePtr links(raw_links);
    if (r >= 0) r = rtnl_addr_alloc_cache(sk_.get(), &raw_addrs);
    CachePtr addrs(raw_addrs);
    std::vector<LinkInfo> out;
    if (r >= 0) {
        for (nl_object* o = nl_cache_get_first(links.get()); o; o = nl_cache_get_next(o)) {
            auto* link = reinterpret_cast<rtnl_link*>(o);
            LinkInfo info;
            info.name = rtnl_link_get_name(link);
            info.index = rtnl_link_get_ifindex(link);
            const unsigned flags = rtnl_link_get_flags(link);
            info.up = flags & IFF_UP;
            info.carrier = flags & IFF_LOWER_UP;
            if (const char* kind = rtnl_link_get_type(link)) info.kind = kind;
            for (nl_object* a = nl_cache_get_first(addrs.get()); a; a = nl_cache_get_next(a)) {
                auto* addr = reinterpret_cast<rtnl_addr*>(a);
                if (rtnl_addr_get_ifindex(addr) != info.index || rtnl_addr_get_family(addr) != AF_INET) continue;
                char text[64];
                info.addresses.push_back(nl_addr2str(rtnl_addr_get_local(addr), text, sizeof text));
            }
            out.push_back(std::move(info));
        }
    }
    x.call.result = std::int64_t(out.size());
    std::string names;
    for (const auto& l : out) names += (names.empty() ? "" : ", ") + l.name + " " + link_state(l);
    if (auto ok = x.finish(r < 0 ? r : 0, names); !ok) return std::unexpected(ok.error());
    return out;
}

Result<void> RouteSocket::add_veth(const std::string& name, const std::string& peer, pid_t peer_ns_pid) {
    Exchange x(*recorder_, fmt::format("RTM_NEWLINK veth {} <-> {}", name, peer),
               {{"type", "veth"}, {"name", name}, {"peer", peer}, {"namespace", where_}});
    // One message makes both ends: a veth pair is a pipe for Ethernet frames.
    const int r = rtnl_link_veth_add(sk_.get(), name.c_str(), peer.c_str(), peer_ns_pid);
    return x.finish(r, fmt::format("two new interfaces in the {} namespace, each the other's far end", where_));
}

Result<void> RouteSocket::move_link(const std::string& name, pid_t pid, const std::string& to) {
    Exchange x(*recorder_, fmt::format("RTM_NEWLINK {} -> {} namespace", name, to),
               {{"link", name}, {"IFLA_NET_NS_PID", std::to_string(pid)}, {"from", where_}, {"to", to}});
    rtnl_link* raw = nullptr;
    int r = rtnl_link_get_kernel(sk_.get(), 0, name.c_str(), &raw);
    LinkPtr link(raw);
    if (r >= 0) {
        LinkPtr change(rtnl_link_alloc());
        rtnl_link_set_ns_pid(change.get(), pid);
        r = rtnl_link_change(sk_.get(), link.get(), change.get(), 0);
    }
    return x.finish(r, fmt::format("{} leaves the {} namespace for the {} one", name, where_, to));
}

Result<void> RouteSocket::add_address(const std::string& name, const std::string& cidr) {
    Exchange x(*recorder_, fmt::format("RTM_NEWADDR {} dev {}", cidr, name),
               {{"address", cidr}, {"link", name}, {"namespace", where_}});
    rtnl_link* raw = nullptr;
    int r = rtnl_link_get_kernel(sk_.get(), 0, name.c_str(), &raw);
    LinkPtr link(raw);
    nl_addr* local = nullptr;
    if (r >= 0) r = nl_addr_parse(cidr.c_str(), AF_INET, &local);
    if (r >= 0) {
        rtnl_addr* addr = rtnl_addr_alloc();
        rtnl_addr_set_ifindex(addr, rtnl_link_get_ifindex(link.get()));
        rtnl_addr_set_local(addr, local);
        r = rtnl_addr_add(sk_.get(), addr, 0);
        rtnl_addr_put(addr);
    }
    if (local) nl_addr_put(local);
    return x.finish(r, "the kernel also adds a route for the subnet through this link");
}

Result<void> RouteSocket::set_up(const std::string& name) {
    Exchange x(*recorder_, fmt::format("RTM_NEWLINK {} up", name),
               {{"link", name}, {"flags", "IFF_UP"}, {"namespace", where_}});
    rtnl_link* raw = nullptr;
    int r = rtnl_link_get_kernel(sk_.get(), 0, name.c_str(), &raw);
    LinkPtr link(raw);
    if (r >= 0) {
        LinkPtr change(rtnl_link_alloc());
        rtnl_link_set_flags(change.get(), IFF_UP);
        r = rtnl_link_change(sk_.get(), link.get(), change.get(), 0);
    }
    return x.finish(r);
}

}  // namespace strata::linux

namespace strata::linux {

Result<std::chrono::microseconds> RouteSocket::wait_until_running(const std::string& name,
                                                                  std::chrono::milliseconds timeout) {
    Exchange x(*recorder_, fmt::format("RTM_GETLINK {} until operstate UP", name), {{"link", name}, {"namespace", where_}});
    const auto start = std::chrono::steady_clock::now();
    int r = 0, polls = 0;
    bool running = false;
    while (!running && std::chrono::steady_clock::now() - start < timeout) {
        if (polls++) std::this_thread::sleep_for(std::chrono::microseconds(200));
        rtnl_link* raw = nullptr;
        r = rtnl_link_get_kernel(sk_.get(), 0, name.c_str(), &raw);
        LinkPtr link(raw);
        if (r < 0) break;
        running = rtnl_link_get_operstate(link.get()) == IF_OPER_UP;
    }
    const auto waited = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    x.call.args.push_back({"polls", std::to_string(polls)});
    if (r >= 0 && !running) r = -NLE_BUSY;
    if (auto ok = x.finish(r, fmt::format("operational state UP after {} µs", waited.count())); !ok)
        return std::unexpected(ok.error());
    return waited;
}

bool is_fallback_tunnel(const std::string& name) {
    static const char* const kFallbacks[] = {"sit0",    "tunl0",   "gre0",     "gretap0", "erspan0",
                                             "ip_vti0", "ip6tnl0", "ip6gre0", "ip6_vti0"};
    for (const char* fallback : kFallbacks)
        if (name == fallback) return true;
    return false;
}

}  // namespace strata::linux
