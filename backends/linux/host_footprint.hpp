// HostFootprint: what a strata run could leave on the host, captured before
// and after it. The soak (`strata bench soak`) and every lesson test compare
// the two, so a leaked fd, child, mount, cgroup, network namespace, network
// link or temp dir is a number in a report or a failed test, not a surprise
// on a student's machine.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace strata::linux {

struct HostFootprint {
    std::set<std::string> fds;           // this process's: "5 -> /dev/kvm"
    std::set<std::string> children;      // pids of this process's children
    std::vector<std::string> mountinfo;  // this process's mount namespace, line by line
    std::set<std::string> cgroups;       // strata-* directories under /sys/fs/cgroup
    std::set<std::string> netns;         // entries of /run/netns
    std::set<std::string> links;         // network devices of this network namespace
    std::set<std::string> temp_dirs;     // strata-* entries in the temp directory

    static HostFootprint capture();
};

// Human-readable differences ("new cgroup: /sys/fs/cgroup/pids/strata-9-limits");
// empty when nothing leaked. Host-wide names (cgroups, netns, temp dirs)
// count only where they are strata's (strata-<pid>-…, the one way strata
// names what it makes) and this process's or a dead process's: another
// live strata's may come and go at any moment (two students on one lab
// machine, two test binaries under `ctest -j`), and a dead strata's
// leftover going away is the sweep doing its work.
std::vector<std::string> footprint_leaks(const HostFootprint& before, const HostFootprint& after);

// The pid in a resource's name: strata-<pid>-<purpose>[-XXXXXX]; 0 if none.
int owner_pid(const std::string& path);

}  // namespace strata::linux
