#include "lessons/vm/precopy.hpp"

#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "backends/kvm/machine_snapshot.hpp"
#include "engine/try.hpp"
#include "lessons/vm/snapshot_checks.hpp"

namespace strata::lessons::vm {

namespace {

using Clock = std::chrono::steady_clock;
namespace tinyos = kvm::tinyos;
constexpr int kMaxRounds = 10;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Copies the pages whose bits are set (all of them when `bitmap` is empty)
// from one RAM to the other: what a VMM would send over the network.
std::uint64_t copy_pages(engine::Recorder& recorder, const kvm::GuestMemory& from, kvm::GuestMemory& to,
                         const std::vector<std::uint64_t>& bitmap, int round) {
    const auto started = recorder.now();
    const std::uint64_t pages = from.size() / tinyos::kPageSize;
    auto* src = static_cast<const std::uint8_t*>(from.host_pointer());
    auto* dst = static_cast<std::uint8_t*>(to.host_pointer());
    std::uint64_t copied = 0;
    for (std::uint64_t p = 0; p < pages; ++p) {
        if (!bitmap.empty() && !(bitmap[p / 64] >> (p % 64) & 1)) continue;
        std::memcpy(dst + p * tinyos::kPageSize, src + p * tinyos::kPageSize, tinyos::kPageSize);
        ++copied;
    }
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = "VMM copies pages to the destination VM";
    event.args = {{"round", std::to_string(round)}, {"pages", std::to_string(copied)},
                  {"bytes", std::to_string(copied * tinyos::kPageSize)}};
    event.layers = {engine::LayerId::vmm, engine::LayerId::ram};
    event.start = started;
    event.duration = recorder.now() - started;
    recorder.record(std::move(event));
    return copied;
}

std::uint64_t pages_differing(const kvm::GuestMemory& a, const kvm::GuestMemory& b) {
    std::uint64_t n = 0;
    auto* pa = static_cast<const std::uint8_t*>(a.host_pointer());
    auto* pb = static_cast<const std::uint8_t*>(b.host_pointer());
    for (std::uint64_t off = 0; off < a.size(); off += tinyos::kPageSize)
        n += std::memcmp(pa + off, pb + off, tinyos::kPageSize) != 0;
    return n;
}

}  // namespace

engine::Result<Migration> migrate_live(kvm::TinyosVm& source, kvm::Kvm destination_kvm, kvm::Uart16550::Sink console,
                                       std::uint64_t threshold) {
    Migration out;
    auto& recorder = source.recorder();
    auto dest = STRATA_TRY(kvm::TinyosVm::create(std::move(destination_kvm), source.ram().size(), std::move(console)));
    out.destination = std::move(dest);

    // Round 0: from this log on, every write counts; then all of RAM.
    STRATA_TRY(source.log_dirty_pages(true));
    STRATA_TRY(source.take_dirty_log());
    auto started = Clock::now();
    PrecopyRound first;
    first.dirtied = source.ram_pages();
    first.copied = copy_pages(recorder, source.ram(), out.destination->ram(), {}, 0);
    first.copy_ms = ms_since(started);
    out.rounds.push_back(first);

    const kvm::RunLimits limits{std::chrono::milliseconds(10000), 200'000};
    for (int round = 1; round <= kMaxRounds; ++round) {
        auto report = STRATA_TRY(source.run(limits));
        if (report.stop != kvm::RunStop::paused || report.checkpoint == tinyos::panic)
            return engine::plain_error("live migration", "the guest stopped during pre-copy: " + report.description);
        const auto paused = Clock::now();
        auto bitmap = STRATA_TRY(source.take_dirty_log());
        const auto dirty = count_dirty(bitmap, tinyos::kDataPhys / tinyos::kPageSize, tinyos::kDataPages);
        PrecopyRound r;
        r.number = round;
        r.guest_ran_to = tinyos::checkpoint_name(report.checkpoint);
        r.dirtied = dirty.data_pages.size() + dirty.other_pages;
        r.data_dirtied = dirty.data_pages.size();
        // Few enough left, or the guest ended its phase, or rounds ran out:
        // stop and copy. Otherwise copy and let it run on.
        r.stop_and_copy = r.dirtied <= threshold || !tinyos::is_mark(report.checkpoint) || round == kMaxRounds;
        r.copied = copy_pages(recorder, source.ram(), out.destination->ram(), bitmap, round);
        r.copy_ms = ms_since(paused);
        if (r.stop_and_copy) {
            auto state = STRATA_TRY(kvm::capture_state(source, report.checkpoint));
            STRATA_TRY(kvm::apply_state(*out.destination, state));
            out.downtime_ms = ms_since(paused);
        }
        out.rounds.push_back(r);
        if (r.stop_and_copy) break;
    }
    for (const auto& r : out.rounds) out.pages_copied += r.copied;
    out.pages_differing = pages_differing(source.ram(), out.destination->ram());
    return out;
}

}  // namespace strata::lessons::vm
