// IdleContainer: a container that just sits there — every namespace,
// strata's image as its root, busybox `sleep` as PID 1 — so that what a
// container costs (memory, kernel objects) can be measured next to an idle
// VM (compare/footprint, `strata bench footprint|density`).
//
// Destroying it SIGKILLs PID 1, which takes the whole PID namespace with
// it, and reaps it.
#pragma once

#include <string>

#include "backends/linux/cgroup.hpp"
#include "backends/linux/child_process.hpp"
#include "backends/linux/temp_dir.hpp"
#include "backends/linux/traced.hpp"

namespace strata::linux {

class IdleContainer {
public:
    // With `cgroup`, the process joins it before it makes its mount, UTS,
    // IPC, network and cgroup namespaces and execs, so what those cost the
    // kernel is charged there. (Its user and PID namespaces come with
    // clone3, made by strata before the child can join: a few KiB.)
    static Result<IdleContainer> start(Recorder& recorder, const std::string& rootfs, Cgroup* cgroup = nullptr);

    pid_t pid() const { return process_.pid(); }  // as the host sees it

private:
    IdleContainer(pid_t pid, TempDir seal_point) : seal_point_(std::move(seal_point)), process_(pid) {}
    TempDir seal_point_;  // where its image is sealed (sealed_image.hpp); outlives the process
    ChildProcess process_;
};

}  // namespace strata::linux
