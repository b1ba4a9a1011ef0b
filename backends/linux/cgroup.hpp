// Cgroup: a move-only owner of one strata cgroup (one directory in v2, one
// per controller hierarchy in v1). Every file write is a recorded event.
// Destroying it kills what is still inside and removes the directories.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "backends/linux/cgroup_layout.hpp"
#include "backends/linux/traced.hpp"

namespace strata::linux {

class Cgroup {
public:
    // Creates strata-<pid>-<purpose> for the memory, pids and cpu controllers.
    static Result<Cgroup> create(Recorder& recorder, const CgroupLayout& layout, const std::string& purpose);
    Cgroup() = default;
    Cgroup(Cgroup&& other) noexcept;
    Cgroup& operator=(Cgroup&& other) noexcept;
    Cgroup(const Cgroup&) = delete;
    Cgroup& operator=(const Cgroup&) = delete;
    ~Cgroup() { remove(false); }

    const CgroupLayout& layout() const { return layout_; }
    const std::string& name() const { return name_; }
    std::filesystem::path path_of(CgroupKnob knob) const;

    Result<void> set(CgroupKnob knob, const std::string& value);
    Result<std::string> read(CgroupKnob knob);
    // The file exists in this cgroup (v1 memsw needs swap accounting).
    bool has(CgroupKnob knob) const;
    // Moves a process (and, in v1, for every controller) into the cgroup.
    Result<void> add(pid_t pid);
    // Kills everything inside, waits until empty, removes the directories.
    // `record`: a lesson step removing it on purpose (the destructor's
    // clean-up after a failure or cancel is not part of the lesson's trace).
    Result<void> remove(bool record = true);

private:
    Recorder* recorder_ = nullptr;
    CgroupLayout layout_;
    std::string name_;
    std::vector<std::filesystem::path> dirs_;  // created, in creation order
};

// Kills every process in a cgroup directory and removes it (and any
// children). Used by Cgroup and by sweep_stale(). Returns false if it could
// not be removed.
bool destroy_cgroup_dir(const std::filesystem::path& dir);

}  // namespace strata::linux
