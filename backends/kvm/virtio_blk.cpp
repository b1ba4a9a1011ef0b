#include "backends/kvm/virtio_blk.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

using engine::LayerId;

constexpr std::uint32_t kIn = 0, kOut = 1, kFlush = 4, kGetId = 8;
constexpr std::uint8_t kOk = 0, kIoError = 1, kUnsupported = 2;
constexpr std::size_t kHeaderBytes = 16;  // le32 type, le32 reserved, le64 sector
constexpr std::size_t kIdBytes = 20;      // VIRTIO_BLK_ID_BYTES

// Copies between a flat buffer and the chain's scattered guest buffers.
void gather(const std::vector<std::span<std::uint8_t>>& from, std::size_t skip, std::span<std::uint8_t> to) {
    std::size_t done = 0;
    for (auto part : from) {
        if (skip >= part.size()) {
            skip -= part.size();
            continue;
        }
        const std::size_t n = std::min(part.size() - skip, to.size() - done);
        std::memcpy(to.data() + done, part.data() + skip, n);
        done += n;
        skip = 0;
        if (done == to.size()) return;
    }
}

void scatter(std::span<const std::uint8_t> from, const std::vector<std::span<std::uint8_t>>& to) {
    std::size_t done = 0;
    for (auto part : to) {
        const std::size_t n = std::min(part.size(), from.size() - done);
        std::memcpy(part.data(), from.data() + done, n);
        done += n;
        if (done == from.size()) return;
    }
}

std::size_t total(const std::vector<std::span<std::uint8_t>>& parts) {
    std::size_t n = 0;
    for (auto p : parts) n += p.size();
    return n;
}

}  // namespace

std::string_view block_request_type_name(std::uint32_t type) {
    switch (type) {
        case kIn: return "read (VIRTIO_BLK_T_IN)";
        case kOut: return "write (VIRTIO_BLK_T_OUT)";
        case kFlush: return "flush (VIRTIO_BLK_T_FLUSH)";
        case kGetId: return "get id (VIRTIO_BLK_T_GET_ID)";
        default: return "unknown";
    }
}

VirtioBlk::VirtioBlk(engine::Recorder* recorder, int fd, std::uint64_t bytes, std::string disk_name)
    : recorder_(recorder), fd_(fd), sectors_(bytes / kSectorSize), disk_name_(std::move(disk_name)) {
    std::memcpy(config_.data(), &sectors_, sizeof sectors_);
}

engine::Result<std::uint32_t> VirtioBlk::serve(GuestMemory& ram, const VirtqChain& chain) {
    auto mapped = map_chain(ram, chain);
    if (!mapped) return std::unexpected(mapped.error());
    const auto& buffers = *mapped;
    if (total(buffers.readable) < kHeaderBytes || buffers.writable.empty() || buffers.writable.back().empty())
        return engine::plain_error("serve a virtio-blk request",
                                   "the chain has no 16-byte header or no status byte to write");
    std::array<std::uint8_t, kHeaderBytes> header{};
    gather(buffers.readable, 0, header);
    BlockRequest request;
    std::memcpy(&request.type, header.data(), 4);
    std::memcpy(&request.sector, header.data() + 8, 8);
    request.head = chain.head;
    request.descriptors = chain.descriptors.size();

    // The data: what follows the header (a write), or the writable buffers
    // before the status byte (a read, an id).
    const std::size_t data_bytes = request.type == kOut ? total(buffers.readable) - kHeaderBytes
                                                        : total(buffers.writable) - 1;
    request.status = transfer(request, buffers, data_bytes);
    auto& status_buffer = buffers.writable.back();
    status_buffer[status_buffer.size() - 1] = request.status;

    log_.push_back(request);
    if (log_.size() > kLogLimit) log_.pop_front();
    const bool wrote_data = request.status == kOk && (request.type == kIn || request.type == kGetId);
    return static_cast<std::uint32_t>((wrote_data ? request.bytes : 0) + 1);
}

std::uint8_t VirtioBlk::transfer(BlockRequest& request, const ChainBuffers& buffers, std::size_t data_bytes) {
    const std::uint64_t offset = request.sector * kSectorSize;
    auto fits = [&] { return data_bytes % kSectorSize == 0 && request.sector <= sectors_ &&
                             data_bytes / kSectorSize <= sectors_ - request.sector; };
    auto syscall = [&](std::string name) {
        std::optional<engine::Span> span;
        if (recorder_) {
            span.emplace(*recorder_, engine::EventKind::syscall, std::move(name), std::vector{LayerId::vmm, LayerId::mounts});
            span->arg("disk", disk_name_).arg("offset", std::to_string(offset)).arg("bytes", std::to_string(data_bytes));
            span->arg("sector", std::to_string(request.sector));
        }
        return span;
    };
    switch (request.type) {
        case kIn: {
            if (!fits()) return kIoError;
            std::vector<std::uint8_t> data(data_bytes);
            auto span = syscall(fmt::format("pread(disk, {} bytes at sector {})", data_bytes, request.sector));
            const auto n = ::pread(fd_, data.data(), data.size(), static_cast<off_t>(offset));
            const int err = n < 0 ? errno : 0;
            if (span) span->finish(n, err);
            if (n < 0) return kIoError;
            // Past the file's end (a sparse tail) reads as zeros.
            scatter(data, buffers.writable);
            request.bytes = static_cast<std::uint32_t>(data_bytes);
            ++reads_;
            bytes_read_ += data_bytes;
            return kOk;
        }
        case kOut: {
            if (!fits()) return kIoError;
            std::vector<std::uint8_t> data(data_bytes);
            gather(buffers.readable, kHeaderBytes, data);
            auto span = syscall(fmt::format("pwrite(disk, {} bytes at sector {})", data_bytes, request.sector));
            const auto n = ::pwrite(fd_, data.data(), data.size(), static_cast<off_t>(offset));
            const int err = n < 0 ? errno : 0;
            if (span) span->finish(n, err);
            if (n != static_cast<ssize_t>(data_bytes)) return kIoError;
            request.bytes = static_cast<std::uint32_t>(data_bytes);
            ++writes_;
            bytes_written_ += data_bytes;
            return kOk;
        }
        case kFlush: {
            data_bytes = 0;
            auto span = syscall("fdatasync(disk)");
            const int r = ::fdatasync(fd_);
            const int err = r < 0 ? errno : 0;
            if (span) span->finish(r, err);
            ++flushes_;
            // A memfd or a pipe has nothing to flush: that is not an error.
            return r == 0 || err == EINVAL || err == EROFS ? kOk : kIoError;
        }
        case kGetId: {
            std::vector<std::uint8_t> id(std::min(data_bytes, kIdBytes), 0);
            std::memcpy(id.data(), disk_name_.data(), std::min(id.size(), disk_name_.size()));
            scatter(id, buffers.writable);
            request.bytes = static_cast<std::uint32_t>(id.size());
            return kOk;
        }
        default: return kUnsupported;
    }
}

}  // namespace strata::kvm
