#!/bin/sh
# Builds the container image strata's lessons use: Debian's static busybox
# plus one symlink per applet, and the empty directories a container
# mounts things on. No downloads: busybox-static is a build dependency.
#   make-rootfs.sh BUSYBOX OUTDIR
set -eu
busybox="$1"
out="$2"
if [ ! -x "$busybox" ]; then
    echo "make-rootfs: $busybox not found: install Debian's busybox-static (scripts/install-deps.sh)" >&2
    exit 1
fi
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
for d in bin sbin usr/bin usr/sbin proc sys dev tmp etc root old-root mnt; do mkdir -p "$out.tmp/$d"; done
chmod 1777 "$out.tmp/tmp"
cp "$busybox" "$out.tmp/bin/busybox"
"$busybox" --list-full | while read -r applet; do
    [ "$applet" = "bin/busybox" ] && continue
    case "$applet" in
        bin/*) target=busybox ;;
        sbin/*) target=../bin/busybox ;;
        usr/bin/*|usr/sbin/*) target=../../bin/busybox ;;
        *) continue ;;
    esac
    ln -sf "$target" "$out.tmp/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" > "$out.tmp/etc/passwd"
echo "root:x:0:" > "$out.tmp/etc/group"
echo "strata" > "$out.tmp/etc/hostname"
echo "This file is part of the container image (the lower layer)." > "$out.tmp/etc/motd"
# World-readable: lessons run as unprivileged users too.
chmod -R a+rX "$out.tmp"
rm -rf "$out"
mv "$out.tmp" "$out"
