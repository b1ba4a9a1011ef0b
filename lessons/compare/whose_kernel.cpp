// compare/whose-kernel: the same question, uname, asked by a container and
// by a program inside a VM — in the same step, so both paths light at once.
// The container's uname(2) goes straight into the host kernel, which
// answers from the container's UTS namespace: the host's release comes
// back. The guest's uname is a syscall into tinyos, which answers for
// itself; only its console output reaches the host, as exits to the VMM.
#include <fmt/format.h>

#include "backends/linux/host_uname.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/whose-kernel";

struct State final : engine::LessonState {
    std::optional<linux::Agent> box;
    std::unique_ptr<kvm::TinyosVm> vm;
    linux::Uname container_answer;
    std::string guest_answer;
    std::uint64_t guest_exits = 0, guest_bytes = 0;
    std::uint64_t guest_syscalls = 0;
};

Result<StepOutcome> start_container(Context& ctx, State& s) {
    auto box = STRATA_TRY(start_full_container(ctx));
    s.box.emplace(std::move(box));
    return StepOutcome{fmt::format("a container: pid {} on the host, PID 1 inside, with every namespace and the "
                                   "busybox image as its root; no kernel of its own",
                                   s.box->pid())};
}

Result<StepOutcome> boot_vm(Context& ctx, State& s) {
    auto vm = STRATA_TRY(boot_tinyos(ctx));
    s.vm = std::move(vm);
    // Its first programs, so that the next step is the uname program alone.
    for (auto phase : {kvm::tinyos::programs_done, kvm::tinyos::echo_done, kvm::tinyos::touch_done})
        STRATA_TRY(run_tinyos(ctx, *s.vm, phase));
    return StepOutcome{fmt::format("a VM running tinyos, its own kernel: booted and ran its first programs ({} "
                                   "syscalls, all handled inside the guest)",
                                   s.vm->trace().count(kvm::GuestEventKind::syscall))};
}

Result<StepOutcome> ask_both(Context& ctx, State& s) {
    // The container's process calls uname(2): the host kernel answers.
    auto reply = STRATA_TRY(s.box->uname({LayerId::container, LayerId::namespaces}));
    s.container_answer = linux::parse_uname(reply.out);
    // The guest's program calls uname in tinyos; tinyos prints the answer.
    const auto from_event = ctx.recorder().size();
    const auto from_byte = s.vm->uart().output().size();
    const auto syscalls_before = s.vm->trace().count(kvm::GuestEventKind::syscall);
    STRATA_TRY(run_tinyos(ctx, *s.vm, kvm::tinyos::uname_done));
    s.guest_answer = guest_uname_line(*s.vm, from_byte);
    if (s.guest_answer.empty()) return engine::plain_error(kId, "the guest's uname program printed no answer");
    s.guest_syscalls = s.vm->trace().count(kvm::GuestEventKind::syscall) - syscalls_before;
    s.guest_bytes = s.vm->uart().output().size() - from_byte;
    const auto exits = exits_by_device(ctx, from_event);
    const std::string uart(s.vm->uart().name());
    s.guest_exits = exits.count(uart) ? exits.at(uart) : 0;
    ctx.console_write(fmt::format("container$ uname -srn\n{} {} {}\n", s.container_answer.sysname,
                                  s.container_answer.release, s.container_answer.nodename));
    ctx.facts().set_value("container's uname", fmt::format("{} {}", s.container_answer.sysname, s.container_answer.release));
    ctx.facts().set_value("guest's uname", s.guest_answer);
    ctx.facts().set_value("guest syscalls to ask it", std::to_string(s.guest_syscalls));
    ctx.facts().set_value("exits to the VMM to print it (COM1)", std::to_string(s.guest_exits));
    return StepOutcome{fmt::format("the container got \"{} {}\" from one uname(2) into the host kernel, no VM exit; "
                                   "the guest got \"{}\" from tinyos, and printing it took {} exits to the VMM, to "
                                   "strata's COM1 model",
                                   s.container_answer.sysname, s.container_answer.release, s.guest_answer,
                                   s.guest_exits)};
}

Result<StepOutcome> whose_answer(Context& ctx, State& s) {
    auto host = STRATA_TRY(linux::host_uname(ctx.recorder(), {LayerId::runtime, LayerId::namespaces}));
    const bool container_is_host = s.container_answer.release == host.release && s.container_answer.sysname == host.sysname;
    const bool guest_is_host = s.guest_answer.find(host.release) != std::string::npos;
    engine::TableView table{"uname: who answers",
                            {"asked by", "answer", "answered by", "how the answer got out"},
                            {{"strata itself (host)", host.sysname + " " + host.release, "the host kernel", "uname(2) returns"},
                             {"the container's PID 1", s.container_answer.sysname + " " + s.container_answer.release,
                              "the host kernel (same release)", "uname(2) returns: no exit, no VMM"},
                             {"a program in the VM", s.guest_answer, "tinyos, the guest's kernel",
                              fmt::format("{} bytes on COM1: {} exits to the VMM, each handled by strata's COM1 model", s.guest_bytes,
                                          s.guest_exits)}},
                            {false, container_is_host, !guest_is_host}};
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value("host's uname", host.sysname + " " + host.release);
    ctx.facts().set_value("container's release is the host's", container_is_host ? "yes" : "no");
    ctx.facts().set_value("guest's answer mentions the host's release", guest_is_host ? "yes" : "no");
    if (!container_is_host)
        return engine::plain_error(kId, "the container's uname differs from the host's: it should be the same kernel");
    return StepOutcome{fmt::format("the host says {} {}: the container's answer is the host's own (one kernel); the "
                                   "VM's is tinyos's (a second kernel, which the host never consulted)",
                                   host.sysname, host.release)};
}

}  // namespace

engine::Lesson whose_kernel_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::userns};
    const std::vector<L> vm = {L::vmm,           L::kvm,          L::ram,          L::cpu_virt,
                               L::guest_program, L::guest_kernel, L::guest_devices};
    lesson.step("container", "Start a container", {L::runtime, L::processes, L::namespaces, L::security, L::mounts},
                start_container);
    lesson.step("vm", "Boot a VM with its own kernel", vm, boot_vm)
        .provides("the container and the VM", [](const State& s) { return s.box && s.vm; });
    lesson
        .step("ask-both", "uname, asked by both at once",
              {L::container, L::namespaces, L::vmm, L::kvm, L::cpu_virt, L::guest_program, L::guest_kernel,
               L::guest_devices},
              ask_both)
        .provides("both answers", [](const State& s) { return !s.guest_answer.empty(); });
    lesson.step("whose-answer", "Whose answer is it?", {L::runtime, L::namespaces}, whose_answer);
    return lesson.build();
}

}  // namespace strata::lessons::compare
