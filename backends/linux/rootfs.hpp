// Where the container image is: $STRATA_ROOTFS, else the busybox root file
// system the build made (assets/rootfs) or, for an installed strata, the
// one the package made when it was installed (engine/install_layout.hpp).
#pragma once

#include <string>

#include "engine/error.hpp"

namespace strata::linux {

// The image directory, checked to hold an executable bin/busybox.
engine::Result<std::string> find_rootfs();

}  // namespace strata::linux
