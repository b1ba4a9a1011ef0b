#include "app/cli/lesson_lookup.hpp"

#include <algorithm>
#include <cstdio>

#include <chrono>
#include <fstream>

#include <unistd.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "backends/probe/machine_report.hpp"
#include "lessons/availability.hpp"
#include "lessons/catalogue.hpp"

namespace strata::cli {

const engine::Lesson* find_lesson_or_explain(const std::string& id) {
    const auto& course = lessons::catalogue();
    if (const auto* lesson = course.find(id)) return lesson;
    std::string message = fmt::format("strata: unknown lesson '{}'.", id);
    const auto suggestions = course.closest(id);
    if (!suggestions.empty()) {
        message += " Did you mean";
        for (std::size_t i = 0; i < suggestions.size(); ++i)
            message += fmt::format("{} {}", i ? (i + 1 == suggestions.size() ? " or" : ",") : "", suggestions[i]);
        message += "?";
    }
    std::fprintf(stderr, "%s\n`strata list` shows every lesson.\n", message.c_str());
    return nullptr;
}

std::optional<std::string> missing_requirement(const engine::Lesson& lesson) {
    const auto report = probe::probe_machine(lessons::probe_options_for(lesson));
    const auto a = lessons::availability(lesson, report);
    if (a.mode == lessons::Mode::live) return std::nullopt;
    return a.why;
}

replay::MachineInfo machine_info() {
    probe::ProbeOptions options;
    options.containers = false;
    const auto report = probe::probe_machine(options);
    replay::MachineInfo info;
    info.kernel_release = report.facts.kernel_release;
    info.os_name = report.facts.os_name;
    info.kvm_kind = std::string(probe::kvm_kind_key(report.facts.kvm_kind));
    if (!report.facts.hypervisor.empty() && report.facts.kvm_kind != probe::KvmKind::unavailable)
        info.kvm_kind += ", nested under " + probe::hypervisor_name(report.facts.hypervisor);
    // The hardware (or hypervisor) the run happened on, as firmware names it.
    std::ifstream vendor("/sys/class/dmi/id/sys_vendor"), product("/sys/class/dmi/id/product_name");
    std::string vendor_name, product_name;
    std::getline(vendor, vendor_name);
    std::getline(product, product_name);
    info.platform = vendor_name.empty() ? product_name : vendor_name + " " + product_name;
    const auto now = std::chrono::system_clock::now();
    info.recorded_at = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
    info.strata_version = STRATA_VERSION;
    info.as_root = ::geteuid() == 0;
    info.cgroup_mode = std::string(probe::cgroup_mode_key(probe::detect_cgroup_mode("/sys/fs/cgroup")));
    return info;
}

}  // namespace strata::cli
