// Fuzzes exit decoding and dispatch with arbitrary kvm_run pages: any exit
// reason, port, size, count, data offset, MMIO address and length, and a
// page that may be shorter than a real one. The devices of the lessons are
// on the buses (UART, checkpoint, PV console whose ring the input also
// scribbles over, MMIO page, read-only catcher). Nothing may crash, read
// outside the page, or leak.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "backends/kvm/checkpoint_port.hpp"
#include "backends/kvm/exit_dispatch.hpp"
#include "backends/kvm/mmio_devices.hpp"
#include "backends/kvm/pv_console.hpp"
#include "backends/kvm/uart16550.hpp"

using namespace strata;

namespace {

constexpr std::uint64_t kRing = 0x7000;

struct World {
    engine::Recorder recorder;
    kvm::GuestMemory ram = *kvm::GuestMemory::allocate(recorder, 0, 0x10000);
};

World& world() {
    static World w;  // the mmap of guest RAM is made once per process
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    auto& w = world();
    // The first two bytes choose the page size: from 0 to 8 KiB, so pages
    // smaller than struct kvm_run are tried too.
    const std::size_t page_size = (std::size_t{data[0]} << 8 | data[1]) % 8192;
    data += 2;
    size -= 2;
    std::vector<std::uint8_t> page(page_size, 0);
    if (!page.empty() && size > 0) std::memcpy(page.data(), data, std::min(size, page.size()));
    // Whatever is left goes into the PV console's ring header and data.
    if (size > page.size()) {
        const std::size_t rest = std::min<std::size_t>(size - page.size(), 64 + 2048);
        std::memcpy(w.ram.bytes(kRing, rest)->data(), data + page.size(), rest);
    }

    kvm::Devices devices;
    kvm::Uart16550 uart;
    kvm::CheckpointPort checkpoint(devices);
    kvm::PvConsole pv(w.ram, kRing);
    kvm::MmioRegisterPage mmio;
    kvm::ReadOnlyWriteCatcher rom;
    if (!devices.pio.attach(0x3f8, 8, uart) || !devices.pio.attach(0x501, 1, checkpoint) ||
        !devices.pio.attach(0x502, 1, pv) || !devices.mmio.attach(0xa0000, 0x1000, mmio) ||
        !devices.mmio.attach(0xf0000, 0x10000, rom))
        std::abort();

    const auto outcome = kvm::dispatch_exit(page, devices);
    if (outcome.name.empty()) std::abort();
    if (outcome.action == kvm::ExitAction::stop && outcome.problem.empty()) std::abort();
    if (outcome.action == kvm::ExitAction::pause && devices.checkpoint) std::abort();  // taken, not left behind
    if (std::holds_alternative<kvm::MalformedExit>(outcome.exit) && outcome.action != kvm::ExitAction::stop)
        std::abort();
    if (pv.output().size() > kvm::PvConsole::kRingSize) std::abort();
    return 0;
}
