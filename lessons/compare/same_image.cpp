// compare/same-image: one busybox image, started as a container and as a VM.
//
// The container lessons' image becomes a container's root file system
// (namespaces, a pivot, the host's kernel) and, packed as an initramfs,
// the first file system of a Linux VM under strata's VMM (a kernel of its
// own). The same files, two ways to run them: how long each takes until it
// answers, what each costs in memory, whose kernel answers `uname -r`, and
// which layers each start crossed — measured, side by side.
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "backends/kvm/exit_stats.hpp"
#include "backends/linux/host_uname.hpp"
#include "backends/linux/memory_use.hpp"
#include "backends/linux/rootfs.hpp"
#include "engine/layers.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"
#include "lessons/vm/linux_guest.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/same-image";
using Clock = std::chrono::steady_clock;

struct Start {
    double ns = 0;                 // until it answered uname -r
    std::string release;           // its answer
    std::uint64_t pss = 0, rss = 0;
    std::string memory_note;       // what the memory figure counts
    std::set<LayerId> layers;      // crossed while it started
};

struct State final : vm::LinuxGuest {
    std::string image;
    std::optional<linux::Agent> box;
    Start as_container, as_vm;
};

double ns_since(Clock::time_point t0) { return std::chrono::duration<double, std::nano>(Clock::now() - t0).count(); }

std::set<LayerId> layers_since(Context& ctx, std::size_t from) {
    std::set<LayerId> out;
    const auto events = ctx.recorder().events();
    for (std::size_t i = from; i < events.size(); ++i)
        for (auto l : events[i].layers) out.insert(l);
    return out;
}

Result<StepOutcome> start_as_container(Context& ctx, State& s) {
    s.image = STRATA_TRY(linux::find_rootfs());
    const auto from = ctx.recorder().size();
    const auto t0 = Clock::now();
    auto box = STRATA_TRY(start_full_container(ctx, "same-image"));
    s.box.emplace(std::move(box));
    auto reply = STRATA_TRY(s.box->uname({LayerId::container, LayerId::namespaces}));
    s.as_container.ns = ns_since(t0);
    s.as_container.release = linux::parse_uname(reply.out).release;
    s.as_container.layers = layers_since(ctx, from);
    auto memory = STRATA_TRY(linux::read_process_memory(ctx.recorder(), s.box->pid(), {LayerId::runtime, LayerId::processes}));
    s.as_container.pss = memory.pss;
    s.as_container.rss = memory.rss;
    s.as_container.memory_note = "PSS of its one process (busybox's pages shared with any other user of the image)";
    ctx.console_write(fmt::format("container$ uname -r\n{}\n", s.as_container.release));
    ctx.facts().set_value("image", s.image);
    ctx.facts().set_value("container: ready to answer", ms(s.as_container.ns));
    ctx.facts().set_value("container: uname -r", s.as_container.release);
    ctx.facts().set_value("container: PSS", mib(s.as_container.pss));
    ctx.facts().set_value("container: RSS", mib(s.as_container.rss));
    return StepOutcome{fmt::format("{} as a container's root: namespaces, a bind mount and a pivot, then uname -r "
                                   "answered \"{}\" after {}; its process holds {} (PSS)",
                                   s.image, s.as_container.release, ms(s.as_container.ns), mib(s.as_container.pss))};
}

// What KVM's page tables map of the guest's memory, from the VM's own
// statistics (KVM_GET_STATS_FD on the VM: pages_4k, pages_2m, pages_1g).
std::optional<std::uint64_t> kvm_mapped_bytes(Context& ctx, State& s, std::string& why) {
    auto stats = kvm::VcpuStats::open(ctx.recorder(), s.machine.kvm->fd(), s.machine.vm->fd(), "the VM");
    if (!stats) {
        why = stats.error().describe();
        return std::nullopt;
    }
    auto sample = stats->sample();
    if (!sample) {
        why = sample.error().describe();
        return std::nullopt;
    }
    std::uint64_t bytes = 0;
    bool any = false;
    const std::pair<std::string_view, std::uint64_t> sizes[] = {{"pages_4k", 4ull << 10}, {"pages_2m", 2ull << 20},
                                                               {"pages_1g", 1ull << 30}};
    const auto& descriptors = stats->schema().stats;
    for (std::size_t i = 0; i < descriptors.size() && i < sample->size(); ++i)
        for (const auto& [name, size] : sizes)
            if (descriptors[i].name == name) {
                bytes += (*sample)[i] * size;
                any = true;
            }
    if (!any) {
        why = "this KVM keeps no pages_4k/pages_2m statistics";
        return std::nullopt;
    }
    return bytes;
}

Result<StepOutcome> start_as_vm(Context& ctx, State& s) {
    const auto from = ctx.recorder().size();
    const auto t0 = Clock::now();
    STRATA_TRY(vm::read_kernel_header(ctx, s));
    STRATA_TRY(vm::lay_out_ram(ctx, s));
    STRATA_TRY(vm::enter_kernel(ctx, s));
    s.started = Clock::now();
    s.first_run_event = ctx.recorder().size();
    auto report = STRATA_TRY(vm::run_until(ctx, s, "boot", kvm::Milestone::guest_uname, vm::kLinuxBootTimeout));
    const auto* uname = s.pc->milestones().find(kvm::Milestone::guest_uname);
    if (!uname)
        return engine::plain_error(kId, fmt::format("the VM did not reach /init's uname -r: {}: {}",
                                                    kvm::run_stop_name(report.stop), report.description));
    s.as_vm.ns = ns_since(t0);
    s.as_vm.release = vm::after_marker(*uname, kvm::kGuestUnameMarker);
    s.as_vm.layers = layers_since(ctx, from);
    auto ram = STRATA_TRY(linux::read_own_mapping_memory(ctx.recorder(), s.ram->host_base(), {LayerId::vmm, LayerId::ram}));
    s.as_vm.rss = ram.rss;
    std::string why;
    const auto mapped = kvm_mapped_bytes(ctx, s, why);
    s.as_vm.pss = ram.pss;
    s.as_vm.memory_note = fmt::format("PSS of the guest's {} MiB of RAM in strata's VMM (pages the guest has touched)",
                                        s.plan.ram_size >> 20);
    ctx.facts().set_value("VM: ready to answer", ms(s.as_vm.ns));
    ctx.facts().set_value("VM: uname -r", s.as_vm.release);
    ctx.facts().set_value("VM: guest RAM PSS", mib(ram.pss));
    ctx.facts().set_value("VM: guest RAM RSS", mib(ram.rss));
    ctx.facts().set_value("VM: guest memory KVM's page tables map", mapped ? mib(*mapped) : "not known: " + why);
    ctx.facts().set_value("VM start / container start",
                          s.as_container.ns > 0 ? fmt::format("{:.1f}x", s.as_vm.ns / s.as_container.ns) : "-");
    return StepOutcome{fmt::format("the same image as a VM's initramfs: strata loaded Linux {}, which booted and ran "
                                   "/init, whose uname -r answered \"{}\" after {}; the guest's RAM holds {} "
                                   "(PSS){}",
                                   s.header.release(), s.as_vm.release, ms(s.as_vm.ns), mib(ram.pss),
                                   mapped ? ", and KVM maps " + mib(*mapped) + " of it" : "")};
}

std::string layer_list(const std::set<LayerId>& layers) {
    std::string out;
    for (const auto& info : engine::all_layers())
        if (layers.contains(info.id)) out += (out.empty() ? "" : ", ") + std::string(info.key);
    return out;
}

Result<StepOutcome> side_by_side(Context& ctx, State& s) {
    // The third kernel in the room: the one strata itself runs on.
    auto host = STRATA_TRY(linux::host_uname(ctx.recorder(), {LayerId::runtime, LayerId::processes}));
    const auto& c = s.as_container;
    const auto& v = s.as_vm;
    std::set<LayerId> only_vm, only_container;
    for (auto l : v.layers)
        if (!c.layers.contains(l)) only_vm.insert(l);
    for (auto l : c.layers)
        if (!v.layers.contains(l)) only_container.insert(l);
    engine::TableView t{"one image, two ways", {"", "container", "VM"}, {}, {}};
    t.rows = {
        {"the image", s.image + " (bind-mounted, read-only)", s.image + " (packed into the initramfs)"},
        {"uname -r (strata itself: " + host.release + ")", c.release + " (the host's kernel)",
         v.release + (v.release == c.release ? " (the guest's own: the same release, a second copy of that kernel "
                                               "running for itself)"
                                             : " (the guest's own)")},
        {"start until uname -r answered", ms(c.ns), ms(v.ns)},
        {"memory (PSS)", mib(c.pss), mib(v.pss)},
        {"what that counts", c.memory_note, v.memory_note},
        {"layers crossed only by it", only_container.empty() ? "-" : layer_list(only_container),
         only_vm.empty() ? "-" : layer_list(only_vm)},
    };
    t.row_marked = {false, true, true, true, false, true};
    ctx.facts().set_table(std::move(t));
    ctx.facts().set_value("VM memory / container memory", c.pss > 0 ? fmt::format("{:.1f}x", double(v.pss) / c.pss) : "-");
    ctx.facts().set_value("same kernel release", c.release == v.release ? "yes" : "no");
    return StepOutcome{fmt::format("the same files: the container answered from the host's kernel ({}) in {} "
                                   "holding {}; the VM answered from its own ({}) in {} holding {} — {:.0f} "
                                   "times longer, crossing {} as well",
                                   c.release, ms(c.ns), mib(c.pss), v.release, ms(v.ns), mib(v.pss), c.ns > 0 ? v.ns / c.ns : 0,
                                   only_vm.empty() ? "nothing more" : layer_list(only_vm))};
}

Result<StepOutcome> stop_both(Context& ctx, State& s) {
    auto off = STRATA_TRY(vm::power_off(ctx, s));
    s.box.reset();
    return StepOutcome{"the container's processes are gone with their namespaces; " + off.summary};
}

}  // namespace

engine::Lesson same_image_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::guest_kernel, engine::Requirement::userns};
    lesson.options = {
        {"kernel", "the kernel the VM boots (a bzImage); default: the host's, else Debian's fetched at build time",
         {}, "",
         [](const std::string& v) -> std::optional<std::string> {
             if (v.empty() || v.front() != '/') return std::string("give an absolute path to a bzImage");
             return std::nullopt;
         }},
    };
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<State>();
        s->lesson = "same-image";
        s->init = kvm::init_script(false);
        if (auto it = options.find("kernel"); it != options.end()) s->kernel_path = it->second;
        return s;
    };
    lesson.step("container", "The image as a container",
                {L::runtime, L::processes, L::namespaces, L::security, L::mounts, L::container}, start_as_container)
        .provides("the container's answer", [](const State& s) { return s.box.has_value(); });
    lesson.step("vm", "The image as a VM",
                {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices},
                start_as_vm)
        .provides("the VM's answer", [](const State& s) { return !s.as_vm.release.empty(); });
    lesson.step("side-by-side", "Side by side", {L::runtime, L::processes}, side_by_side);
    lesson.step("stop", "Stop both",
                {L::vmm, L::kvm, L::cpu_virt, L::guest_kernel, L::guest_program, L::guest_devices}, stop_both);
    return lesson.build();
}

}  // namespace strata::lessons::compare
