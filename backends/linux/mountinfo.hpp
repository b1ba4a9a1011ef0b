// /proc/<pid>/mountinfo, parsed: the mount table one process sees.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::linux {

struct MountEntry {
    std::string mount_point;  // "/proc"
    std::string root;         // the part of the source file system mounted there
    std::string fstype;       // "proc", "overlay", "ext4"
    std::string source;       // "/dev/sda1", "overlay"
    std::string options;      // per-mount options
    std::string propagation;  // "shared:1", "master:2", "private"
};

std::vector<MountEntry> parse_mountinfo(std::string_view text);

}  // namespace strata::linux
