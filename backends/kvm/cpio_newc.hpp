// CpioNewc: the archive format of a Linux initramfs, written in memory.
//
// The kernel unpacks a "newc" cpio archive into its first root file
// system (rootfs, a tmpfs) before it starts /init. Each member is a
// 110-byte ASCII header (magic 070701 and thirteen 8-digit hex fields:
// inode, mode, uid, gid, links, mtime, size, device numbers, name size),
// the name, then the data, each padded to 4 bytes; "TRAILER!!!" ends it.
// Building it in memory needs no root: a device node is only a header.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace strata::kvm {

class CpioNewc {
public:
    // Paths are relative ("bin/busybox"); modes include the type bits
    // (S_IFREG, S_IFDIR, ...) as in struct stat.
    void add_directory(const std::string& path, std::uint32_t permissions = 0755);
    void add_file(const std::string& path, std::span<const std::uint8_t> data, std::uint32_t permissions = 0644);
    void add_symlink(const std::string& path, const std::string& target);
    void add_char_device(const std::string& path, std::uint32_t major, std::uint32_t minor,
                         std::uint32_t permissions = 0600);
    // Appends the trailer and hands the archive over (the writer is empty after).
    std::vector<std::uint8_t> finish();

    std::size_t members() const { return members_; }
    std::size_t size() const { return bytes_.size(); }

private:
    void member(const std::string& path, std::uint32_t mode, std::span<const std::uint8_t> data,
                std::uint32_t rdev_major = 0, std::uint32_t rdev_minor = 0);
    void pad();
    std::vector<std::uint8_t> bytes_;
    std::uint32_t next_inode_ = 1;
    std::size_t members_ = 0;
};

}  // namespace strata::kvm
