#include "bench/report.hpp"

#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "backends/kvm/system.hpp"
#include "backends/probe/machine_report.hpp"

namespace strata::bench {

MachineLine machine_line() {
    MachineLine m;
    utsname u{};
    if (::uname(&u) == 0) m.kernel = u.release;
    probe::MachineReport report;
    probe::probe_kvm(report, "/dev/kvm");
    m.kvm_kind = std::string(probe::kvm_kind_key(report.facts.kvm_kind));
    m.emulated = report.facts.emulated_machine();
    std::ifstream load("/proc/loadavg");
    std::getline(load, m.load_average);
    m.cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
    return m;
}

std::optional<std::string> kvm_missing() {
    engine::Recorder scratch;
    auto kvm = kvm::Kvm::open(scratch);
    if (kvm) return std::nullopt;
    return kvm.error().describe() + (kvm.error().hint.empty() ? "" : ": " + kvm.error().hint);
}

std::string MachineLine::text() const {
    return fmt::format("Linux {}, KVM: {}{}, {} CPUs, load average at start: {}", kernel, kvm_kind,
                       emulated ? " inside a machine QEMU emulates (TCG): nested-TCG figures, not hardware's" : "",
                       cpus, load_average);
}

nlohmann::json MachineLine::json() const {
    return {{"kernel", kernel}, {"kvm_kind", kvm_kind}, {"emulated_machine", emulated}, {"cpus", cpus},
            {"loadavg", load_average}};
}

void print_timings(const std::vector<TimingRow>& rows, double baseline_median, const std::string& ratio_title) {
    std::printf("%-58s %10s %10s %10s %9s\n", "", "median", "min", "max", ratio_title.c_str());
    for (const auto& r : rows) {
        const std::string name = std::string(std::size_t(r.indent) * 2, ' ') + r.name;
        if (r.ns.count == 0) {
            std::printf("%-58s %s\n", name.c_str(), r.note.c_str());
            continue;
        }
        const std::string x = baseline_median > 0 ? fmt::format("{:.2f}x", ratio(r.ns.median, baseline_median)) : "";
        std::printf("%-58s %10s %10s %10s %9s  %s\n", name.c_str(), format_ns(r.ns.median).c_str(),
                    format_ns(r.ns.min).c_str(), format_ns(r.ns.max).c_str(), x.c_str(), r.note.c_str());
    }
}

nlohmann::json timings_json(const std::vector<TimingRow>& rows, double baseline_median) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows)
        out.push_back({{"name", r.name}, {"level", r.indent}, {"runs", r.ns.count}, {"median_ns", r.ns.median},
                       {"min_ns", r.ns.min}, {"max_ns", r.ns.max}, {"ratio", ratio(r.ns.median, baseline_median)},
                       {"note", r.note}});
    return out;
}

}  // namespace strata::bench
