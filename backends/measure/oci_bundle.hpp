// An OCI bundle for the crun and runc peers (measure/peers.hpp):
// config.json for strata's busybox image running /bin/true, with the
// namespaces the other rows use (pid, net, ipc, uts, mount), a read-only
// root, /proc and a tmpfs /dev. The bundle and the runtimes' state live in
// one temporary directory, removed when the bundle is destroyed.
#pragma once

#include <optional>
#include <string>

namespace strata::measure {

class OciBundle {
public:
    // nullopt when the temporary directory cannot be written (why on stderr).
    static std::optional<OciBundle> create(const std::string& rootfs);
    OciBundle(OciBundle&& other) noexcept;
    OciBundle& operator=(OciBundle&&) = delete;
    ~OciBundle();

    const std::string& dir() const { return dir_; }          // --bundle
    std::string state_dir(const std::string& runtime) const;  // --root, one per runtime

private:
    OciBundle() = default;
    std::string dir_;
};

// cgroup v1 controllers plus a cgroup v2 tree at /sys/fs/cgroup/unified:
// crun 1.8 refuses to run there ("cgroups in hybrid mode not supported").
bool cgroups_are_hybrid();

}  // namespace strata::measure
