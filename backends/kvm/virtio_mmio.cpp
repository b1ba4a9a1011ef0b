#include "backends/kvm/virtio_mmio.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

using engine::LayerId;

std::string virtio_status_text(std::uint32_t status) {
    static constexpr std::pair<std::uint32_t, const char*> kBits[] = {
        {virtio_status::acknowledge, "ACKNOWLEDGE"}, {virtio_status::driver, "DRIVER"},
        {virtio_status::features_ok, "FEATURES_OK"}, {virtio_status::driver_ok, "DRIVER_OK"},
        {virtio_status::needs_reset, "DEVICE_NEEDS_RESET"}, {virtio_status::failed, "FAILED"}};
    std::string out;
    for (const auto& [bit, name] : kBits)
        if (status & bit) out += (out.empty() ? "" : " | ") + std::string(name);
    return out.empty() ? "0 (reset)" : out;
}

std::string_view VirtioMmio::register_name(std::uint64_t offset) {
    if (offset >= config) return "Config (device configuration space)";
    switch (offset & ~3ull) {
        case magic: return "MagicValue";
        case version: return "Version";
        case device_id: return "DeviceID";
        case vendor_id: return "VendorID";
        case device_features: return "DeviceFeatures";
        case device_features_sel: return "DeviceFeaturesSel";
        case driver_features: return "DriverFeatures";
        case driver_features_sel: return "DriverFeaturesSel";
        case queue_sel: return "QueueSel";
        case queue_num_max: return "QueueNumMax";
        case queue_num: return "QueueNum";
        case queue_ready: return "QueueReady";
        case queue_notify: return "QueueNotify";
        case interrupt_status: return "InterruptStatus";
        case interrupt_ack: return "InterruptACK";
        case status: return "Status";
        case queue_desc_low: return "QueueDescLow";
        case queue_desc_high: return "QueueDescHigh";
        case queue_driver_low: return "QueueDriverLow";
        case queue_driver_high: return "QueueDriverHigh";
        case queue_device_low: return "QueueDeviceLow";
        case queue_device_high: return "QueueDeviceHigh";
        case config_generation: return "ConfigGeneration";
        default: return "(reserved)";
    }
}

VirtioMmio::VirtioMmio(engine::Recorder* recorder, GuestMemory& ram, VirtioDevice& device)
    : recorder_(recorder), ram_(ram), device_(device) {}

void VirtioMmio::note(std::string text, std::vector<std::pair<std::string, std::string>> args, bool touched_ram) {
    if (!recorder_) return;
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = std::string(device_.kind()) + ": " + std::move(text);
    for (auto& [k, v] : args) event.args.push_back({std::move(k), std::move(v)});
    event.layers = touched_ram ? std::vector{LayerId::vmm, LayerId::ram, LayerId::guest_devices}
                               : std::vector{LayerId::vmm, LayerId::guest_devices};
    event.start = recorder_->now();
    recorder_->record(std::move(event));
}

void VirtioMmio::read(std::uint64_t offset, std::span<std::uint8_t> data) {
    std::fill(data.begin(), data.end(), 0);
    if (offset >= config) {
        const auto cfg = device_.config();
        for (std::size_t i = 0; i < data.size(); ++i)
            if (offset - config + i < cfg.size()) data[i] = cfg[offset - config + i];
        return;
    }
    // The registers are 32 bits wide; a narrower read gets the low bytes.
    const std::uint32_t value = read_register(offset & ~3ull);
    std::memcpy(data.data(), &value, std::min<std::size_t>(data.size(), 4));
}

void VirtioMmio::write(std::uint64_t offset, std::span<const std::uint8_t> data) {
    if (offset >= config) return;  // virtio-blk's configuration is read-only for the driver
    std::uint32_t value = 0;
    std::memcpy(&value, data.data(), std::min<std::size_t>(data.size(), 4));
    write_register(offset & ~3ull, value);
}

std::uint32_t VirtioMmio::read_register(std::uint64_t offset) const {
    switch (offset) {
        case magic: return kMagic;
        case version: return 2;  // the modern layout (version 1 is the legacy one)
        case device_id: return device_.device_id();
        case vendor_id: return kVendor;
        case device_features:
            return device_features_sel_ < 2 ? static_cast<std::uint32_t>(offered_features() >> (32 * device_features_sel_))
                                            : 0;
        case queue_num_max: return queue_sel_ == 0 ? device_.queue_size_max() : 0;
        case queue_ready: return queue_sel_ == 0 && queue_ ? 1 : 0;
        case interrupt_status: return interrupt_status_;
        case status: return status_;
        case config_generation: return 0;  // the configuration never changes under the driver
        default: return 0;
    }
}

void VirtioMmio::write_register(std::uint64_t offset, std::uint32_t value) {
    auto set_low = [](std::uint64_t& a, std::uint32_t v) { a = (a & ~0xffffffffull) | v; };
    auto set_high = [](std::uint64_t& a, std::uint32_t v) { a = (a & 0xffffffffull) | (std::uint64_t{v} << 32); };
    switch (offset) {
        case device_features_sel: device_features_sel_ = value; break;
        case driver_features_sel: driver_features_sel_ = value; break;
        case driver_features:
            if (driver_features_sel_ == 0) set_low(driver_features_, value);
            else if (driver_features_sel_ == 1) set_high(driver_features_, value);
            break;
        case queue_sel: queue_sel_ = value; break;
        case queue_num:
            if (queue_sel_ == 0) pending_.size = static_cast<std::uint16_t>(value);
            break;
        case queue_desc_low: set_low(pending_.descriptors, value); break;
        case queue_desc_high: set_high(pending_.descriptors, value); break;
        case queue_driver_low: set_low(pending_.available, value); break;
        case queue_driver_high: set_high(pending_.available, value); break;
        case queue_device_low: set_low(pending_.used, value); break;
        case queue_device_high: set_high(pending_.used, value); break;
        case queue_ready:
            if (queue_sel_ == 0) make_queue_ready(value == 1);
            break;
        case queue_notify:
            ++notifications_;
            if (value == 0) serve_queue();
            break;
        case interrupt_ack: interrupt_status_ &= ~value; break;
        case status: set_status(value); break;
        default: break;  // read-only or reserved: ignored, as the spec asks
    }
}

void VirtioMmio::set_status(std::uint32_t value) {
    if (value == 0) {
        reset();
        note("the driver reset the device (Status = 0)");
        return;
    }
    // FEATURES_OK sticks only when the device can live with the driver's
    // choice: nothing it did not offer, and the modern interface.
    if ((value & virtio_status::features_ok) && !(status_ & virtio_status::features_ok)) {
        const bool acceptable = (driver_features_ & ~offered_features()) == 0 && (driver_features_ & kVirtioVersion1);
        if (!acceptable) value &= ~virtio_status::features_ok;
        note(acceptable ? "features agreed" : "features refused",
             {{"offered", fmt::format("{:#x}", offered_features())}, {"accepted", fmt::format("{:#x}", driver_features_)}});
    }
    status_ = value | (status_ & virtio_status::needs_reset);
    note("Status = " + virtio_status_text(status_), {{"status", fmt::format("{:#x}", status_)}});
}

void VirtioMmio::make_queue_ready(bool ready) {
    if (!ready) {
        queue_.reset();
        return;
    }
    const auto& p = pending_;
    if (p.size == 0 || p.size > device_.queue_size_max() || (p.size & (p.size - 1)) != 0 ||
        !ram_.contains(p.descriptors, p.descriptor_bytes()) || !ram_.contains(p.available, p.available_bytes()) ||
        !ram_.contains(p.used, p.used_bytes())) {
        failure_ = fmt::format("queue 0 cannot be used: {} entries, rings at {:#x}, {:#x}, {:#x}", p.size,
                               p.descriptors, p.available, p.used);
        status_ |= virtio_status::needs_reset;
        note(*failure_);
        return;
    }
    queue_.emplace(ram_, p);
    note(fmt::format("queue 0 is ready: {} entries", p.size),
         {{"descriptor table", fmt::format("{:#x}", p.descriptors)},
          {"available ring", fmt::format("{:#x}", p.available)},
          {"used ring", fmt::format("{:#x}", p.used)}});
}

void VirtioMmio::serve_queue() {
    if (!queue_ || !(status_ & virtio_status::driver_ok) || failure_) return;
    bool served = false;
    for (;;) {
        auto chain = queue_->next_available();
        if (!chain) {
            failure_ = chain.error().describe();
            break;
        }
        if (!*chain) break;
        auto written = device_.serve(ram_, **chain);
        if (!written) {
            failure_ = written.error().describe();
            break;
        }
        if (auto r = queue_->put_used((*chain)->head, *written); !r) {
            failure_ = r.error().describe();
            break;
        }
        ++requests_;
        last_chain_ = std::move(*chain);
        served = true;
    }
    if (failure_) {
        // The spec's answer to a broken driver: stop, and say so in Status.
        status_ |= virtio_status::needs_reset;
        interrupt_status_ |= 2;  // "configuration changed": the driver looks at Status
        note("the queue is broken: " + *failure_);
        return;
    }
    if (served) {
        interrupt_status_ |= 1;  // "used buffer notification"
        note("used ring updated; InterruptStatus bit 0 set",
             {{"used index", std::to_string(queue_->used_index())}, {"requests so far", std::to_string(requests_)}},
             true);
    }
}

void VirtioMmio::reset() {
    status_ = 0;
    driver_features_ = 0;
    device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
    pending_ = {};
    queue_.reset();
    interrupt_status_ = 0;
    failure_.reset();
}

}  // namespace strata::kvm
