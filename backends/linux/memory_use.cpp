#include "backends/linux/memory_use.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>
#include <thread>

#include "backends/linux/host_files.hpp"

#include <fmt/format.h>

namespace strata::linux {

namespace {

std::uint64_t number_after(std::string_view line, std::size_t from) {
    while (from < line.size() && (line[from] == ' ' || line[from] == '\t')) ++from;
    std::uint64_t v = 0;
    std::from_chars(line.data() + from, line.data() + line.size(), v);
    return v;
}

}  // namespace

ProcessMemory parse_smaps_rollup(std::string_view text) {
    ProcessMemory m;
    const std::pair<std::string_view, std::uint64_t*> fields[] = {
        {"Rss:", &m.rss}, {"Pss:", &m.pss}, {"Pss_Anon:", &m.pss_anon}, {"Pss_File:", &m.pss_file},
        {"Pss_Shmem:", &m.pss_shmem}};
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        for (auto [key, field] : fields)
            if (line.starts_with(key)) *field = number_after(line, key.size()) * 1024;  // "kB"
    }
    return m;
}

Result<ProcessMemory> read_process_memory(Recorder& recorder, pid_t pid, std::vector<LayerId> layers) {
    auto text = host_read(recorder, "/proc/" + std::to_string(pid) + "/smaps_rollup", std::move(layers));
    if (!text) return std::unexpected(text.error());
    return parse_smaps_rollup(*text);
}

std::optional<ProcessMemory> parse_smaps_mapping(std::string_view smaps, std::uintptr_t start) {
    // A block starts with "start-end perms offset dev inode [path]" and runs
    // to the next such line; its fields are "Name:   value kB".
    char head[32];
    const int n = std::snprintf(head, sizeof head, "%lx-", static_cast<unsigned long>(start));
    const std::string_view prefix(head, static_cast<std::size_t>(n));
    std::size_t at = smaps.starts_with(prefix) ? 0 : smaps.find("\n" + std::string(prefix));
    if (at == std::string_view::npos) return std::nullopt;
    if (at != 0) ++at;
    const std::size_t body = smaps.find('\n', at);
    if (body == std::string_view::npos) return parse_smaps_rollup({});
    // The next block's header is the first line that does not look like "Name: value".
    std::size_t end = body + 1;
    while (end < smaps.size()) {
        const std::size_t nl = smaps.find('\n', end);
        const std::string_view line = smaps.substr(end, nl == std::string_view::npos ? std::string_view::npos : nl - end);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos || line.find(' ') < colon) break;
        if (nl == std::string_view::npos) {
            end = smaps.size();
            break;
        }
        end = nl + 1;
    }
    return parse_smaps_rollup(smaps.substr(body + 1, end - body - 1));
}

Result<ProcessMemory> read_own_mapping_memory(Recorder& recorder, std::uintptr_t start, std::vector<LayerId> layers) {
    engine::Span span(recorder, engine::EventKind::file_read, "read /proc/self/smaps", std::move(layers));
    const std::string text = read_text("/proc/self/smaps");
    span.arg("mapping", fmt::format("{:#x}", start)).arg("bytes", std::to_string(text.size()));
    auto m = parse_smaps_mapping(text, start);
    span.finish(m ? 0 : -1, m ? 0 : ENOENT);
    if (!m) return engine::plain_error("read /proc/self/smaps", fmt::format("no mapping starts at {:#x}", start));
    return *m;
}

bool wait_until_sleeping(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string path = "/proc/" + std::to_string(pid) + "/stat";
    for (;;) {
        // "pid (comm) S ...": the state follows the last ')'.
        const std::string stat = read_text(path);
        const auto paren = stat.rfind(')');
        if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
        if (stat[paren + 2] == 'S') return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

std::optional<std::uint64_t> parse_kernel_memory(CgroupVersion version, std::string_view text) {
    if (version == CgroupVersion::v1) {
        std::uint64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end == text.data()) return std::nullopt;
        return v;
    }
    const long long v = counter_in(text, "kernel");
    if (v < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v);
}

Result<CgroupMemory> read_cgroup_memory(Cgroup& cgroup) {
    CgroupMemory m;
    auto charged = cgroup.read(CgroupKnob::memory_usage);
    if (!charged) return std::unexpected(charged.error());
    m.charged = std::stoull("0" + *charged);
    if (cgroup.has(CgroupKnob::kernel_memory))
        if (auto kernel = cgroup.read(CgroupKnob::kernel_memory))
            m.kernel = parse_kernel_memory(cgroup.layout().version, *kernel);
    return m;
}

}  // namespace strata::linux
