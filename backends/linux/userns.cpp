#include "backends/linux/userns.hpp"

#include <fmt/format.h>

#include "backends/linux/host_files.hpp"

namespace strata::linux {

Result<void> write_id_maps(Recorder& recorder, pid_t pid, uid_t uid, gid_t gid) {
    const std::vector<LayerId> layers = {LayerId::runtime, LayerId::namespaces, LayerId::security};
    // setgroups must be denied before an unprivileged gid_map: otherwise the
    // new root could drop a supplementary group that was denying it access.
    if (auto r = host_write(recorder, fmt::format("/proc/{}/setgroups", pid), "deny", layers, "write setgroups"); !r)
        return r;
    if (auto r = host_write(recorder, fmt::format("/proc/{}/uid_map", pid), fmt::format("0 {} 1\n", uid), layers,
                            "write uid_map");
        !r)
        return r;
    return host_write(recorder, fmt::format("/proc/{}/gid_map", pid), fmt::format("0 {} 1\n", gid), layers,
                      "write gid_map");
}

}  // namespace strata::linux
