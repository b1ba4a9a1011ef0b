// VirtioBlk: a virtio block device (virtio 1.1, 5.2) backed by a host file.
//
// A request is a descriptor chain: a 16-byte header the driver wrote
// (type, sector), the data buffers, and one status byte the device writes
// last. A read becomes a pread(2) of the file into the guest's buffers, a
// write a pwrite(2) from them, a flush an fdatasync(2): the VM's disk is an
// ordinary file to the host, and the guest's writes land in it, not in
// anything the host or another VM shares (unless the file is shared).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>

#include "backends/kvm/virtio_mmio.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

struct BlockRequest {
    std::uint32_t type = 0;      // 0 read (IN), 1 write (OUT), 4 flush, 8 get id
    std::uint64_t sector = 0;    // in 512-byte units
    std::uint32_t bytes = 0;     // data moved
    std::uint8_t status = 0;     // 0 OK, 1 IOERR, 2 UNSUPP
    std::uint16_t head = 0;      // the chain's first descriptor
    std::size_t descriptors = 0;
};
std::string_view block_request_type_name(std::uint32_t type);  // "read (VIRTIO_BLK_T_IN)"

class VirtioBlk final : public VirtioDevice {
public:
    static constexpr std::uint32_t kSectorSize = 512;
    static constexpr std::uint16_t kQueueSize = 128;
    static constexpr std::uint64_t kFeatureFlush = 1ull << 9;  // VIRTIO_BLK_F_FLUSH
    static constexpr std::size_t kLogLimit = 64;

    // `fd` (not owned) is the disk's file, `bytes` its size (whole sectors
    // are used). `recorder` may be null.
    VirtioBlk(engine::Recorder* recorder, int fd, std::uint64_t bytes, std::string disk_name);

    std::string_view kind() const override { return "virtio-blk"; }
    std::uint32_t device_id() const override { return 2; }
    std::uint64_t features() const override { return kFeatureFlush; }
    std::span<const std::uint8_t> config() const override { return config_; }
    std::uint16_t queue_size_max() const override { return kQueueSize; }
    engine::Result<std::uint32_t> serve(GuestMemory& ram, const VirtqChain& chain) override;

    std::uint64_t capacity_sectors() const { return sectors_; }
    // The latest requests, oldest first (at most kLogLimit).
    const std::deque<BlockRequest>& log() const { return log_; }
    std::uint64_t reads() const { return reads_; }
    std::uint64_t writes() const { return writes_; }
    std::uint64_t flushes() const { return flushes_; }
    std::uint64_t bytes_read() const { return bytes_read_; }
    std::uint64_t bytes_written() const { return bytes_written_; }

private:
    std::uint8_t transfer(BlockRequest& request, const ChainBuffers& buffers, std::size_t data_bytes);

    engine::Recorder* recorder_;
    int fd_;
    std::uint64_t sectors_;
    std::string disk_name_;
    std::array<std::uint8_t, 8> config_{};  // capacity (le64): the only field without a feature bit
    std::deque<BlockRequest> log_;
    std::uint64_t reads_ = 0, writes_ = 0, flushes_ = 0, bytes_read_ = 0, bytes_written_ = 0;
};

}  // namespace strata::kvm
