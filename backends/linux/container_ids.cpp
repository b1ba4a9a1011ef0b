#include "backends/linux/container_ids.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata::linux {

namespace fs = std::filesystem;

namespace {

constexpr unsigned long kDefaultStart = 100000;
constexpr unsigned long kWanted = 65536;

std::string slurp(const char* path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

ContainerIds compute() {
    ContainerIds ids;
    if (::geteuid() != 0) {
        ids.uid = ::geteuid();
        ids.gid = ::getegid();
        return ids;
    }
    const auto uids = subordinate_range(slurp("/etc/subuid"), "root", kWanted);
    const auto gids = subordinate_range(slurp("/etc/subgid"), "root", kWanted);
    const unsigned long uid_start = uids.count ? uids.start : kDefaultStart;
    const unsigned long gid_start = gids.count ? gids.start : kDefaultStart;
    const unsigned long uid_count = uids.count ? uids.count : kWanted;
    const unsigned long gid_count = gids.count ? gids.count : kWanted;
    ids.uid = uid_t(uid_start);
    ids.gid = gid_t(gid_start);
    ids.count = unsigned(std::min(uid_count, gid_count));
    ids.subordinate = true;
    return ids;
}

}  // namespace

std::string ContainerIds::uid_map() const { return fmt::format("0 {} {}\n", uid, count); }
std::string ContainerIds::gid_map() const { return fmt::format("0 {} {}\n", gid, count); }

ContainerIds container_ids() { return compute(); }

IdRange subordinate_range(const std::string& file_text, const std::string& user, unsigned long want) {
    IdRange best;
    std::istringstream lines(file_text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#') continue;
        const auto a = line.find(':');
        const auto b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos || line.compare(0, a, user) != 0 || a != user.size()) continue;
        char* end = nullptr;
        const std::string start_text = line.substr(a + 1, b - a - 1), count_text = line.substr(b + 1);
        errno = 0;
        const unsigned long start = std::strtoul(start_text.c_str(), &end, 10);
        if (errno || end == start_text.c_str() || *end) continue;
        const unsigned long count = std::strtoul(count_text.c_str(), &end, 10);
        if (errno || end == count_text.c_str() || (*end && *end != ' ') || count == 0) continue;
        // Never a range that would include host root.
        if (start == 0) continue;
        if (count >= want) return {start, want};
        if (count > best.count) best = {start, count};
    }
    return best;
}

engine::Result<void> hand_to_container(const fs::path& path) {
    const auto ids = container_ids();
    if (!ids.subordinate) return {};
    if (::lchown(path.c_str(), ids.uid, ids.gid) != 0)
        return engine::errno_error("chown " + path.string(), errno, "cannot give the directory to container root");
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (::lchown(it->path().c_str(), ids.uid, ids.gid) != 0)
            return engine::errno_error("chown " + it->path().string(), errno,
                                       "cannot give the file to container root");
    }
    if (ec) return engine::plain_error("chown -R " + path.string(), ec.message());
    return {};
}

engine::Result<void> check_reachable_by_container(const fs::path& path, const std::string& what) {
    const auto ids = container_ids();
    if (!ids.subordinate) return {};
    fs::path at;
    for (const auto& part : fs::absolute(path)) {
        at /= part;
        struct stat st {};
        if (::stat(at.c_str(), &st) != 0) return {};  // missing: the caller's own error says so
        if (!S_ISDIR(st.st_mode)) continue;
        const bool owner = st.st_uid == ids.uid, group = st.st_gid == ids.gid;
        const mode_t search = owner ? S_IXUSR : group ? S_IXGRP : S_IXOTH;
        if (st.st_mode & search) continue;
        return engine::plain_error(
            "reach " + path.string(),
            fmt::format("{} is not reachable by the container's root (host uid {}): {} is mode {:04o}", what, ids.uid,
                        at.string(), st.st_mode & 07777),
            fmt::format("strata maps container root to host uid {} so that root inside is nobody outside; that uid "
                        "must be able to walk to {}. Use the installed package (its image is /var/lib/strata/rootfs), "
                        "keep the checkout under a directory others may enter (chmod o+x), or point $STRATA_ROOTFS "
                        "and $TMPDIR at such a directory",
                        ids.uid, what));
    }
    return {};
}

}  // namespace strata::linux
