// HostState: what a lesson could leak, captured before and after it runs:
// the host footprint strata's soak also checks (backends/linux/
// host_footprint.hpp), and a digest of the shared container image.
//
// Every lesson test compares the two and fails with the difference, so a
// leaked fd, child, mount, cgroup, network namespace or temp dir — or a
// byte changed in the shared container image — is a test failure, not a
// surprise on a student's machine.
#pragma once

#include <string>
#include <vector>

#include "backends/linux/host_footprint.hpp"

namespace strata::tests {

struct HostState : linux::HostFootprint {
    std::string image;  // digest of strata's container image (image_digest.hpp)

    static HostState capture();
};

// Human-readable differences; empty when nothing leaked.
std::vector<std::string> leaks_between(const HostState& before, const HostState& after);

}  // namespace strata::tests
