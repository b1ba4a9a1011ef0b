// The PC's legacy devices a booting Linux probes, answered just enough.
//
// Linux on a PC expects more than a serial port: it reads the CMOS clock,
// looks for PCI through the configuration ports, tests the keyboard
// controller (and reboots through it), and pauses on port 0x80. KVM's
// in-kernel PIC and PIT answer their own ports without exiting; these
// ports exit to strata, which answers as an empty machine would: CMOS
// registers read as zero, PCI configuration reads as all ones (no device
// at any address), the i8042 passes its self-test and has nothing behind
// it. Each is its own named device so the lesson can count the exits it
// took.
#pragma once

#include <cstdint>
#include <deque>

#include "backends/kvm/device.hpp"

namespace strata::kvm {

// Ports 0x70 (register index) and 0x71 (data): the MC146818 RTC and CMOS.
class CmosRtc final : public Device {
public:
    static constexpr std::uint16_t kPort = 0x70;
    std::string_view name() const override { return "CMOS/RTC"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;

private:
    std::uint8_t index_ = 0;
};

// Ports 0xcf8-0xcff: PCI configuration mechanism #1, with no PCI bus.
class AbsentPciConfig final : public Device {
public:
    static constexpr std::uint16_t kPort = 0xcf8;
    std::string_view name() const override { return "PCI config (no bus: all ones)"; }
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t, std::span<const std::uint8_t>) override {}
};

// Port 0x80: the POST code port, written only to make the CPU wait.
class PostCodePort final : public Device {
public:
    static constexpr std::uint16_t kPort = 0x80;
    std::string_view name() const override { return "port 0x80 (I/O delay)"; }
    void read(std::uint64_t, std::span<std::uint8_t> data) override;
    void write(std::uint64_t, std::span<const std::uint8_t>) override {}
};

// Ports 0x60 (data) and 0x64 (status/command): the 8042 keyboard
// controller without a keyboard. Its command 0xfe pulses the CPU's reset
// line — how a PC reboots (Linux's reboot=k): the controller asks the run
// loop to pause with kResetCheckpoint, so the VMM learns of it.
class I8042 final : public Device {
public:
    static constexpr std::uint16_t kDataPort = 0x60, kCommandPort = 0x64;
    static constexpr std::uint32_t kResetCheckpoint = 0x8042fe;
    explicit I8042(Devices& devices) : devices_(devices), command_(*this) {}
    std::string_view name() const override { return "i8042 keyboard controller"; }
    // The data port: attach at kDataPort, length 1.
    void read(std::uint64_t offset, std::span<std::uint8_t> data) override;
    void write(std::uint64_t offset, std::span<const std::uint8_t> data) override;
    // The status/command port: attach at kCommandPort, length 1 (port
    // 0x61 between them belongs to the PIT).
    Device& command_port() { return command_; }
    bool reset_requested() const { return reset_; }

private:
    class CommandPort final : public Device {
    public:
        explicit CommandPort(I8042& owner) : owner_(owner) {}
        std::string_view name() const override { return owner_.name(); }
        void read(std::uint64_t, std::span<std::uint8_t> data) override { owner_.read_status(data); }
        void write(std::uint64_t, std::span<const std::uint8_t> data) override { owner_.command(data); }

    private:
        I8042& owner_;
    };
    void read_status(std::span<std::uint8_t> data);
    void command(std::span<const std::uint8_t> data);
    Devices& devices_;
    std::deque<std::uint8_t> output_;
    std::uint8_t control_ = 0x45;  // keyboard interrupt, system flag, translation
    bool next_is_control_ = false;
    bool reset_ = false;
    CommandPort command_;
};

}  // namespace strata::kvm
