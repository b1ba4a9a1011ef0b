#!/usr/bin/env bash
# Installs the Debian packages strata needs to build, test and run.
# Idempotent and quiet when everything is present; prints what it installs.
# Works as root or through sudo. Used by `make build`, `make run`, `make test`.
set -euo pipefail

# Build and runtime dependencies (see docs/ARCHITECTURE.md "Dependencies").
packages=(
  build-essential cmake ninja-build pkg-config clang lld binutils
  catch2 libfmt-dev nlohmann-json3-dev libcli11-dev
  libzydis-dev libmd4c-dev libseccomp-dev libcap-dev libnl-3-dev libnl-route-3-dev
  libyaml-cpp-dev zlib1g-dev libarchive-dev
  # iasl compiles the ACPI table that tells a Linux guest where vm/virtio's device is.
  acpica-tools
  libimgui-dev libstb-dev libglfw3-dev libsdl2-dev libgl-dev libgl1-mesa-dri
  fonts-dejavu-core busybox-static
  # GUI tests and screenshots run under a virtual X server.
  xvfb xauth
)
# `make package` (and its test): dpkg-shlibdeps for the .deb's Depends,
# rsvg-convert for the launcher's PNG icons, desktop-file-validate.
packaging=(dpkg-dev librsvg2-bin desktop-file-utils)
[[ "${1:-}" == "--package" ]] && packages+=("${packaging[@]}")
# `make web`: Debian's Emscripten, acorn for its optimiser, and dpkg-dev
# for `apt-get source` (scripts/web-sources.sh).
web=(emscripten node-acorn dpkg-dev)
[[ "${1:-}" == "--web" ]] && packages+=("${web[@]}")
# Extra packages only the test suite needs (peers, nested-KVM runner).
if [[ "${1:-}" == "--test" ]]; then
  packages+=("${packaging[@]}")
  packages+=(qemu-system-x86 xz-utils cpio kmod)
  # compare/runtime and its test run crun's default container next to strata's.
  packages+=(crun)
  # The fuzz smoke run (fuzz/run-fuzz.sh): libFuzzer from clang 16, the
  # first Debian clang whose C++20 support covers libstdc++'s std::expected.
  packages+=(clang-16 libclang-rt-16-dev)
  # The browser edition and its test (tests/web): the page built with
  # Emscripten, driven in Debian's Chromium by playwright-core from npm.
  packages+=("${web[@]}" chromium curl)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ "$status" == ii* ]] || missing+=("$p")
done
(( ${#missing[@]} == 0 )) && exit 0

echo "strata: installing Debian packages: ${missing[*]}"
sudo=()
if (( EUID != 0 )); then
  command -v sudo >/dev/null || { echo "strata: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "strata: packages installed."
