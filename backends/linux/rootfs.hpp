// Where the container image is: the busybox root file system the build
// made (assets/rootfs), or $STRATA_ROOTFS.
#pragma once

#include <string>

#include "engine/error.hpp"

namespace strata::linux {

// The image directory, checked to hold an executable bin/busybox.
engine::Result<std::string> find_rootfs();

}  // namespace strata::linux
