// The agent's network calls, as strata records them: the netlink socket it
// opens for strata, and the packets it sends and receives inside the
// lesson's network namespaces.
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "backends/linux/agent.hpp"

namespace strata::linux {

namespace {

wire::Request request(wire::Op op) {
    wire::Request r;
    r.op = op;
    return r;
}

Result<void> set_data(wire::Request& rq, const std::string& bytes) {
    if (bytes.size() > wire::kDataSize) return engine::plain_error("agent request", "payload too large");
    std::memcpy(rq.data, bytes.data(), bytes.size());
    rq.data_len = std::uint32_t(bytes.size());
    return {};
}

}  // namespace

Result<sys::Fd> Agent::net_socket() {
    CallSpec spec{"socket(AF_NETLINK, NETLINK_ROUTE)", "socket", {LayerId::runtime, LayerId::network},
                  {{"in", "the agent's network namespace"}}};
    spec.detail = "a routing socket belongs to the namespace it is created in; strata keeps it to configure "
                  "that namespace without entering it";
    auto r = call(request(wire::Op::net_socket), spec);
    if (!r) return std::unexpected(r.error());
    if (!r->fd.valid())
        return engine::plain_error("socket(AF_NETLINK)", "the agent answered without handing over the socket");
    return std::move(r->fd);
}

Result<AgentReply> Agent::udp_bind(const std::string& address, std::uint16_t port) {
    auto rq = request(wire::Op::udp_bind);
    if (auto ok = set_string(rq.s[0], address); !ok) return std::unexpected(ok.error());
    rq.n[0] = port;
    return call(rq, {fmt::format("bind(UDP {}:{})", address, port), "bind", {LayerId::runtime, LayerId::network},
                     {{"address", address}, {"port", std::to_string(port)}}});
}

Result<AgentReply> Agent::udp_send(const std::string& address, std::uint16_t port, const std::string& payload) {
    auto rq = request(wire::Op::udp_send);
    if (auto ok = set_string(rq.s[0], address); !ok) return std::unexpected(ok.error());
    if (auto ok = set_data(rq, payload); !ok) return std::unexpected(ok.error());
    rq.n[0] = port;
    return call(rq, {fmt::format("sendto(UDP {}:{})", address, port), "sendto", {LayerId::runtime, LayerId::network},
                     {{"to", fmt::format("{}:{}", address, port)}, {"bytes", std::to_string(payload.size())}}});
}

Result<AgentReply> Agent::udp_recv(std::chrono::milliseconds timeout) {
    auto rq = request(wire::Op::udp_recv);
    rq.n[0] = std::uint64_t(timeout.count());
    return call(rq, {"recvfrom(UDP)", "recvfrom", {LayerId::runtime, LayerId::network}}, {},
                std::chrono::milliseconds(100), timeout + std::chrono::seconds(2));
}

Result<AgentReply> Agent::ping(const std::string& address, int count, const std::string& payload) {
    auto rq = request(wire::Op::ping);
    if (auto ok = set_string(rq.s[0], address); !ok) return std::unexpected(ok.error());
    if (auto ok = set_data(rq, payload); !ok) return std::unexpected(ok.error());
    rq.n[0] = std::uint64_t(count);
    rq.n[1] = 1000;
    return call(rq, {fmt::format("ICMP echo x{} -> {}", count, address), "ping", {LayerId::runtime, LayerId::network},
                     {{"to", address}, {"count", std::to_string(count)}}},
                {}, std::chrono::milliseconds(100), std::chrono::seconds(count + 5));
}

}  // namespace strata::linux
