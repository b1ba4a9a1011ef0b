#include "tests/support/recording_shape.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/error.hpp"

namespace strata::tests {

namespace {

// "kind | name | layers | ok or errno", without the step.
std::string what_of(const engine::TraceEvent& e, const Leeway& leeway) {
    std::string layers;
    for (auto l : e.layers) layers += (layers.empty() ? "" : " > ") + std::string(engine::layer_key(l));
    const std::string name = leeway.normalize_name ? leeway.normalize_name(e.name) : e.name;
    return fmt::format("{} | {} | {} | {}", engine::event_kind_key(e.kind), name, layers,
                       e.error == 0 ? std::string("ok") : engine::errno_name(e.error));
}

std::string line_of(const engine::TraceEvent& e, const Leeway& leeway) {
    return fmt::format("step {} | {}", e.step, what_of(e, leeway));
}

// Events the guest causes (and so its scheduling orders), as opposed to
// calls the VMM or runtime makes.
bool guest_driven(engine::EventKind kind) {
    using engine::EventKind;
    return kind == EventKind::vm_exit || kind == EventKind::vm_entry || kind == EventKind::guest_output ||
           kind == EventKind::guest_event;
}

bool strata_call(engine::EventKind kind) {
    using engine::EventKind;
    return kind == EventKind::syscall || kind == EventKind::ioctl || kind == EventKind::process ||
           kind == EventKind::file_read;
}

std::string arg(const engine::TraceEvent& e, const std::string& name) {
    for (const auto& a : e.args)
        if (a.name == name) return a.value;
    return "";
}

void push(std::vector<std::string>& lines, std::string line, bool collapse) {
    if (collapse && !lines.empty() && lines.back() == line) return;
    lines.push_back(std::move(line));
}

}  // namespace

std::vector<std::string> recording_shape(const std::vector<engine::TraceEvent>& events, const Leeway& leeway) {
    std::vector<std::string> lines;
    std::set<std::string> stretch;  // what the guest did since strata's last call (guest_runs_freely)
    // By guest pid, over the whole run: where strata's steps cut a
    // program's run depends on the timer too (guest_runs_freely).
    std::map<std::string, std::vector<std::string>> programs;
    auto close_stretch = [&] {
        for (const auto& line : stretch) lines.push_back("guest, any order: " + line);
        stretch.clear();
    };
    for (const auto& e : events) {
        if (leeway.strata_calls_only && !strata_call(e.kind)) continue;
        std::string line = line_of(e, leeway);
        if (!guest_driven(e.kind)) {
            close_stretch();
            lines.push_back(std::move(line));
            continue;
        }
        if (!leeway.guest_runs_freely) {
            push(lines, std::move(line), leeway.collapse_repeats);
            continue;
        }
        const std::string pid = arg(e, "pid");
        if (e.kind == engine::EventKind::guest_event && !pid.empty() && arg(e, "from pid").empty())
            push(programs[pid], what_of(e, leeway), leeway.collapse_repeats);
        stretch.insert(std::move(line));
    }
    close_stretch();
    for (const auto& [pid, sequence] : programs)
        for (const auto& line : sequence) lines.push_back("guest pid " + pid + ": " + line);
    return lines;
}

std::string first_difference(const std::vector<std::string>& recorded, const std::vector<std::string>& live) {
    const std::size_t n = std::min(recorded.size(), live.size());
    std::size_t at = 0;
    while (at < n && recorded[at] == live[at]) ++at;
    if (at == n && recorded.size() == live.size()) return "";
    std::string out = fmt::format("first difference at line {} (the recording has {} lines, the live run {}):\n", at + 1,
                                  recorded.size(), live.size());
    const std::size_t from = at >= 2 ? at - 2 : 0;
    for (std::size_t i = from; i < at + 3; ++i) {
        if (i < recorded.size()) out += fmt::format("  recorded {:>4}: {}\n", i + 1, recorded[i]);
        if (i < live.size()) out += fmt::format("  live     {:>4}: {}\n", i + 1, live[i]);
    }
    return out;
}

}  // namespace strata::tests
