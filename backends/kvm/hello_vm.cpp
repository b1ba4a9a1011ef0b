#include "backends/kvm/hello_vm.hpp"

#include "backends/kvm/real_mode.hpp"

namespace strata::kvm {

namespace {

Result<void> missing(const char* what) {
    return engine::plain_error("hello VM", std::string(what) + " does not exist yet");
}

}  // namespace

Result<void> HelloVm::open(Recorder& recorder) {
    auto opened = Kvm::open(recorder);
    if (!opened) return std::unexpected(opened.error());
    kvm.emplace(std::move(*opened));
    return {};
}

Result<void> HelloVm::create_vm() {
    if (!kvm) return missing("/dev/kvm");
    auto created = kvm->create_vm();
    if (!created) return std::unexpected(created.error());
    vm.emplace(std::move(*created));
    return {};
}

Result<void> HelloVm::give_memory(std::span<const std::uint8_t> program, std::uint16_t load_address) {
    if (!kvm || !vm) return missing("the VM");
    auto ram = GuestMemory::allocate(kvm->recorder(), 0, ram_size);
    if (!ram) return std::unexpected(ram.error());
    memory.emplace(std::move(*ram));
    if (auto r = memory->write(load_address, program); !r) return std::unexpected(r.error());
    return vm->map_memory(0, *memory);
}

Result<void> HelloVm::create_vcpu() {
    if (!vm) return missing("the VM");
    auto created = vm->create_vcpu(0);
    if (!created) return std::unexpected(created.error());
    vcpu.emplace(std::move(*created));
    return {};
}

Result<void> HelloVm::set_registers(std::uint16_t entry) {
    if (!vcpu) return missing("the vCPU");
    return enter_real_mode(*vcpu, entry, stack_top);
}

Result<HelloVm> build_hello_vm(Recorder& recorder, std::span<const std::uint8_t> program, std::uint16_t load_address,
                               HelloVmTimes* times) {
    using Clock = std::chrono::steady_clock;
    HelloVmTimes local;
    HelloVmTimes& t = times ? *times : local;
    HelloVm machine;
    auto at = Clock::now();
    auto lap = [&at](std::chrono::nanoseconds& into) {
        const auto now = Clock::now();
        into = now - at;
        at = now;
    };
    if (auto r = machine.open(recorder); !r) return std::unexpected(r.error());
    lap(t.open);
    if (auto r = machine.create_vm(); !r) return std::unexpected(r.error());
    lap(t.create_vm);
    if (auto r = machine.give_memory(program, load_address); !r) return std::unexpected(r.error());
    lap(t.memory);
    if (auto r = machine.create_vcpu(); !r) return std::unexpected(r.error());
    lap(t.create_vcpu);
    if (auto r = machine.set_registers(load_address); !r) return std::unexpected(r.error());
    lap(t.registers);
    return machine;
}

}  // namespace strata::kvm
