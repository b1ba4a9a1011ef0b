#include "backends/kvm/uart16550.hpp"

#include <fmt/format.h>

namespace strata::kvm {

namespace {
// LSR bits.
constexpr std::uint8_t kLsrDataReady = 0x01, kLsrOverrun = 0x02, kLsrThrEmpty = 0x20, kLsrTxEmpty = 0x40;
// IER bits.
constexpr std::uint8_t kIerRxData = 0x01, kIerThrEmpty = 0x02, kIerLineStatus = 0x04, kIerModem = 0x08;
// IIR values (bits 3-1: source; bit 0 set: none pending).
constexpr std::uint8_t kIirNone = 0x01, kIirModem = 0x00, kIirThrEmpty = 0x02, kIirRxData = 0x04,
                       kIirLineStatus = 0x06;
// MSR status bits: CTS, DSR, RI, DCD.
constexpr std::uint8_t kMsrCts = 0x10, kMsrDsr = 0x20, kMsrRi = 0x40, kMsrDcd = 0x80;
}  // namespace

Uart16550::Uart16550(engine::Recorder* recorder, Sink sink) : recorder_(recorder), sink_(std::move(sink)) {}

void Uart16550::read(std::uint64_t offset, std::span<std::uint8_t> data) {
    // A wider IN at the base reads consecutive registers, as the ISA bus
    // splits it into byte cycles; bytes beyond the eight registers float.
    for (std::size_t i = 0; i < data.size(); ++i) {
        const std::uint64_t reg = offset + i;
        data[i] = reg < 8 && reg >= offset ? read_register(static_cast<std::uint8_t>(reg)) : 0xff;
    }
}

void Uart16550::write(std::uint64_t offset, std::span<const std::uint8_t> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        const std::uint64_t reg = offset + i;
        if (reg < 8 && reg >= offset) write_register(static_cast<std::uint8_t>(reg), data[i]);
    }
}

std::uint8_t Uart16550::modem_status_lines() const {
    if (!loopback()) return kMsrCts | kMsrDsr | kMsrDcd;  // a cable with a terminal on it
    // Loopback wires the modem outputs back to the inputs: DTR->DSR,
    // RTS->CTS, OUT1->RI, OUT2->DCD. Drivers probe this to find a real UART.
    std::uint8_t lines = 0;
    if (mcr_ & 0x01) lines |= kMsrDsr;
    if (mcr_ & 0x02) lines |= kMsrCts;
    if (mcr_ & 0x04) lines |= kMsrRi;
    if (mcr_ & 0x08) lines |= kMsrDcd;
    return lines;
}

std::uint8_t Uart16550::peek_iir() const {
    std::uint8_t source = kIirNone;
    if ((ier_ & kIerLineStatus) && overrun_) source = kIirLineStatus;
    else if ((ier_ & kIerRxData) && !rx_.empty()) source = kIirRxData;
    else if ((ier_ & kIerThrEmpty) && thre_pending_) source = kIirThrEmpty;
    else if ((ier_ & kIerModem) && msr_delta_) source = kIirModem;
    return static_cast<std::uint8_t>(source | (fifo_enabled() ? 0xc0 : 0x00));
}

bool Uart16550::interrupt_asserted() const { return (peek_iir() & kIirNone) == 0 && (mcr_ & 0x08); }

std::uint8_t Uart16550::read_register(std::uint8_t reg) {
    switch (reg) {
        case rbr_thr_dll: {
            if (dlab()) return dll_;
            if (rx_.empty()) return 0;
            const std::uint8_t byte = rx_.front();
            rx_.pop_front();
            return byte;
        }
        case ier_dlm: return dlab() ? dlm_ : ier_;
        case iir_fcr: {
            const std::uint8_t iir = peek_iir();
            // Reading IIR acknowledges a THR-empty interrupt it reports.
            if ((iir & 0x0f) == kIirThrEmpty) thre_pending_ = false;
            return iir;
        }
        case lcr: return lcr_;
        case mcr: return mcr_;
        case lsr: {
            // Transmission is instant: THR and the shift register are always empty.
            std::uint8_t value = kLsrThrEmpty | kLsrTxEmpty;
            if (!rx_.empty()) value |= kLsrDataReady;
            if (overrun_) value |= kLsrOverrun;
            overrun_ = false;
            return value;
        }
        case msr: {
            const std::uint8_t value = static_cast<std::uint8_t>(modem_status_lines() | msr_delta_);
            msr_delta_ = 0;
            return value;
        }
        case scr: return scr_;
        default: return 0xff;
    }
}

void Uart16550::write_register(std::uint8_t reg, std::uint8_t value) {
    switch (reg) {
        case rbr_thr_dll:
            if (dlab()) dll_ = value;
            else transmit(value);
            break;
        case ier_dlm:
            if (dlab()) {
                dlm_ = value;
            } else {
                // Enabling the THR-empty interrupt while THR is empty raises it
                // at once: drivers rely on this to start transmitting.
                if ((value & kIerThrEmpty) && !(ier_ & kIerThrEmpty)) thre_pending_ = true;
                ier_ = value & 0x0f;
            }
            break;
        case iir_fcr:
            fcr_ = value & 0xc9;  // enable, DMA mode, trigger level; reset bits self-clear
            if (value & 0x02) rx_.clear();
            if (!fifo_enabled()) rx_.clear();  // toggling the FIFO resets it
            break;
        case lcr: lcr_ = value; break;
        case mcr: {
            const std::uint8_t before = modem_status_lines();
            mcr_ = value & 0x1f;
            const std::uint8_t after = modem_status_lines();
            // Delta bits: DCTS, DDSR, TERI (RI went low), DDCD.
            const std::uint8_t changed = before ^ after;
            if (changed & kMsrCts) msr_delta_ |= 0x01;
            if (changed & kMsrDsr) msr_delta_ |= 0x02;
            if ((before & kMsrRi) && !(after & kMsrRi)) msr_delta_ |= 0x04;
            if (changed & kMsrDcd) msr_delta_ |= 0x08;
            break;
        }
        case lsr: break;  // factory test register: writes ignored
        case msr: break;  // read-only
        case scr: scr_ = value; break;
        default: break;
    }
}

std::size_t Uart16550::receive(std::string_view bytes) {
    std::size_t accepted = 0;
    for (char c : bytes) {
        if (rx_.size() >= fifo_capacity()) {
            overrun_ = true;
            continue;
        }
        rx_.push_back(static_cast<std::uint8_t>(c));
        ++accepted;
    }
    return accepted;
}

void Uart16550::transmit(std::uint8_t byte) {
    thre_pending_ = true;  // sent at once: THR is empty again
    if (loopback()) {
        // In loopback the byte goes to our own receiver, not to the line.
        receive(std::string_view(reinterpret_cast<const char*>(&byte), 1));
        return;
    }
    ++bytes_sent_;
    if (output_.size() < kKeptOutput) output_.push_back(static_cast<char>(byte));
    const char c = static_cast<char>(byte);
    if (recorder_) {
        engine::TraceEvent event;
        event.kind = engine::EventKind::guest_output;
        event.name = "UART output";
        event.args = {{"text", c == '\n' ? std::string("\\n")
                               : (byte >= 0x20 && byte < 0x7f) ? std::string(1, c)
                                                               : fmt::format("\\x{:02x}", byte)}};
        event.layers = {engine::LayerId::guest_devices, engine::LayerId::vmm};
        event.start = recorder_->now();
        recorder_->record(std::move(event));
    }
    if (sink_) sink_(std::string_view(&c, 1));
}

Uart16550::State Uart16550::state() const {
    State s{ier_, fcr_, lcr_, mcr_, scr_, dll_, dlm_, msr_delta_, overrun_, thre_pending_, {rx_.begin(), rx_.end()}};
    return s;
}

engine::Result<void> Uart16550::check_state(const State& s) {
    // The bits each register keeps (write_register masks the same way).
    if (s.rx.size() > kFifoSize || (s.ier & ~0x0f) || (s.fcr & ~0xc9) || (s.mcr & ~0x1f) || (s.msr_delta & ~0x0f))
        return engine::plain_error("16550 UART state",
                                   fmt::format("no 16550 holds this: {} bytes in a {} byte FIFO, IER {:#x}, FCR {:#x}, "
                                               "MCR {:#x}, MSR changes {:#x}",
                                               s.rx.size(), kFifoSize, s.ier, s.fcr, s.mcr, s.msr_delta));
    return {};
}

engine::Result<void> Uart16550::set_state(const State& s) {
    if (auto ok = check_state(s); !ok) return ok;
    ier_ = s.ier, fcr_ = s.fcr, lcr_ = s.lcr, mcr_ = s.mcr, scr_ = s.scr, dll_ = s.dll, dlm_ = s.dlm;
    msr_delta_ = s.msr_delta;
    overrun_ = s.overrun;
    thre_pending_ = s.thre_pending;
    rx_.assign(s.rx.begin(), s.rx.end());
    return {};
}

std::string Uart16550::line_settings() const {
    static constexpr char kParity[] = {'N', 'O', 'N', 'E', 'N', 'M', 'N', 'S'};
    const int data_bits = 5 + (lcr_ & 0x03);
    const char parity = kParity[(lcr_ >> 3) & 0x07];
    const int stop_bits = (lcr_ & 0x04) ? 2 : 1;
    return fmt::format("{} {}{}{}", baud(), data_bits, parity, stop_bits);
}

}  // namespace strata::kvm
