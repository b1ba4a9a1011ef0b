// compare/start-time: start N containers and N VMs, phase by phase, and
// look at the histograms. The folklore says VMs take minutes and
// containers milliseconds; the numbers say where a VM's start-up really
// goes: creating the virtual hardware costs well under a millisecond, and
// the rest is the guest OS starting itself (and, for a VMM such as QEMU,
// its own device model).
#include <algorithm>

#include <fmt/format.h>

#include "backends/linux/rootfs.hpp"
#include "backends/measure/peers.hpp"
#include "backends/measure/start_time.hpp"
#include "engine/lesson_builder.hpp"
#include "lessons/compare/common.hpp"

namespace strata::lessons::compare {

namespace {

const std::string kId = "compare/start-time";

struct State final : engine::LessonState {
    int count = 20;
    std::optional<measure::StartSeries> containers, hello, tinyos;
};

// A histogram of the totals (in ms) and a table of each phase's median.
void show(Context& ctx, const measure::StartSeries& series, const std::string& short_name) {
    std::vector<double> total_ms;
    for (double ns : series.total()) total_ms.push_back(ns / 1e6);
    ctx.facts().set_histogram({short_name + ": start to ready", "ms", total_ms});
    engine::TableView table{short_name + ": where the time goes (medians)", {"phase", "median", "share"}, {}, {}};
    const double total = median(series.total());
    for (const auto& phase : series.phases) {
        const double m = median(series.of(phase));
        table.rows.push_back({phase, ms(m), phase == "total" ? "" : fmt::format("{:.0f}%", total > 0 ? 100 * m / total : 0)});
        table.row_marked.push_back(phase == "total");
    }
    ctx.facts().set_table(std::move(table));
}

measure::RunOptions options(Context& ctx, int count) { return {count, [&ctx] { return ctx.cancelled(); }, false}; }

Result<StepOutcome> containers(Context& ctx, State& s) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    auto series = STRATA_TRY(measure::container_starts(ctx.recorder(), rootfs, options(ctx, s.count)));
    s.containers = std::move(series);
    show(ctx, *s.containers, "containers");
    const auto& t = s.containers->total();
    return StepOutcome{fmt::format("{} containers, each clone3 with 7 namespaces, pivot_root into the image and "
                                   "/bin/true: median {}, from {} to {}",
                                   t.size(), ms(median(t)), ms(*std::min_element(t.begin(), t.end())),
                                   ms(*std::max_element(t.begin(), t.end())))};
}

Result<StepOutcome> hello_vms(Context& ctx, State& s) {
    auto series = STRATA_TRY(measure::hello_vm_starts(ctx.recorder(), options(ctx, s.count)));
    s.hello = std::move(series);
    show(ctx, *s.hello, "hello VMs");
    const double total = median(s.hello->total());
    // The number the lesson's prediction is judged on: how many times a
    // container's median start a VM's takes here (below 1: the VM is faster).
    if (s.containers) {
        const double container = median(s.containers->total());
        if (container > 0) ctx.facts().set_value("hello VM start / container start (medians)", fmt::format("{:.2f}", total / container));
    }
    const double hardware = median(s.hello->of("open + KVM_CREATE_VM")) + median(s.hello->of("KVM_CREATE_VCPU"));
    return StepOutcome{fmt::format("{} VMs, each created, given 64 KiB of RAM and a vCPU, and run until its guest "
                                   "printed a line and halted: median {}, of which {} is KVM creating the VM and its "
                                   "vCPU",
                                   s.hello->total().size(), ms(total), ms(hardware))};
}

Result<StepOutcome> tinyos_vms(Context& ctx, State& s) {
    auto series = STRATA_TRY(measure::tinyos_starts(ctx.recorder(), options(ctx, s.count)));
    s.tinyos = std::move(series);
    show(ctx, *s.tinyos, "tinyos VMs");
    const double total = median(s.tinyos->total());
    const double own = median(s.tinyos->of("tinyos boots itself"));
    const double devices = median(s.tinyos->of("KVM_CREATE_VM + PIC + PIT"));
    ctx.facts().set_value("tinyos: its own boot, share of the start", fmt::format("{:.0f}%", total > 0 ? 100 * own / total : 0));
    return StepOutcome{fmt::format("{} tinyos VMs to their first user instruction: median {}; tinyos setting itself "
                                   "up took {} of it, creating the VM with KVM's in-kernel PIC and PIT {}",
                                   s.tinyos->total().size(), ms(total), ms(own), ms(devices))};
}

Result<StepOutcome> peers(Context& ctx, State& s) {
    auto rootfs = STRATA_TRY(linux::find_rootfs());
    // Whole processes each; fewer runs than strata's own (QEMU takes ~0.1 s).
    const int runs = std::min(s.count, 10);
    auto rows = measure::container_start_peers(ctx.recorder(), rootfs, runs);
    for (auto& vm_peer : measure::vm_start_peers(ctx.recorder(), runs)) rows.push_back(std::move(vm_peer));
    engine::TableView table{"start to ready, side by side (medians)", {"what", "median", "how"}, {}, {}};
    auto add = [&](const std::string& what, const std::vector<double>& sample, const std::string& how, bool strata) {
        table.rows.push_back({what, sample.empty() ? "-" : ms(median(sample)), how});
        table.row_marked.push_back(strata);
    };
    add("strata: container", s.containers->total(), "in process: clone3, maps, pivot_root, /bin/true", true);
    add("strata: hello VM", s.hello->total(), "in process: KVM to the guest's HLT", true);
    add("strata: tinyos VM", s.tinyos->total(), "in process: KVM to tinyos's first user instruction", true);
    std::string ran, absent;
    for (const auto& p : rows) {
        add(p.name, p.samples, p.note.empty() ? "a process of its own, start to exit" : p.note, false);
        if (p.ran()) {
            ctx.facts().set_histogram({p.name, "ms", [&] {
                                           std::vector<double> v;
                                           for (double ns : p.samples) v.push_back(ns / 1e6);
                                           return v;
                                       }()});
            ran += (ran.empty() ? "" : ", ") + fmt::format("{} {}", p.name, ms(median(p.samples)));
        } else {
            absent += (absent.empty() ? "" : ", ") + p.name;
        }
    }
    ctx.facts().set_table(std::move(table));
    return StepOutcome{fmt::format("peers, {} runs each: {}{}", runs, ran.empty() ? "none ran" : ran,
                                   absent.empty() ? "" : fmt::format(" (not measured: {})", absent))};
}

}  // namespace

engine::Lesson start_time_lesson() {
    using L = LayerId;
    engine::LessonBuilder<State> lesson(kId);
    lesson.requirements = {engine::Requirement::kvm, engine::Requirement::userns};
    lesson.options = {{"n", "how many of each to start", {"20", "5", "10", "50"}}};
    lesson.make_state = [](const engine::LessonOptions& options) {
        auto s = std::make_unique<State>();
        s->count = std::stoi(options.at("n"));
        return s;
    };
    lesson.step("containers", "Start N containers",
                {L::runtime, L::processes, L::namespaces, L::security, L::mounts, L::container}, containers);
    lesson.step("hello-vms", "Start N tiny VMs",
                {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_program, L::guest_devices}, hello_vms);
    lesson
        .step("tinyos-vms", "Boot N tinyos VMs",
              {L::vmm, L::kvm, L::ram, L::cpu_virt, L::guest_program, L::guest_devices, L::guest_kernel}, tinyos_vms)
        .provides("strata's own measurements", [](const State& s) { return s.containers && s.hello && s.tinyos; });
    lesson.step("peers", "The same with other tools", {L::processes}, peers);
    return lesson.build();
}

}  // namespace strata::lessons::compare
