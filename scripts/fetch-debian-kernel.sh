#!/usr/bin/env bash
# fetch-debian-kernel.sh - Debian's x86-64 kernel, downloaded and unpacked, never installed.
#
# Usage: fetch-debian-kernel.sh [--cache DIR] [--copy-to DIR]
#
# Finds the package linux-image-amd64 depends on (e.g. linux-image-6.1.0-57-amd64),
# fetches it with `apt-get download` and unpacks it with dpkg-deb into
# DIR/<package>_<version> (default DIR: ~/.cache/strata/kvm-in-qemu), with a
# modules.dep made by depmod and, for kernels with a PVH entry, the uncompressed
# vmlinux next to vmlinuz.  Later runs reuse it and download nothing; without apt
# lists the newest complete unpacked kernel in DIR is used.  A lock keeps parallel
# runs from unpacking it twice.  Prints the unpacked directory on stdout.
#
# --copy-to DIR also copies boot/vmlinuz-* there, and the virtio modules vm/virtio's
# guest loads into DIR/modules/<release>/: how the build puts the kernel
# vm/boot-linux and vm/virtio boot by default into the build tree (build/guest-kernel).
#
# Used by tests/kvm-in-qemu/run-in-vm.sh (the QEMU fallback's guest kernel) and by
# the build (CMakeLists.txt).  Exit status 1 when no kernel could be had.
set -euo pipefail

readonly PROG=fetch-debian-kernel.sh
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/strata/kvm-in-qemu"
copy_to=""

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "error: $*"; exit 1; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --cache) [[ $# -ge 2 ]] || die "--cache needs a directory"; cache_dir="$2"; shift 2 ;;
        --copy-to) [[ $# -ge 2 ]] || die "--copy-to needs a directory"; copy_to="$2"; shift 2 ;;
        *) die "unknown argument: $1" ;;
    esac
done

# apt-get waits for a concurrent dpkg run instead of failing at once.
apt_opts=(-q -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)
[[ $EUID -eq 0 ]] || apt_opts=(-q)

# Prints "<package> <version>" for the kernel linux-image-amd64 depends on, e.g.
# "linux-image-6.1.0-56-amd64 6.1.192-2" (from "Depends: linux-image-... (= 6.1.192-2)").
# One apt-cache call: each one re-reads all package lists, about a second here.
resolve_kernel_pkg() {
    apt-cache show --no-all-versions linux-image-amd64 2>/dev/null | awk '
        !found && $1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ && $3 == "(=" {
            sub(/\)$/, "", $4); print $2, $4; found = 1
        }'
}

# Writes the uncompressed ELF vmlinux embedded in bzImage $1 to $2.  QEMU boots such
# a kernel directly through its PVH entry point, which skips the in-guest
# decompression: under TCG that saves about 2.5 s per boot.
extract_vmlinux() {
    local bz="$1" out="$2" entry tool off
    # "<decompressor>:<magic>" for the payload formats bzImage may use.  The payload is
    # followed by other data, hence xz --single-stream and ignoring the exit status.
    for entry in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
        tool="${entry%%:*}"
        command -v "$tool" >/dev/null || continue
        while read -r off; do
            case "$tool" in
                xz) tail -c +"$((off + 1))" "$bz" | xz -dc --single-stream > "$out" 2>/dev/null || true ;;
                *)  tail -c +"$((off + 1))" "$bz" | "$tool" -dc > "$out" 2>/dev/null || true ;;
            esac
            [[ "$(head -c 4 "$out" | od -An -c | tr -d ' ')" == '177ELF' ]] && return 0
        done < <(LC_ALL=C grep -obUaP "${entry#*:}" "$bz" | cut -d: -f1)
    done
    rm -f "$out"
    return 1
}

prepare_kernel() {
    local pkg ver dir tmp deb resolved
    resolved="$(resolve_kernel_pkg)"
    if [[ -z "$resolved" ]]; then
        # No apt lists: use what is cached rather than going to the network.
        dir="$(find "$cache_dir" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' | sort -V | tail -n 1)"
        if [[ -n "$dir" ]]; then
            echo "$dir"; return
        fi
        [[ $EUID -eq 0 ]] || die "no apt package lists, and only root may run apt-get update"
        apt-get update "${apt_opts[@]}" >&2 || die "apt-get update failed"
        resolved="$(resolve_kernel_pkg)"
        [[ -n "$resolved" ]] || die "cannot resolve the kernel package of linux-image-amd64"
    fi
    read -r pkg ver <<< "$resolved"
    dir="$cache_dir/${pkg}_${ver}"
    if [[ -f "$dir/.complete" ]]; then
        echo "$dir"; return
    fi

    log "downloading guest kernel $pkg $ver into $cache_dir"
    tmp="$(mktemp -d "$cache_dir/.dl.XXXXXX")"
    if ! (cd "$tmp" && apt-get download "${apt_opts[@]}" "$pkg=$ver" >&2); then
        log "apt-get download failed; running apt-get update and retrying"
        [[ $EUID -eq 0 ]] && { apt-get update "${apt_opts[@]}" >&2 || true; }
        (cd "$tmp" && apt-get download "${apt_opts[@]}" "$pkg=$ver" >&2) \
            || { rm -rf "$tmp"; die "apt-get download $pkg=$ver failed"; }
    fi
    deb="$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n 1)"
    mkdir "$tmp/root"
    dpkg-deb -x "$deb" "$tmp/root"
    rm -f "$deb"
    # The package ships no modules.dep (depmod runs at install time), so make one.
    local kver
    kver="$(basename "$(find "$tmp/root/lib/modules" -mindepth 1 -maxdepth 1 -type d | head -n 1)")"
    if [[ ! -f "$tmp/root/lib/modules/$kver/modules.dep" ]]; then
        if command -v depmod >/dev/null; then
            depmod -b "$tmp/root" "$kver"
        else
            /bin/busybox depmod -b "$tmp/root" "$kver"
        fi
    fi
    if grep -qx 'CONFIG_PVH=y' "$tmp/root/boot/config-$kver" 2>/dev/null; then
        extract_vmlinux "$tmp/root/boot/vmlinuz-$kver" "$tmp/root/boot/vmlinux-$kver" \
            || log "warning: could not extract vmlinux; booting the compressed kernel (slower)"
    fi
    rm -rf "$dir"
    mv "$tmp/root" "$dir"
    rmdir "$tmp"
    touch "$dir/.complete"
    echo "$dir"
}

mkdir -p "$cache_dir"
cache_dir="$(realpath "$cache_dir")"
exec 9>"$cache_dir/.lock"
flock 9
kroot="$(prepare_kernel)"
flock -u 9
exec 9>&-

if [[ -n "$copy_to" ]]; then
    vmlinuz="$(find "$kroot/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)"
    [[ -n "$vmlinuz" ]] || die "no vmlinuz in $kroot/boot"
    mkdir -p "$copy_to"
    cp -p "$vmlinuz" "$copy_to/"
    kver="${vmlinuz##*/vmlinuz-}"
    for module in kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko \
                  kernel/drivers/virtio/virtio_mmio.ko kernel/drivers/block/virtio_blk.ko; do
        [[ -f "$kroot/lib/modules/$kver/$module" ]] || { log "warning: no $module in $kver"; continue; }
        install -D -m 0644 "$kroot/lib/modules/$kver/$module" "$copy_to/modules/$kver/$module"
    done
fi
echo "$kroot"
