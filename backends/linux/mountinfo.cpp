#include "backends/linux/mountinfo.hpp"

#include <sstream>

namespace strata::linux {

std::vector<MountEntry> parse_mountinfo(std::string_view text) {
    // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
    std::vector<MountEntry> out;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string id, parent, dev;
        MountEntry e;
        if (!(fields >> id >> parent >> dev >> e.root >> e.mount_point >> e.options)) continue;
        std::string tag;
        while (fields >> tag && tag != "-") e.propagation += (e.propagation.empty() ? "" : " ") + tag;
        if (tag != "-") continue;
        fields >> e.fstype >> e.source;
        if (e.propagation.empty()) e.propagation = "private";
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace strata::linux
