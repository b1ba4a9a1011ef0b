#include "tests/support/host_state.hpp"
#include "tests/support/image_digest.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace strata::tests {

namespace {

std::set<std::string> open_fds() {
    std::set<std::string> out;
    std::error_code ec;
    // Collect names first: iterating /proc/self/fd opens an fd of its own.
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator("/proc/self/fd", ec)) entries.push_back(entry.path());
    for (const auto& path : entries) {
        auto target = fs::read_symlink(path, ec);
        if (ec) continue;  // the directory iterator's own fd, already closed
        out.insert(path.filename().string() + " -> " + target.string());
    }
    return out;
}

std::set<std::string> child_pids() {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& task : fs::directory_iterator("/proc/self/task", ec)) {
        std::ifstream in(task.path() / "children");
        std::string pid;
        while (in >> pid) out.insert(pid);
    }
    return out;
}

std::vector<std::string> mount_table() {
    // Mount ids change when a mount is replaced; keep them: a mount that was
    // unmounted and mounted again is a change to the host.
    std::vector<std::string> out;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::set<std::string> strata_entries(const fs::path& root, int depth) {
    std::set<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return out;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
        const auto name = entry.path().filename().string();
        if (name.starts_with("strata")) out.insert(entry.path().string());
        else if (depth > 0) out.merge(strata_entries(entry.path(), depth - 1));
    }
    return out;
}

std::set<std::string> names_in(const fs::path& dir, const std::string& prefix) {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto name = entry.path().filename().string();
        if (prefix.empty() || name.starts_with(prefix)) out.insert(entry.path().string());
    }
    return out;
}

template <class Set>
void diff(const Set& before, const Set& after, const std::string& what, std::vector<std::string>& out) {
    for (const auto& item : after)
        if (std::find(before.begin(), before.end(), item) == before.end()) out.push_back("new " + what + ": " + item);
    for (const auto& item : before)
        if (std::find(after.begin(), after.end(), item) == after.end()) out.push_back("lost " + what + ": " + item);
}

}  // namespace

HostState HostState::capture() {
    HostState s;
    s.fds = open_fds();
    s.children = child_pids();
    s.mountinfo = mount_table();
    // cgroup v1 keeps one hierarchy per controller, v2 one tree: look two
    // levels down for strata's own directories.
    s.cgroups = strata_entries("/sys/fs/cgroup", 2);
    s.netns = names_in("/run/netns", "");
    s.temp_dirs = names_in(fs::temp_directory_path(), "strata");
    s.image = image_digest();
    return s;
}

std::vector<std::string> leaks_between(const HostState& before, const HostState& after) {
    std::vector<std::string> out;
    diff(before.fds, after.fds, "open fd", out);
    diff(before.children, after.children, "child process", out);
    diff(before.mountinfo, after.mountinfo, "mount", out);
    diff(before.cgroups, after.cgroups, "cgroup", out);
    diff(before.netns, after.netns, "network namespace", out);
    diff(before.temp_dirs, after.temp_dirs, "temp entry", out);
    if (before.image != after.image)
        out.push_back("the container image changed: " + before.image + " before, " + after.image + " after");
    return out;
}

}  // namespace strata::tests
