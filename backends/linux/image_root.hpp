// The moves that turn a cloned child into a container on strata's image,
// shared by every path that starts one in a single go (fast_start,
// idle_container): id maps written from outside, then, inside, the root
// put on the image in the order crun and runc use. Written for a child of
// clone3: no allocation, failures are small exit codes naming the step.
#pragma once

#include <cstddef>
#include <cstdint>

#include <sys/types.h>

namespace strata::linux {

// Inside the child, in a fresh mount namespace: make / private, bind the
// image on itself, pivot_root into it and detach the old root. Returns 0,
// or the exit code the child should _exit() with (see image_root_step).
int enter_image_root(const char* rootfs);
// Exit codes 120..127 of such a child: which step failed (null: none of them).
const char* image_root_step(int exit_code);
// The code a child exits with when its parent never said go, and when
// execve failed.
inline constexpr int kNoGo = 120;
inline constexpr int kExecFailed = 127;

// clone3 (clone where the kernel or a seccomp profile lacks it) with
// `exit_signal` (0 with CLONE_PARENT); `used` names the call made. Safe in
// a bare clone: no allocation.
long clone_process(std::uint64_t flags, std::uint64_t exit_signal, const char** used = nullptr);
// One write(2) of `text` to a kernel file (/proc/<pid>/uid_map ...); false
// with errno set when it failed. Safe in a bare clone.
bool write_kernel_file(const char* path, const char* text, std::size_t len);

// From outside: setgroups "deny", then uid_map/gid_map mapping root inside
// to container_ids() (container_ids.hpp). False (errno set) when a write failed.
bool write_id_maps(pid_t pid);

}  // namespace strata::linux
