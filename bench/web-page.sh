#!/usr/bin/env bash
# The browser edition's budgets (docs/WEB.md), next to the desktop window
# on the same machine in the same run: the page in headless Chromium
# (bench/web-page.mjs), then strata's own window under Xvfb at the same
# size (bench/gui-frame-rate.sh, one round).
#
#   bench/web-page.sh [ROUNDS]     (after make web and make test's npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
build=$(cd "${BUILD_DIR:-build}" && pwd)
[[ -f "$build/web/strata.js" ]] || { echo "bench: build the page first (make web)" >&2; exit 1; }
modules="$build/web-tests"
if [[ ! -d "$modules/node_modules/playwright-core" ]]; then
  mkdir -p "$modules"
  cp tests/web/package.json tests/web/package-lock.json "$modules/"
  (cd "$modules" && npm ci --no-audit --no-fund --loglevel=error)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 -d "$build/web" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/index.html" >/dev/null 2>&1 && break; sleep 0.1; done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
STRATA_WEB_TEST_MODULES="$modules/node_modules" node bench/web-page.mjs "http://127.0.0.1:$port" "$build/web" "$rounds"
echo
echo "peer: strata's desktop window, container/uts, 1280x800, Xvfb + llvmpipe"
STRATA="$build/bin/strata" bench/gui-frame-rate.sh 1
