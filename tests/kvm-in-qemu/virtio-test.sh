#!/usr/bin/env bash
# virtio-test.sh - vm/virtio: a virtio-blk disk under a real Linux guest of strata's VMM.
#
# Usage: virtio-test.sh STRATA BUILD_DIR
#
# Always inside the QEMU fallback (run-in-vm.sh), like boot-linux-test.sh: on a
# software-nested host (PVM) a Linux boot takes hours. Inside, as root, it runs
#   strata run vm/virtio --set kernel=<Debian's vmlinuz> --set disk=<a file it made>
# with the virtio modules beside the kernel, as the build puts them, and checks that
# the driver found the device through the ACPI tables, that the guest read the
# sentence strata's file holds in sector 0, that the guest's write reached the file
# (read back by the lesson and, after it, by this script), that register exits,
# requests, IRQ 5 and a flush were recorded, and that nothing is left behind; then
# the default memfd disk; then that a kernel without its modules, a missing disk and
# a disk too small each end with their own error and exit 1, quickly.
#
# Exit status: 0 passed, 1 failed, 77 skipped (no kernel or modules in the build).
set -euo pipefail
strata="$1"
build="$2"
here="$(cd "$(dirname "$0")" && pwd)"

kernel="$(find "$build/guest-kernel" -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort | tail -n 1)"
if [[ -z "$kernel" || ! -d "$build/guest-kernel/modules" ]]; then
    echo "virtio-test: SKIP: no kernel and modules in $build/guest-kernel (the build fetches Debian's when online)"
    exit 77
fi
[[ -d "$build/rootfs/bin" ]] || { echo "virtio-test: no container image in $build/rootfs"; exit 1; }

checks="$(mktemp "${TMPDIR:-/tmp}/strata-virtio.XXXXXX")"
trap 'rm -f "$checks"' EXIT
cat > "$checks" <<'GUEST'
# Runs inside the QEMU fallback's guest: $1 the kernel (its modules beside it).
kernel="$1"
failed=0
ok() { echo "ok   - $*"; }
fail() { echo "FAIL - $*"; failed=1; }
fact() { sed -n "s|^  $1: ||p" /tmp/out | tail -n 1; }
sum_fact() { sed -n "s|^  $1: ||p" /tmp/out | awk '{ n += $1 } END { print n + 0 }'; }

# A disk file of our own: sector 0 says something, the rest is zeros.
truncate -s 1M /tmp/disk.img
printf 'a disk image made by virtio-test.sh\n' | dd of=/tmp/disk.img conv=notrunc 2>/dev/null
start=$(cut -d' ' -f1 /proc/uptime)
/strata/strata run vm/virtio --no-narrative --set kernel="$kernel" --set disk=/tmp/disk.img > /tmp/out 2>&1
rc=$?
end=$(cut -d' ' -f1 /proc/uptime)
echo "strata run vm/virtio: exit $rc after $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
[ "$rc" = 0 ] && ok "exit status 0" || fail "exit status $rc"
grep -q '^Lesson complete' /tmp/out && ok "lesson complete" || fail "lesson not complete"
release=$(fact 'kernel release (from the header)')
read=$(fact 'what the guest read from sector 0')
[ "$read" = "a disk image made by virtio-test.sh" ] && ok "the guest read sector 0 of the file: $read" \
    || fail "the guest read '$read'"
host=$(fact 'sector 1 of the disk file, read by the host')
case "$host" in
    "written by the guest's Linux $release through virtio-blk") ok "the lesson read the guest's write back: $host" ;;
    *) fail "sector 1 read by the lesson: '$host'" ;;
esac
after=$(dd if=/tmp/disk.img bs=512 skip=1 count=1 2>/dev/null | tr -d '\000' | head -n 1)
[ "$after" = "written by the guest's Linux $release through virtio-blk" ] && ok "the file holds the guest's sentence after the run" \
    || fail "the file's sector 1 after the run: '$after'"
first=$(dd if=/tmp/disk.img bs=512 count=1 2>/dev/null | tr -d '\000' | head -n 1)
[ "$first" = "a disk image made by virtio-test.sh" ] && ok "sector 0 is untouched" || fail "sector 0 is now '$first'"
exits=$(fact 'exits to virtio-mmio')
[ "${exits:-0}" -gt 10 ] 2>/dev/null && ok "register exits to virtio-mmio: $exits" || fail "exits to virtio-mmio: '$exits'"
irqs=$(sum_fact 'IRQ 5 raised (KVM_IRQ_LINE)')
[ "$irqs" -gt 0 ] && ok "IRQ 5 raised $irqs times" || fail "IRQ 5 never raised"
requests=$(fact 'virtio requests served')
[ "${requests:-0}" -ge 3 ] 2>/dev/null && ok "requests served: $requests" || fail "requests served: '$requests'"
flushes=$(fact 'flush requests (fsync)')
[ "${flushes:-0}" -ge 1 ] 2>/dev/null && ok "flush requests: $flushes" || fail "flush requests: '$flushes'"
status=$(grep -c 'DRIVER_OK' /tmp/out || true)
[ "$status" -gt 0 ] && ok "the driver set DRIVER_OK" || fail "no DRIVER_OK"
held=$(ls -l /proc/[0-9]*/fd 2>/dev/null | grep -c 'kvm-vm' || true)
[ "$held" = 0 ] && ok "no VM left open" || fail "$held fds still hold a VM"
rm -f /tmp/disk.img
left=$(ls -A /tmp | grep -v '^out$' | grep -v '^\.local$' | grep -c . || true)
[ "$left" = 0 ] && ok "nothing left in /tmp" || fail "left in /tmp: $(ls -A /tmp | tr '\n' ' ')"
if [ "$failed" = 1 ]; then
    echo "---- strata's output (without the per-event lines) ----"
    grep -v '^ *+[0-9.]* *[0-9.]* *[mµn]*s ' /tmp/out | tail -n 80
fi

# The default disk: a memfd, gone with strata.
/strata/strata run vm/virtio --no-narrative --set kernel="$kernel" > /tmp/out 2>&1
rc=$?
read=$(fact 'what the guest read from sector 0')
case "$rc:$read" in
    "0:strata's virtio disk"*) ok "memfd disk: exit 0, the guest read: $read" ;;
    *) fail "memfd disk: exit $rc, read '$read'"; tail -n 5 /tmp/out ;;
esac
left=$(ls -A /tmp | grep -v '^out$' | grep -v '^\.local$' | grep -c . || true)
[ "$left" = 0 ] && ok "nothing left in /tmp after the memfd run" || fail "left in /tmp: $(ls -A /tmp | tr '\n' ' ')"

# Bad input: each refused with its own message, exit 1, never a hang.
expect_error() {  # expect_error NAME TEXT ARGS...
    name="$1"; text="$2"; shift 2
    t0=$(cut -d' ' -f1 /proc/uptime)
    timeout 60 /strata/strata run vm/virtio --no-narrative "$@" > /tmp/err 2>&1
    code=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    if [ "$code" = 1 ] && grep -q "$text" /tmp/err; then
        ok "$name: exit 1 in $took s, \"$text\""
    else
        fail "$name: exit $code in $took s"; tail -n 5 /tmp/err
    fi
}
mkdir /tmp/bare && cp "$kernel" /tmp/bare/
expect_error "a kernel without its modules" "virtio drivers are modules" --set kernel="/tmp/bare/${kernel##*/}"
expect_error "a missing disk" "cannot open the disk image" --set kernel="$kernel" --set disk=/tmp/no-such-disk
truncate -s 1000 /tmp/small.img
expect_error "a disk too small" "of at least 4 KiB" --set kernel="$kernel" --set disk=/tmp/small.img
rm -rf /tmp/bare /tmp/small.img /tmp/err /tmp/out
exit "$failed"
GUEST

# The kernel and its modules go to a fixed place in the guest (a build tree under
# /tmp would be hidden there by the guest's own tmpfs on /tmp).
status=0
"$here/run-in-vm.sh" --timeout 280 --with "$strata" \
    --file "$build/rootfs:/var/lib/strata/rootfs" --file "$build/guest-kernel:/strata/guest-kernel" \
    --file "$checks:/strata/virtio-checks.sh" \
    -- /bin/busybox sh /strata/virtio-checks.sh "/strata/guest-kernel/${kernel##*/}" || status=$?
case "$status" in
    0) echo "virtio-test: passed" ;;
    125) echo "virtio-test: the QEMU fallback could not run (see above)"; exit 1 ;;
    *) echo "virtio-test: FAILED"; exit 1 ;;
esac
