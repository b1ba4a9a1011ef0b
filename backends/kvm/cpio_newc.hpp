// CpioNewc: the archive format of a Linux initramfs, written in memory
// with libarchive.
//
// The kernel unpacks a "newc" cpio archive into its first root file
// system (rootfs, a tmpfs) before it starts /init. Building it in memory
// needs no root: a device node is only a header, owned by uid 0 because
// the header says so.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct archive;

namespace strata::kvm {

class CpioNewc {
public:
    CpioNewc();
    ~CpioNewc();
    CpioNewc(const CpioNewc&) = delete;
    CpioNewc& operator=(const CpioNewc&) = delete;

    // Paths are relative ("bin/busybox"); permissions as in chmod.
    void add_directory(const std::string& path, std::uint32_t permissions = 0755);
    void add_file(const std::string& path, std::span<const std::uint8_t> data, std::uint32_t permissions = 0644);
    void add_symlink(const std::string& path, const std::string& target);
    void add_char_device(const std::string& path, std::uint32_t major, std::uint32_t minor,
                         std::uint32_t permissions = 0600);
    // Appends the trailer and hands the archive over; the writer is spent.
    std::vector<std::uint8_t> finish();

    std::size_t members() const { return members_; }
    std::size_t size() const { return bytes_.size(); }

private:
    void member(const std::string& path, std::uint32_t mode, std::span<const std::uint8_t> data,
                const std::string& link_target = {}, std::uint32_t rdev_major = 0, std::uint32_t rdev_minor = 0);
    static long append(archive*, void* self, const void* buffer, std::size_t length);

    struct Closer {
        void operator()(archive* a) const;
    };
    std::unique_ptr<archive, Closer> writer_;
    std::vector<std::uint8_t> bytes_;
    std::size_t members_ = 0;
};

}  // namespace strata::kvm
