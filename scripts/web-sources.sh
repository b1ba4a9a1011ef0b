#!/usr/bin/env bash
# Unpacks the sources the browser edition compiles to WebAssembly, from
# Debian's source packages: Dear ImGui (core, backends, misc/cpp), md4c and
# yaml-cpp. Desktop strata links Debian's binary packages of the same
# versions; the browser needs them built by Emscripten, so it takes the
# same code as source. Nothing else is downloaded.
#
#   scripts/web-sources.sh DIR    -> DIR/imgui, DIR/md4c, DIR/yaml-cpp
#
# Needs a deb-src line for the archive apt already uses; one is added
# (/etc/apt/sources.list.d/strata-deb-src.sources) when none is there.
# Idempotent: a DIR already filled is left as it is.
set -euo pipefail
dir=${1:?usage: scripts/web-sources.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
packages=(imgui md4c yaml-cpp)
have_all=1
for p in "${packages[@]}"; do [[ -f "$dir/$p/.unpacked" ]] || have_all=0; done
(( have_all )) && exit 0

sudo=()
(( EUID == 0 )) || sudo=(sudo)

# A deb-src line mirroring the archive's deb lines (deb822 or one-line).
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  src=/etc/apt/sources.list.d/strata-deb-src.sources
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    sed -e 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | "${sudo[@]}" tee "$src" >/dev/null
  else
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | "${sudo[@]}" tee /etc/apt/sources.list.d/strata-deb-src.list >/dev/null
  fi
  echo "strata: added a deb-src line for Debian's source packages"
  "${sudo[@]}" apt-get update -qq
fi

download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
# Only the upstream tarballs are needed, unpacked as they are (Debian's
# changes to these three are packaging, not code). Some Debian parts of a
# source package may be missing from the archive (seen: md4c's
# .debian.tar.xz answers 404), so a partial download is not fatal here:
# what counts is that each upstream tarball arrived.
(cd "$download" && apt-get source --download-only -qq "${packages[@]}" >/dev/null 2>&1) || true
for p in "${packages[@]}"; do
  tarball=$(ls "$download/${p}_"*.orig.tar.* 2>/dev/null | head -1 || true)
  if [[ -z "$tarball" ]]; then
    echo "strata: could not download the source of $p (apt-get source $p)" >&2
    exit 1
  fi
  rm -rf "${dir:?}/$p"
  mkdir -p "$dir/$p"
  tar -xf "$tarball" -C "$dir/$p" --strip-components=1
  basename "$tarball" > "$dir/$p/.unpacked"
done
echo "strata: unpacked $(cd "$dir" && cat ./*/.unpacked | tr '\n' ' ')into $dir"
