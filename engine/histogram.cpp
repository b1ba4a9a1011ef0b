#include "engine/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace strata::engine {

HistogramBins bin_samples(std::span<const double> samples, std::size_t bins) {
    HistogramBins out;
    std::vector<double> finite;
    for (double v : samples)
        if (std::isfinite(v)) finite.push_back(v);
    if (finite.empty() || bins == 0) return out;
    const auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
    if (*hi == *lo) {
        // One bin centred on the value, a little wider than nothing.
        out.width = std::max(std::abs(*lo) * 0.02, 1e-9);
        out.low = *lo - out.width / 2;
        out.counts = {finite.size()};
        return out;
    }
    out.low = *lo;
    out.width = (*hi - *lo) / static_cast<double>(bins);
    out.counts.assign(bins, 0);
    for (double v : finite) {
        auto i = static_cast<std::size_t>((v - out.low) / out.width);
        ++out.counts[std::min(i, bins - 1)];  // the maximum lands exactly on the right edge
    }
    return out;
}

}  // namespace strata::engine
