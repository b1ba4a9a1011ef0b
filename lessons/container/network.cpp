// container/network: CLONE_NEWNET gives a process a network stack of its
// own, empty but for a switched-off `lo`. The lesson wires it up the way a
// runtime does: a veth pair, one end moved in, addresses, links up, and
// packets across. The host's end lives in a second namespace the lesson
// also creates, so your real network is only ever read, never changed,
// and no packet leaves the lesson's two namespaces.
#include <algorithm>
#include <sstream>

#include <fmt/format.h>
#include <sched.h>

#include "backends/linux/netlink.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/container/common.hpp"

namespace strata::lessons::container {

namespace {

const std::string kId = "container/network";
const std::string kOutEnd = "veth-out";  // stays outside
const std::string kBoxEnd = "veth-box";  // moves into the container
const std::string kOutAddress = "10.200.0.1";
const std::string kBoxAddress = "10.200.0.2";
const std::string kPrefix = "/30";       // 4 addresses: network, .1, .2, broadcast
const std::uint16_t kBoxPort = 4242, kOutPort = 4243;
const std::string kPayload = "hello from outside, over a veth pair";
constexpr int kPings = 5;

struct State final : engine::LessonState {
    // Agents before sockets: members are destroyed in reverse, so the
    // sockets (each holds its namespace alive) go first.
    std::optional<linux::Agent> box;
    std::optional<linux::Agent> outside;
    std::optional<linux::RouteSocket> box_net, outside_net;
    std::vector<linux::LinkInfo> host_links;
    std::vector<linux::LinkInfo> outside_links, box_links;  // as last listed
};

// One row per interface: which namespace, name, kind, state, addresses.
// Each namespace shows its latest listing; `outside`/`box` replace it.
void show_links(Context& ctx, State& s, const std::vector<linux::LinkInfo>* outside,
                const std::vector<linux::LinkInfo>* box) {
    if (outside) s.outside_links = *outside;
    if (box) s.box_links = *box;
    engine::TableView table{"network interfaces", {"namespace", "interface", "kind", "state", "IPv4"}, {}, {}};
    auto add = [&](const std::string& where, const std::vector<linux::LinkInfo>& links, bool mark) {
        for (const auto& l : links) {
            std::string addrs;
            for (const auto& a : l.addresses) addrs += (addrs.empty() ? "" : " ") + a;
            table.rows.push_back({where, l.name, l.kind.empty() ? "-" : l.kind, linux::link_state(l),
                                  addrs.empty() ? "-" : addrs});
            table.row_marked.push_back(mark);
        }
    };
    add("host (read only)", s.host_links, false);
    add("outside (the lesson's)", s.outside_links, true);
    add("container", s.box_links, true);
    ctx.facts().set_table(std::move(table));
}

const linux::LinkInfo* find(const std::vector<linux::LinkInfo>& links, const std::string& name) {
    auto it = std::find_if(links.begin(), links.end(), [&](const auto& l) { return l.name == name; });
    return it == links.end() ? nullptr : &*it;
}

std::string names(const std::vector<linux::LinkInfo>& links) {
    std::string out;
    for (const auto& l : links) out += (out.empty() ? "" : " ") + l.name;
    return out;
}

Result<StepOutcome> new_netns(Context& ctx, State& s) {
    auto box = STRATA_TRY(start_container(ctx, CLONE_NEWNET));
    s.box.emplace(std::move(box));
    auto fd = STRATA_TRY(s.box->net_socket());
    auto net = STRATA_TRY(linux::RouteSocket::adopt(ctx.recorder(), std::move(fd), "container"));
    s.box_net.emplace(std::move(net));
    auto inside = STRATA_TRY(s.box_net->links());
    // The host's interfaces, for comparison: read through a socket in
    // strata's own namespace, never changed.
    auto host = STRATA_TRY(linux::RouteSocket::host(ctx.recorder()));
    auto host_links = STRATA_TRY(host.links());
    s.host_links = std::move(host_links);
    show_links(ctx, s, nullptr, &inside);
    ctx.facts().set_value("interfaces in a new namespace", names(inside));
    ctx.facts().set_value("host interfaces", names(s.host_links));
    const auto* lo = find(inside, "lo");
    // Besides lo, the kernel puts a fallback device of each tunnel module
    // that is loaded (sit0, tunl0, gre0, ip6tnl0, ...) into every new
    // namespace, unless net.core.fb_tunnels_only_for_init_net says not to.
    // They are down and belong to no one: the namespace holds nothing else.
    std::vector<std::string> others;
    for (const auto& link : inside)
        if (link.name != "lo" && !linux::is_fallback_tunnel(link.name)) others.push_back(link.name);
    if (!lo || !others.empty())
        return engine::plain_error("RTM_GETLINK", "a new network namespace should hold only lo (and fallback tunnels), "
                                                  "found: " + names(inside));
    ctx.facts().set_value("lo in a new namespace", linux::link_state(*lo));
    const std::size_t tunnels = inside.size() - 1;
    return StepOutcome{fmt::format("inside: only lo{}, and it is {}; the host has {} interfaces the container cannot see",
                                   tunnels ? fmt::format(" (and {} fallback tunnel device(s))", tunnels) : "",
                                   linux::link_state(*lo), s.host_links.size())};
}

Result<StepOutcome> outside_ns(Context& ctx, State& s) {
    linux::AgentOptions options;
    options.who = "outside";
    auto outside = STRATA_TRY(linux::Agent::start(ctx.recorder(), options));
    s.outside.emplace(std::move(outside));
    // Same user namespace as the container: moving a link between two
    // network namespaces needs CAP_NET_ADMIN over both.
    STRATA_TRY(s.outside->setns(s.box->pid(), "user", CLONE_NEWUSER));
    STRATA_TRY(s.outside->unshare(CLONE_NEWNET));
    auto fd = STRATA_TRY(s.outside->net_socket());
    auto net = STRATA_TRY(linux::RouteSocket::adopt(ctx.recorder(), std::move(fd), "outside"));
    s.outside_net.emplace(std::move(net));
    auto links = STRATA_TRY(s.outside_net->links());
    show_links(ctx, s, &links, nullptr);
    return StepOutcome{fmt::format("a second namespace plays the host's side: it too holds only {}", names(links))};
}

Result<StepOutcome> make_veth(Context& ctx, State& s) {
    STRATA_TRY(s.outside_net->add_veth(kOutEnd, kBoxEnd, s.outside->pid()));
    auto links = STRATA_TRY(s.outside_net->links());
    show_links(ctx, s, &links, nullptr);
    if (!find(links, kOutEnd) || !find(links, kBoxEnd))
        return engine::plain_error("RTM_NEWLINK", "the veth pair did not appear: " + names(links));
    return StepOutcome{fmt::format("both ends, {} and {}, are in the outside namespace for now", kOutEnd, kBoxEnd)};
}

Result<StepOutcome> move_end(Context& ctx, State& s) {
    STRATA_TRY(s.outside_net->move_link(kBoxEnd, s.box->pid(), "container"));
    auto outside = STRATA_TRY(s.outside_net->links());
    auto inside = STRATA_TRY(s.box_net->links());
    show_links(ctx, s, &outside, &inside);
    ctx.facts().set_value("container interfaces after the move", names(inside));
    if (!find(inside, kBoxEnd) || find(outside, kBoxEnd))
        return engine::plain_error("RTM_NEWLINK", fmt::format("{} did not move: outside has {}, inside has {}", kBoxEnd,
                                                              names(outside), names(inside)));
    return StepOutcome{fmt::format("{} left the outside namespace and appeared in the container", kBoxEnd)};
}

Result<StepOutcome> addresses(Context& ctx, State& s) {
    STRATA_TRY(s.outside_net->add_address(kOutEnd, kOutAddress + kPrefix));
    STRATA_TRY(s.box_net->add_address(kBoxEnd, kBoxAddress + kPrefix));
    STRATA_TRY(s.outside_net->set_up(kOutEnd));
    STRATA_TRY(s.box_net->set_up(kBoxEnd));
    auto waited = STRATA_TRY(s.box_net->wait_until_running(kBoxEnd, std::chrono::seconds(3)));
    auto waited_out = STRATA_TRY(s.outside_net->wait_until_running(kOutEnd, std::chrono::seconds(3)));
    ctx.facts().set_value("link running after (us)", std::to_string(std::max(waited, waited_out).count()));
    auto outside = STRATA_TRY(s.outside_net->links());
    auto inside = STRATA_TRY(s.box_net->links());
    show_links(ctx, s, &outside, &inside);
    const auto* out_end = find(outside, kOutEnd);
    const auto* box_end = find(inside, kBoxEnd);
    if (!out_end || !box_end) return engine::plain_error("RTM_GETLINK", "a veth end went missing");
    ctx.facts().set_value("container end", fmt::format("{} {}", linux::link_state(*box_end),
                                                       box_end->addresses.empty() ? "-" : box_end->addresses[0]));
    ctx.facts().set_value("outside end", fmt::format("{} {}", linux::link_state(*out_end),
                                                     out_end->addresses.empty() ? "-" : out_end->addresses[0]));
    return StepOutcome{fmt::format("{} {} and {} {}, both {}", kOutEnd, kOutAddress + kPrefix, kBoxEnd,
                                   kBoxAddress + kPrefix, linux::link_state(*box_end))};
}

Result<StepOutcome> datagram(Context& ctx, State& s) {
    STRATA_TRY(s.box->udp_bind(kBoxAddress, kBoxPort));
    STRATA_TRY(s.outside->udp_bind(kOutAddress, kOutPort));
    STRATA_TRY(s.outside->udp_send(kBoxAddress, kBoxPort, kPayload));
    auto got = STRATA_TRY(s.box->udp_recv(std::chrono::seconds(2)));
    const auto nl = got.out.find('\n');
    const std::string from = got.out.substr(0, nl);
    const std::string payload = nl == std::string::npos ? "" : got.out.substr(nl + 1);
    ctx.console_write(fmt::format("container received from {}: \"{}\"\n", from, payload));
    ctx.facts().set_value("datagram from", from);
    ctx.facts().set_value("datagram payload", payload);
    if (payload != kPayload)
        return engine::plain_error("recvfrom", fmt::format("the datagram arrived changed: \"{}\"", payload));
    return StepOutcome{fmt::format("the container got the {} bytes from {}", payload.size(), from)};
}

Result<StepOutcome> ping(Context& ctx, State& s) {
    auto r = STRATA_TRY(s.outside->ping(kBoxAddress, kPings, "strata"));
    std::vector<double> rtt_us;
    std::istringstream in(r.out);
    for (long long ns; in >> ns;) rtt_us.push_back(double(ns) / 1000.0);
    std::sort(rtt_us.begin(), rtt_us.end());
    if (rtt_us.empty()) return engine::plain_error("ping", "no echo reply came back");
    const double median = rtt_us[rtt_us.size() / 2];
    std::string console;
    for (double us : rtt_us) console += fmt::format("reply from {}: time={:.1f} µs\n", kBoxAddress, us);
    ctx.console_write(console);
    ctx.facts().set_value("echo replies", fmt::format("{} of {}", rtt_us.size(), kPings));
    ctx.facts().set_value("round trip median (us)", fmt::format("{:.1f}", median));
    ctx.facts().set_value("round trip min/max (us)", fmt::format("{:.1f} / {:.1f}", rtt_us.front(), rtt_us.back()));
    // The host was only read: its interfaces must be exactly what they were.
    auto host = STRATA_TRY(linux::RouteSocket::host(ctx.recorder()));
    auto now = STRATA_TRY(host.links());
    const bool same = names(now) == names(s.host_links);
    ctx.facts().set_value("host interfaces unchanged", same ? "yes" : "no: " + names(now));
    return StepOutcome{fmt::format("{} of {} echo requests answered by the container's kernel, median round trip "
                                   "{:.1f} µs; the host's interfaces are {}",
                                   rtt_us.size(), kPings, median, same ? "unchanged" : "DIFFERENT")};
}

}  // namespace

engine::Lesson network_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::userns};
    lesson
        .step("new-netns", "A new network namespace",
              {L::runtime, L::processes, L::namespaces, L::security, L::network}, new_netns)
        .provides(&State::box, "the container")
        .provides(&State::box_net, "the container's network");
    lesson
        .step("outside-ns", "A second namespace for the host's end",
              {L::runtime, L::processes, L::namespaces, L::network}, outside_ns)
        .provides(&State::outside, "the outside namespace")
        .provides(&State::outside_net, "the outside namespace's network");
    lesson.step("veth", "Make a veth pair", {L::runtime, L::network}, make_veth);
    lesson.step("move-end", "Move one end into the container", {L::runtime, L::network}, move_end);
    lesson.step("addresses", "Addresses, and both ends up", {L::runtime, L::network}, addresses);
    lesson.step("datagram", "Send a UDP datagram across", {L::runtime, L::network}, datagram);
    lesson.step("ping", "Ping: round trips through two network stacks", {L::runtime, L::network}, ping);
    return lesson.build();
}

}  // namespace strata::lessons::container
