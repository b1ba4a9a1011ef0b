#include "backends/kvm/tinyos.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include "backends/kvm/linux_kvm.hpp"
#include <sys/utsname.h>

namespace strata::kvm::tinyos {

namespace {
constexpr std::uint32_t kBootMagic = 0x534f5954;  // "TYOS", kernel.h BOOT_MAGIC
constexpr std::uint64_t kBootStack = 0x9000;      // only until _start sets its own
}  // namespace

engine::Result<void> load(engine::Recorder& recorder, GuestMemory& ram, std::span<const std::uint8_t> image,
                          Fault fault, const LongModeLayout& layout, Workload workload) {
    if (workload == Workload::snapshot && ram.size() < kSnapshotRamSize)
        return engine::plain_error("load tinyos", fmt::format("the snapshot workload needs {} bytes of RAM for its shared "
                                                              "data, not {}", kSnapshotRamSize, ram.size()));
    if (image.empty() || kLoadAddress + image.size() > kKernelEnd)
        return engine::plain_error("load tinyos", fmt::format("a {} byte image does not fit below {:#x}", image.size(), kKernelEnd));
    if (auto r = ram.write(kLoadAddress, image); !r) return r;
    engine::TraceEvent event;
    event.kind = engine::EventKind::note;
    event.name = "VMM copies the tinyos image into guest RAM";
    event.args = {{"guest_physical", fmt::format("{:#x}", kLoadAddress)}, {"bytes", std::to_string(image.size())}};
    event.layers = {engine::LayerId::vmm, engine::LayerId::ram};
    event.start = recorder.now();
    recorder.record(event);

    const std::uint32_t boot_info[3] = {kBootMagic, static_cast<std::uint32_t>(fault), static_cast<std::uint32_t>(workload)};
    if (auto r = ram.write(kBootInfo, {reinterpret_cast<const std::uint8_t*>(boot_info), sizeof boot_info}); !r) return r;
    event.name = "VMM writes boot_info into guest RAM";
    event.args = {{"guest_physical", fmt::format("{:#x}", kBootInfo)},
                  {"fault", fault == Fault::none ? "none" : fault == Fault::triple ? "triple fault" : "hang"}};
    if (workload == Workload::snapshot) event.args.push_back({"workload", "snapshot (user/workload.c)"});
    event.start = recorder.now();
    recorder.record(std::move(event));
    return write_long_mode_tables(recorder, ram, layout);
}

std::string checkpoint_name(std::uint32_t c) {
    if (is_mark(c)) return c == kHalfwayMark ? "mark 0x1 (the writer's halfway point)" : fmt::format("mark {:#x}", c & 0xff);
    switch (c) {
        case 0: return "none (strata paused it by time)";
        case ready: return "ready (its first user instruction next)";
        case programs_done: return "the end of the tour's programs";
        case echo_done: return "the end of echo";
        case touch_done: return "the end of touch";
        case uname_done: return "the end of uname";
        case pause_phase_done: return "the end of the ticker and writer's phase";
        case dirty_phase_done: return "the end of the dirtier's phase";
        case migrate_phase_done: return "the end of the hog's phase";
        case panic: return "a kernel panic";
        default: return fmt::format("checkpoint {:#x}", c);
    }
}

bool coalesce_missed_ticks(Vm& vm) {
    kvm_reinject_control control{};
    control.pit_reinject = 0;
    return traced_ioctl(vm.recorder(), vm.fd(), KVM_REINJECT_CONTROL, &control,
                        {{"pit_reinject", "0: coalesce ticks missed while the vCPU was out"}})
        .has_value();
}

engine::Result<void> start(Vcpu& vcpu, const LongModeLayout& layout) {
    if (auto r = enter_long_mode(vcpu, layout, kLoadAddress, kBootStack, 0); !r) return r;
    auto regs = vcpu.get_registers();
    if (!regs) return std::unexpected(regs.error());
    regs->rdi = kBootInfo;  // the kernel's first argument: kmain(boot_info)
    return vcpu.set_registers(*regs);
}

engine::Result<Uname> host_uname(engine::Recorder& recorder) {
    engine::Span span(recorder, engine::EventKind::syscall, "uname()",
                      {engine::LayerId::vmm, engine::LayerId::namespaces});
    utsname u{};
    const int rc = ::uname(&u);
    const int err = rc < 0 ? errno : 0;
    span.arg("answered by", "the host kernel (the UTS namespace of strata's process)");
    span.finish(rc, err);
    if (rc < 0) return engine::errno_error("uname", err, "the host kernel refused uname(2)");
    return Uname{u.sysname, u.release, u.version, u.machine};
}

}  // namespace strata::kvm::tinyos
