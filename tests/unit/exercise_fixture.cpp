#include "tests/unit/exercise_fixture.hpp"

#include <cerrno>
#include <cstdlib>

namespace strata::tests {

namespace {

using engine::EventKind;
using engine::LayerId;

struct State final : engine::LessonState {
    int budget = 32;
};

void record(engine::Context& ctx, EventKind kind, std::string name, std::vector<engine::EventArg> args = {},
            int error = 0) {
    engine::TraceEvent e;
    e.kind = kind;
    e.name = std::move(name);
    e.args = std::move(args);
    e.error = error;
    e.layers = {LayerId::vmm, LayerId::kvm};
    ctx.recorder().record(std::move(e));
}

}  // namespace

const engine::Lesson& exercise_fixture_lesson() {
    static const engine::Lesson lesson = [] {
        engine::Lesson l;
        l.id = "test/exercises";
        l.title = "Exercise fixture";
        l.track = "vm";
        l.options = {{"budget", "how many exits the guest may make", {}, "32",
                      [](const std::string& v) -> std::optional<std::string> {
                          if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return "a whole number";
                          return std::nullopt;
                      }},
                     {"colour", "a fixed choice", {"red", "blue"}}};
        l.make_state = [](const engine::LessonOptions& options) {
            auto s = std::make_unique<State>();
            s->budget = std::atoi(options.at("budget").c_str());
            return s;
        };
        l.steps = {
            {"boot", "Boot",
             [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
                 record(ctx, EventKind::ioctl, "ioctl(KVM_CREATE_VM)");
                 return engine::StepOutcome{"booted"};
             },
             {LayerId::vmm, LayerId::kvm}},
            {"run", "Run",
             [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
                 for (int i = 0; i < 2; ++i) {
                     record(ctx, EventKind::vm_entry, "ioctl(KVM_RUN)");
                     record(ctx, EventKind::vm_exit, "exit: IO out port 0x3f8", {{"port", "0x3f8"}, {"text", i ? "i" : "H"}});
                 }
                 const bool enough = ctx.state<State>().budget >= 10;
                 record(ctx, EventKind::vm_exit, enough ? "exit: HLT" : "exit: SHUTDOWN (triple fault)");
                 ctx.console_write("Hi\n");
                 ctx.facts().set_value("VM exits", "3");
                 ctx.facts().set_value("budget used", std::to_string(ctx.state<State>().budget) + " MiB");
                 return engine::StepOutcome{"ran"};
             },
             {LayerId::vmm, LayerId::kvm}},
            {"mount", "Mount",
             [](engine::Context& ctx) -> engine::Result<engine::StepOutcome> {
                 record(ctx, EventKind::syscall, "mount(proc, /proc)", {}, EPERM);
                 return engine::errno_error("mount proc", EPERM, "not allowed");
             },
             {LayerId::vmm, LayerId::kvm}},
        };
        return l;
    }();
    return lesson;
}

}  // namespace strata::tests
