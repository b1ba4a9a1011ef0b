#!/usr/bin/env bash
# boot-linux-test.sh - vm/boot-linux boots a real Linux kernel under strata's VMM.
#
# Usage: boot-linux-test.sh STRATA BUILD_DIR
#
# Always inside the QEMU fallback (run-in-vm.sh: TCG with an emulated AMD-V CPU),
# whatever this host's /dev/kvm is: on a software-nested host (PVM) guest kernel
# code is emulated and a Linux boot takes hours. Inside, as root, it runs
#   strata run vm/boot-linux --set kernel=<Debian's vmlinuz, as the build fetched it>
# and checks that the guest reached /init, that its `uname -r` is the guest kernel's
# and not this host's, that exits were counted by device, that the VMM saw the
# power-off, that strata exited 0 and left no VM, fd or file behind; that --shell
# gives the guest's own shell on its console; then that a
# truncated kernel, a file that is no kernel and an initramfs too large for guest RAM
# each end with their own error and exit status 1, quickly.
#
# Exit status: 0 passed, 1 failed, 77 skipped (no kernel, or no QEMU fallback).
set -euo pipefail
strata="$1"
build="$2"
here="$(cd "$(dirname "$0")" && pwd)"

kernel="$(find "$build/guest-kernel" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort | tail -n 1)"
if [[ -z "$kernel" ]]; then
    echo "boot-linux-test: SKIP: no kernel in $build/guest-kernel (the build fetches Debian's when online)"
    exit 77
fi
[[ -d "$build/rootfs/bin" ]] || { echo "boot-linux-test: no container image in $build/rootfs"; exit 1; }

checks="$(mktemp "${TMPDIR:-/tmp}/strata-boot-linux.XXXXXX")"
trap 'rm -f "$checks"' EXIT
cat > "$checks" <<'GUEST'
# Runs inside the QEMU fallback's guest: $1 the kernel, $2 the real host's uname -r.
kernel="$1"; host_release="$2"
failed=0
ok() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; failed=1; }
fact() { sed -n "s|^  $1: ||p" /tmp/out | tail -n 1; }

start=$(cut -d' ' -f1 /proc/uptime)
/strata/strata run vm/boot-linux --set kernel="$kernel" > /tmp/out 2>&1
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
echo "strata run vm/boot-linux: exit $rc after $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
[ "$rc" = 0 ] && ok "exit status 0" || fail "exit status $rc"
grep -q '^STRATA-INIT: /init is running' /tmp/out && ok "/init reached" || fail "/init not reached"
guest=$(sed -n 's/^STRATA-GUEST-UNAME: \([^[:cntrl:]]*\).*/\1/p' /tmp/out | head -n 1)
case "$kernel" in
    *"vmlinuz-$guest") ok "guest uname -r is the booted kernel's: $guest" ;;
    *) fail "guest uname -r '$guest' is not the booted kernel's ($kernel)" ;;
esac
header=$(fact 'kernel release (from the header)')
[ "$guest" = "$header" ] && ok "guest uname -r is what the bzImage header said: $header" \
    || fail "guest uname -r '$guest', header '$header'"
[ -n "$guest" ] && [ "$guest" != "$host_release" ] && ok "guest uname -r differs from the host's ($host_release)" \
    || fail "guest uname -r '$guest' vs host '$host_release'"
serial=$(fact 'exits to 16550 UART')
[ "${serial:-0}" -gt 0 ] 2>/dev/null && ok "serial exits: $serial" || fail "no serial exits counted"
for device in 'CMOS/RTC' 'PCI config (no bus: all ones)' 'i8042 keyboard controller'; do
    n=$(fact "exits to $device")
    [ "${n:-0}" -gt 0 ] 2>/dev/null && ok "exits to $device: $n" || fail "no exits counted for $device"
done
how=$(fact 'how the VMM learned of the power-off')
case "$how" in
    *0xfe*|*SHUTDOWN*) ok "power-off seen: $how" ;;
    *) fail "power-off not seen" ;;
esac
grep -q '^Lesson complete' /tmp/out && ok "lesson complete" || fail "lesson not complete"
# Nothing left behind: no process holds a VM, no strata files in /tmp (HOME is
# /tmp here: strata's progress store, $HOME/.local, is meant to stay).
held=$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c 'kvm-vm' || true)
[ "$held" = 0 ] && ok "no VM left open" || fail "$held fds still hold a VM"
left=$(ls -A /tmp | grep -v '^out$' | grep -v '^\.local$' | grep -c . || true)
[ "$left" = 0 ] && ok "nothing left in /tmp" || fail "left in /tmp: $(ls -A /tmp | tr '\n' ' ')"
if [ "$failed" = 1 ]; then
    echo "---- strata's output (console and steps, without the per-event lines) ----"
    grep -v '^ *+[0-9.]* *[0-9.]* *[mµn]*s ' /tmp/out | tail -n 80
fi

# --shell: the guest's own shell on its console, fed from strata's stdin.
printf 'echo GUEST-SAYS-$(uname -r)\nexit\n' |
    timeout 120 /strata/strata run vm/boot-linux --shell --no-narrative --set kernel="$kernel" > /tmp/shell 2>&1
code=$?
if [ "$code" = 0 ] && grep -q "^GUEST-SAYS-$guest" /tmp/shell; then
    ok "--shell: the guest's shell ran a command and exit powered the VM off"
else
    fail "--shell: exit $code"; grep -v '^ *+[0-9.]* *[0-9.]* *[mµn]*s ' /tmp/shell | tail -n 15
fi
rm -f /tmp/shell

# Broken inputs: each refused with its own message, exit 1, never a hang.
expect_error() {  # expect_error NAME TEXT ARGS...
    name="$1"; text="$2"; shift 2
    t0=$(cut -d' ' -f1 /proc/uptime)
    timeout 60 /strata/strata run vm/boot-linux --no-narrative "$@" > /tmp/err 2>&1
    code=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    if [ "$code" = 1 ] && grep -q "$text" /tmp/err; then
        ok "$name: exit 1 in $took s, \"$text\""
    else
        fail "$name: exit $code in $took s"; tail -n 5 /tmp/err
    fi
}
head -c 1000000 "$kernel" > /tmp/truncated
expect_error "truncated bzImage" "truncated" --set kernel=/tmp/truncated
expect_error "not a kernel" "not a bzImage" --set kernel=/strata/boot-linux-checks.sh
truncate -s 250M /tmp/huge.cpio
expect_error "initramfs too large" "initramfs is too large for guest RAM" --set kernel="$kernel" --set initrd=/tmp/huge.cpio
rm -f /tmp/truncated /tmp/huge.cpio /tmp/err /tmp/out
exit "$failed"
GUEST

# The kernel goes to a fixed place in the guest: a build tree under /tmp
# would be hidden there by the guest's own tmpfs on /tmp.
guest_kernel="/strata/$(basename "$kernel")"
status=0
"$here/run-in-vm.sh" --timeout 500 --with "$strata" \
    --file "$build/rootfs:/var/lib/strata/rootfs" --file "$kernel:$guest_kernel" --file "$checks:/strata/boot-linux-checks.sh" \
    -- /bin/busybox sh /strata/boot-linux-checks.sh "$guest_kernel" "$(uname -r)" || status=$?
case "$status" in
    0) echo "boot-linux-test: passed" ;;
    125) echo "boot-linux-test: the QEMU fallback could not run (see above)"; exit 1 ;;
    *) echo "boot-linux-test: FAILED"; exit 1 ;;
esac
