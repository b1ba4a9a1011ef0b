// The agent's lockdown calls, as strata records them: capabilities
// dropped, no_new_privs, a seccomp filter loaded. Each touches the kernel's
// security layer for the calling process only.
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

}  // namespace

Result<AgentReply> Agent::drop_caps(std::uint64_t keep, const std::string& kept_names) {
    auto rq = request(wire::Op::drop_caps);
    rq.n[0] = keep;
    CallSpec spec{"prctl(PR_CAPBSET_DROP) + capset", "capset", {LayerId::runtime, LayerId::security},
                  {{"keep", kept_names.empty() ? "nothing" : kept_names}}};
    spec.detail = "every capability not kept leaves the bounding, permitted and effective sets";
    return call(rq, spec);
}

Result<AgentReply> Agent::harden_proc(const std::vector<std::string>& readonly_paths,
                                      const std::vector<std::string>& masked_paths) {
    auto rq = request(wire::Op::harden);
    std::string packed;
    for (const auto& p : readonly_paths) packed += "r" + p + '\0';
    for (const auto& p : masked_paths) packed += "m" + p + '\0';
    if (packed.size() > wire::kDataSize) return engine::plain_error("harden /proc", "too many paths for one request");
    std::memcpy(rq.data, packed.data(), packed.size());
    rq.data_len = std::uint32_t(packed.size());
    const bool defaults = readonly_paths.empty() && masked_paths.empty();
    CallSpec spec{"mount: /proc read-only and masked paths", "mount",
                  {LayerId::runtime, LayerId::mounts, LayerId::security},
                  {{"paths", defaults ? std::string("runc's defaults")
                                      : fmt::format("{} read-only, {} masked", readonly_paths.size(),
                                                    masked_paths.size())}}};
    spec.detail = "read-only: a bind with MS_RDONLY; masked: an empty tmpfs or /dev/null on top";
    return call(rq, spec);
}

Result<AgentReply> Agent::no_new_privs() {
    return call(request(wire::Op::no_new_privs),
                {"prctl(PR_SET_NO_NEW_PRIVS, 1)", "prctl", {LayerId::runtime, LayerId::security}});
}

Result<AgentReply> Agent::seccomp(const std::vector<std::uint8_t>& bpf, const std::string& what,
                                  bool failure_expected) {
    auto rq = request(wire::Op::seccomp);
    if (bpf.size() > wire::kDataSize) return engine::plain_error("seccomp", "the filter is too large for one request");
    std::memcpy(rq.data, bpf.data(), bpf.size());
    rq.data_len = std::uint32_t(bpf.size());
    CallSpec spec{"seccomp(SECCOMP_SET_MODE_FILTER)", "seccomp", {LayerId::runtime, LayerId::security},
                  {{"filter", what}, {"instructions", std::to_string(bpf.size() / 8)}}};
    spec.failure_is_result = failure_expected;
    return call(rq, spec);
}

}  // namespace strata::linux
