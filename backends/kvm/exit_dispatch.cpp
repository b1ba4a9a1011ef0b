#include "backends/kvm/exit_dispatch.hpp"

#include <cstring>

#include <fmt/format.h>

namespace strata::kvm {

using engine::LayerId;

namespace {

std::string hex_bytes(std::span<const std::uint8_t> bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size() && i < 16; ++i) out += fmt::format("{}{:02x}", i ? " " : "", bytes[i]);
    if (bytes.size() > 16) out += fmt::format(" … ({} bytes)", bytes.size());
    return out;
}

std::string printable(std::span<const std::uint8_t> bytes) {
    std::string out;
    for (std::uint8_t b : bytes) {
        if (b == '\n') out += "\\n";
        else if (b >= 0x20 && b < 0x7f) out += static_cast<char>(b);
        else out += fmt::format("\\x{:02x}", b);
    }
    return out;
}

void handle_io(const IoExit& io, std::span<std::uint8_t> page, Devices& devices, ExitOutcome& out) {
    // decode_exit has checked that the data lies within the page.
    auto data = page.subspan(io.data_offset, std::size_t{io.size} * io.count);
    const auto hit = devices.pio.find(io.port);
    out.args.push_back({"port", fmt::format("{:#x}", io.port)});
    out.args.push_back({"direction", io.out ? "out" : "in"});
    out.args.push_back({"size", std::to_string(io.size)});
    if (io.count > 1) out.args.push_back({"count", std::to_string(io.count)});
    out.args.push_back({"device", hit.device ? std::string(hit.device->name()) : "none (unclaimed port)"});
    for (std::uint32_t i = 0; i < io.count; ++i) {
        auto element = data.subspan(std::size_t{i} * io.size, io.size);
        if (io.out) {
            if (hit.device) hit.device->write(hit.offset, element);
        } else if (hit.device) {
            hit.device->read(hit.offset, element);
        } else {
            // Like an ISA bus with nothing on it: reads float high.
            std::memset(element.data(), 0xff, element.size());
        }
    }
    out.args.push_back({"data", hex_bytes(data)});
    if (io.out && io.size == 1) out.args.push_back({"text", printable(data)});
}

void handle_mmio(MmioExit& mmio, std::span<std::uint8_t> page, Devices& devices, ExitOutcome& out) {
    const auto hit = devices.mmio.find(mmio.address);
    std::span<std::uint8_t> data(mmio.data, mmio.length);
    out.args.push_back({"address", fmt::format("{:#x}", mmio.address)});
    out.args.push_back({"length", std::to_string(mmio.length)});
    out.args.push_back({"device", hit.device ? std::string(hit.device->name()) : "none (unmapped)"});
    if (mmio.write) {
        if (hit.device) hit.device->write(hit.offset, data);
    } else {
        if (hit.device) hit.device->read(hit.offset, data);
        else std::memset(data.data(), 0xff, data.size());
        // KVM picks the value up from kvm_run.mmio.data on the next entry.
        // Its offset within struct kvm_run is fixed by the ABI: write the
        // bytes back through the same decoding the exit came from.
        std::size_t data_offset = mmio_data_offset();
        if (page.size() >= data_offset + 8) std::memcpy(page.data() + data_offset, mmio.data, 8);
    }
    out.args.push_back({"data", hex_bytes(data)});
}

// A device asked for a pause while handling this exit.
void take_checkpoint(Devices& devices, ExitOutcome& out) {
    if (!devices.checkpoint) return;
    out.action = ExitAction::pause;
    out.checkpoint = *devices.checkpoint;
    devices.checkpoint.reset();
    out.args.push_back({"checkpoint", std::to_string(out.checkpoint)});
}

}  // namespace

ExitOutcome dispatch_exit(std::span<std::uint8_t> run_page, Devices& devices) {
    ExitOutcome out;
    out.exit = decode_exit(run_page);
    out.name = "exit: " + describe_exit(out.exit);
    out.layers = {LayerId::guest_program, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm};

    if (auto* io = std::get_if<IoExit>(&out.exit)) {
        out.layers = {LayerId::guest_program, LayerId::guest_devices, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm};
        handle_io(*io, run_page, devices, out);
        take_checkpoint(devices, out);
    } else if (auto* mmio = std::get_if<MmioExit>(&out.exit)) {
        out.layers = {LayerId::guest_program, LayerId::guest_devices, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm};
        handle_mmio(*mmio, run_page, devices, out);
        take_checkpoint(devices, out);
    } else if (std::holds_alternative<HltExit>(out.exit)) {
        out.action = ExitAction::halt;
    } else if (std::holds_alternative<InterruptedExit>(out.exit) || std::holds_alternative<IrqWindowExit>(out.exit)) {
        out.action = ExitAction::resume;
    } else if (std::holds_alternative<ShutdownExit>(out.exit)) {
        out.action = ExitAction::stop;
        out.problem = "the guest triple-faulted: an exception occurred while delivering a double fault "
                      "(usually no usable IDT or a broken stack), and the virtual CPU shut down";
    } else if (auto* fail = std::get_if<FailEntryExit>(&out.exit)) {
        out.action = ExitAction::stop;
        out.problem = fmt::format("the CPU refused to enter the guest (hardware reason {:#x}): the vCPU's "
                                  "state is invalid for its mode",
                                  fail->hardware_reason);
    } else if (auto* internal = std::get_if<InternalErrorExit>(&out.exit)) {
        out.action = ExitAction::stop;
        out.problem = internal_error_name(internal->suberror);
        out.args.push_back({"suberror", std::to_string(internal->suberror)});
    } else if (auto* debug = std::get_if<DebugExit>(&out.exit)) {
        // Debug exits belong to lessons that asked for them (single step,
        // breakpoints); the run loop stops so the lesson can look.
        out.action = ExitAction::stop;
        out.problem = fmt::format("debug exit at {:#x}", debug->pc);
        out.args.push_back({"pc", fmt::format("{:#x}", debug->pc)});
        out.args.push_back({"exception", debug->exception == 1 ? "#DB (1)" : debug->exception == 3 ? "#BP (3)"
                                                                        : std::to_string(debug->exception)});
        out.args.push_back({"dr6", fmt::format("{:#x}", debug->dr6)});
    } else if (auto* event = std::get_if<SystemEventExit>(&out.exit)) {
        out.action = ExitAction::stop;
        out.problem = fmt::format("the guest asked for a system event (type {})", event->type);
    } else if (auto* malformed = std::get_if<MalformedExit>(&out.exit)) {
        out.action = ExitAction::stop;
        out.problem = malformed->why;
    } else {
        out.action = ExitAction::stop;
        out.problem = describe_exit(out.exit) + ": strata's VMM does not handle this exit";
    }
    return out;
}

}  // namespace strata::kvm
