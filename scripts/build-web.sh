#!/usr/bin/env bash
# Builds the browser edition into BUILD_DIR/web (docs/WEB.md): the native
# strata prints the course outline, Debian's source packages give ImGui,
# md4c and yaml-cpp, and Debian's Emscripten compiles it all with strata's
# engine, replay backend and views. Used by `make web`.
#
#   scripts/build-web.sh BUILD_DIR    (BUILD_DIR/bin/strata must be built)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: scripts/build-web.sh BUILD_DIR}
strata="$build/bin/strata"
web_build="$build/web-build"
[[ -x "$strata" ]] || { echo "strata: $strata is not built (make build)" >&2; exit 1; }
command -v emcmake >/dev/null || { echo "strata: emcmake is missing: apt-get install emscripten" >&2; exit 3; }

scripts/web-sources.sh "$build/web-sources"

# The course as the desktop strata has it; rewritten only when it changed,
# so an unchanged course does not relink the page.
mkdir -p "$web_build"
"$strata" list --outline > "$web_build/lesson-outline.json.new"
if cmp -s "$web_build/lesson-outline.json.new" "$web_build/lesson-outline.json"; then
  rm "$web_build/lesson-outline.json.new"
else
  mv "$web_build/lesson-outline.json.new" "$web_build/lesson-outline.json"
fi

# Emscripten's JavaScript optimiser needs acorn, which Debian ships as
# node-acorn outside Node's default path.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
if [[ ! -f "$web_build/build.ninja" ]]; then
  emcmake cmake -S . -B "$web_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSTRATA_WEB_SOURCES="$PWD/$build/web-sources" \
    -DSTRATA_LESSON_OUTLINE="$PWD/$web_build/lesson-outline.json" \
    -DSTRATA_WEB_OUTPUT="$PWD/$build/web" >/dev/null
fi
cmake --build "$web_build" -j "$(nproc)"
echo "strata: the page is in $build/web (serve it: python3 -m http.server -d $build/web)"
