// Samples of a benchmark that times a sequence in stages: one sample per
// run for each stage, taken with the monotonic clock in-process.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace strata::bench {

// Stage name -> one sample per run, in nanoseconds.
using StageSamples = std::map<std::string, std::vector<double>>;

using Clock = std::chrono::steady_clock;
double ns_between(Clock::time_point a, Clock::time_point b);

// Throws away each stage's first `runs` samples: the first runs page in code
// and warm the kernel's caches, and would time that instead.
void drop_warmup(StageSamples& samples, int runs);

}  // namespace strata::bench
