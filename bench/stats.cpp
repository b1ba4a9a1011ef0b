#include "bench/stats.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace strata::bench {

Summary summarize(std::vector<double> sample) {
    Summary s;
    s.count = sample.size();
    if (sample.empty()) return s;
    std::sort(sample.begin(), sample.end());
    const std::size_t mid = sample.size() / 2;
    s.median = sample.size() % 2 ? sample[mid] : (sample[mid - 1] + sample[mid]) / 2;
    s.min = sample.front();
    s.max = sample.back();
    return s;
}

std::string format_ns(double ns) {
    if (ns < 1e3) return fmt::format("{:.0f} ns", ns);
    if (ns < 1e6) return fmt::format("{:.1f} µs", ns / 1e3);
    if (ns < 1e9) return fmt::format("{:.2f} ms", ns / 1e6);
    return fmt::format("{:.2f} s", ns / 1e9);
}

std::string format_bytes(double bytes) {
    if (bytes < 1024) return fmt::format("{:.0f} B", bytes);
    if (bytes < 1024.0 * 1024) return fmt::format("{:.0f} KiB", bytes / 1024);
    if (bytes < 1024.0 * 1024 * 1024) return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024));
    return fmt::format("{:.2f} GiB", bytes / (1024.0 * 1024 * 1024));
}

double ratio(double a, double b) { return b > 0 ? a / b : 0; }

}  // namespace strata::bench
