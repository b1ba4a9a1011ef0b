// The 16550 UART model, register by register, as a real 8250 driver
// exercises it. No /dev/kvm needed.
#include <catch2/catch.hpp>

#include <string>

#include "backends/kvm/uart16550.hpp"

using strata::kvm::Uart16550;

namespace {
constexpr std::uint8_t THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
}

TEST_CASE("The UART transmits what the guest writes to THR, and LSR always says it can take more", "[unit][uart]") {
    std::string sink;
    Uart16550 uart(nullptr, [&sink](std::string_view s) { sink += s; });
    CHECK((uart.read_register(LSR) & 0x60) == 0x60);  // THRE | TEMT
    for (char c : std::string("hi\n")) uart.write_register(THR, static_cast<std::uint8_t>(c));
    CHECK(uart.output() == "hi\n");
    CHECK(sink == "hi\n");
    CHECK(uart.bytes_sent() == 3);
}

TEST_CASE("The divisor latch and line control are programmed as a driver does", "[unit][uart]") {
    Uart16550 uart;
    uart.write_register(LCR, 0x80);  // DLAB
    uart.write_register(0, 0x0c);    // DLL: 9600 baud
    uart.write_register(1, 0x00);    // DLM
    uart.write_register(LCR, 0x03);  // 8N1, DLAB off
    CHECK(uart.divisor() == 12);
    CHECK(uart.baud() == 9600);
    CHECK(uart.line_settings() == "9600 8N1");
    SECTION("with DLAB off, offsets 0 and 1 are THR and IER again") {
        uart.write_register(0, 'x');
        CHECK(uart.output() == "x");
        CHECK(uart.divisor() == 12);
        uart.write_register(IER, 0xff);
        CHECK(uart.read_register(IER) == 0x0f);  // only four IER bits exist
    }
    SECTION("parity and stop bits are decoded") {
        uart.write_register(LCR, 0x1f);  // 8 bits, even parity, 2 stop
        CHECK(uart.line_settings() == "9600 8E2");
    }
}

TEST_CASE("The scratch register keeps what was written (a driver's first probe)", "[unit][uart]") {
    Uart16550 uart;
    for (int v : {0x00, 0x55, 0xaa, 0xff}) {
        uart.write_register(SCR, static_cast<std::uint8_t>(v));
        CHECK(uart.read_register(SCR) == v);
    }
}

TEST_CASE("Loopback mode wires modem outputs to inputs and THR to RBR", "[unit][uart]") {
    Uart16550 uart;
    // Linux's 8250 autoconfig: MCR = LOOP | OUT2 | RTS, expect MSR & 0xf0 == 0x90.
    uart.write_register(MCR, 0x1a);
    CHECK((uart.read_register(MSR) & 0xf0) == 0x90);
    uart.write_register(THR, 'Z');
    CHECK(uart.output().empty());  // nothing on the line
    CHECK((uart.read_register(LSR) & 0x01) == 0x01);
    CHECK(uart.read_register(0) == 'Z');
    CHECK((uart.read_register(LSR) & 0x01) == 0);
    uart.write_register(MCR, 0x00);
    CHECK((uart.read_register(MSR) & 0xf0) == 0xb0);  // CTS DSR DCD: a terminal attached
}

TEST_CASE("IIR reports interrupts by priority and reading it acknowledges THR empty", "[unit][uart]") {
    Uart16550 uart;
    CHECK(uart.read_register(IIR) == 0x01);  // none pending
    uart.write_register(FCR, 0x07);          // FIFOs on
    CHECK((uart.read_register(IIR) & 0xc0) == 0xc0);

    uart.write_register(IER, 0x02);          // THR empty interrupt
    CHECK((uart.peek_iir() & 0x0f) == 0x02);
    CHECK_FALSE(uart.interrupt_asserted());  // OUT2 gates the line on a PC
    uart.write_register(MCR, 0x08);
    CHECK(uart.interrupt_asserted());
    CHECK((uart.read_register(IIR) & 0x0f) == 0x02);
    CHECK((uart.read_register(IIR) & 0x0f) == 0x01);  // acknowledged by the read
    uart.write_register(THR, 'a');                     // sent at once: empty again
    CHECK((uart.peek_iir() & 0x0f) == 0x02);

    uart.write_register(IER, 0x03);  // + received data
    uart.receive("k");
    CHECK((uart.peek_iir() & 0x0f) == 0x04);  // receive beats THR empty
    CHECK(uart.read_register(0) == 'k');
}

TEST_CASE("The receive FIFO is bounded and an overrun is reported once in LSR", "[unit][uart]") {
    Uart16550 uart;
    uart.write_register(FCR, 0x01);
    CHECK(uart.receive(std::string(40, 'x')) == Uart16550::kFifoSize);
    CHECK((uart.read_register(LSR) & 0x02) == 0x02);
    CHECK((uart.read_register(LSR) & 0x02) == 0);
    SECTION("without FIFOs it holds one byte") {
        uart.write_register(FCR, 0x00);
        CHECK(uart.receive("ab") == 1);
    }
    SECTION("FCR bit 1 clears it") {
        uart.write_register(FCR, 0x03);
        CHECK((uart.read_register(LSR) & 0x01) == 0);
    }
}

TEST_CASE("Any offset and access width from the guest is accepted", "[unit][uart]") {
    Uart16550 uart;
    std::uint8_t wide[4] = {1, 2, 3, 4};
    uart.write(6, wide);  // MSR (read-only), SCR = 2, then past the end
    CHECK(uart.read_register(SCR) == 2);
    std::uint8_t out[4] = {};
    uart.read(~std::uint64_t{0} - 1, out);  // would overflow: floats high
    CHECK(out[0] == 0xff);
    CHECK(out[3] == 0xff);
    uart.read(100, out);
    CHECK(out[1] == 0xff);
}

TEST_CASE("A flood of output is counted but only the first 64 KiB are kept", "[unit][uart]") {
    Uart16550 uart;
    for (std::size_t i = 0; i < Uart16550::kKeptOutput + 1000; ++i) uart.write_register(THR, 'f');
    CHECK(uart.output().size() == Uart16550::kKeptOutput);
    CHECK(uart.bytes_sent() == Uart16550::kKeptOutput + 1000);
}
