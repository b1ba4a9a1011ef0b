// Uart16550: the serial port every PC has had since 1987, as a device model.
//
// Eight byte-wide registers at a port base (COM1: 0x3f8). The guest's
// driver programs the line (divisor latch, LCR), polls the line status
// (LSR) and writes a byte to THR for each character: every one of those
// IN/OUT instructions is a VM exit, which is why a serial console is slow
// in a VM. The model is complete enough that a real 8250/16550 driver
// (Linux's 8250 autoconfig probes scratch, loopback and FIFO) accepts it:
// RBR/THR, IER, IIR/FCR, LCR, MCR (with loopback), LSR, MSR, SCR and the
// divisor latch.
//
// Everything the guest writes is untrusted: any offset and any value are
// accepted and bounded (the receive FIFO holds 16 bytes, the kept output
// is capped, further output is counted and dropped from memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/kvm/device.hpp"
#include "engine/error.hpp"
#include "engine/recorder.hpp"

namespace strata::kvm {

class Uart16550 final : public Device {
public:
    // Register offsets from the base port (DLAB: LCR bit 7).
    enum Register : std::uint8_t { rbr_thr_dll = 0, ier_dlm = 1, iir_fcr = 2, lcr = 3, mcr = 4, lsr = 5, msr = 6, scr = 7 };
    static constexpr std::size_t kFifoSize = 16;
    static constexpr std::size_t kKeptOutput = 64 * 1024;

    using Sink = std::function<void(std::string_view)>;
    // `recorder` (may be null: unit tests, fuzzing) gets a guest-output
    // event per transmitted byte; `sink` (may be empty) gets the byte.
    explicit Uart16550(engine::Recorder* recorder = nullptr, Sink sink = {});

    std::string_view name() const override { return "16550 UART"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

    // Bytes arriving on the line (the host typing): into the receive FIFO.
    // Returns how many were accepted; the rest overran (LSR.OE).
    std::size_t receive(std::string_view bytes);

    // One register, as the guest sees it (reads may have side effects:
    // RBR pops the FIFO, IIR acknowledges THRE, LSR clears overrun).
    std::uint8_t read_register(std::uint8_t reg);
    void write_register(std::uint8_t reg, std::uint8_t value);

    // Whether the UART asserts its interrupt line (IIR says an interrupt is
    // pending and MCR.OUT2 gates it onto the bus, as on a PC).
    bool interrupt_asserted() const;
    // What IIR would read now, without acknowledging anything.
    std::uint8_t peek_iir() const;

    // What the guest's driver programmed and what is in flight: everything
    // a snapshot must carry for the guest to go on with the same UART.
    struct State {
        std::uint8_t ier = 0, fcr = 0, lcr = 0, mcr = 0, scr = 0, dll = 0, dlm = 0, msr_delta = 0;
        bool overrun = false, thre_pending = true;
        std::vector<std::uint8_t> rx;  // the receive FIFO, at most kFifoSize bytes
    };
    State state() const;
    // Refuses a state no 16550 can be in (a FIFO fuller than it is, bits a
    // register does not have), leaving the UART as it was.
    engine::Result<void> set_state(const State& state);
    static engine::Result<void> check_state(const State& state);

    const std::string& output() const { return output_; }  // the first kKeptOutput bytes sent
    std::uint64_t bytes_sent() const { return bytes_sent_; }
    std::uint16_t divisor() const { return static_cast<std::uint16_t>(dll_ | (dlm_ << 8)); }
    std::uint8_t line_control() const { return lcr_; }
    // Baud rate the guest programmed (1.8432 MHz clock / 16 / divisor); 0 if unset.
    std::uint32_t baud() const { return divisor() ? 115200u / divisor() : 0u; }
    // "115200 8N1"
    std::string line_settings() const;

private:
    void transmit(std::uint8_t byte);
    bool dlab() const { return lcr_ & 0x80; }
    bool loopback() const { return mcr_ & 0x10; }
    bool fifo_enabled() const { return fcr_ & 0x01; }
    std::size_t fifo_capacity() const { return fifo_enabled() ? kFifoSize : 1; }
    std::uint8_t modem_status_lines() const;

    engine::Recorder* recorder_;
    Sink sink_;
    std::deque<std::uint8_t> rx_;
    std::uint8_t ier_ = 0, fcr_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0;
    std::uint8_t msr_delta_ = 0;    // MSR bits 0-3: lines changed since the last MSR read
    bool overrun_ = false;          // LSR.OE, cleared by reading LSR
    bool thre_pending_ = true;      // the THR-empty interrupt, until IIR is read or THR written
    std::string output_;
    std::uint64_t bytes_sent_ = 0;
};

}  // namespace strata::kvm
