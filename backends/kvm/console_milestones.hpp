// ConsoleMilestones: a booting Linux's own messages, turned into events.
//
// strata cannot see inside the guest kernel, but the kernel says what it
// is doing on its console. The watcher reads the serial output line by
// line; a line that starts a known milestone ("Linux version", "Run /init
// as init process", strata's /init markers) is recorded as a guest event on
// the timeline, and the one the lesson waits for asks the run loop to
// pause (Devices::checkpoint), so each step ends where Linux says it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/kvm/device.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

enum class Milestone : std::uint32_t {
    kernel_version = 0x4c01,  // "Linux version ..."
    initramfs_unpacked,       // "Freeing initrd memory"
    run_init,                 // "Run /init as init process"
    init_running,             // /init's first marker
    guest_uname,              // /init printed `uname -r`
    shell_offered,            // /init is about to start a shell (--shell)
    power_off,                // /init is about to reboot -f
    virtio_ready,             // vm/virtio: the driver is bound, /dev/vda exists
    disk_read,                // vm/virtio: /init read sector 0
    disk_written,             // vm/virtio: /init wrote sector 1 and synced
    virtio_failed,            // vm/virtio: a module or the disk is missing
    kernel_panic,             // "Kernel panic"
};
std::string_view milestone_name(Milestone m);

class ConsoleMilestones {
public:
    ConsoleMilestones(engine::Recorder* recorder, Devices& devices) : recorder_(recorder), devices_(devices) {}
    // The bytes the UART sent, in order.
    void feed(std::string_view bytes);
    // Pause the run at the next `m` (once).
    void stop_at(Milestone m) { stop_at_ = m; }

    struct Seen {
        Milestone milestone;
        std::string line;
        std::uint64_t at_byte;  // console bytes up to the end of its line
    };
    const std::vector<Seen>& seen() const { return seen_; }
    const Seen* find(Milestone m) const;
    std::uint64_t lines() const { return lines_; }

private:
    void line_done();
    engine::Recorder* recorder_;
    Devices& devices_;
    std::string line_;
    std::vector<Seen> seen_;
    std::uint64_t bytes_ = 0, lines_ = 0;
    std::optional<Milestone> stop_at_;
};

}  // namespace strata::kvm
