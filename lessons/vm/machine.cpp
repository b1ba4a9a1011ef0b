#include "lessons/vm/machine.hpp"

#include <fmt/format.h>

#include "engine/lesson_builder.hpp"  // missing_provision, STRATA_TRY

namespace strata::lessons::vm {

std::map<std::string, std::uint64_t> exits_by_device(engine::Context& ctx, std::size_t from) {
    std::map<std::string, std::uint64_t> out;
    const auto events = ctx.recorder().events();
    for (std::size_t i = from; i < events.size(); ++i) {
        if (events[i].kind != engine::EventKind::vm_exit) continue;
        std::string device = "(no device: " + events[i].name + ")";
        for (const auto& a : events[i].args)
            if (a.name == "device") device = a.value;
        ++out[device];
    }
    return out;
}

void set_exit_facts(engine::Context& ctx, const std::string& label, const kvm::RunReport& report) {
    const std::string prefix = label.empty() ? "" : label + ": ";
    auto& facts = ctx.facts();
    facts.set_value(prefix + "exits to the VMM", std::to_string(report.exits));
    for (const auto& [kind, count] : report.exits_by_kind) facts.set_value(prefix + "exits " + kind, std::to_string(count));
    if (!report.kvm) {
        // Facts the exercises name still exist, saying why they hold no number.
        facts.set_value(prefix + "KVM's exit counters",
                        "not available here (" + report.kvm_missing + "): only the returns of KVM_RUN are counted");
        facts.set_value(prefix + "VM exits (KVM's count)", "not counted on this machine");
        facts.set_value(prefix + "VM exits KVM handled itself", "not counted on this machine");
        return;
    }
    facts.set_value(prefix + "VM exits (KVM's count)", std::to_string(report.kvm->vm_exits()));
    facts.set_value(prefix + "VM exits KVM handled itself", std::to_string(report.kvm->kept_in_kvm()));
    for (const auto& [stat, delta] : report.kvm->counters)
        if (stat != "exits") facts.set_value(prefix + "KVM's " + stat, std::to_string(delta));
}

std::string exit_summary(const kvm::RunReport& report) {
    std::string text = fmt::format("KVM_RUN returned {} time{}", report.exits, report.exits == 1 ? "" : "s");
    if (!report.kvm) return text + " (KVM keeps no exit counters here)";
    return text + fmt::format("; KVM counted {} VM exit{}, {} of them handled in the kernel", report.kvm->vm_exits(),
                              report.kvm->vm_exits() == 1 ? "" : "s", report.kvm->kept_in_kvm());
}

engine::Result<void> Machine::open(engine::Context& ctx) {
    auto k = STRATA_TRY(kvm::Kvm::open(ctx.recorder()));
    kvm.emplace(std::move(k));
    auto version = STRATA_TRY(kvm->api_version());
    if (version != 12)
        return engine::plain_error("KVM_GET_API_VERSION",
                                   fmt::format("KVM answered API version {}, strata speaks version 12", version));
    auto v = STRATA_TRY(kvm->create_vm());
    vm.emplace(std::move(v));
    return {};
}

engine::Result<kvm::GuestMemory*> Machine::add_memory(engine::Context& ctx, std::uint32_t slot,
                                                      std::uint64_t guest_base, std::size_t size,
                                                      std::uint32_t flags) {
    if (!vm) return std::unexpected(engine::missing_provision("machine", "the VM"));
    auto m = STRATA_TRY(kvm::GuestMemory::allocate(ctx.recorder(), guest_base, size));
    memory.push_back(std::move(m));
    if (auto r = vm->map_memory(slot, memory.back(), flags); !r) {
        memory.pop_back();
        return std::unexpected(r.error());
    }
    return &memory.back();
}

engine::Result<void> Machine::create_vcpu() {
    if (!vm) return std::unexpected(engine::missing_provision("machine", "the VM"));
    auto c = STRATA_TRY(vm->create_vcpu(0));
    vcpu.emplace(std::move(c));
    return {};
}

engine::Result<kvm::CapabilityCheck> Machine::check(kvm::Capability capability) {
    if (!kvm) return std::unexpected(engine::missing_provision("machine", "/dev/kvm"));
    return kvm::check_capability(*kvm, capability);
}

engine::Result<kvm::RunReport> Machine::run(engine::Context& ctx, const std::string& label, kvm::RunLimits limits,
                                            std::function<void()> hook) {
    if (!vcpu) return std::unexpected(engine::missing_provision("machine", "the vCPU"));
    kvm::VcpuRunner runner(*vcpu, devices);
    if (hook) runner.set_before_entry(std::move(hook));
    ctx.set_canceller([&runner] { runner.kick(); });
    auto report = runner.run(limits);
    ctx.set_canceller(nullptr);
    if (!report) return std::unexpected(report.error());
    set_exit_facts(ctx, label, *report);
    if (report->registers) ctx.facts().set_registers(kvm::register_view("vCPU 0", *report->registers));
    return report;
}

kvm::GuestMemory* Machine::ram_for(std::uint64_t gpa) {
    for (auto& m : memory)
        if (m.contains(gpa, 1)) return &m;
    return nullptr;
}

engine::Result<void> expect_stop(const kvm::RunReport& report, std::uint32_t checkpoint) {
    if (checkpoint == 0 && report.stop == kvm::RunStop::halted) return {};
    if (checkpoint != 0 && report.stop == kvm::RunStop::paused && report.checkpoint == checkpoint) return {};
    const std::string wanted = checkpoint ? fmt::format("checkpoint {}", checkpoint) : std::string("HLT");
    return engine::plain_error("KVM_RUN", fmt::format("the guest should have reached {}, but: {}: {}", wanted,
                                                      kvm::run_stop_name(report.stop), report.description));
}

}  // namespace strata::lessons::vm
