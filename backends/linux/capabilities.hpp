// Capability names and masks, from libcap: the same names `capsh` and
// `getpcaps` print ("cap_sys_admin"), so a label matches the man pages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/error.hpp"

namespace strata::linux {

// "cap_sys_admin"; libcap prints a number for capabilities it does not know.
std::string cap_name(int cap);
// Names of the bits set in `mask`, lowest first, space separated.
std::string cap_names(std::uint64_t mask);
// The mask of capabilities named (libcap's cap_from_name), refusing unknown names.
engine::Result<std::uint64_t> cap_mask(const std::vector<std::string>& names);
// The highest capability this kernel knows (CAP_LAST_CAP; 40 on Linux 5.9+).
int cap_last();
// A "CapEff:" style value from /proc/<pid>/status, hex; nullopt-like 0 with ok=false.
bool parse_cap_field(const std::string& status, const std::string& field, std::uint64_t& out);

// What Docker and Podman leave a container by default: no CAP_SYS_ADMIN,
// no CAP_NET_ADMIN, no CAP_SYS_MODULE, ...
const std::vector<std::string>& default_container_caps();

}  // namespace strata::linux
