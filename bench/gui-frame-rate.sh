#!/usr/bin/env bash
# Frame rate of the strata window under Xvfb + Mesa llvmpipe, with the X
# server's CPU counted too (under Xvfb every frame shown is copied into the
# server). Runs each variant ROUNDS times, interleaved, so a burst of load
# from elsewhere hits them alike; prints the machine load with each line.
#
#   bench/gui-frame-rate.sh [ROUNDS] [-- extra strata gui options]
#   e.g. bench/gui-frame-rate.sh 3 -- --demo
set -euo pipefail
strata=${STRATA:-build/bin/strata}
rounds=${1:-3}
shift || true
[[ "${1:-}" == "--" ]] && shift
extra=("$@")
size=${SIZE:-1280x800}

display=:$(( 90 + RANDOM % 400 ))
Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null || true' EXIT
for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X${display#:} ]] && break; sleep 0.1; done

for round in $(seq "$rounds"); do
  for variant in partial full; do
    flags=(); [[ $variant == full ]] && flags=(--full-redraw)
    echo "== round $round, $variant frames, load $(cut -d' ' -f1-3 /proc/loadavg)"
    DISPLAY=$display STRATA_BENCH_X_PID=$xvfb "$strata" gui --bench-frames 300 --bench-idle 3 \
      --lesson container/uts --size "$size" "${flags[@]}" "${extra[@]}" | tail -n +2
  done
done
