// The image a container sees is read-only from *outside* the container.
//
// A read-only bind that the container makes itself can be remounted
// read-write by root inside (it owns that mount). A read-only mount it
// inherits from a mount namespace owned by a more privileged user
// namespace cannot: when the kernel copies mounts into a namespace of a
// less privileged user namespace it locks their flags (MNT_LOCK_READONLY,
// mount_namespaces(7)). So the container is not cloned from strata
// directly: a short-lived sealer process makes a mount namespace of its
// own (every mount a slave of the host's, nothing propagates back), binds
// the image read-only there (on an empty directory the caller made), and clones the container process with
// CLONE_PARENT — strata's child, in a new user namespace, its mounts a
// copy of the sealer's with the image locked read-only. The host's mount
// table is never touched.
#pragma once

#include <cstdint>
#include <string>

#include <sys/types.h>

#include "backends/linux/temp_dir.hpp"
#include "engine/error.hpp"

namespace strata::linux {

struct SealedClone {
    std::string image;                   // the directory to seal
    std::string target;                  // an empty directory it is bound on, read-only
    // Must hold CLONE_NEWUSER; the read-only flag is locked in the mount
    // namespace the container makes (CLONE_NEWNS here or an unshare later).
    std::uint64_t container_flags = 0;
    // What the container process runs (a bare clone: system calls only);
    // it must not return.
    void (*entry)(void* context) = nullptr;
    void* context = nullptr;
};

// Clones the container process as above; returns its pid (a child of this
// process). Run by an ordinary user, the sealer sits in a user namespace of
// its own (root there is the user) and maps the container's root to its
// own root: the container's root is still the user outside.
engine::Result<pid_t> clone_with_sealed_image(const SealedClone& request);

// An empty directory of strata's temp dir to seal the image on (mode
// 0755, so that container root can walk to it wherever the image itself
// lives, a home directory it may not enter included). It must outlive the
// container process; its path is the image's inside the container's
// mount namespace.
engine::Result<TempDir> make_seal_point();

// MS_* flags a read-only bind remount of `dir` must carry: read-only,
// nosuid, nodev, plus the flags of the mount `dir` sits on that a user
// namespace could not clear anyway (noexec, the atime mode).
unsigned long sealed_remount_flags(const std::string& dir);

}  // namespace strata::linux
