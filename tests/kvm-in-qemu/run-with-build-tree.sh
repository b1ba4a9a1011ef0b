#!/usr/bin/env bash
# Runs one case of a test binary that needs both a real /dev/kvm and the build
# tree's programs (strata, its helpers, the container image, the lesson assets):
# the compare suite. CTest runs it as the binary's launcher (CROSSCOMPILING_EMULATOR).
#
#   run-with-build-tree.sh [--linux-guest] BUILD_DIR ASSET_DIR BINARY [ARGS...]
#
# --linux-guest: the cases boot a Linux kernel, which needs hardware-assisted KVM; on
# a software-nested /dev/kvm (PVM, where guest kernel code is emulated and a boot
# takes hours) they go to the QEMU fallback too (strata doctor says which kind).
#
# Where this machine has a usable /dev/kvm, or when CTest only lists the cases, the
# binary runs here as it is. Otherwise it runs inside the QEMU fallback
# (run-in-vm.sh: a real /dev/kvm under TCG), with strata, its helper programs, the
# image and the assets at their own paths, so the binary and strata find them
# there as in the build tree; cgroup v2, user namespaces and pivot_root all work in
# that guest. Without QEMU the binary's own check reports the case as skipped (77).
# STRATA_KVM_IN_QEMU=force takes the VM even where /dev/kvm is usable (to test the
# fallback itself); =0 never does.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
linux_guest=0
[[ "${1:-}" == --linux-guest ]] && { linux_guest=1; shift; }
build="$1" assets="$2" binary="$3"
shift 3

usable_kvm() {
    [[ -c /dev/kvm && -r /dev/kvm && -w /dev/kvm ]] || return 1
    [[ $linux_guest -eq 0 ]] && return 0
    "$build/bin/strata" doctor --json 2>/dev/null | grep -q '"kvm_kind": *"hardware-assisted"'
}
listing=0
for arg in "$@"; do [[ "$arg" == --list* ]] && listing=1; done
mode="${STRATA_KVM_IN_QEMU:-1}"
if [[ $listing -eq 1 || $mode == 0 ]] || { usable_kvm && [[ $mode != force ]]; } \
    || ! command -v qemu-system-x86_64 >/dev/null; then
    exec "$binary" "$@"
fi

if [[ $linux_guest -eq 1 ]] && [[ -c /dev/kvm ]]; then
    echo "This /dev/kvm is not hardware-assisted: running this Linux-guest case inside a QEMU VM whose kernel has a real /dev/kvm."
else
    echo "No usable /dev/kvm on this machine: running this case inside a QEMU VM whose kernel has a real /dev/kvm."
fi
with=()
for program in strata strata-idle-vm strata-container-timer strata-raw-container strata-raw-vm-hello; do
    [[ -x "$build/bin/$program" ]] && with+=(--with "$build/bin/$program")
done
# Peers strata measures itself against, where this machine has them.
for peer in unshare crun runc; do
    path="$(command -v "$peer" || true)"
    [[ -n "$path" ]] && with+=(--with "$(realpath "$path")")
done
# The Linux kernel the build fetched, for the cases that boot it; and QEMU with
# its firmware, which boots the same kernel as their peer (about 8 MB more).
files=(--file "$build/rootfs" --file "$assets")
if [[ $linux_guest -eq 1 ]]; then
    [[ -d "$build/guest-kernel" ]] && files+=(--file "$build/guest-kernel")
    with+=(--with "$(realpath "$(command -v qemu-system-x86_64)")")
    [[ -d /usr/share/qemu ]] && files+=(--file /usr/share/qemu)
fi
exec "$here/run-in-vm.sh" --timeout 900 --own-paths "${with[@]}" "${files[@]}" -- "$binary" "$@"
