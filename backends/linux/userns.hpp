// User namespaces: the id maps that make "root inside" an ordinary user
// outside. The maps are written by strata (the parent) into the child's
// /proc/<pid>/ files: a process cannot grant itself ids.
#pragma once

#include <sys/types.h>

#include "backends/linux/container_ids.hpp"
#include "backends/linux/traced.hpp"

namespace strata::linux {

// Writes "deny" to setgroups, then the maps of `ids` to uid_map and
// gid_map of `pid`: uid/gid 0 inside are ids.uid/ids.gid outside.
Result<void> write_id_maps(Recorder& recorder, pid_t pid, const ContainerIds& ids);

}  // namespace strata::linux
