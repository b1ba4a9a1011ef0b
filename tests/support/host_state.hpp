// HostState: what a lesson could leak, captured before and after it runs.
//
// Every lesson test compares the two and fails with the difference, so a
// leaked fd, child, mount, cgroup, network namespace or temp dir — or a
// byte changed in the shared container image — is a test failure, not a
// surprise on a student's machine.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace strata::tests {

struct HostState {
    std::set<std::string> fds;           // "5 -> /dev/kvm"
    std::set<std::string> children;      // pids of this process's children
    std::vector<std::string> mountinfo;  // /proc/self/mountinfo, line by line, ids stripped
    std::set<std::string> cgroups;       // strata-* directories under /sys/fs/cgroup
    std::set<std::string> netns;         // entries of /run/netns
    std::set<std::string> temp_dirs;     // strata-* entries in the temp directory
    std::string image;                   // digest of strata's container image (image_digest.hpp)

    static HostState capture();
};

// Human-readable differences; empty when nothing leaked.
std::vector<std::string> leaks_between(const HostState& before, const HostState& after);

}  // namespace strata::tests
