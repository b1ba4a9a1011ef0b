#include "backends/linux/flags.hpp"

#include <array>

#include <fmt/format.h>
#include <sched.h>
#include <sys/mount.h>

namespace strata::linux {

namespace {

// The order is the order labels are printed in: namespaces first, the way
// a learner meets them in the course.
const std::array<FlagName, 13> kCloneFlags = {{
    {CLONE_NEWUSER, "CLONE_NEWUSER", "user namespace"},
    {CLONE_NEWPID, "CLONE_NEWPID", "PID namespace"},
    {CLONE_NEWNS, "CLONE_NEWNS", "mount namespace"},
    {CLONE_NEWUTS, "CLONE_NEWUTS", "UTS (host name) namespace"},
    {CLONE_NEWIPC, "CLONE_NEWIPC", "IPC namespace"},
    {CLONE_NEWNET, "CLONE_NEWNET", "network namespace"},
    {CLONE_NEWCGROUP, "CLONE_NEWCGROUP", "cgroup namespace"},
    {CLONE_NEWTIME, "CLONE_NEWTIME", "time namespace"},
    {CLONE_VM, "CLONE_VM", "share memory"},
    {CLONE_FILES, "CLONE_FILES", "share the fd table"},
    {CLONE_FS, "CLONE_FS", "share cwd and root"},
    {CLONE_PIDFD, "CLONE_PIDFD", "return a pidfd"},
    {CLONE_PARENT, "CLONE_PARENT", "same parent as the caller"},
}};

const std::array<FlagName, 16> kMountFlags = {{
    {MS_RDONLY, "MS_RDONLY", "read-only"},
    {MS_NOSUID, "MS_NOSUID", "ignore set-uid bits"},
    {MS_NODEV, "MS_NODEV", "no device files"},
    {MS_NOEXEC, "MS_NOEXEC", "no programs"},
    {MS_REMOUNT, "MS_REMOUNT", "change an existing mount"},
    {MS_BIND, "MS_BIND", "bind: the same tree at a second place"},
    {MS_MOVE, "MS_MOVE", "move a mount"},
    {MS_REC, "MS_REC", "recursively, for every mount below"},
    {MS_SILENT, "MS_SILENT", "quiet"},
    {MS_PRIVATE, "MS_PRIVATE", "propagation: private"},
    {MS_SLAVE, "MS_SLAVE", "propagation: receive only"},
    {MS_SHARED, "MS_SHARED", "propagation: shared"},
    {MS_UNBINDABLE, "MS_UNBINDABLE", "cannot be bind-mounted"},
    {MS_NOATIME, "MS_NOATIME", "no access times"},
    {MS_RELATIME, "MS_RELATIME", "relative access times"},
    {MS_STRICTATIME, "MS_STRICTATIME", "strict access times"},
}};

const std::array<FlagName, 3> kUmountFlags = {{
    {MNT_FORCE, "MNT_FORCE", "force"},
    {MNT_DETACH, "MNT_DETACH", "lazy: detach now, free when unused"},
    {MNT_EXPIRE, "MNT_EXPIRE", "expire"},
}};

const std::array<NamespaceKind, 8> kNamespaces = {{
    {CLONE_NEWCGROUP, "cgroup", "the cgroup tree it sees"},
    {CLONE_NEWIPC, "ipc", "System V IPC and message queues"},
    {CLONE_NEWNS, "mnt", "the mount table"},
    {CLONE_NEWNET, "net", "network devices, addresses, routes, ports"},
    {CLONE_NEWPID, "pid", "process ids"},
    {CLONE_NEWTIME, "time", "boot and monotonic clocks"},
    {CLONE_NEWUSER, "user", "user and group ids, capabilities"},
    {CLONE_NEWUTS, "uts", "host name and domain name"},
}};

}  // namespace

std::span<const FlagName> clone_flag_names() { return kCloneFlags; }
std::span<const NamespaceKind> namespace_kinds() { return kNamespaces; }

std::string decode_flags(std::span<const FlagName> table, std::uint64_t value) {
    if (value == 0) return "0";
    std::string out;
    std::uint64_t left = value;
    for (const auto& flag : table) {
        if ((value & flag.value) != flag.value || flag.value == 0) continue;
        out += (out.empty() ? "" : "|") + std::string(flag.name);
        left &= ~flag.value;
    }
    if (left != 0) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", left);
    return out;
}

std::string decode_clone_flags(std::uint64_t flags) { return decode_flags(kCloneFlags, flags); }
std::string decode_mount_flags(std::uint64_t flags) { return decode_flags(kMountFlags, flags); }
std::string decode_umount_flags(std::uint64_t flags) { return decode_flags(kUmountFlags, flags); }

engine::Result<std::uint64_t> parse_flags(std::span<const FlagName> table, std::string_view text) {
    std::uint64_t value = 0;
    std::size_t pos = 0;
    auto separator = [](char c) { return c == '|' || c == ',' || c == '+' || c == ' ' || c == '\t' || c == '\n'; };
    while (pos < text.size()) {
        while (pos < text.size() && separator(text[pos])) ++pos;
        std::size_t end = pos;
        while (end < text.size() && !separator(text[end])) ++end;
        const std::string_view word = text.substr(pos, end - pos);
        pos = end;
        if (word.empty() || word == "0") continue;
        bool known = false;
        for (const auto& flag : table)
            if (flag.name == word) value |= flag.value, known = true;
        if (!known) {
            std::string names;
            for (const auto& flag : table) names += (names.empty() ? "" : ", ") + std::string(flag.name);
            return engine::plain_error("parse flags", fmt::format("'{}' is not a flag strata knows", word),
                                       "known flags: " + names);
        }
    }
    return value;
}

std::uint64_t all_namespace_flags() {
    std::uint64_t all = 0;
    for (const auto& ns : kNamespaces)
        if (ns.clone_flag != CLONE_NEWTIME) all |= ns.clone_flag;  // time ns needs clone3 set-up of offsets; not used
    return all;
}

}  // namespace strata::linux
