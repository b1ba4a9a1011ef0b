// The one part of lessons/availability.hpp that probes the machine: the
// browser edition has no machine to probe and builds without it.
#include "lessons/availability.hpp"

namespace strata::lessons {

probe::MachineReport probe_for_every_lesson() { return probe::probe_machine(); }

}  // namespace strata::lessons
