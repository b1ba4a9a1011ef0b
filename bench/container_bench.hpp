// `strata bench container`: start-to-exit time of a container running
// /bin/true, for the raw C floor (bench/raw_container.c), strata's own path
// (linux::run_container_once) and the peers that are installed (unshare(1),
// bwrap, and as root crun and runc on an OCI bundle). Absent peers are
// listed with a message, never an error. Prints medians, min/max and ratios
// to the raw floor.
#pragma once

namespace strata::bench {

// Returns 0 on success, 1 when strata's own path or the raw floor failed.
int run_container_bench(int runs, bool json);

}  // namespace strata::bench
