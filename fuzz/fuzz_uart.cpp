// Fuzzes the 16550 UART with arbitrary register sequences, as a hostile
// guest's driver would send them: every op is (kind, offset, value), with
// wide and out-of-range accesses included. The model must never crash,
// never grow without bound, and keep the invariants a driver relies on.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "backends/kvm/uart16550.hpp"

using strata::kvm::Uart16550;

namespace {
void require(bool ok) {
    if (!ok) std::abort();  // a broken invariant is a finding, like a crash
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::uint64_t sink_bytes = 0;
    Uart16550 uart(nullptr, [&sink_bytes](std::string_view s) { sink_bytes += s.size(); });
    for (std::size_t i = 0; i + 3 <= size; i += 3) {
        const std::uint8_t kind = data[i], offset = data[i + 1], value = data[i + 2];
        std::uint8_t wide[4] = {value, static_cast<std::uint8_t>(value ^ 0x5a), offset, kind};
        switch (kind % 6) {
            case 0: uart.write_register(offset % 8, value); break;
            case 1: (void)uart.read_register(offset % 8); break;
            case 2: uart.write(offset, std::span<const std::uint8_t>(wide, 1 + value % 4)); break;
            case 3: uart.read(offset, std::span<std::uint8_t>(wide, 1 + value % 4)); break;
            case 4: {
                // Offsets near the top of the 64-bit range must not wrap into registers.
                const std::uint64_t far = ~std::uint64_t{0} - (offset % 8);
                uart.write(far, std::span<const std::uint8_t>(wide, 4));
                uart.read(far, std::span<std::uint8_t>(wide, 4));
                require(wide[3] == 0xff);
                break;
            }
            case 5: {
                const char text[3] = {static_cast<char>(offset), static_cast<char>(value), 'x'};
                require(uart.receive(std::string_view(text, 1 + value % 3)) <= 3);
                break;
            }
        }
        const std::uint8_t iir = uart.peek_iir();
        const std::uint8_t source = iir & 0x0f;
        require(source == 0x01 || source == 0x00 || source == 0x02 || source == 0x04 || source == 0x06);
        require((iir & 0x30) == 0);
        require(uart.output().size() <= Uart16550::kKeptOutput);
        require(uart.output().size() <= uart.bytes_sent());
    }
    require(sink_bytes == uart.bytes_sent());
    return 0;
}
