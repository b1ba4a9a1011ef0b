#!/usr/bin/env bash
# Runs a KVM test binary against a real /dev/kvm: this machine's own when it
# has a usable one, otherwise the /dev/kvm of a QEMU virtual machine booted
# for the purpose (run-in-vm.sh: TCG with an emulated AMD-V CPU, a stock
# Debian kernel, kvm-amd). Either way the tests make real KVM calls.
#
#   run-kvm-suite.sh BINARY [ARGS...]
#
# STRATA_KVM_IN_QEMU=0 turns the VM off: without /dev/kvm the suite is then
# reported as skipped (exit 77) with the reason. =force takes the VM even where
# /dev/kvm is usable, to test the fallback itself.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=$1
shift

if [[ -c /dev/kvm && -r /dev/kvm && -w /dev/kvm && "${STRATA_KVM_IN_QEMU:-1}" != force ]]; then
    exec "$binary" "$@"
fi
if [[ "${STRATA_KVM_IN_QEMU:-1}" == 0 ]]; then
    echo "SKIPPED: no usable /dev/kvm on this machine and STRATA_KVM_IN_QEMU=0"
    exit 77
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "SKIPPED: no usable /dev/kvm on this machine, and qemu-system-x86 is not installed to provide one"
    exit 77
fi
echo "No usable /dev/kvm on this machine: running $(basename "$binary") inside a QEMU VM whose kernel has a real /dev/kvm."
# vm/snapshot runs strata itself as a second process: the one next to the binary.
with=()
strata="$(dirname "$binary")/strata"
[[ -x "$strata" ]] && with=(--with "$strata")
exec "$here/run-in-vm.sh" --timeout 900 "${with[@]}" -- "$binary" "$@"
