// An OCI bundle for the crun and runc peers (measure/peers.hpp):
// config.json for strata's busybox image running /bin/true, with the
// namespaces the other rows use (pid, net, ipc, uts, mount), a read-only
// root, /proc and a tmpfs /dev. The bundle and the runtimes' state live in
// one temporary directory (a linux::TempDir: swept after a kill), removed
// when the bundle is destroyed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backends/linux/temp_dir.hpp"

namespace strata::measure {

class OciBundle {
public:
    // nullopt when the temporary directory cannot be written (why on stderr).
    static std::optional<OciBundle> create(const std::string& rootfs);

    std::string dir() const { return dir_.path().string(); }  // --bundle
    std::string state_dir(const std::string& runtime) const;  // --root, one per runtime

private:
    explicit OciBundle(linux::TempDir dir) : dir_(std::move(dir)) {}
    linux::TempDir dir_;
};

// cgroup v1 controllers plus a cgroup v2 tree at /sys/fs/cgroup/unified:
// crun 1.8 refuses to run there ("cgroups in hybrid mode not supported").
bool cgroups_are_hybrid();
// `argv` as crun can run it here: on hybrid hosts, inside unshare(1) in a
// private mount namespace with /sys/fs/cgroup/unified unmounted first.
std::vector<std::string> for_crun_here(std::vector<std::string> argv);

}  // namespace strata::measure
