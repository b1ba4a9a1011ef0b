#include "backends/linux/sweep.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>

#include <unistd.h>

#include "backends/linux/cgroup.hpp"
#include "backends/linux/cgroup_layout.hpp"
#include "backends/linux/temp_dir.hpp"

namespace strata::linux {

namespace fs = std::filesystem;

namespace {

bool alive(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// strata's cgroups sit directly under a v1 controller root, under the v2
// root (root strata) or next to the user's own cgroup (delegated v2): look
// a few levels down, and never into a strata cgroup's own children.
void find_cgroups(const fs::path& dir, int depth, SweepReport& report) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
        const auto name = entry.path().filename().string();
        const int pid = strata_name_pid(name);
        if (pid > 0) {
            if (alive(pid)) continue;
            if (destroy_cgroup_dir(entry.path())) report.removed.push_back("cgroup " + entry.path().string());
            else report.failed.push_back("cgroup " + entry.path().string() + ": busy or not permitted");
        } else if (depth > 0) {
            find_cgroups(entry.path(), depth - 1, report);
        }
    }
}

void find_named(const fs::path& dir, const std::string& name, int depth, SweepReport& report) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
        if (entry.path().filename() == name) {
            if (destroy_cgroup_dir(entry.path())) report.removed.push_back("cgroup " + entry.path().string());
            else report.failed.push_back("cgroup " + entry.path().string() + ": busy or not permitted");
        } else if (depth > 0 && strata_name_pid(entry.path().filename().string()) <= 0) {
            find_named(entry.path(), name, depth - 1, report);
        }
    }
}

}  // namespace

SweepReport remove_cgroups_named(const std::string& name, const std::string& cgroup_root) {
    SweepReport report;
    find_named(cgroup_root, name, 4, report);
    return report;
}

PeerContainerId::PeerContainerId(const std::string& purpose) : id_(strata_cgroup_name(::getpid(), purpose)) {}

PeerContainerId::~PeerContainerId() { (void)remove_cgroups_named(id_); }

SweepReport sweep_stale_in(const std::string& cgroup_root, const std::string& temp_dir) {
    SweepReport report;
    find_cgroups(cgroup_root, 4, report);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(temp_dir, ec)) {
        const auto name = entry.path().filename().string();
        const int pid = strata_name_pid(name);
        if (pid <= 0 || alive(pid) || !entry.is_directory(ec)) continue;
        remove_tree(entry.path());
        if (fs::exists(entry.path(), ec)) report.failed.push_back("temp dir " + entry.path().string());
        else report.removed.push_back("temp dir " + entry.path().string());
    }
    return report;
}

SweepReport sweep_stale() {
    std::error_code ec;
    auto temp = fs::temp_directory_path(ec);
    return sweep_stale_in("/sys/fs/cgroup", ec ? "/tmp" : temp.string());
}

}  // namespace strata::linux
