// Summary statistics for benchmarks: median, min, max of a sample.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace strata::bench {

struct Summary {
    double median = 0, min = 0, max = 0;
    std::size_t count = 0;
};

// Median of an even-sized sample is the mean of the two middle values.
// An empty sample gives a zero Summary with count 0.
Summary summarize(std::vector<double> sample);
// "1.23 ms", "45.6 µs", "789 ns"
std::string format_ns(double ns);
// "3.4 MiB", "812 KiB", "96 B" (binary units, as the kernel counts pages)
std::string format_bytes(double bytes);
// a / b, or 0 when b is not positive (a missing baseline is not infinity).
double ratio(double a, double b);

}  // namespace strata::bench
