#!/usr/bin/env bash
# `make run`: starts strata from the build directory. strata itself decides
# between the GUI (when built with it and a display is available) and the
# guided tour in the terminal.
set -euo pipefail
build_dir=${1:-build}
exec "$build_dir/bin/strata"
