// WholeContainer: a container built from an OCI spec in the order runc and
// crun follow (the runtime spec's create, then start), one method per
// stage, each a list of recorded calls. container/whole runs the stages as
// its steps; `strata bench start` runs them all, timed, next to crun on the
// same bundle.
//
//   create        clone3 into the namespaces (always a user namespace), id maps
//   cgroup        a cgroup with the limits, then the cgroup namespace
//   network       loopback up in its own network stack
//   rootfs        the bundle's mounts under the sealed root, devices, pivot_root
//   proc_paths    /proc's read-only and masked paths
//   hostname      sethostname
//   capabilities  only the bundle's capabilities
//   no_new_privs  prctl(PR_SET_NO_NEW_PRIVS)
//   seccomp       the bundle's profile (last: it need not allow the set-up)
//   start         the process, run by the agent (PID 1) as its child
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backends/linux/agent.hpp"
#include "backends/linux/cgroup.hpp"
#include "backends/linux/netlink.hpp"
#include "backends/linux/oci_spec.hpp"

namespace strata::linux {

class WholeContainer {
public:
    // Refuses a spec without a mount namespace (the root is pivoted into).
    static Result<WholeContainer> prepare(Recorder& recorder, OciSpec spec);
    WholeContainer(WholeContainer&&) noexcept = default;
    WholeContainer& operator=(WholeContainer&&) noexcept = default;

    const OciSpec& spec() const { return spec_; }
    bool has_namespace(const std::string& kind) const;
    // The agent, once created (create() succeeded).
    Agent& agent() { return *box_; }
    bool created() const { return box_.has_value(); }

    Result<void> create();
    // The cgroup's description, or why there is none (an ordinary user
    // without a delegated cgroup: the limits are skipped, not faked).
    struct CgroupOutcome {
        bool applied = false;
        std::string description;
    };
    Result<CgroupOutcome> cgroup();
    Result<int> network();                        // interfaces inside; 0 without a network namespace
    Result<std::vector<std::string>> rootfs();    // /dev inside, sorted
    Result<int> proc_paths();                     // paths made read-only or masked
    Result<bool> hostname();                      // false: none in the bundle
    Result<int> capabilities();                   // how many kept
    Result<bool> no_new_privs();                  // false: the bundle leaves it off
    Result<std::optional<std::string>> seccomp();  // the filter's description; nullopt: none
    Result<AgentReply> start(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Every stage in order, then start: what a runtime's create + start do.
    Result<AgentReply> run_all();

    // config.json field, its value, what it became (filled in as stages run).
    const std::vector<std::vector<std::string>>& fields() const { return fields_; }

private:
    WholeContainer(Recorder& recorder, OciSpec spec) : recorder_(&recorder), spec_(std::move(spec)) {}
    Result<void> need_agent() const;
    void field(std::string name, std::string value, std::string became);

    Recorder* recorder_;
    OciSpec spec_;
    std::vector<std::vector<std::string>> fields_;
    std::optional<CgroupLayout> layout_;
    std::optional<Cgroup> cgroup_;
    std::optional<RouteSocket> net_;
    std::optional<Agent> box_;  // declared last: dies first
};

}  // namespace strata::linux
