#include "tests/support/host_state.hpp"

#include "tests/support/image_digest.hpp"

namespace strata::tests {

HostState HostState::capture() {
    HostState s;
    static_cast<linux::HostFootprint&>(s) = linux::HostFootprint::capture();
    s.image = image_digest();
    return s;
}

std::vector<std::string> leaks_between(const HostState& before, const HostState& after) {
    auto out = linux::footprint_leaks(before, after);
    if (before.image != after.image)
        out.push_back("the container image changed: " + before.image + " before, " + after.image + " after");
    return out;
}

}  // namespace strata::tests
