// The private strings of this machine that a recording made here must not
// carry (backends/replay/scrub.hpp says which and why). `strata record`
// scrubs with it; the test that compares shipped recordings with live runs
// scrubs the live run the same way before comparing.
#pragma once

#include "backends/replay/scrub.hpp"

namespace strata::lessons {

replay::Scrubber recording_scrubber_here();

}  // namespace strata::lessons
