#include "tests/support/image_digest.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/linux/rootfs.hpp"

namespace strata::tests {

namespace fs = std::filesystem;

namespace {

// FNV-1a, 64 bits: not for adversaries, for noticing any change at all.
struct Fnv {
    std::uint64_t h = 1469598103934665603ull;
    void add(const void* data, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    }
    void add(const std::string& s) { add(s.data(), s.size() + 1); }
};

}  // namespace

std::string tree_digest(const std::string& root) {
    std::error_code ec;
    std::vector<fs::path> entries;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        entries.push_back(it->path());
    if (ec) return "unreadable: " + ec.message();
    std::sort(entries.begin(), entries.end());
    Fnv fnv;
    for (const auto& path : entries) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) continue;
        fnv.add(fs::relative(path, root).string());
        const std::uint64_t meta[] = {std::uint64_t(st.st_mode), std::uint64_t(st.st_uid), std::uint64_t(st.st_gid),
                                      std::uint64_t(st.st_size)};
        fnv.add(meta, sizeof meta);
        if (S_ISLNK(st.st_mode)) {
            fnv.add(fs::read_symlink(path, ec).string());
        } else if (S_ISREG(st.st_mode)) {
            std::ifstream in(path, std::ios::binary);
            std::vector<char> buf(1 << 16);
            while (in.read(buf.data(), std::streamsize(buf.size())) || in.gcount() > 0)
                fnv.add(buf.data(), std::size_t(in.gcount()));
        }
    }
    return fmt::format("{:016x} ({} entries)", fnv.h, entries.size());
}

std::string image_digest() {
    auto root = linux::find_rootfs();
    return root ? tree_digest(*root) : std::string();
}

}  // namespace strata::tests
