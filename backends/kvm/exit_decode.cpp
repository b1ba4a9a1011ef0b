#include "backends/kvm/exit_decode.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
// Spelled out for compilers without aggregate CTAD (clang < 17, which the
// fuzz build uses).
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::string exit_reason_name(std::uint32_t reason) {
    switch (reason) {
        case KVM_EXIT_UNKNOWN: return "KVM_EXIT_UNKNOWN";
        case KVM_EXIT_EXCEPTION: return "KVM_EXIT_EXCEPTION";
        case KVM_EXIT_IO: return "KVM_EXIT_IO";
        case KVM_EXIT_HYPERCALL: return "KVM_EXIT_HYPERCALL";
        case KVM_EXIT_DEBUG: return "KVM_EXIT_DEBUG";
        case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
        case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
        case KVM_EXIT_IRQ_WINDOW_OPEN: return "KVM_EXIT_IRQ_WINDOW_OPEN";
        case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN";
        case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY";
        case KVM_EXIT_INTR: return "KVM_EXIT_INTR";
        case KVM_EXIT_SET_TPR: return "KVM_EXIT_SET_TPR";
        case KVM_EXIT_TPR_ACCESS: return "KVM_EXIT_TPR_ACCESS";
        case KVM_EXIT_NMI: return "KVM_EXIT_NMI";
        case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
        case KVM_EXIT_OSI: return "KVM_EXIT_OSI";
        case KVM_EXIT_PAPR_HCALL: return "KVM_EXIT_PAPR_HCALL";
        case KVM_EXIT_WATCHDOG: return "KVM_EXIT_WATCHDOG";
        case KVM_EXIT_EPR: return "KVM_EXIT_EPR";
        case KVM_EXIT_SYSTEM_EVENT: return "KVM_EXIT_SYSTEM_EVENT";
        case KVM_EXIT_IOAPIC_EOI: return "KVM_EXIT_IOAPIC_EOI";
        case KVM_EXIT_HYPERV: return "KVM_EXIT_HYPERV";
        case KVM_EXIT_X86_RDMSR: return "KVM_EXIT_X86_RDMSR";
        case KVM_EXIT_X86_WRMSR: return "KVM_EXIT_X86_WRMSR";
        case KVM_EXIT_DIRTY_RING_FULL: return "KVM_EXIT_DIRTY_RING_FULL";
        case KVM_EXIT_X86_BUS_LOCK: return "KVM_EXIT_X86_BUS_LOCK";
        default: return fmt::format("KVM_EXIT_{}", reason);
    }
}

std::string internal_error_name(std::uint32_t suberror) {
    switch (suberror) {
        case KVM_INTERNAL_ERROR_EMULATION:
            return "KVM could not emulate a guest instruction (often: the guest jumped into garbage)";
        case KVM_INTERNAL_ERROR_SIMUL_EX:
            return "an exception happened while delivering another one";
        case KVM_INTERNAL_ERROR_DELIVERY_EV:
            return "an exit happened while delivering an event to the guest";
        default:
            return fmt::format("internal error {}", suberror);
    }
}

std::size_t mmio_data_offset() { return offsetof(kvm_run, mmio.data); }

ExitInfo decode_exit(std::span<const std::uint8_t> page) {
    if (page.size() < sizeof(kvm_run))
        return MalformedExit{fmt::format("kvm_run page of {} bytes is smaller than struct kvm_run ({})",
                                         page.size(), sizeof(kvm_run))};
    // Copy out: the page is shared with KVM and must not be read twice.
    kvm_run run;
    std::memcpy(&run, page.data(), sizeof run);

    switch (run.exit_reason) {
        case KVM_EXIT_IO: {
            IoExit io{run.io.direction == KVM_EXIT_IO_OUT, run.io.port, run.io.size, run.io.count,
                      run.io.data_offset};
            if (io.size != 1 && io.size != 2 && io.size != 4)
                return MalformedExit{fmt::format("I/O exit with element size {}", io.size)};
            if (io.count == 0) return MalformedExit{"I/O exit with count 0"};
            // Overflow-safe bounds check of the data within the page.
            const std::uint64_t bytes = std::uint64_t{io.size} * io.count;
            if (io.data_offset > page.size() || bytes > page.size() - io.data_offset)
                return MalformedExit{fmt::format("I/O data [{:#x}, +{}) lies outside the {} byte kvm_run page",
                                                 io.data_offset, bytes, page.size())};
            return io;
        }
        case KVM_EXIT_MMIO: {
            MmioExit mmio;
            mmio.address = run.mmio.phys_addr;
            mmio.length = run.mmio.len;
            mmio.write = run.mmio.is_write != 0;
            if (mmio.length == 0 || mmio.length > 8)
                return MalformedExit{fmt::format("MMIO exit of length {}", mmio.length)};
            std::memcpy(mmio.data, run.mmio.data, sizeof mmio.data);
            return mmio;
        }
        case KVM_EXIT_HLT: return HltExit{};
        case KVM_EXIT_SHUTDOWN: return ShutdownExit{};
        case KVM_EXIT_FAIL_ENTRY:
            return FailEntryExit{run.fail_entry.hardware_entry_failure_reason, run.fail_entry.cpu};
        case KVM_EXIT_INTERNAL_ERROR: {
            InternalErrorExit e{run.internal.suberror, {}};
            const std::uint32_t n = std::min<std::uint32_t>(run.internal.ndata, 16);
            e.data.assign(run.internal.data, run.internal.data + n);
            return e;
        }
        case KVM_EXIT_DEBUG:
            return DebugExit{run.debug.arch.exception, run.debug.arch.pc, run.debug.arch.dr6, run.debug.arch.dr7};
        case KVM_EXIT_SYSTEM_EVENT: return SystemEventExit{run.system_event.type};
        case KVM_EXIT_INTR: return InterruptedExit{};
        case KVM_EXIT_IRQ_WINDOW_OPEN: return IrqWindowExit{};
        case KVM_EXIT_HYPERCALL: return HypercallExit{run.hypercall.nr};
        case KVM_EXIT_UNKNOWN: return UnknownExit{run.exit_reason, run.hw.hardware_exit_reason};
        default: return UnknownExit{run.exit_reason, 0};
    }
}

std::string describe_exit(const ExitInfo& exit) {
    return std::visit(
        Overloaded{
            [](const IoExit& e) {
                std::string text = fmt::format("IO {} port {:#x}", e.out ? "out" : "in", e.port);
                if (e.size != 1) text += fmt::format(" ({} bytes)", e.size);
                if (e.count > 1) text += fmt::format(" x{}", e.count);
                return text;
            },
            [](const MmioExit& e) {
                return fmt::format("MMIO {} {:#x} ({} bytes)", e.write ? "write" : "read", e.address, e.length);
            },
            [](const HltExit&) { return std::string("HLT"); },
            [](const ShutdownExit&) { return std::string("SHUTDOWN (triple fault)"); },
            [](const FailEntryExit& e) {
                return fmt::format("FAIL_ENTRY (hardware reason {:#x})", e.hardware_reason);
            },
            [](const InternalErrorExit& e) { return "INTERNAL_ERROR: " + internal_error_name(e.suberror); },
            [](const DebugExit& e) { return fmt::format("DEBUG at {:#x}", e.pc); },
            [](const SystemEventExit& e) { return fmt::format("SYSTEM_EVENT type {}", e.type); },
            [](const InterruptedExit&) { return std::string("INTR (interrupted by a signal)"); },
            [](const IrqWindowExit&) { return std::string("IRQ_WINDOW_OPEN"); },
            [](const HypercallExit& e) { return fmt::format("HYPERCALL {}", e.nr); },
            [](const UnknownExit& e) { return "unknown exit " + exit_reason_name(e.reason); },
            [](const MalformedExit& e) { return "malformed exit: " + e.why; },
        },
        exit);
}

}  // namespace strata::kvm
