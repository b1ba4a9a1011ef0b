// The isolation probe: one shell script, run as a container's process, that
// asks what a root user inside could see and do to the host — capabilities,
// no_new_privs, seccomp, namespaces, /proc's masks, writes to /proc/sys and
// the image, mount, unshare, chroot, mknod, reboot, PID 1's environment.
// compare/runtime runs it in strata's whole container and in crun's
// default one; the tests type it into strata's shells. It prints one
// "KEY=value" line per probe, so a missing line shows.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace strata::linux {

// For busybox sh (and any POSIX shell with busybox's applets).
const std::string& isolation_probe_script();

// The probe's KEY=value lines (other output ignored).
std::map<std::string, std::string> parse_probe_output(const std::string& output);

// How two containers' answers compare on one probe.
enum class Strictness { stricter, same, looser, unknown };
struct ProbeComparison {
    std::string key;    // "REMOUNT"
    std::string what;   // "remount / read-write"
    std::string ours, theirs;
    Strictness verdict = Strictness::unknown;
};
// Every probe, ours against theirs; NS_* values are "own" or "shared"
// (the caller compares inodes with the host's, see namespace_rows).
std::vector<ProbeComparison> compare_probes(const std::map<std::string, std::string>& ours,
                                            const std::map<std::string, std::string>& theirs);

// Replaces NS_<kind>=<link> with "own" or "shared" by the host's links.
void classify_namespaces(std::map<std::string, std::string>& answers,
                         const std::map<std::string, std::string>& host_links);

}  // namespace strata::linux
