#include "backends/linux/userns.hpp"

#include <fmt/format.h>

#include "backends/linux/host_files.hpp"

namespace strata::linux {

Result<void> write_id_maps(Recorder& recorder, pid_t pid, const ContainerIds& ids) {
    const std::vector<LayerId> layers = {LayerId::runtime, LayerId::namespaces, LayerId::security};
    // setgroups must be denied before an unprivileged gid_map: otherwise the
    // new root could drop a supplementary group that was denying it access.
    if (auto r = host_write(recorder, fmt::format("/proc/{}/setgroups", pid), "deny", layers, "write setgroups"); !r)
        return r;
    if (auto r = host_write(recorder, fmt::format("/proc/{}/uid_map", pid), ids.uid_map(), layers,
                            "write uid_map");
        !r)
        return r;
    return host_write(recorder, fmt::format("/proc/{}/gid_map", pid), ids.gid_map(), layers,
                      "write gid_map");
}

}  // namespace strata::linux
