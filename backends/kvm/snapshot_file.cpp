#include "backends/kvm/snapshot_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "backends/kvm/snapshot_sections.hpp"
#include "backends/sys/fd.hpp"

namespace strata::kvm {

namespace {

using sections::Reader;
using sections::Writer;

constexpr std::size_t kMaxSections = 64;
constexpr std::size_t kHeaderCrcAt = 124, kTableCrcAt = 84;

std::uint32_t crc_of(std::span<const std::uint8_t> bytes) {
    return static_cast<std::uint32_t>(crc32_z(crc32_z(0, nullptr, 0), bytes.data(), bytes.size()));
}

std::size_t align8(std::size_t n) { return (n + 7) / 8 * 8; }

std::unexpected<engine::Error> refuse(std::string message, std::string hint) {
    return std::unexpected(engine::Error{"load snapshot", 0, std::move(message), std::move(hint)});
}

std::unexpected<engine::Error> truncated(std::size_t size, const std::string& where) {
    return refuse(fmt::format("the file is truncated: it ends after {} bytes, {}", size, where),
                  "it was cut short (a full disk, an interrupted copy); nothing was restored. Copy it again or take "
                  "a new snapshot");
}

// Fixed-size text fields: NUL-padded on write, read up to the first NUL.
void put_text(Writer& w, std::string_view text, std::size_t field) {
    const std::size_t n = std::min(text.size(), field);
    w.put(text.data(), n);
    w.zeros(field - n);
}

std::string get_text(const std::uint8_t* p, std::size_t field) {
    const auto* end = std::find(p, p + field, std::uint8_t{0});
    return std::string(p, end);
}

void put_u32_at(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t v) { std::memcpy(bytes.data() + at, &v, 4); }

}  // namespace

std::string_view strata_version() { return STRATA_VERSION; }

std::vector<std::uint8_t> encode_snapshot(const Snapshot& snap, std::vector<SectionEntry>* table_out) {
    SnapshotOrigin origin = snap.origin;
    origin.xsave_size = static_cast<std::uint32_t>(snap.state.vcpu.xsave.size());
    return encode_container(origin, sections::encode_sections(snap), table_out);
}

std::vector<std::uint8_t> encode_container(const SnapshotOrigin& o, const SectionPayloads& payloads,
                                           std::vector<SectionEntry>* table_out) {
    Writer file;
    file.put(kSnapshotMagic.data(), kSnapshotMagic.size());
    file.u32(kSnapshotFormatVersion);
    file.u32(kSnapshotHeaderSize);
    put_text(file, o.strata_version, 16);
    put_text(file, o.cpu.vendor, 12);
    file.u32(o.cpu.family);
    file.u32(o.cpu.model);
    file.u32(o.cpu.stepping);
    file.u32(o.xsave_size);
    file.u32(o.tsc_khz);
    file.u64(o.xcr0_supported);
    file.u64(o.guest_xcr0);
    file.u32(static_cast<std::uint32_t>(payloads.size()));
    file.u32(0);  // the table's CRC, below
    file.zeros(kHeaderCrcAt - file.bytes().size());
    file.u32(0);  // the header's CRC, below

    std::vector<SectionEntry> table;
    std::size_t at = align8(kSnapshotHeaderSize + payloads.size() * kSnapshotTableEntrySize);
    for (const auto& [id, bytes] : payloads) {
        table.push_back({id, at, bytes.size(), crc_of(bytes)});
        at = align8(at + bytes.size());
    }
    for (const auto& e : table) {
        file.u32(static_cast<std::uint32_t>(e.id));
        file.u32(0);
        file.u64(e.offset);
        file.u64(e.size);
        file.u32(e.crc);
        file.u32(0);
    }
    for (const auto& [id, bytes] : payloads) {
        file.pad_to_8();
        file.put(bytes.data(), bytes.size());
    }
    auto& out = file.bytes();
    put_u32_at(out, kTableCrcAt,
               crc_of(std::span(out).subspan(kSnapshotHeaderSize, payloads.size() * kSnapshotTableEntrySize)));
    put_u32_at(out, kHeaderCrcAt, crc_of(std::span(out).first(kHeaderCrcAt)));
    if (table_out) *table_out = std::move(table);
    return std::move(out);
}

Result<DecodedSnapshot> decode_snapshot(std::span<const std::uint8_t> file) {
    const std::size_t size = file.size();
    if (size == 0) return refuse("the file is empty", "it is not a snapshot, or writing it failed: take a new one");
    if (size < kSnapshotMagic.size() && std::memcmp(file.data(), kSnapshotMagic.data(), size) == 0)
        return truncated(size, "inside the 8-byte magic number");
    if (size < kSnapshotMagic.size() || std::memcmp(file.data(), kSnapshotMagic.data(), kSnapshotMagic.size()) != 0)
        return refuse("this is not a strata snapshot: it does not begin with \"STRATASN\"",
                      "give `strata snapshot resume` a file that vm/snapshot or `strata snapshot save` wrote");
    if (size < 12) return truncated(size, "before its format version");
    std::uint32_t version = 0;
    std::memcpy(&version, file.data() + 8, 4);
    if (version != kSnapshotFormatVersion)
        return refuse(fmt::format("the file is in snapshot format version {}; this strata reads version {}", version,
                                  kSnapshotFormatVersion),
                      version > kSnapshotFormatVersion ? "it was written by a newer strata: restore it with that one"
                                                       : "it was written by an older strata: restore it with that one");
    if (size < kSnapshotHeaderSize) return truncated(size, fmt::format("inside its {}-byte header", kSnapshotHeaderSize));
    const std::uint8_t* h = file.data();
    std::uint32_t header_size = 0, stored_header_crc = 0, count = 0, stored_table_crc = 0;
    std::memcpy(&header_size, h + 12, 4);
    std::memcpy(&stored_header_crc, h + kHeaderCrcAt, 4);
    if (const auto crc = crc_of(file.first(kHeaderCrcAt)); header_size != kSnapshotHeaderSize || crc != stored_header_crc)
        return refuse(fmt::format("the header is corrupt: its checksum is {:#010x}, its bytes give {:#010x}", stored_header_crc, crc),
                      "the file was damaged (a bad disk, a copy that changed bytes); nothing was restored");

    DecodedSnapshot out;
    auto& o = out.snapshot.origin;
    o.strata_version = get_text(h + 16, 16);
    if (o.strata_version != strata_version())
        return refuse(fmt::format("the snapshot was made by strata {}; this is strata {}", o.strata_version, strata_version()),
                      "strata restores only its own version's snapshots: the saved state of its devices (UART, trace "
                      "ring) and of tinyos is defined by the strata that wrote it");
    o.cpu.vendor = get_text(h + 32, 12);
    std::memcpy(&o.cpu.family, h + 44, 4);
    std::memcpy(&o.cpu.model, h + 48, 4);
    std::memcpy(&o.cpu.stepping, h + 52, 4);
    std::memcpy(&o.xsave_size, h + 56, 4);
    std::memcpy(&o.tsc_khz, h + 60, 4);
    std::memcpy(&o.xcr0_supported, h + 64, 8);
    std::memcpy(&o.guest_xcr0, h + 72, 8);
    std::memcpy(&count, h + 80, 4);
    std::memcpy(&stored_table_crc, h + kTableCrcAt, 4);
    if (std::any_of(h + 88, h + kHeaderCrcAt, [](std::uint8_t b) { return b != 0; }))
        return refuse("the header's reserved bytes are not zero", "this strata never writes them: the file was edited");
    if (count == 0 || count > kMaxSections)
        return refuse(fmt::format("the header announces {} sections; a snapshot has 1 to {}", count, kMaxSections),
                      "the file was made or edited by something other than strata");

    const std::size_t table_end = kSnapshotHeaderSize + std::size_t{count} * kSnapshotTableEntrySize;
    if (size < table_end) return truncated(size, fmt::format("inside its table of {} sections", count));
    if (const auto crc = crc_of(file.subspan(kSnapshotHeaderSize, table_end - kSnapshotHeaderSize)); crc != stored_table_crc)
        return refuse(fmt::format("the section table is corrupt: its checksum is {:#010x}, its bytes give {:#010x}",
                                  stored_table_crc, crc),
                      "the file was damaged; nothing was restored");

    std::map<SectionId, std::span<const std::uint8_t>> payloads;
    std::set<std::uint32_t> known;
    for (auto id : all_sections()) known.insert(static_cast<std::uint32_t>(id));
    Reader table(file.subspan(kSnapshotHeaderSize, table_end - kSnapshotHeaderSize));
    std::size_t expected_at = align8(table_end), previous_end = table_end;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::uint32_t id = 0, flags = 0, crc = 0, zero = 0;
        std::uint64_t offset = 0, length = 0;
        table.u32(id), table.u32(flags), table.u64(offset), table.u64(length), table.u32(crc), table.u32(zero);
        const auto sid = static_cast<SectionId>(id);
        const std::string name = section_name(sid);
        if (!known.count(id))
            return refuse(fmt::format("table entry {} is {}, which this strata does not know", i, name),
                          "a snapshot format version 1 file has only the sections SNAPSHOT-FORMAT.md lists");
        if (payloads.count(sid)) return refuse(fmt::format("the file has two {} sections", name), "the file was edited");
        if (flags != 0 || zero != 0 || offset != expected_at)
            return refuse(fmt::format("table entry {} ({}) is malformed: flags {:#x}, offset {} where {} was due", i, name,
                                      flags, offset, expected_at),
                          "sections follow each other in table order, 8-byte aligned: the file was edited");
        if (length > size || offset > size - length)
            return truncated(size, fmt::format("inside section {} ({} bytes at {})", name, length, offset));
        for (std::size_t at = previous_end; at < offset; ++at)
            if (file[at] != 0) return refuse(fmt::format("non-zero bytes before section {}", name), "the file was edited");
        const auto payload = file.subspan(offset, length);
        if (const auto computed = crc_of(payload); computed != crc)
            return refuse(fmt::format("section {} is corrupt: its checksum is {:#010x}, its {} bytes give {:#010x}", name, crc,
                                      length, computed),
                          "the file was damaged; nothing was restored");
        payloads.emplace(sid, payload);
        previous_end = offset + length;
        expected_at = align8(previous_end);
        if (i + 1 == count && offset + length != size)
            return refuse(fmt::format("{} bytes follow the last section", size - offset - length),
                          "a strata snapshot ends with its last section: something was appended to the file");
    }
    if (auto r = sections::decode_sections(payloads, out.snapshot); !r) return std::unexpected(r.error());
    // The table, in file order, for whoever wants to show it.
    Reader again(file.subspan(kSnapshotHeaderSize, table_end - kSnapshotHeaderSize));
    for (std::uint32_t i = 0; i < count; ++i) {
        SectionEntry e{};
        std::uint32_t id = 0, skip = 0;
        again.u32(id), again.u32(skip), again.u64(e.offset), again.u64(e.size), again.u32(e.crc), again.u32(skip);
        e.id = static_cast<SectionId>(id);
        out.table.push_back(e);
    }
    out.file_size = size;
    return out;
}

Result<void> check_cpu(const SnapshotOrigin& o, const HostCpu& here) {
    if (!(o.cpu == here.cpu))
        return std::unexpected(engine::Error{
            "load snapshot", 0,
            fmt::format("the snapshot was taken on CPU {}; this machine's CPU is {}", o.cpu.describe(), here.cpu.describe()),
            "a vCPU's saved state belongs to the CPU it was taken on: its XSAVE layout, its MSRs and the CPUID the guest "
            "was shown. strata restores it only on the same CPU model (live migration between models needs a CPU "
            "model both offer, as QEMU's -cpu option gives). Take a new snapshot on this machine"});
    if (o.xsave_size > here.xsave_max)
        return std::unexpected(engine::Error{
            "load snapshot", 0,
            fmt::format("the snapshot's XSAVE area has {} bytes; a vCPU here holds {}", o.xsave_size, here.xsave_max),
            "this host's KVM offers fewer CPU features (an older kernel, or features switched off): take the "
            "snapshot here"});
    if (const auto missing = o.xcr0_supported & ~here.xcr0_supported; missing != 0)
        return std::unexpected(engine::Error{
            "load snapshot", 0,
            fmt::format("the guest was told it may use XSAVE components {:#x}, which this host's KVM does not offer "
                        "(it offers {:#x})", missing, here.xcr0_supported),
            "restoring would give the guest a CPU that lacks what its CPUID promised: take the snapshot here"});
    return {};
}

Result<ValidSnapshot> validate_snapshot(DecodedSnapshot decoded, const HostCpu& here) {
    if (auto ok = check_cpu(decoded.snapshot.origin, here); !ok) return std::unexpected(ok.error());
    return ValidSnapshot(std::move(decoded));
}

Result<ValidSnapshot> validate_snapshot(std::span<const std::uint8_t> file, const HostCpu& here) {
    auto decoded = decode_snapshot(file);
    if (!decoded) return std::unexpected(decoded.error());
    return validate_snapshot(std::move(*decoded), here);
}

Result<std::vector<std::uint8_t>> read_snapshot_file(engine::Recorder& recorder, const std::filesystem::path& path) {
    engine::Span span(recorder, engine::EventKind::syscall, "read(snapshot file)", {engine::LayerId::vmm, engine::LayerId::mounts});
    span.arg("path", path.string());
    sys::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!fd.valid() || ::fstat(fd.get(), &st) != 0) {
        const int e = errno;
        span.finish(-1, e);
        return engine::errno_error("open " + path.string(), e, "cannot read the snapshot file",
                                   e == ENOENT ? "there is no file by that name" : "");
    }
    if (!S_ISREG(st.st_mode) || static_cast<std::uint64_t>(st.st_size) > kMaxSnapshotFile) {
        span.finish(-1, EFBIG);
        return engine::plain_error("read " + path.string(),
                                   fmt::format("this is not a snapshot: {}", S_ISREG(st.st_mode)
                                                                                ? fmt::format("{} bytes is more than a "
                                                                                              "snapshot can hold", st.st_size)
                                                                                : std::string("not a regular file")));
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int e = n < 0 ? errno : 0;
            span.finish(-1, e ? e : EIO);
            return engine::errno_error("read " + path.string(), e ? e : EIO, "the file shrank while strata read it");
        }
        done += static_cast<std::size_t>(n);
    }
    span.arg("bytes", std::to_string(done));
    span.finish(static_cast<std::int64_t>(done), 0);
    return bytes;
}

Result<void> write_snapshot_file(engine::Recorder& recorder, const std::filesystem::path& path,
                                 std::span<const std::uint8_t> bytes) {
    // Written next to its name and renamed into place: a reader never sees
    // half a snapshot under the real name, even if strata is killed.
    engine::Span span(recorder, engine::EventKind::syscall, "write(snapshot file)", {engine::LayerId::vmm, engine::LayerId::mounts});
    span.arg("path", path.string()).arg("bytes", std::to_string(bytes.size()));
    const auto partial = path.string() + ".partial";
    auto fail = [&](const char* what) {
        const int e = errno;
        span.finish(-1, e);
        ::unlink(partial.c_str());
        return engine::errno_error(std::string(what) + " " + partial, e, "cannot write the snapshot file");
    };
    sys::Fd fd(::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) return fail("open");
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail("write");
        done += static_cast<std::size_t>(n);
    }
    fd.reset();
    if (::rename(partial.c_str(), path.c_str()) != 0) return fail("rename");
    span.finish(static_cast<std::int64_t>(bytes.size()), 0);
    return {};
}

}  // namespace strata::kvm
