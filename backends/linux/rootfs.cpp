#include "backends/linux/rootfs.hpp"

#include <cerrno>
#include <cstdlib>

#include <unistd.h>

#include "engine/install_layout.hpp"

namespace strata::linux {

engine::Result<std::string> find_rootfs() {
    std::string dir;
    if (const char* env = std::getenv("STRATA_ROOTFS"); env && *env) dir = env;
    else dir = engine::rootfs_dir().string();
    const std::string busybox = dir + "/bin/busybox";
    if (::access(busybox.c_str(), X_OK) == 0) return dir;
    const int error = errno ? errno : ENOENT;
    if (engine::installation() == engine::Installation::installed && !std::getenv("STRATA_ROOTFS"))
        return engine::errno_error("find rootfs " + busybox, error, "the container image is missing",
                                   "the strata package makes it from busybox-static when it is installed: "
                                   "reinstall it (sudo apt install --reinstall strata busybox-static), or run " +
                                       (engine::installed_helper_dir() / "make-rootfs").string() + " /bin/busybox " +
                                       dir + " as root");
    return engine::errno_error("find rootfs " + busybox, error, "the container image is missing",
                               "the build makes it from Debian's busybox-static: install it "
                               "(apt-get install busybox-static) and rebuild (target strata_rootfs), "
                               "or point $STRATA_ROOTFS at a directory holding bin/busybox");
}

}  // namespace strata::linux
