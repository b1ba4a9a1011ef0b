// strata's own reads and writes of kernel interface files (/proc, /sys,
// cgroup files), each recorded as a TraceEvent. Reading "from outside" is
// how a lesson checks a container's real effect without trusting it.
#pragma once

#include <string>
#include <vector>

#include "backends/linux/traced.hpp"

namespace strata::linux {

Result<std::string> host_read(Recorder& recorder, const std::string& path, std::vector<LayerId> layers);
Result<std::string> host_readlink(Recorder& recorder, const std::string& path, std::vector<LayerId> layers);
// The names in a directory (without . and ..), sorted.
Result<std::vector<std::string>> host_list_dir(Recorder& recorder, const std::string& path, std::vector<LayerId> layers);
// Writes `content` in one write(2), as kernel files expect. `syscall` names
// the operation for the hint ("write uid_map", "cgroup write").
Result<void> host_write(Recorder& recorder, const std::string& path, const std::string& content,
                        std::vector<LayerId> layers, const std::string& syscall);

// Unrecorded helpers for tests and checks that must not add events.
std::string read_text(const std::string& path);

}  // namespace strata::linux
