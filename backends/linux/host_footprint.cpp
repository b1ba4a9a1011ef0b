#include "backends/linux/host_footprint.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace fs = std::filesystem;

namespace strata::linux {

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

int parent_of(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name may hold spaces and parentheses: the fields after it
    // start behind the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream rest(stat.substr(close + 1));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    return ppid;
}

bool alive(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// Not this process's to account for: a name without an owner pid (strata
// names everything it makes strata-<pid>-…; anything else is some other
// program's), or a live process that is neither this one nor one of its
// descendants.
bool someone_elses(const std::string& path) {
    const int pid = owner_pid(path);
    if (pid <= 0) return true;
    if (!alive(pid)) return false;
    for (int p = pid; p > 1; p = parent_of(p))
        if (p == ::getpid()) return false;
    return true;
}

std::set<std::string> ours(std::set<std::string> entries) {
    std::erase_if(entries, someone_elses);
    return entries;
}

template <class Set>
void diff(const Set& before, const Set& after, const std::string& what, std::vector<std::string>& out) {
    for (const auto& item : after)
        if (std::find(before.begin(), before.end(), item) == before.end()) out.push_back("new " + what + ": " + item);
    for (const auto& item : before)
        if (std::find(after.begin(), after.end(), item) == after.end()) out.push_back("lost " + what + ": " + item);
}

void diff_host_wide(const std::set<std::string>& before, const std::set<std::string>& after, const std::string& what,
                    std::vector<std::string>& out) {
    const auto mine_before = ours(before), mine_after = ours(after);
    for (const auto& item : mine_after)
        if (!mine_before.contains(item)) out.push_back("new " + what + ": " + item);
    for (const auto& item : mine_before) {
        const int pid = owner_pid(item);
        const bool swept_leftover = pid > 0 && !alive(pid);
        if (!mine_after.contains(item) && !swept_leftover) out.push_back("lost " + what + ": " + item);
    }
}

}  // namespace

int owner_pid(const std::string& path) {
    const auto name = fs::path(path).filename().string();
    if (!name.starts_with("strata-")) return 0;
    int pid = 0;
    const char* first = name.data() + 7;
    const auto [end, ec] = std::from_chars(first, name.data() + name.size(), pid);
    return ec == std::errc{} && end != first && *end == '-' ? pid : 0;
}

HostFootprint HostFootprint::capture() {
    HostFootprint s;
    s.fds = open_fds();
    s.children = child_pids();
    s.mountinfo = mount_table();
    // cgroup v1 keeps one hierarchy per controller, v2 one tree: look two
    // levels down for strata's own directories.
    s.cgroups = strata_entries("/sys/fs/cgroup", 2);
    s.netns = names_in("/run/netns", "");
    s.links = names_in("/sys/class/net", "");
    s.temp_dirs = names_in(fs::temp_directory_path(), "strata");
    return s;
}

std::vector<std::string> footprint_leaks(const HostFootprint& before, const HostFootprint& after) {
    std::vector<std::string> out;
    diff(before.fds, after.fds, "open fd", out);
    diff(before.children, after.children, "child process", out);
    diff(before.mountinfo, after.mountinfo, "mount", out);
    diff(before.links, after.links, "network link", out);
    diff_host_wide(before.cgroups, after.cgroups, "cgroup", out);
    diff(before.netns, after.netns, "network namespace", out);  // strata names none: any change counts
    diff_host_wide(before.temp_dirs, after.temp_dirs, "temp entry", out);
    return out;
}

}  // namespace strata::linux
