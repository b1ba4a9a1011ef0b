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

Result<AgentReply> Agent::harden_proc() {
    CallSpec spec{"mount: /proc read-only and masked paths", "mount", {LayerId::runtime, LayerId::mounts, LayerId::security}};
    spec.detail = "runc's default readonlyPaths (bind + MS_RDONLY) and maskedPaths (an empty tmpfs or file on top)";
    return call(request(wire::Op::harden), spec);
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
