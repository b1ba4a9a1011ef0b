// VirtioMmio: the virtio-mmio transport (virtio 1.1, 4.2), version 2.
//
// A page of registers on the MMIO bus through which a guest's driver finds
// a virtio device, agrees on features, hands it the addresses of its
// virtqueue and rings its doorbell (QueueNotify). Every register access is
// a VM exit to the VMM; the requests themselves travel through the rings in
// guest RAM, which the VMM reads directly. When the device is done it sets
// InterruptStatus and the VMM raises the device's interrupt line; the
// driver acknowledges it (InterruptACK) and the line drops.
//
// The device behind the transport (VirtioDevice) knows only requests: the
// same virtio-blk would sit behind virtio-pci unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backends/kvm/device.hpp"
#include "backends/kvm/virtqueue.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

// What sits behind a virtio transport.
class VirtioDevice {
public:
    virtual ~VirtioDevice() = default;
    virtual std::string_view kind() const = 0;           // "virtio-blk"
    virtual std::uint32_t device_id() const = 0;         // virtio 1.1, 5: 2 for a block device
    virtual std::uint64_t features() const = 0;          // device-type feature bits it offers
    virtual std::span<const std::uint8_t> config() const = 0;  // its configuration space
    virtual std::uint16_t queue_size_max() const = 0;
    // Serves one request; returns how many bytes it wrote into the chain.
    // An error means the request was malformed beyond a status reply.
    virtual engine::Result<std::uint32_t> serve(GuestMemory& ram, const VirtqChain& chain) = 0;
};

// Device status bits (virtio 1.1, 2.1).
namespace virtio_status {
inline constexpr std::uint32_t acknowledge = 1, driver = 2, driver_ok = 4, features_ok = 8, needs_reset = 0x40,
                               failed = 0x80;
}
std::string virtio_status_text(std::uint32_t status);  // "ACKNOWLEDGE | DRIVER | FEATURES_OK"

inline constexpr std::uint64_t kVirtioVersion1 = 1ull << 32;  // VIRTIO_F_VERSION_1: a modern driver

class VirtioMmio final : public Device {
public:
    static constexpr std::uint32_t kMagic = 0x74726976;    // "virt"
    static constexpr std::uint32_t kVendor = 0x41525453;   // "STRA"
    // Register offsets (virtio 1.1, 4.2.2).
    enum Register : std::uint32_t {
        magic = 0x000, version = 0x004, device_id = 0x008, vendor_id = 0x00c,
        device_features = 0x010, device_features_sel = 0x014,
        driver_features = 0x020, driver_features_sel = 0x024,
        queue_sel = 0x030, queue_num_max = 0x034, queue_num = 0x038, queue_ready = 0x044,
        queue_notify = 0x050, interrupt_status = 0x060, interrupt_ack = 0x064, status = 0x070,
        queue_desc_low = 0x080, queue_desc_high = 0x084, queue_driver_low = 0x090, queue_driver_high = 0x094,
        queue_device_low = 0x0a0, queue_device_high = 0x0a4, config_generation = 0x0fc, config = 0x100,
    };
    static std::string_view register_name(std::uint64_t offset);

    // `recorder` may be null (tests); `ram` is where the rings live.
    VirtioMmio(engine::Recorder* recorder, GuestMemory& ram, VirtioDevice& device);

    std::string_view name() const override { return "virtio-mmio"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

    // The interrupt line's level: high while InterruptStatus is not zero.
    bool interrupt_asserted() const { return interrupt_status_ != 0; }

    std::uint32_t device_status() const { return status_; }
    std::uint64_t offered_features() const { return device_.features() | kVirtioVersion1; }
    std::uint64_t accepted_features() const { return driver_features_; }
    const std::optional<Virtqueue>& queue() const { return queue_; }
    std::uint64_t notifications() const { return notifications_; }
    std::uint64_t requests() const { return requests_; }
    // The last request served: its chain as the driver built it.
    const std::optional<VirtqChain>& last_chain() const { return last_chain_; }
    // Set when the driver broke the queue (the device then needs a reset).
    const std::optional<std::string>& failure() const { return failure_; }

private:
    std::uint32_t read_register(std::uint64_t offset) const;
    void write_register(std::uint64_t offset, std::uint32_t value);
    void set_status(std::uint32_t value);
    void make_queue_ready(bool ready);
    void serve_queue();
    void reset();
    // An event of the device's own; `touched_ram`: it read or wrote the rings in guest RAM.
    void note(std::string text, std::vector<std::pair<std::string, std::string>> args = {}, bool touched_ram = false);

    engine::Recorder* recorder_;
    GuestMemory& ram_;
    VirtioDevice& device_;
    std::uint32_t status_ = 0, device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0;
    std::uint64_t driver_features_ = 0;
    VirtqueueLayout pending_;  // what the driver writes before QueueReady
    std::optional<Virtqueue> queue_;
    std::uint32_t interrupt_status_ = 0;
    std::uint64_t notifications_ = 0, requests_ = 0;
    std::optional<VirtqChain> last_chain_;
    std::optional<std::string> failure_;
};

}  // namespace strata::kvm
