#include "backends/kvm/console_milestones.hpp"

#include <optional>

#include "backends/kvm/initramfs.hpp"

namespace strata::kvm {

namespace {

struct Pattern {
    Milestone milestone;
    std::string_view text;
};
constexpr Pattern kPatterns[] = {
    {Milestone::kernel_version, "Linux version "},
    {Milestone::initramfs_unpacked, "Freeing initrd memory"},
    {Milestone::run_init, "Run /init as init process"},
    {Milestone::init_running, kInitMarker},
    {Milestone::guest_uname, kGuestUnameMarker},
    {Milestone::shell_offered, kShellMarker},
    {Milestone::power_off, kPowerOffMarker},
    {Milestone::virtio_ready, kVirtioReadyMarker},
    {Milestone::disk_read, kDiskReadMarker},
    {Milestone::disk_written, kDiskWrittenMarker},
    {Milestone::virtio_failed, kVirtioFailedMarker},
    {Milestone::kernel_panic, "Kernel panic"},
};
constexpr std::size_t kLongestLine = 4096;  // a guest printing without newlines stays bounded

}  // namespace

std::string_view milestone_name(Milestone m) {
    switch (m) {
        case Milestone::kernel_version: return "the kernel's version line (it is running)";
        case Milestone::initramfs_unpacked: return "the initramfs unpacked";
        case Milestone::run_init: return "the kernel starts /init";
        case Milestone::init_running: return "/init runs (the first user space)";
        case Milestone::guest_uname: return "the guest's uname -r";
        case Milestone::shell_offered: return "/init starts a shell";
        case Milestone::power_off: return "/init powers off";
        case Milestone::virtio_ready: return "the virtio disk is there (/dev/vda)";
        case Milestone::disk_read: return "/init read sector 0 of the disk";
        case Milestone::disk_written: return "/init wrote sector 1 and synced";
        case Milestone::virtio_failed: return "the virtio disk failed";
        case Milestone::kernel_panic: return "kernel panic";
    }
    return "";
}

const ConsoleMilestones::Seen* ConsoleMilestones::find(Milestone m) const {
    for (const auto& s : seen_)
        if (s.milestone == m) return &s;
    return nullptr;
}

void ConsoleMilestones::feed(std::string_view bytes) {
    for (char c : bytes) {
        ++bytes_;
        if (c == '\n') {
            line_done();
        } else if (c != '\r' && line_.size() < kLongestLine) {
            line_ += c;
        }
    }
}

void ConsoleMilestones::line_done() {
    ++lines_;
    for (const auto& p : kPatterns) {
        const auto at = line_.find(p.text);
        if (at == std::string::npos) continue;
        // Kernel lines start with "[    0.000000] "; markers with themselves.
        std::string text = line_;
        if (const auto close = text.find("] "); !text.empty() && text[0] == '[' && close != std::string::npos)
            text = text.substr(close + 2);
        seen_.push_back({p.milestone, text, bytes_});
        if (recorder_) {
            engine::TraceEvent event;
            event.kind = engine::EventKind::guest_event;
            event.name = "Linux: " + std::string(milestone_name(p.milestone));
            event.args = {{"console line", text}};
            event.layers = {engine::LayerId::guest_kernel};
            if (p.milestone >= Milestone::init_running && p.milestone <= Milestone::power_off)
                event.layers.push_back(engine::LayerId::guest_program);
            event.start = recorder_->now();
            recorder_->record(std::move(event));
        }
        if (stop_at_ && *stop_at_ == p.milestone) {
            devices_.checkpoint = static_cast<std::uint32_t>(p.milestone);
            stop_at_.reset();
        }
        break;
    }
    line_.clear();
}

}  // namespace strata::kvm
