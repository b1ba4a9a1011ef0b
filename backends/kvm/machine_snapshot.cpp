#include "backends/kvm/machine_snapshot.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "backends/kvm/cpuid.hpp"
#include "backends/kvm/linux_kvm.hpp"

namespace strata::kvm {

namespace {

// The VMM copying guest RAM, recorded with the time the copy took.
void note_copy(engine::Recorder& recorder, std::chrono::nanoseconds started, std::string name,
               std::vector<engine::EventArg> args) {
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = std::move(name);
    event.args = std::move(args);
    event.layers = {engine::LayerId::vmm, engine::LayerId::ram};
    event.start = started;
    event.duration = recorder.now() - started;
    recorder.record(std::move(event));
}

bool all_zero(std::span<const std::uint8_t> page) {
    return std::all_of(page.begin(), page.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

Result<VcpuState> capture_vcpu(TinyosVm& machine) {
    if (auto r = complete_pending_exit(machine.vcpu()); !r) return std::unexpected(r.error());
    return save_vcpu(machine.kvm(), machine.vm(), machine.vcpu());
}

Result<MachineState> capture_rest(TinyosVm& machine, VcpuState vcpu, std::uint32_t checkpoint) {
    MachineState state;
    state.workload = machine.workload();
    state.checkpoint = checkpoint;
    state.vcpu = std::move(vcpu);
    auto vm = save_vm(machine.vm());
    if (!vm) return std::unexpected(vm.error());
    state.vm = std::move(*vm);
    // strata's own devices: not KVM's to save.
    state.uart = machine.uart().state();
    state.trace_ring = tinyos::kTraceRing;
    state.trace_consumed = machine.trace().consumed();
    return state;
}

Result<MachineState> capture_state(TinyosVm& machine, std::uint32_t checkpoint) {
    auto vcpu = capture_vcpu(machine);
    if (!vcpu) return std::unexpected(vcpu.error());
    return capture_rest(machine, std::move(*vcpu), checkpoint);
}

MemoryImage capture_memory(engine::Recorder& recorder, const GuestMemory& ram) {
    const auto started = recorder.now();
    MemoryImage image;
    image.guest_base = ram.guest_base();
    image.size = ram.size();
    const auto pages = ram.size() / tinyos::kPageSize;
    for (std::uint64_t p = 0; p < pages; ++p) {
        auto page = ram.bytes(ram.guest_base() + p * tinyos::kPageSize, tinyos::kPageSize);
        if (!page || all_zero(*page)) continue;
        image.pages.push_back(static_cast<std::uint32_t>(p));
        image.data.insert(image.data.end(), page->begin(), page->end());
    }
    note_copy(recorder, started, "VMM copies guest RAM into the snapshot",
         {{"pages stored", std::to_string(image.pages.size())},
          {"pages left out (all zeros)", std::to_string(pages - image.pages.size())}});
    return image;
}

Result<SnapshotOrigin> describe_origin(TinyosVm& machine, const VcpuState& vcpu) {
    auto host = probe_host_cpu(machine.kvm());
    if (!host) return std::unexpected(host.error());
    auto summary = summarize(vcpu);
    if (!summary) return std::unexpected(summary.error());
    SnapshotOrigin o;
    o.strata_version = std::string(strata_version());
    o.cpu = host->cpu;
    o.xsave_size = static_cast<std::uint32_t>(vcpu.xsave.size());
    o.xcr0_supported = host->xcr0_supported;
    o.guest_xcr0 = summary->xcr0;
    // KVM_GET_TSC_KHZ answers in its return value; a host without it gives 0.
    if (auto khz = traced_ioctl(machine.recorder(), machine.vcpu().fd(), KVM_GET_TSC_KHZ, 0ul))
        o.tsc_khz = static_cast<std::uint32_t>(*khz);
    return o;
}

Result<Snapshot> take_snapshot(TinyosVm& machine, std::uint32_t checkpoint) {
    Snapshot snap;
    auto state = capture_state(machine, checkpoint);
    if (!state) return std::unexpected(state.error());
    snap.state = std::move(*state);
    auto origin = describe_origin(machine, snap.state.vcpu);
    if (!origin) return std::unexpected(origin.error());
    snap.origin = std::move(*origin);
    snap.memory = capture_memory(machine.recorder(), machine.ram());
    return snap;
}

Result<void> apply_state(TinyosVm& fresh, const MachineState& state) {
    // The vCPU first, LAPIC included; then the PICs, IOAPIC and PIT, whose
    // interrupts go to that LAPIC; the clock last, just before running.
    if (auto r = restore_vcpu(fresh.vm(), fresh.vcpu(), state.vcpu); !r) return r;
    if (auto r = restore_vm(fresh.vm(), state.vm); !r) return r;
    if (auto r = fresh.uart().set_state(state.uart); !r) return r;
    fresh.trace().resume_from(state.trace_consumed);
    fresh.set_workload(state.workload);
    return {};
}

Result<void> load_memory(engine::Recorder& recorder, GuestMemory& ram, const MemoryImage& memory) {
    if (ram.guest_base() != memory.guest_base || ram.size() != memory.size)
        return engine::plain_error("load memory", fmt::format("the snapshot's RAM is {} bytes at {:#x}; this VM's {} at {:#x}",
                                                              memory.size, memory.guest_base, ram.size(), ram.guest_base()));
    const auto started = recorder.now();
    for (std::size_t i = 0; i < memory.pages.size(); ++i)
        if (auto r = ram.write(memory.guest_base + std::uint64_t{memory.pages[i]} * tinyos::kPageSize, memory.page(i)); !r)
            return r;
    note_copy(recorder, started, "VMM copies the snapshot's pages into the new guest RAM",
         {{"pages", std::to_string(memory.pages.size())}, {"bytes", std::to_string(memory.data.size())}});
    return {};
}

Result<LoadedSnapshot> load_snapshot(engine::Recorder& recorder, const std::filesystem::path& path) {
    auto bytes = read_snapshot_file(recorder, path);
    if (!bytes) return std::unexpected(bytes.error());
    // The file itself first, without /dev/kvm; then whether it belongs here.
    auto decoded = decode_snapshot(*bytes);
    if (!decoded) return std::unexpected(decoded.error().with_context(path.string()));
    auto kvm = Kvm::open(recorder);
    if (!kvm) return std::unexpected(kvm.error());
    auto host = probe_host_cpu(*kvm);
    if (!host) return std::unexpected(host.error());
    auto valid = validate_snapshot(std::move(*decoded), *host);
    if (!valid) return std::unexpected(valid.error().with_context(path.string()));
    return LoadedSnapshot{std::move(*kvm), std::move(*valid)};
}

Result<std::unique_ptr<TinyosVm>> restore_snapshot(Kvm kvm, const ValidSnapshot& valid, Uart16550::Sink console) {
    const auto& snap = valid.snapshot();
    auto machine = TinyosVm::create(std::move(kvm), snap.memory.size, std::move(console));
    if (!machine) return std::unexpected(machine.error());
    if (auto r = load_memory((*machine)->recorder(), (*machine)->ram(), snap.memory); !r) return std::unexpected(r.error());
    if (auto r = apply_state(**machine, snap.state); !r) return std::unexpected(r.error());
    return machine;
}

}  // namespace strata::kvm
