#include "backends/kvm/cpio_newc.hpp"

#include <sys/stat.h>

#include <fmt/format.h>

namespace strata::kvm {

void CpioNewc::pad() {
    while (bytes_.size() % 4) bytes_.push_back(0);
}

void CpioNewc::member(const std::string& path, std::uint32_t mode, std::span<const std::uint8_t> data,
                      std::uint32_t rdev_major, std::uint32_t rdev_minor) {
    const bool directory = (mode & S_IFMT) == S_IFDIR;
    const std::string header =
        fmt::format("070701{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}",
                    next_inode_++, mode, 0u /* uid root */, 0u /* gid root */, directory ? 2u : 1u, 0u /* mtime */,
                    data.size(), 0u, 0u, rdev_major, rdev_minor, path.size() + 1, 0u /* no checksum */);
    bytes_.insert(bytes_.end(), header.begin(), header.end());
    bytes_.insert(bytes_.end(), path.begin(), path.end());
    bytes_.push_back(0);
    pad();
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    pad();
    ++members_;
}

void CpioNewc::add_directory(const std::string& path, std::uint32_t permissions) {
    member(path, S_IFDIR | permissions, {});
}

void CpioNewc::add_file(const std::string& path, std::span<const std::uint8_t> data, std::uint32_t permissions) {
    member(path, S_IFREG | permissions, data);
}

void CpioNewc::add_symlink(const std::string& path, const std::string& target) {
    member(path, S_IFLNK | 0777, {reinterpret_cast<const std::uint8_t*>(target.data()), target.size()});
}

void CpioNewc::add_char_device(const std::string& path, std::uint32_t major, std::uint32_t minor,
                               std::uint32_t permissions) {
    member(path, S_IFCHR | permissions, {}, major, minor);
}

std::vector<std::uint8_t> CpioNewc::finish() {
    member("TRAILER!!!", 0, {});
    --members_;
    std::vector<std::uint8_t> out = std::move(bytes_);
    bytes_.clear();
    next_inode_ = 1;
    members_ = 0;
    return out;
}

}  // namespace strata::kvm
