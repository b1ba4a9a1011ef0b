// A digest of strata's container image (names, types, modes, owners, sizes,
// bytes and link targets of everything in it), so a test can prove that
// nothing done in a container changed the shared image.
#pragma once

#include <string>

namespace strata::tests {

// Empty when there is no image here (the KVM suite inside QEMU).
std::string image_digest();

// The same over any directory tree.
std::string tree_digest(const std::string& root);

}  // namespace strata::tests
