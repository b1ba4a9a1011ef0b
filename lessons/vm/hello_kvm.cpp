// vm/hello-kvm: a virtual machine from nothing, with the real KVM API.
//
// Open /dev/kvm, create a VM, give it memory with our code in it, create a
// vCPU, set its registers to real mode, and run it until it halts. Every
// call below goes through backends/kvm, which records it. The machine is
// kvm::HelloVm, one stage a step: the benchmarks build the same one.
#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/kvm/console_port.hpp"
#include "backends/kvm/hello_vm.hpp"
#include "backends/kvm/vcpu_runner.hpp"
#include "engine/assembler.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/vm/machine.hpp"

namespace strata::lessons::vm {

namespace {

using engine::Context;
using engine::LayerId;
using engine::Result;
using engine::StepOutcome;

constexpr std::uint16_t kConsolePort = 0x3f8;  // where PCs put COM1

struct HelloState final : engine::LessonState {
    std::span<const std::uint8_t> image;
    std::string image_name;
    // guest=custom: the learner's program, assembled (or why it could not be).
    std::vector<std::uint8_t> custom_code;
    std::string custom_problem;
    // Built a stage a step; released before the devices it runs with.
    kvm::HelloVm machine;
    kvm::Devices devices;
    std::unique_ptr<kvm::ConsolePort> console;
};

std::span<const std::uint8_t> guest_named(const std::string& name) {
    if (name == "loop") return guests::loop();
    if (name == "triple-fault") return guests::triple_fault();
    return guests::hello();
}

Result<StepOutcome> open_kvm(Context& ctx, HelloState& s) {
    STRATA_TRY(s.machine.open(ctx.recorder()));
    auto version = STRATA_TRY(s.machine.kvm->api_version());
    ctx.facts().set_value("KVM API version", std::to_string(version));
    if (version != 12)
        return engine::plain_error("KVM_GET_API_VERSION",
                                   fmt::format("KVM answered API version {}, strata speaks version 12", version));
    return StepOutcome{fmt::format("/dev/kvm is open; KVM API version {}", version)};
}

Result<StepOutcome> create_vm(Context&, HelloState& s) {
    STRATA_TRY(s.machine.create_vm());
    return StepOutcome{fmt::format("KVM made an empty VM: fd {}, no memory, no vCPU yet", s.machine.vm->fd())};
}

Result<StepOutcome> give_memory(Context& ctx, HelloState& s) {
    if (!s.custom_problem.empty())
        return engine::plain_error("guest=custom", s.custom_problem, "write the program with --set program=...");
    STRATA_TRY(s.machine.give_memory(s.image, guests::real_mode_load_address));

    auto& memory = *s.machine.memory;
    auto code = memory.bytes(guests::real_mode_load_address, s.image.size());
    ctx.facts().memory.push_back(engine::MemoryView{"guest code (" + s.image_name + ")",
                                                    guests::real_mode_load_address,
                                                    *memory.host_address(guests::real_mode_load_address),
                                                    {code->begin(), code->end()},
                                                    engine::MemoryKind::code});
    return StepOutcome{fmt::format("{} KiB of host memory at {:#x} is now guest-physical 0x0; the {} byte "
                                   "program sits at guest-physical {:#x}",
                                   kvm::HelloVm::ram_size / 1024, memory.host_base(), s.image.size(),
                                   guests::real_mode_load_address)};
}

Result<StepOutcome> create_vcpu(Context& ctx, HelloState& s) {
    STRATA_TRY(s.machine.create_vcpu());
    auto& vcpu = *s.machine.vcpu;
    ctx.facts().set_value("kvm_run size", std::to_string(vcpu.run_page().size()));
    return StepOutcome{fmt::format("vCPU 0 exists (fd {}); its kvm_run area ({} bytes) is mapped into strata",
                                   vcpu.fd(), vcpu.run_page().size())};
}

Result<StepOutcome> set_registers(Context& ctx, HelloState& s) {
    STRATA_TRY(s.machine.set_registers(guests::real_mode_load_address));
    auto regs = s.machine.vcpu->get_registers();
    auto sregs = s.machine.vcpu->get_special_registers();
    if (!regs) return std::unexpected(regs.error());
    if (!sregs) return std::unexpected(sregs.error());
    ctx.facts().set_registers(kvm::register_view("vCPU 0", *regs, &*sregs));
    return StepOutcome{fmt::format("real mode: CS=0, IP={:#x}, SP={:#x}, interrupts off", regs->rip, regs->rsp)};
}

Result<StepOutcome> run_guest(Context& ctx, HelloState& s) {
    s.console = std::make_unique<kvm::ConsolePort>(ctx.recorder(), [&ctx](std::string_view text) {
        ctx.console_write(text);
    });
    STRATA_TRY(s.devices.pio.attach(kConsolePort, 1, *s.console));

    kvm::VcpuRunner runner(*s.machine.vcpu, s.devices);
    ctx.set_canceller([&runner] { runner.kick(); });
    auto report = runner.run();
    ctx.set_canceller(nullptr);
    if (!report) return std::unexpected(report.error());

    if (report->registers) ctx.facts().set_registers(kvm::register_view("vCPU 0", *report->registers));
    set_exit_facts(ctx, "", *report);
    if (!report->ok())
        return engine::plain_error("KVM_RUN", fmt::format("{}: {}", kvm::run_stop_name(report->stop), report->description));
    return StepOutcome{fmt::format("the guest printed {:?} and halted: {}", s.console->output(),
                                   exit_summary(*report))};
}

}  // namespace

engine::Lesson hello_kvm_lesson() {
    using L = LayerId;
    engine::LessonBuilder<HelloState> lesson("vm/hello-kvm");
    lesson.requirements = {engine::Requirement::kvm};
    lesson.options = {
        {"guest",
         "which guest program to run (custom: the program option)",
         {"hello", "loop", "triple-fault", "custom"}},
        // Real-mode code the learner writes (AT&T syntax, engine/assembler),
        // run with guest=custom: the "make the guest print your name" exercise.
        {"program",
         "guest code for guest=custom, one instruction per line or ';'",
         {},
         "",
         [](const std::string& text) -> std::optional<std::string> {
             auto assembled = engine::assemble(text, guests::real_mode_load_address, engine::CpuMode::real16);
             if (!assembled) return assembled.error().message;
             if (assembled->bytes.empty()) return "write at least one instruction";
             return std::nullopt;
         }},
    };
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto state = std::make_unique<HelloState>();
        state->image_name = options.at("guest");
        state->image = guest_named(state->image_name);
        if (state->image_name == "custom") {
            auto assembled =
                engine::assemble(options.at("program"), guests::real_mode_load_address, engine::CpuMode::real16);
            if (!assembled)
                state->custom_problem = assembled.error().message;
            else if (assembled->bytes.empty())
                state->custom_problem = "the program is empty";
            else
                state->custom_code = std::move(assembled->bytes);
            state->image = state->custom_code;
        }
        return state;
    };
    lesson.step("open-kvm", "Open /dev/kvm", {L::vmm, L::kvm}, open_kvm).provides("/dev/kvm", [](const HelloState& s) {
        return s.machine.kvm.has_value();
    });
    lesson.step("create-vm", "Create a VM", {L::vmm, L::kvm}, create_vm).provides("the VM", [](const HelloState& s) {
        return s.machine.vm.has_value();
    });
    lesson.step("guest-memory", "Give it memory", {L::vmm, L::kvm, L::ram}, give_memory);
    lesson.step("create-vcpu", "Create a vCPU", {L::vmm, L::kvm, L::cpu_virt}, create_vcpu)
        .provides("the vCPU", [](const HelloState& s) { return s.machine.vcpu.has_value(); });
    lesson.step("set-registers", "Point it at the code", {L::vmm, L::kvm, L::cpu_virt}, set_registers);
    lesson.step("run", "Run it", {L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_devices}, run_guest);
    return lesson.build();
}

}  // namespace strata::lessons::vm
