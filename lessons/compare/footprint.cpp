// compare/footprint: what one idle VM and one idle container cost, in
// memory and on disk, read from the kernel while they run; then how that
// grows with N. Each instance is a process of its own — the container's
// PID 1, the VM's VMM (strata-idle-vm) — so its RSS and PSS are its own;
// each fleet joins a memory cgroup before building its namespaces or its
// VM, so the kernel memory it costs (KVM's structures for a VM) shows too.
#include <algorithm>

#include <fmt/format.h>

#include "assets/guests/images.hpp"
#include "backends/linux/rootfs.hpp"
#include "backends/measure/footprint.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/footprint";

struct State final : engine::LessonState {
    int max_count = 20;
    std::optional<measure::FleetMemory> container, vm;
};

std::string kib(std::uint64_t bytes) { return fmt::format("{} KiB", bytes / 1024); }

// One fleet's numbers as table rows and values.
void show(Context& ctx, const measure::FleetMemory& f, const std::string& label) {
    engine::TableView table{label + ": memory", {"measure", "value", "read from"}, {}, {}};
    table.rows = {{"RSS (pages in RAM)", kib(f.processes.rss), "/proc/<pid>/smaps_rollup"},
                  {"PSS (shared pages split among sharers)", kib(f.processes.pss), "/proc/<pid>/smaps_rollup"},
                  {"  of which anonymous (heap, stack, guest RAM)", kib(f.processes.pss_anon), "Pss_Anon"},
                  {"  of which file-backed (program, libraries)", kib(f.processes.pss_file), "Pss_File"}};
    if (f.charged) {
        table.rows.push_back({"charged to its cgroup", kib(f.charged->charged), "memory.current / memory.usage_in_bytes"});
        table.rows.push_back({"  of which kernel memory", f.charged->kernel ? kib(*f.charged->kernel) : "not reported",
                              "memory.stat kernel / memory.kmem.usage_in_bytes"});
    } else {
        table.rows.push_back({"charged to a cgroup", "not measured", f.no_cgroup});
    }
    ctx.facts().set_table(std::move(table));
    ctx.facts().set_value(label + ": PSS", kib(f.processes.pss));
    ctx.facts().set_value(label + ": RSS", kib(f.processes.rss));
    if (f.charged) ctx.facts().set_value(label + ": charged to its cgroup", kib(f.charged->charged));
    if (f.charged && f.charged->kernel) ctx.facts().set_value(label + ": kernel memory", kib(*f.charged->kernel));
}

std::string cgroup_clause(const measure::FleetMemory& f) {
    if (!f.charged) return "";
    return fmt::format(", {} charged to its cgroup ({} of it kernel memory)", kib(f.charged->charged),
                       f.charged->kernel ? kib(*f.charged->kernel) : "?");
}

Result<StepOutcome> idle_container(Context& ctx, State& s) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    auto f = STRATA_TRY(measure::idle_container_memory(ctx.recorder(), rootfs, 1));
    s.container = f;
    show(ctx, f, "idle container");
    return StepOutcome{fmt::format("one idle container (busybox sleep as PID 1): RSS {}, PSS {}{}", kib(f.processes.rss),
                                   kib(f.processes.pss), cgroup_clause(f))};
}

Result<StepOutcome> idle_vm(Context& ctx, State& s) {
    auto f = STRATA_TRY(measure::idle_vm_memory(ctx.recorder(), 1, true));
    s.vm = f;
    show(ctx, f, "idle VM");
    // The number the lesson's prediction is judged on: the idle VM's PSS in
    // idle containers' (below 1: the VM is the smaller).
    if (s.container && s.container->processes.pss > 0)
        ctx.facts().set_value("idle VM PSS / idle container PSS",
                              fmt::format("{:.2f}", double(f.processes.pss) / double(s.container->processes.pss)));
    return StepOutcome{fmt::format("one idle VM (tinyos in 4 MiB of guest RAM, in strata-idle-vm): RSS {}, PSS {}{}",
                                   kib(f.processes.rss), kib(f.processes.pss), cgroup_clause(f))};
}

Result<StepOutcome> disk(Context& ctx, State&) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    const auto uses = measure::disk_use(ctx.recorder(), rootfs, guests::tinyos().size());
    engine::TableView table{"disk", {"what", "size", "how"}, {}, {}};
    for (const auto& u : uses)
        table.rows.push_back({u.what, u.bytes ? (*u.bytes >= 1 << 20 ? mib(*u.bytes) : kib(*u.bytes)) : "-", u.how});
    ctx.facts().set_table(std::move(table));
    const auto image = uses.front().bytes.value_or(0);
    return StepOutcome{fmt::format("the container image is {} on disk, shared by every container started from it; "
                                   "tinyos is {} bytes, copied into each VM's own RAM",
                                   mib(image), guests::tinyos().size())};
}

Result<StepOutcome> density(Context& ctx, State& s) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    engine::SeriesView pss{"density: PSS of N idle instances, all alive", "N", "MiB", {}, "containers", {{"VMs", {}}}};
    engine::SeriesView charged{"density: charged to their cgroup (kernel memory included)", "N", "MiB", {}, "containers",
                               {{"VMs", {}}}};
    engine::TableView table{"density", {"N", "containers: PSS", "VMs: PSS", "containers: cgroup", "VMs: cgroup"}, {}, {}};
    std::string last;
    for (int n : {1, 5, 10, 20}) {
        if (n > s.max_count) break;
        if (ctx.cancelled()) return engine::plain_error(kId, "cancelled");
        auto c = STRATA_TRY(measure::idle_container_memory(ctx.recorder(), rootfs, n));
        auto v = STRATA_TRY(measure::idle_vm_memory(ctx.recorder(), n, true));
        const double x = n;
        pss.points.emplace_back(x, double(c.processes.pss) / (1 << 20));
        pss.more[0].points.emplace_back(x, double(v.processes.pss) / (1 << 20));
        if (c.charged && v.charged) {
            charged.points.emplace_back(x, double(c.charged->charged) / (1 << 20));
            charged.more[0].points.emplace_back(x, double(v.charged->charged) / (1 << 20));
        }
        table.rows.push_back({std::to_string(n), mib(c.processes.pss), mib(v.processes.pss),
                              c.charged ? mib(c.charged->charged) : "-", v.charged ? mib(v.charged->charged) : "-"});
        table.row_marked.push_back(c.processes.pss > v.processes.pss);
        ctx.facts().set_value(fmt::format("density {}: containers PSS", n), kib(c.processes.pss));
        ctx.facts().set_value(fmt::format("density {}: VMs PSS", n), kib(v.processes.pss));
        if (c.charged && v.charged) {
            ctx.facts().set_value(fmt::format("density {}: containers charged", n), kib(c.charged->charged));
            ctx.facts().set_value(fmt::format("density {}: VMs charged", n), kib(v.charged->charged));
        }
        last = fmt::format("{} containers {} PSS, {} VMs {} PSS", n, mib(c.processes.pss), n, mib(v.processes.pss));
    }
    ctx.facts().set_series(std::move(pss));
    if (!charged.points.empty()) ctx.facts().set_series(std::move(charged));
    ctx.facts().set_table(std::move(table));
    return StepOutcome{fmt::format("{} (highlighted rows: where the containers used more)", last)};
}

}  // namespace

engine::Lesson footprint_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::userns};
    lesson.options = {{"max", "the largest N of the density step", {"20", "5", "10"}}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<State>();
        s->max_count = std::stoi(options.at("max"));
        return s;
    };
    const std::vector<L> container = {L::runtime, L::processes, L::namespaces, L::security,
                                      L::mounts,  L::container, L::cgroups,    L::ram};
    const std::vector<L> vm = {L::vmm, L::processes, L::runtime,       L::cgroups,      L::kvm,
                               L::ram, L::cpu_virt,  L::guest_program, L::guest_kernel, L::guest_devices};
    std::vector<L> both = container;
    for (auto l : vm)
        if (std::find(both.begin(), both.end(), l) == both.end()) both.push_back(l);
    lesson.step("idle-container", "One idle container", container, idle_container);
    lesson.step("idle-vm", "One idle VM", vm, idle_vm);
    lesson.step("disk", "On disk", {L::runtime, L::mounts}, disk);
    lesson.step("density", "N of each", both, density);
    return lesson.build();
}

}  // namespace strata::lessons::compare
