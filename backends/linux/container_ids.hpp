// Who root inside a strata container is on the host.
//
// Run by an ordinary user, the answer can only be that user: an
// unprivileged process may map exactly its own uid. Run as root, strata
// could map container root to host root (uid_map "0 0 1") — and then a
// root shell in the container would be the host's root for every file it
// can reach. Rootless runtimes and Docker's userns-remap instead map the
// container's ids to a subordinate range no host user owns; strata does
// the same: the range /etc/subuid and /etc/subgid give "root", else
// 100000–165535.
#pragma once

#include <filesystem>
#include <string>

#include <sys/types.h>

#include "engine/error.hpp"

namespace strata::linux {

struct ContainerIds {
    uid_t uid = 0;          // host uid of container root
    gid_t gid = 0;          // host gid of container root
    unsigned count = 1;     // how many ids, from 0 inside, the maps cover
    bool subordinate = false;  // a range set aside for containers (strata runs as root)

    std::string uid_map() const;  // "0 100000 65536\n"
    std::string gid_map() const;
};

// The ids for this process as it is now (its euid decides; /etc/subuid and
// /etc/subgid are read each time: a container start is rare, and a test
// that forks and drops to nobody must not see root's answer).
ContainerIds container_ids();

// Parses one /etc/subuid-style file for `user`: the first range of at
// least `want` ids (a shorter one is used whole). Start 0 when none.
struct IdRange { unsigned long start = 0, count = 0; };
IdRange subordinate_range(const std::string& file_text, const std::string& user, unsigned long want);

// Gives `path` (recursively) to container root, so that root inside can
// work in a directory strata made for it. A no-op when container root is
// strata's own uid.
engine::Result<void> hand_to_container(const std::filesystem::path& path);

// Whether container root can reach `path`: every directory on the way
// searchable by it. Error names the first directory that is not, with
// what to do.
engine::Result<void> check_reachable_by_container(const std::filesystem::path& path, const std::string& what);

}  // namespace strata::linux
