// Each failure is explained by the scenario that produced it, and an
// explanation never says the same thing twice: "why" is the cause, "what
// to do" the change (the terminal prints both, one under the other).
#include <catch2/catch.hpp>

#include <cerrno>
#include <set>
#include <string>

#include "backends/kvm/ioctl.hpp"
#include "backends/linux/errno_explanations.hpp"

using strata::linux::explain_failure;
using strata::linux::explanation_rules;
using strata::linux::FailedCall;

namespace {

// The scenario whose rule explains `call`: the rule whose text came back.
std::string scenario_of(const FailedCall& call) {
    const auto explained = explain_failure(call);
    for (const auto& rule : explanation_rules())
        if (rule.text.why == explained.why) return rule.scenario;
    return "(generic)";
}

}  // namespace

TEST_CASE("Every explanation says why and what to do, in different words", "[unit][errors]") {
    std::set<std::string> scenarios;
    for (const auto& rule : explanation_rules()) {
        CAPTURE(rule.scenario);
        scenarios.insert(rule.scenario);
        CHECK_FALSE(rule.text.why.empty());
        CHECK_FALSE(rule.text.what_to_do.empty());
        CHECK(rule.text.why != rule.text.what_to_do);
        // Neither contains the other: "what to do" is no restatement.
        CHECK(rule.text.what_to_do.find(rule.text.why) == std::string::npos);
        CHECK(rule.text.why.find(rule.text.what_to_do) == std::string::npos);
        CHECK_FALSE(rule.syscalls.empty());
        CHECK_FALSE(rule.errors.empty());
    }
    CHECK(scenarios.size() > 25);
    CHECK(scenarios.size() == explanation_rules().size());  // each scenario named once
}

TEST_CASE("A failure is explained by the scenario that produced it", "[unit][errors]") {
    using Row = std::tuple<FailedCall, std::string>;
    auto [call, scenario] = GENERATE(table<FailedCall, std::string>({
        // container/pid with namespaces=CLONE_NEWUTS: /proc for a PID
        // namespace the container's user namespace does not own.
        Row{{"mount", EPERM, {{"source", "proc"}, {"target", "/proc"}, {"type", "proc"}}},
            "mount-proc-foreign-pid-namespace"},
        Row{{"mount", EPERM, {{"source", "sysfs"}, {"target", "/sys"}, {"type", "sysfs"}}},
            "mount-sysfs-foreign-net-namespace"},
        // The same errno for a bind mount is about the mount namespace.
        Row{{"mount", EPERM, {{"source", "/srv"}, {"target", "/mnt"}, {"flags", "MS_BIND"}}}, "mount-needs-privilege"},
        Row{{"pivot_root", EPERM, {}}, "mount-needs-privilege"},
        Row{{"pivot_root", EINVAL, {}}, "pivot-root-not-a-mount-point"},
        Row{{"mount", EINVAL, {}}, "mount-arguments-rejected"},
        Row{{"mount", ENODEV, {{"type", "overlay"}}}, "filesystem-type-missing"},
        Row{{"clone3", EPERM, {}}, "namespace-needs-privilege"},
        Row{{"unshare", ENOSPC, {}}, "namespace-limit"},
        Row{{"sethostname", EPERM, {}}, "sethostname-shared-uts"},
        Row{{"write gid_map", EPERM, {}}, "id-map-not-allowed"},
        Row{{"cgroup write", EACCES, {}}, "cgroup-not-delegated"},
        Row{{"cgroup mkdir", EROFS, {}}, "cgroup-read-only"},
        Row{{"rtnetlink", EOPNOTSUPP, {}}, "veth-missing"},
        Row{{"uname", EPERM, {}}, "uname-seccomp"},
        Row{{"seccomp", EACCES, {}}, "seccomp-needs-no-new-privs"},
        Row{{"capset", EPERM, {}}, "capability-not-held"},
    }));
    CAPTURE(call.syscall, call.error);
    CHECK(scenario_of(call) == scenario);
}

TEST_CASE("The /proc failure names the PID namespace, not the mount namespace's owner", "[unit][errors]") {
    const auto explained = explain_failure({"mount", EPERM, {{"type", "proc"}}});
    CHECK(explained.why.find("PID namespace it owns") != std::string::npos);
    CHECK(explained.what_to_do.find("CLONE_NEWPID") != std::string::npos);
    CHECK(explained.why.find("mount namespace") == std::string::npos);
}

TEST_CASE("A failure no rule knows gets the errno's general reason, or nothing", "[unit][errors]") {
    CHECK(scenario_of({"openat", EPERM, {}}) == "(generic)");
    CHECK_FALSE(explain_failure({"openat", EPERM, {}}).why.empty());
    CHECK(explain_failure({"openat", EBADF, {}}).why.empty());
}

TEST_CASE("Every KVM ioctl explanation says why and what to do, in different words, and is reachable",
          "[unit][errors]") {
    const auto& rows = strata::kvm::ioctl_explanations();
    REQUIRE(rows.size() > 10);
    for (const auto& row : rows) {
        CAPTURE(row.request, row.error, row.why);
        CHECK_FALSE(row.why.empty());
        CHECK_FALSE(row.what_to_do.empty());
        CHECK(row.why != row.what_to_do);
        CHECK(row.what_to_do.find(row.why) == std::string::npos);
        // A request's own row is found before any-request rows of its errno.
        CHECK(strata::kvm::explain_ioctl(row.request == 0 ? 0xdeadul : row.request, row.error).why == row.why);
    }
    CHECK(strata::kvm::explain_ioctl(0xdeadul, EHWPOISON).why.empty());
}
