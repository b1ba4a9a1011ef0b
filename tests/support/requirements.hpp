// What a real-backend test binary needs from the machine.
#pragma once

#include <optional>
#include <string>

namespace strata::tests {

// Returns why `requirement` ("kvm", "userns", "root", "none", or several
// joined by '+': "kvm+userns") is not met here, or nothing when it is.
std::optional<std::string> missing_requirement(const std::string& requirement);

}  // namespace strata::tests
