#!/usr/bin/env bash
# The browser edition's CTest (tests/web/tests.cmake): serves BUILD/web with
# `python3 -m http.server` on 127.0.0.1 (the way docs/WEB.md tells users),
# and runs browser_test.mjs against it in Debian's Chromium, through
# playwright-core from npm (installed into BUILD/web-tests from
# tests/web/package-lock.json; Playwright never downloads a browser here).
# Exit 77 (skipped) only where the machine truly cannot: no Chromium, or
# no Emscripten to build the page.
set -euo pipefail
build=$(cd "${1:?usage: run-browser-test.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
web="$build/web"
if [[ ! -x /usr/bin/chromium ]]; then
  echo "SKIP: Debian's chromium is not installed (make test installs it: scripts/install-deps.sh --test)"
  exit 77
fi
if [[ ! -f "$web/strata.js" ]]; then
  if ! command -v emcmake >/dev/null; then
    echo "SKIP: the page is not built and Emscripten is missing (apt-get install emscripten; make web)"
    exit 77
  fi
  echo "FAIL: $web/strata.js is missing: build the page first (make web)"
  exit 1
fi

# playwright-core, pinned by the lock file; reinstalled when the lock changes.
modules="$build/web-tests"
mkdir -p "$modules"
if ! cmp -s "$here/package-lock.json" "$modules/package-lock.json" || [[ ! -d "$modules/node_modules/playwright-core" ]]; then
  cp "$here/package.json" "$here/package-lock.json" "$modules/"
  (cd "$modules" && npm ci --no-audit --no-fund --loglevel=error)
fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 -d "$web" >"$build/web-tests/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/index.html" >/dev/null 2>&1 && break
  sleep 0.1
done
STRATA_WEB_TEST_MODULES="$modules/node_modules" \
  node "$here/browser_test.mjs" "http://127.0.0.1:$port" "$web" "$build/web-screenshots"
