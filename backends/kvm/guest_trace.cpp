#include "backends/kvm/guest_trace.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

namespace {

constexpr std::array<const char*, 7> kSyscalls = {"write", "getpid", "uname", "yield", "sleep", "exit", "mark"};
constexpr std::array<const char*, 7> kSetupSteps = {"kernel entered",     "own GDT and TSS loaded",
                                                    "own IDT loaded",     "syscall MSRs written",
                                                    "own page tables (CR3)", "PIC and PIT programmed",
                                                    "UART initialised"};

std::uint32_t load32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

}  // namespace

GuestTrace::GuestTrace(GuestMemory& memory, std::uint64_t ring_gpa, engine::Recorder* recorder)
    : memory_(memory), ring_gpa_(ring_gpa), recorder_(recorder) {}

void GuestTrace::read(std::uint64_t, std::span<std::uint8_t> data) { std::fill(data.begin(), data.end(), 0); }

void GuestTrace::write(std::uint64_t, std::span<const std::uint8_t>) {
    ++doorbells_;
    drain();
}

void GuestTrace::refuse(std::string why) {
    ++malformed_;
    last_problem_ = std::move(why);
}

void GuestTrace::drain() {
    auto ring = memory_.bytes(ring_gpa_, kRecordsOffset + kCapacity * 16);
    if (!ring) return refuse("the trace ring is not in guest RAM");
    std::uint8_t* base = ring->data();
    if (load32(base) != kMagic) return refuse("the trace ring has no magic number");
    const std::uint32_t produced = load32(base + 4);  // read once: the guest may change it under us
    const std::uint32_t available = produced - consumed_;
    if (available > kCapacity) {
        refuse(fmt::format("the guest claims {} unread records in a ring of {}; resynchronised", available, kCapacity));
    } else {
        for (std::uint32_t i = 0; i < available; ++i) {
            const std::uint8_t* r = base + kRecordsOffset + ((consumed_ + i) % kCapacity) * 16;
            GuestRecord record{static_cast<GuestEventKind>(r[0]), r[1], load32(r + 4), 0};
            std::memcpy(&record.b, r + 8, 8);
            const bool known_kind = r[0] >= 1 && r[0] <= 8;
            if (!known_kind || (record.kind == GuestEventKind::boot && record.a >= kSetupSteps.size())) {
                refuse(fmt::format("record kind {} with a={} is not one tinyos sends", r[0], record.a));
                continue;
            }
            ++by_kind_[r[0]];
            if (record.kind == GuestEventKind::mark) last_mark_ = record;
            if (record.kind == GuestEventKind::syscall) {
                ++by_syscall_[syscall_number(record)];
                if (syscall_via_fault(record)) ++syscalls_via_fault_;
            }
            if (records_.size() < kMaxRecorded) {
                records_.push_back(record);
                record_event(record);
            }
        }
    }
    consumed_ = produced;
    std::memcpy(base + 8, &consumed_, 4);  // tell the guest the space is free again
}

std::uint64_t GuestTrace::count(GuestEventKind kind) const {
    const auto k = static_cast<std::size_t>(kind);
    return k < by_kind_.size() ? by_kind_[k] : 0;
}

std::uint64_t GuestTrace::syscalls(std::uint32_t number) const {
    auto it = by_syscall_.find(number);
    return it == by_syscall_.end() ? 0 : it->second;
}

std::string GuestTrace::syscall_name(std::uint32_t number) {
    return number < kSyscalls.size() ? kSyscalls[number] : fmt::format("#{}", number);
}

std::string GuestTrace::describe(const GuestRecord& r) {
    switch (r.kind) {
        case GuestEventKind::boot: return fmt::format("guest kernel: {}", kSetupSteps[r.a]);
        case GuestEventKind::syscall: return fmt::format("guest syscall: {}", syscall_name(syscall_number(r)));
        case GuestEventKind::page_fault: return "guest page fault";
        case GuestEventKind::context_switch: return "guest context switch";
        case GuestEventKind::exit: return "guest process exited";
        case GuestEventKind::kill: return "guest process killed";
        case GuestEventKind::start: return "guest process started";
        case GuestEventKind::mark: return "guest program mark";
    }
    return "guest event";
}

void GuestTrace::record_event(const GuestRecord& r) {
    if (!recorder_) return;
    using engine::LayerId;
    engine::TraceEvent event;
    event.kind = engine::EventKind::guest_event;
    event.name = describe(r);
    event.args = {{"pid", std::to_string(r.pid)}};
    // What a user program caused runs from it into the guest kernel; the
    // rest is the guest kernel's own business.
    event.layers = {LayerId::guest_kernel};
    switch (r.kind) {
        case GuestEventKind::syscall:
            event.args.push_back({"number", std::to_string(syscall_number(r))});
            event.args.push_back({"first argument", fmt::format("{:#x}", r.b)});
            event.args.push_back({"entered", syscall_via_fault(r) ? "in ring 3, finished by tinyos's page-fault handler"
                                                                  : "ring 0 at LSTAR"});
            event.layers = {LayerId::guest_program, LayerId::guest_kernel};
            break;
        case GuestEventKind::page_fault:
            event.args.push_back({"address (CR2)", fmt::format("{:#x}", r.b)});
            event.args.push_back({"error code", fmt::format("{:#x}{}", r.a, (r.a & 1) ? " (protection)" : " (not present)")});
            event.layers = {LayerId::guest_program, LayerId::guest_kernel};
            break;
        case GuestEventKind::context_switch: event.args.push_back({"from pid", std::to_string(r.a)}); break;
        case GuestEventKind::exit: event.args.push_back({"exit code", std::to_string(static_cast<std::int32_t>(r.a))}); break;
        case GuestEventKind::kill:
            event.args.push_back({"exception vector", std::to_string(r.a)});
            event.args.push_back({"rip", fmt::format("{:#x}", r.b)});
            event.layers = {LayerId::guest_program, LayerId::guest_kernel};
            break;
        case GuestEventKind::start: event.args.push_back({"program", std::to_string(r.a)}); break;
        case GuestEventKind::mark:
            event.args.push_back({"mark", fmt::format("{:#x}", r.a)});
            event.args.push_back({"shared data pages written",
                                  mark_pages(r) ? fmt::format("{}-{} ({} pages)", mark_first_page(r),
                                                              mark_first_page(r) + mark_pages(r) - 1, mark_pages(r))
                                                : std::string("none")});
            event.layers = {LayerId::guest_program, LayerId::guest_kernel};
            break;
        case GuestEventKind::boot: break;
    }
    event.start = recorder_->now();
    recorder_->record(std::move(event));
}

}  // namespace strata::kvm
