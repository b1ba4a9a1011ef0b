#include "tests/gui/fixture_lesson.hpp"

#include <cerrno>

namespace strata::tests {

namespace {

using engine::EventKind;
using engine::LayerId;

void record(engine::Context& ctx, EventKind kind, const char* name, std::vector<LayerId> layers, int error = 0,
            const char* detail = "") {
    engine::TraceEvent e;
    e.kind = kind;
    e.name = name;
    e.layers = std::move(layers);
    e.error = error;
    e.result = error ? -1 : 0;
    e.detail = detail;
    e.args = {{"flags", "CLONE_NEWUTS"}};
    ctx.recorder().record(e);
}

}  // namespace

engine::Lesson fixture_lesson() {
    engine::Lesson lesson;
    lesson.id = "test/fixture";
    lesson.title = "Fixture";
    lesson.track = "container";
    lesson.summary = "made-up steps with known events";
    lesson.steps = {
        {"unshare", "Unshare",
         [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
             record(ctx, EventKind::syscall, "unshare(CLONE_NEWUTS)", {LayerId::runtime, LayerId::namespaces});
             ctx.facts().set_registers({"vCPU 0", {{"rip", 0x1000}, {"rax", 1}, {"cr0", 0x10}}});
             return engine::StepOutcome{"unshared"};
         },
         {LayerId::runtime, LayerId::namespaces}},
        {"run-guest", "Run the guest",
         [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
             record(ctx, EventKind::ioctl, "ioctl(KVM_RUN)", {LayerId::vmm, LayerId::kvm});
             record(ctx, EventKind::vm_entry, "vm entry", {LayerId::kvm, LayerId::cpu_virt, LayerId::guest_program});
             record(ctx, EventKind::vm_exit, "exit: IO out port 0x3f8",
                    {LayerId::guest_program, LayerId::cpu_virt, LayerId::kvm, LayerId::vmm});
             ctx.facts().set_registers({"vCPU 0", {{"rip", 0x1002}, {"rax", 0x48}, {"cr0", 0x10}}});
             // mov al, 'H'; out 0xf8? no: mov dx,0x3f8; out dx,al; hlt
             ctx.facts().memory.push_back({"guest code", 0x1000, 0x7f0000001000,
                                           {0xb0, 0x48, 0xba, 0xf8, 0x03, 0xee, 0xf4}});
             ctx.facts().set_table({"namespaces: host vs container", {"ns", "host", "container"},
                                    {{"uts", "4026531838", "4026532200"}, {"pid", "4026531836", "4026531836"}},
                                    {true, false}});
             ctx.facts().series.push_back({"counter", "s", "n", {{0, 1}, {1, 3}, {2, 2}}});
             ctx.console_write("H");
             return engine::StepOutcome{"guest ran"};
         },
         {LayerId::vmm, LayerId::kvm, LayerId::cpu_virt, LayerId::guest_program}},
        {"declared-only", "Declared but not touched",
         [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
             record(ctx, EventKind::process, "clone()", {LayerId::processes});
             return engine::StepOutcome{"cloned"};
         },
         {LayerId::mounts, LayerId::processes}},
        {"fails", "Fails",
         [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
             record(ctx, EventKind::syscall, "mount(\"proc\")", {LayerId::runtime, LayerId::mounts}, EPERM,
                    "mounting needs CAP_SYS_ADMIN in the mount namespace's user namespace");
             return engine::errno_error("mount proc", EPERM, "not allowed", "run as root or in a user namespace");
         },
         {LayerId::runtime, LayerId::mounts}},
    };
    return lesson;
}

const engine::Catalogue& fixture_catalogue() {
    static const engine::Catalogue catalogue({fixture_lesson()});
    return catalogue;
}

engine::Snapshot fixture_snapshot(int steps) {
    static const engine::Lesson& lesson = fixture_catalogue().lessons().front();
    engine::Session session(lesson);
    for (int i = 0; i < steps; ++i) (void)session.step();
    return session.snapshot();
}

}  // namespace strata::tests
