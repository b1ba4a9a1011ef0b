// Binning a sample for a histogram: equal-width bins from the smallest to
// the largest value. Pure, so the inspector and the CLI bin alike and the
// unit tests can check the edges.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace strata::engine {

struct HistogramBins {
    double low = 0;    // left edge of the first bin (the sample's minimum)
    double width = 0;  // every bin's width (> 0 whenever there are samples)
    std::vector<std::size_t> counts;  // `bins` counts adding up to the sample size

    double high() const { return low + width * static_cast<double>(counts.size()); }
};

// The maximum falls in the last bin. A sample whose values are all equal
// gets one bin around that value; an empty one gets no bins. Values that
// are not finite are left out.
HistogramBins bin_samples(std::span<const double> samples, std::size_t bins);

}  // namespace strata::engine
