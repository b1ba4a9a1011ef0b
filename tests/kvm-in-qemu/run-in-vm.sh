#!/usr/bin/env bash
# run-in-vm.sh - run a test binary against a real /dev/kvm inside a QEMU VM.
#
# Usage: run-in-vm.sh [--cache DIR] [--timeout SECONDS] [--verbose] [--own-paths] [--with FILE]... [--file SRC[:DEST]]... -- /path/to/binary [args...]
#
# --with FILE puts another program (with its libraries) next to the binary in the
# guest, e.g. a helper the binary finds as a sibling of /proc/self/exe.
# --file SRC[:DEST] puts a data file or a whole directory (copied as it is, links kept)
# at DEST in the guest, by default at SRC's own absolute path: a build-tree binary then
# finds the files the build made (the container image, a guest kernel) where it looks.
# --own-paths puts the binary and every --with program at their own absolute paths
# instead of under /strata: a build-tree strata then knows it runs from its build tree
# and finds its helpers, image and assets there.
#
# For hosts without /dev/kvm (e.g. CI machines that are themselves guests without
# nested virtualisation).  QEMU emulates the whole machine in software (TCG) with an
# emulated AMD SVM CPU, so a stock Debian kernel inside it can load kvm-amd and offer
# a real /dev/kvm.  The binary runs there as root, in /tmp (a tmpfs), with stdin from
# /dev/null.
#
#   * The guest kernel is the Debian package linux-image-amd64 points to, fetched with
#     `apt-get download` and unpacked into the cache dir (nothing is installed on the
#     host).  Later runs reuse it and download nothing.
#   * The initramfs carries busybox-static, kvm.ko + kvm-amd.ko and their deps, the
#     binary and the shared libraries ldd reports (programs without their debug
#     information: a tenth of the size, so the VM boots sooner).  Libraries loaded with
#     dlopen() and files the binary reads from the host are NOT there.
#   * /init moves the root file system from the initramfs into a tmpfs (switch_root):
#     pivot_root, which every container start makes, refuses to work on the initramfs
#     itself.  cgroup v2 is mounted on /sys/fs/cgroup, as on most users' machines.
#   * Four emulated serial ports: ttyS0 carries the binary's stdout to our stdout,
#     ttyS1 its stderr to our stderr, so kernel messages never mix into them; ttyS2 is
#     the kernel console, logged and shown with --verbose or when something goes
#     wrong; ttyS3 carries only /init's STRATA-* marker lines (exit status, timings),
#     so neither the binary nor a kernel message can garble or fake them.
#
# Exit status: the binary's own, or 125 when the VM could not be booted, KVM could not
# be set up in it, or the run hit --timeout.
#
# --timeout covers the whole VM run (about 3 s of boot, then the binary).
#
# Environment overrides: STRATA_VM_CPU, space-separated QEMU -cpu models tried in turn
# until the guest sees the svm flag (default "max qemu64,+svm"); STRATA_VM_MEMORY,
# guest RAM in MiB (default 1024, more for a large payload: see guest_memory_mib);
# STRATA_VM_SMP, guest CPUs (default 1; KVM reports
# KVM_CAP_NR_VCPUS = this number).
set -euo pipefail

readonly PROG=run-in-vm.sh
readonly SETUP_FAILED=125

cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/strata/kvm-in-qemu"
timeout_s=300
verbose=0
own_paths=0
extra_files=()
data_files=()

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "error: $*"; exit "$SETUP_FAILED"; }
usage() {
    sed -n 's/^# \{0,1\}Usage: /usage: /p' "$0" >&2
    exit "$SETUP_FAILED"
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --cache) [[ $# -ge 2 ]] || usage; cache_dir="$2"; shift 2 ;;
        --cache=*) cache_dir="${1#*=}"; shift ;;
        --timeout) [[ $# -ge 2 ]] || usage; timeout_s="$2"; shift 2 ;;
        --timeout=*) timeout_s="${1#*=}"; shift ;;
        -v|--verbose) verbose=1; shift ;;
        --own-paths) own_paths=1; shift ;;
        --with) [[ $# -ge 2 ]] || usage; extra_files+=("$(realpath "$2")"); shift 2 ;;
        --file) [[ $# -ge 2 ]] || usage; data_files+=("$2"); shift 2 ;;
        -h|--help) usage ;;
        --) shift; break ;;
        *) log "unknown argument: $1"; usage ;;
    esac
done
[[ $# -ge 1 ]] || usage
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || die "--timeout must be a positive number of seconds, got '$timeout_s'"
binary="$1"; shift
[[ -f "$binary" && -x "$binary" ]] || die "not an executable file: $binary"
binary="$(realpath "$binary")"

t_start=$(date +%s.%N)

# ---------------------------------------------------------------------------
# Temp dir and cleanup.  Everything we start is killed by pid on the way out.
# ---------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/strata-kvm-vm.XXXXXX")"
bg_pids=()
# shellcheck disable=SC2317  # only called from the EXIT trap
cleanup() {
    local pid
    for pid in "${bg_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${bg_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# ---------------------------------------------------------------------------
# Host tools.  apt-get waits for a concurrent dpkg run instead of failing at once.
# ---------------------------------------------------------------------------
apt_opts=(-q -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)

apt_install() {
    [[ $EUID -eq 0 ]] || die "need the packages '$*'; install them (as root): apt-get install $*"
    log "installing $* with apt-get"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_opts[@]}" "$@" >&2; then
        apt-get update "${apt_opts[@]}" >&2 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_opts[@]}" "$@" >&2 \
            || die "apt-get install $* failed"
    fi
}

pkg_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

missing=()
command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
# The initramfs needs a *static* busybox; the plain "busybox" package's binary is dynamic.
pkg_installed busybox-static || missing+=(busybox-static)
[[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"
busybox=/bin/busybox
[[ -x "$busybox" ]] || die "$busybox missing although busybox-static is installed"

# ---------------------------------------------------------------------------
# Guest kernel: the package linux-image-amd64 depends on, unpacked into the cache
# (scripts/fetch-debian-kernel.sh, which the build also uses for vm/boot-linux).
# ---------------------------------------------------------------------------
fetch_kernel="$(cd "$(dirname "$0")/../.." && pwd)/scripts/fetch-debian-kernel.sh"
[[ -x "$fetch_kernel" ]] || die "missing $fetch_kernel"
kroot="$("$fetch_kernel" --cache "$cache_dir")" || die "could not get Debian's kernel (see above)"

vmlinuz="$(find "$kroot/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)"
[[ -n "$vmlinuz" ]] || die "no vmlinuz in $kroot/boot"
kver="${vmlinuz##*/vmlinuz-}"
kernel="$vmlinuz"
[[ -f "$kroot/boot/vmlinux-$kver" ]] && kernel="$kroot/boot/vmlinux-$kver"
moddir="$kroot/lib/modules/$kver"
[[ -f "$moddir/modules.dep" ]] || die "no modules.dep in $moddir"

# ---------------------------------------------------------------------------
# Initramfs.
# ---------------------------------------------------------------------------
root="$work/root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,strata}

# Applet symlinks are made by busybox --install at the start of /init: creating ~270
# of them here with ln costs over a second per run on a slow host.
cp "$busybox" "$root/bin/busybox"

# Modules in load order: every module after its dependencies (modules.dep lists the
# whole dependency closure of a module, in no useful order, so we recurse).
declare -A moddeps=() loaded=()
while IFS= read -r line; do
    moddeps["${line%%:*}"]="${line#*:}"
done < "$moddir/modules.dep"

modpath() {  # kernel/arch/x86/kvm/kvm.ko(.xz) for a module name such as kvm-amd
    local name="$1" key
    for key in "${!moddeps[@]}"; do
        case "$key" in
            */"$name".ko|*/"$name".ko.xz|*/"$name".ko.zst|*/"$name".ko.gz) echo "$key"; return ;;
        esac
    done
    die "module $name not found in $moddir/modules.dep"
}

load_order=()
add_module() {
    local key="$1" dep
    [[ -z "${loaded[$key]:-}" ]] || return 0
    loaded["$key"]=1
    for dep in ${moddeps[$key]}; do
        add_module "$dep"
    done
    load_order+=("$key")
}
for name in kvm kvm-amd; do
    key="$(modpath "$name")"
    add_module "$key"
done

mkdir -p "$root/lib/modules"
: > "$root/strata/modules"
for key in "${load_order[@]}"; do
    out="$root/lib/modules/$(basename "${key%.ko*}").ko"
    # busybox insmod cannot read compressed modules: decompress here on the host.
    case "$key" in
        *.ko.xz)  xz -dc "$moddir/$key" > "$out" ;;
        *.ko.zst) zstd -qdc "$moddir/$key" > "$out" ;;
        *.ko.gz)  gzip -dc "$moddir/$key" > "$out" ;;
        *)        cp "$moddir/$key" "$out" ;;
    esac
    echo "/lib/modules/${out##*/}" >> "$root/strata/modules"
done

# The binary and the libraries it links, each at the path ldd reports (the dynamic
# loader must be at the exact path written into the binary).
libdirs=()
# Where a program goes in the guest: /strata/NAME, or its own path with --own-paths.
guest_path() { if [[ $own_paths -eq 1 ]]; then echo "$1"; else echo "/strata/${1##*/}"; fi; }
copy_with_libraries() {
    local program=$1 ldd_out lib dest
    dest="$root$(guest_path "$program")"
    mkdir -p "${dest%/*}"
    # Without debug information: the symbols stay, for backtraces.
    strip --strip-debug -o "$dest" "$program" 2>/dev/null || cp "$program" "$dest"
    if ldd_out="$(ldd "$program" 2>/dev/null)"; then
        while read -r lib; do
            [[ -e "$root$lib" ]] && continue
            mkdir -p "$root${lib%/*}"
            cp -L "$lib" "$root$lib"
            libdirs+=("${lib%/*}")
        done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<< "$ldd_out")
    fi
}
copy_with_libraries "$binary"
for extra in "${extra_files[@]}"; do
    copy_with_libraries "$extra"
done
for spec in "${data_files[@]}"; do
    src="${spec%%:*}"
    dest="$src"
    [[ "$spec" == *:* ]] && dest="${spec#*:}"
    [[ -e "$src" ]] || die "--file: no such file or directory: $src"
    [[ "$dest" == /* ]] || dest="$(realpath -m "$dest")"
    mkdir -p "$root$(dirname "$dest")"
    cp -a "$(realpath "$src")" "$root$dest"
done
ld_library_path="$(printf '%s\n' "${libdirs[@]}" | sort -u | paste -sd:)"

# POSIX single quoting, for writing values into the guest's shell scripts.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# The binary's argument list, as a shell fragment the guest's /init sources.
{
    printf 'set --'
    for arg in "$@"; do
        printf ' %s' "$(shquote "$arg")"
    done
    printf '\n'
} > "$root/strata/args"

cat > "$root/init" <<EOF
#!/bin/busybox sh
# Generated by $PROG.  ttyS0: binary stdout, ttyS1: binary stderr, ttyS2: console,
# ttyS3: marker lines for the host.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/tmp TMPDIR=/tmp
export LD_LIBRARY_PATH=$(shquote "$ld_library_path")
BIN=$(shquote "$(guest_path "$binary")")
EOF
cat >> "$root/init" <<'EOF'
# Stage 1: the root moves from the initramfs into a tmpfs, and this script goes
# on there as stage 2. pivot_root (every container start) refuses the initramfs.
if [ "$1" != stage2 ]; then
    /bin/busybox mkdir -p /newroot
    /bin/busybox mount -t tmpfs -o mode=0755 root /newroot
    for f in /*; do
        [ "$f" = /newroot ] || /bin/busybox cp -a "$f" /newroot/
    done
    exec /bin/busybox switch_root /newroot /init stage2
fi
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s      # needs /proc (it reads /proc/self/exe)
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t devtmpfs devtmpfs /dev
# A fresh /tmp, unless files were put there (--own-paths or --file of a build tree
# under /tmp): a tmpfs mounted over them would hide them, and the root is a tmpfs
# already.
[ -n "$(ls -A /tmp 2>/dev/null)" ] || mount -t tmpfs tmpfs /tmp
exec </dev/null >/dev/console 2>&1
mark() { echo "$*"; echo "$*" > /dev/ttyS3; }   # console for people, ttyS3 for the host
now_up() { cut -d' ' -f1 /proc/uptime; }
mark "STRATA-INIT: $(now_up)"

# Wait until the serial output has actually left the guest: stty's tcsetattr uses
# TCSADRAIN, so this returns only once ttyS0..3 are empty.  Without it poweroff -f
# can drop the last bytes still queued in the UART buffers.
drain() { for t in /dev/ttyS0 /dev/ttyS1 /dev/ttyS2 /dev/ttyS3; do stty -F "$t" -opost 2>/dev/null; done; }
finish() {
    mark "$1"
    drain
    poweroff -f
}
setup_failed() {
    dmesg | tail -n 30
    finish "STRATA-SETUP-FAILED: $*"
}

grep -qw svm /proc/cpuinfo || setup_failed "guest CPU has no svm flag"
while read -r mod; do
    insmod "$mod" || setup_failed "insmod $mod failed"
done < /strata/modules
[ -c /dev/kvm ] || mknod /dev/kvm c 10 232 || setup_failed "cannot create /dev/kvm"
[ -c /dev/kvm ] || setup_failed "/dev/kvm missing after loading kvm-amd"

# Raw ttys: no \n -> \r\n translation, no echo.
stty -F /dev/ttyS0 raw -echo && stty -F /dev/ttyS1 raw -echo || setup_failed "cannot set up serial ports"
. /strata/args
cd /tmp
mark "STRATA-START: $(now_up)"
"$BIN" "$@" >/dev/ttyS0 2>/dev/ttyS1
rc=$?
mark "STRATA-END: $(now_up)"
finish "STRATA-EXIT-STATUS: $rc"
EOF
chmod 755 "$root/init"

initrd="$work/initramfs.cpio.gz"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) \
    | gzip -1 > "$initrd"

# Guest RAM: the payload is held up to three times while /init moves it into
# the tmpfs (the compressed initramfs, the unpacked rootfs, the tmpfs copy),
# and the program run needs room of its own besides. 1 GiB covers the
# ordinary builds; a sanitizer build's strata alone is about 500 MiB
# stripped, which in 1 GiB ends in the guest kernel's out-of-memory panic.
guest_memory_mib() {
    local payload_mib
    payload_mib=$(du -sm "$root" | cut -f1)
    local wanted=$(( 512 + 3 * payload_mib ))
    echo $(( wanted > 1024 ? wanted : 1024 ))
}
memory_mib="${STRATA_VM_MEMORY:-$(guest_memory_mib)}"

# ---------------------------------------------------------------------------
# Boot.  Serial ports are connected to FIFOs read by background cats, so QEMU never
# touches our terminal; the binary's output streams as it is produced.
# ---------------------------------------------------------------------------
mkfifo "$work/out" "$work/err" "$work/con"
console_log="$work/console.log"
control_log="$work/control.log"    # ttyS3: read only after QEMU exits, so a plain file
qemu_log="$work/qemu.log"

start_readers() {
    cat < "$work/out" &
    bg_pids+=($!)
    cat < "$work/err" >&2 &
    bg_pids+=($!)
    if [[ $verbose -eq 1 ]]; then
        tee "$console_log" < "$work/con" | sed -u 's/\r$//; s/^/[vm] /' >&2 &
    else
        cat < "$work/con" > "$console_log" &
    fi
    bg_pids+=($!)
}

# A reader blocked in open() (QEMU died before opening its FIFO) would wait forever:
# open the FIFO for writing once, without blocking, so it sees EOF.  A reader that is
# still draining data is not affected.
stop_readers() {
    local f pid
    for f in out err con; do
        dd if=/dev/null of="$work/$f" oflag=nonblock conv=notrunc status=none 2>/dev/null || true
    done
    for pid in "${bg_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    bg_pids=()
}

boot() {  # boot <cpu model>; sets qemu_rc
    local cpu="$1"
    start_readers
    : > "$control_log"
    qemu_rc=0
    timeout --kill-after=10 "$timeout_s" \
        qemu-system-x86_64 \
            -accel tcg -cpu "$cpu" -m "$memory_mib" -smp "${STRATA_VM_SMP:-1}" \
            -nodefaults -no-user-config -display none -monitor none -no-reboot \
            -chardev file,id=out,path="$work/out" -serial chardev:out \
            -chardev file,id=err,path="$work/err" -serial chardev:err \
            -chardev file,id=con,path="$work/con" -serial chardev:con \
            -chardev file,id=ctl,path="$control_log" -serial chardev:ctl \
            -kernel "$kernel" -initrd "$initrd" \
            -append "console=ttyS2 quiet loglevel=3 panic=-1 mitigations=off" \
            </dev/null >"$qemu_log" 2>&1 &
    bg_pids+=($!)
    wait "$!" || qemu_rc=$?
    stop_readers
}

t_boot=$(date +%s.%N)
read -ra cpus <<< "${STRATA_VM_CPU:-max qemu64,+svm}"
[[ ${#cpus[@]} -gt 0 ]] || die "STRATA_VM_CPU is empty"
for i in "${!cpus[@]}"; do
    cpu="${cpus[$i]}"
    boot "$cpu"
    # Only a missing svm flag is worth a retry with another CPU model.
    grep -q 'STRATA-SETUP-FAILED: guest CPU has no svm flag' "$control_log" || break
    [[ $((i + 1)) -lt ${#cpus[@]} ]] && log "-cpu $cpu: guest sees no svm flag, trying -cpu ${cpus[$((i + 1))]}"
done
t_end=$(date +%s.%N)

show_console() {
    log "---- VM console (last 40 lines) ----"
    tr -d '\r' < "$console_log" | tail -n 40 >&2
    if [[ -s "$qemu_log" ]]; then
        log "---- qemu output ----"
        cat "$qemu_log" >&2
    fi
}

marker() { tr -d '\r' < "$control_log" | sed -n "s/^$1: //p" | tail -n 1; }

if [[ $qemu_rc -eq 124 || $qemu_rc -eq 137 ]]; then
    show_console
    log "error: timed out after ${timeout_s}s; the VM was killed (use --timeout to allow more)"
    exit "$SETUP_FAILED"
fi
failed="$(marker STRATA-SETUP-FAILED)"
if [[ -n "$failed" ]]; then
    show_console
    log "error: KVM could not be set up in the VM: $failed"
    exit "$SETUP_FAILED"
fi
status="$(marker STRATA-EXIT-STATUS)"
if [[ ! "$status" =~ ^[0-9]+$ ]]; then
    show_console
    log "error: the VM did not report an exit status (qemu exit code $qemu_rc): boot failure or guest crash"
    exit "$SETUP_FAILED"
fi

init_up="$(marker 'STRATA-INIT')"; start_up="$(marker 'STRATA-START')"; end_up="$(marker 'STRATA-END')"
awk -v t0="$t_start" -v tb="$t_boot" -v te="$t_end" -v i="$init_up" \
    -v s="$start_up" -v e="$end_up" -v rc="$status" -v cpu="$cpu" -v k="${kroot##*/}" \
    'BEGIN { printf "%s: exit %d; prepare %.1fs, VM %.1fs (kernel %s, -cpu %s; guest: /init at %.2fs, binary %.2fs)\n",
             "run-in-vm.sh", rc, tb - t0, te - tb, k, cpu, i, e - s }' >&2
exit "$status"
