#include "bench/stage_samples.hpp"

#include <algorithm>
#include <iterator>

namespace strata::bench {

double ns_between(Clock::time_point a, Clock::time_point b) {
    return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

void drop_warmup(StageSamples& samples, int runs) {
    for (auto& [stage, values] : samples)
        values.erase(values.begin(), values.begin() + std::min<std::ptrdiff_t>(runs, std::ssize(values)));
}

}  // namespace strata::bench
