// Setting a process's ids in a child made with a raw clone().
//
// glibc's setresuid()/setresgid() change the ids of every thread of the
// process: they signal each thread glibc knows of and wait for it to
// follow. A child made with clone()/clone3() by a threaded strata (the
// window's worker, the stop watcher) still carries glibc's list of the
// parent's threads, which do not exist in it, so the call can wait
// forever (seen: `strata bench footprint` hung in setresgid about one run
// in 24). The system calls change just the calling thread, which in such a
// child is the whole process. Async-signal-safe, no allocation.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

namespace strata::sys {

// setresgid(gid, gid, gid) and setresuid(uid, uid, uid) as system calls:
// 0, or -1 with errno.
inline int raw_setresgid(gid_t gid) { return static_cast<int>(::syscall(SYS_setresgid, gid, gid, gid)); }
inline int raw_setresuid(uid_t uid) { return static_cast<int>(::syscall(SYS_setresuid, uid, uid, uid)); }

}  // namespace strata::sys
