// User namespaces: the id maps that make "root inside" an ordinary user
// outside. The maps are written by strata (the parent) into the child's
// /proc/<pid>/ files: a process cannot grant itself ids.
#pragma once

#include <sys/types.h>

#include "backends/linux/traced.hpp"

namespace strata::linux {

// Writes "deny" to setgroups, then "0 <uid> 1" to uid_map and "0 <gid> 1"
// to gid_map of `pid`: uid/gid 0 inside are `uid`/`gid` outside.
Result<void> write_id_maps(Recorder& recorder, pid_t pid, uid_t uid, gid_t gid);

}  // namespace strata::linux
