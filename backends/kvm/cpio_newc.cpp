#include "backends/kvm/cpio_newc.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <stdexcept>

#include <archive.h>
#include <archive_entry.h>

namespace strata::kvm {

namespace {

// A writer that cannot be made or fed is out of memory or misused: both
// are programming faults here, not a learner's input.
void check(archive* a, int status, const char* what) {
    if (status < ARCHIVE_OK) throw std::runtime_error(std::string(what) + ": " + archive_error_string(a));
}

}  // namespace

void CpioNewc::Closer::operator()(archive* a) const { archive_write_free(a); }

CpioNewc::CpioNewc() : writer_(archive_write_new()) {
    if (!writer_) throw std::runtime_error("libarchive: no writer");
    check(writer_.get(), archive_write_set_format_cpio_newc(writer_.get()), "cpio newc format");
    // No blocking: the archive is exactly its members, as the kernel reads it.
    check(writer_.get(), archive_write_set_bytes_per_block(writer_.get(), 0), "cpio block size");
    check(writer_.get(), archive_write_open(writer_.get(), this, nullptr, &CpioNewc::append, nullptr), "cpio open");
}

CpioNewc::~CpioNewc() = default;

long CpioNewc::append(archive*, void* self, const void* buffer, std::size_t length) {
    auto* cpio = static_cast<CpioNewc*>(self);
    const auto* bytes = static_cast<const std::uint8_t*>(buffer);
    cpio->bytes_.insert(cpio->bytes_.end(), bytes, bytes + length);
    return static_cast<long>(length);
}

void CpioNewc::member(const std::string& path, std::uint32_t mode, std::span<const std::uint8_t> data,
                      const std::string& link_target, std::uint32_t rdev_major, std::uint32_t rdev_minor) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_mode(entry.get(), mode);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_nlink(entry.get(), (mode & S_IFMT) == S_IFDIR ? 2 : 1);
    archive_entry_set_ino(entry.get(), static_cast<la_int64_t>(members_ + 1));
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
    if (!link_target.empty()) archive_entry_set_symlink(entry.get(), link_target.c_str());
    if (rdev_major || rdev_minor) archive_entry_set_rdev(entry.get(), makedev(rdev_major, rdev_minor));
    check(writer_.get(), archive_write_header(writer_.get(), entry.get()), "cpio header");
    if (!data.empty() && archive_write_data(writer_.get(), data.data(), data.size()) < 0)
        check(writer_.get(), ARCHIVE_FATAL, "cpio data");
    ++members_;
}

void CpioNewc::add_directory(const std::string& path, std::uint32_t permissions) {
    member(path, S_IFDIR | permissions, {});
}

void CpioNewc::add_file(const std::string& path, std::span<const std::uint8_t> data, std::uint32_t permissions) {
    member(path, S_IFREG | permissions, data);
}

void CpioNewc::add_symlink(const std::string& path, const std::string& target) {
    // newc keeps a symlink's target as its data; libarchive writes it from the entry.
    member(path, S_IFLNK | 0777, {}, target);
}

void CpioNewc::add_char_device(const std::string& path, std::uint32_t major, std::uint32_t minor,
                               std::uint32_t permissions) {
    member(path, S_IFCHR | permissions, {}, {}, major, minor);
}

std::vector<std::uint8_t> CpioNewc::finish() {
    check(writer_.get(), archive_write_close(writer_.get()), "cpio trailer");
    return std::move(bytes_);
}

}  // namespace strata::kvm
