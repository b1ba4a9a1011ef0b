#include "backends/linux/rootfs.hpp"

#include <cerrno>
#include <cstdlib>

#include <unistd.h>

namespace strata::linux {

engine::Result<std::string> find_rootfs() {
    std::string dir;
    if (const char* env = std::getenv("STRATA_ROOTFS"); env && *env) dir = env;
#ifdef STRATA_ROOTFS_DIR
    else dir = STRATA_ROOTFS_DIR;
#endif
    const std::string busybox = dir + "/bin/busybox";
    if (dir.empty() || ::access(busybox.c_str(), X_OK) != 0)
        return engine::errno_error("find rootfs " + busybox, errno ? errno : ENOENT,
                                   "the container image is missing",
                                   "the build makes it from Debian's busybox-static: install it "
                                   "(apt-get install busybox-static) and rebuild (target strata_rootfs), "
                                   "or point $STRATA_ROOTFS at a directory holding bin/busybox");
    return dir;
}

}  // namespace strata::linux
