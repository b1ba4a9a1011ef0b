#!/usr/bin/env bash
# Builds strata's .deb with CPack and really installs it — with apt, as a
# lab admin would — into a throwaway copy of this machine: an overlayfs
# over / whose upper layer is a tmpfs, in a private mount namespace, made
# its root with pivot_root. Then runs the installed strata there (doctor, a live
# container lesson on the image postinst made, a replay of an installed
# recording), fires the busybox trigger, and purges the package.
#
# The host is never written: every install-time write lands in the tmpfs,
# which goes away with the mount namespace. The script checks that the
# host's mount table, dpkg database and strata paths are the same after as
# before.
#
#   install-package.sh BUILD_DIR SOURCE_DIR
#
# Exit 0 passed, 1 failed, 77 skipped (not root, or this machine's layout
# makes an overlay of / incomplete).
set -euo pipefail

skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
note() { echo "install-package: $*"; }

stage=outside
case "${1:-}" in
    --namespace) stage=namespace; shift ;;
    --in-root) stage=in-root; shift ;;
esac

# ---------------------------------------------------------------------------
# Last stage, as the root of the throwaway copy of this machine: what a lab
# admin and a student do with the package.
# ---------------------------------------------------------------------------
if [[ "$stage" == in-root ]]; then
    deb=$1
    logs=/tmp/logs
    mkdir -p "$logs"
    show() { cat "$logs/$1" >&2; }

    # apt resolves the declared dependencies against this machine; the
    # test only installs when that needs no download (make test installed
    # them), so it never depends on the network.
    note "installing $(basename "$deb") with apt-get"
    apt-get install -s "$deb" >"$logs/apt-plan" 2>&1 || { show apt-plan; fail "apt cannot resolve the package's dependencies"; }
    grep -q "^0 upgraded, 1 newly installed, 0 to remove" "$logs/apt-plan" \
        || { show apt-plan; skip "apt would download dependencies first: run scripts/install-deps.sh"; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >"$logs/apt" 2>&1 \
        || { show apt; fail "apt-get install of the package failed"; }
    [[ "$(dpkg-query -W -f='${Status}' strata)" == "install ok installed" ]] || fail "dpkg does not list strata as installed"

    note "postinst made the container image"
    [[ -x /var/lib/strata/rootfs/bin/busybox ]] || fail "postinst did not make /var/lib/strata/rootfs"
    [[ -L /var/lib/strata/rootfs/bin/sh ]] || fail "the image has no applet links"

    note "strata --version"
    version=$(strata --version)
    [[ "$version" == "strata $STRATA_EXPECTED_VERSION" ]] || fail "strata --version says '$version'"

    note "strata doctor, from the package"
    set +e
    strata doctor >"$logs/doctor" 2>&1
    doctor_status=$?
    strata doctor --json >"$logs/doctor.json" 2>/dev/null
    set -e
    cat "$logs/doctor"
    (( doctor_status == 0 || doctor_status == 3 )) || fail "strata doctor exited $doctor_status"
    grep -q "/usr/share/strata (installed): lesson texts" "$logs/doctor" || fail "doctor does not use /usr/share/strata"
    grep -q "/var/lib/strata/rootfs: busybox" "$logs/doctor" || fail "doctor does not use /var/lib/strata/rootfs"
    for id in strata.assets strata.rootfs; do
        grep -A3 "\"id\": \"$id\"" "$logs/doctor.json" | grep -q '"status": "ok"' || fail "doctor --json: $id is not ok"
    done

    note "a container lesson, live, on the image the package made"
    if grep -q '"user_namespaces": true' "$logs/doctor.json"; then
        strata run container/uts --live --no-narrative >"$logs/uts" 2>&1 || { show uts; fail "container/uts did not run"; }
        grep -q "strata-box" "$logs/uts" || fail "container/uts did not rename its container"
    else
        note "user namespaces are not available here: container/uts not run live"
    fi

    note "a VM lesson, replayed from the installed recording"
    strata run vm/hello-kvm --replay --speed 0 --no-narrative >"$logs/replay" 2>&1 \
        || { show replay; fail "the replay of vm/hello-kvm failed"; }
    grep -q "A real run on Linux .*, replayed" "$logs/replay" || fail "the replay is not labelled"
    grep -q "Hello from the guest!" "$logs/replay" || fail "the replay lost the guest's output"

    note "launcher, icon and man page"
    for file in /usr/share/applications/strata.desktop /usr/share/icons/hicolor/scalable/apps/strata.svg \
                /usr/share/icons/hicolor/48x48/apps/strata.png; do
        [[ -f "$file" ]] || fail "$file is missing"
    done
    if command -v desktop-file-validate >/dev/null; then
        desktop-file-validate /usr/share/applications/strata.desktop || fail "the .desktop file is not valid"
    fi
    zcat /usr/share/man/man1/strata.1.gz | grep -q '^\.TH STRATA 1' || fail "no man page"
    zcat /usr/share/man/man1/strata.1.gz | grep -q '^\.SS "doctor"' || fail "the man page lacks doctor"

    note "upgrading busybox-static makes the image again (dpkg trigger)"
    rm -rf /var/lib/strata/rootfs
    dpkg-trigger --no-await /bin/busybox
    dpkg --triggers-only --pending >/dev/null
    [[ -x /var/lib/strata/rootfs/bin/busybox ]] || fail "the busybox trigger did not remake the image"

    note "purging removes everything, the generated image too"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q strata >>"$logs/apt" 2>&1 || { show apt; fail "apt-get purge failed"; }
    for path in /usr/bin/strata /usr/share/strata /usr/libexec/strata /var/lib/strata; do
        [[ ! -e "$path" ]] || fail "$path is still there after purge"
    done
    exit 0
fi

# ---------------------------------------------------------------------------
# Middle stage, in the private mount namespace: make the throwaway copy of
# / and move into it with pivot_root (not chroot: the kernel refuses user
# namespaces to a chrooted process, and the lessons need them).
# ---------------------------------------------------------------------------
if [[ "$stage" == namespace ]]; then
    build=$1 source_dir=$2 work=$3 deb=$4
    layers="$work/layers"
    root="$layers/root"
    mkdir -p "$layers"
    mount -t tmpfs -o size=2g strata-package-test "$layers"
    mkdir "$layers/upper" "$layers/work" "$root"
    mount -t overlay overlay -o "lowerdir=/,upperdir=$layers/upper,workdir=$layers/work" "$root" \
        || skip "could not mount an overlay of / here"
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    # /tmp must not be the overlay: the overlay lesson puts its own upper
    # layer there, and overlayfs cannot be an upper layer.
    mount -t tmpfs tmpfs "$root/tmp"
    cp "$deb" "$0" "$root/tmp/"
    # The installed strata must use installed files only: hide the source
    # and build trees it was built from (a tree under /tmp is hidden by the
    # fresh /tmp already).
    hide() { if [[ -d "$root$1" ]]; then mount -t tmpfs -o ro,size=4k none "$root$1"; fi; }
    hide "$source_dir"
    [[ "$build" == "$source_dir"/* ]] || hide "$build"
    mkdir -p "$root/.old-root"
    cd "$root"
    pivot_root . .old-root
    umount -l /.old-root
    cd /
    exec /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        STRATA_EXPECTED_VERSION="$STRATA_EXPECTED_VERSION" \
        bash "/tmp/$(basename "$0")" --in-root "/tmp/$(basename "$deb")"
fi

# ---------------------------------------------------------------------------
# Outside: build the package, then run the part above in a mount namespace.
# ---------------------------------------------------------------------------
build=$(realpath "$1")
source_dir=$(realpath "$2")
(( EUID == 0 )) || skip "installing a package, even into a throwaway overlay of /, needs root"
for tool in cpack dpkg-deb dpkg-query apt-get unshare pivot_root; do
    command -v "$tool" >/dev/null || skip "needs $tool"
done
for dir in /usr /var /etc /bin /lib; do
    [[ -L "$dir" ]] && continue
    mountpoint -q "$dir" && skip "$dir is a mount of its own, so an overlay of / would not show it"
done
[[ -f "$build/CPackConfig.cmake" ]] || fail "$build has no CPackConfig.cmake: configure it with CMake first"

STRATA_EXPECTED_VERSION=$("$build/bin/strata" --version | sed 's/^strata //')
export STRATA_EXPECTED_VERSION
work=$(mktemp -d /tmp/package-test-XXXXXX)
trap 'rm -rf "$work"' EXIT

note "building the package with CPack"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/pkg/strata_*.deb)
note "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# What a lab admin's apt reads: the dependencies, and what goes where.
depends=$(dpkg-deb -f "$deb" Depends)
note "Depends: $depends"
for need in busybox-static fonts-dejavu-core libc6 libglfw3 libseccomp2 libnl-route-3-200; do
    grep -qE "(^|, )$need( |,|$)" <<<"$depends" || fail "Depends lacks $need"
done
[[ "$(dpkg-deb -f "$deb" Version)" == "$STRATA_EXPECTED_VERSION" ]] || fail "the package version is not strata's"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/strata ./usr/libexec/strata/make-rootfs ./usr/libexec/strata/strata-raw-vm-hello \
            ./usr/libexec/strata/strata-raw-container ./usr/share/strata/lessons/vm/hello-kvm.md \
            ./usr/share/strata/recordings/container/uts.json ./usr/share/strata/layout/diagram.json \
            ./usr/share/applications/strata.desktop ./usr/share/man/man1/strata.1.gz; do
    grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
grep -q '/rootfs/bin/busybox$' <<<"$contents" && fail "the package ships a busybox; postinst should make the image"
grep -q 'strata_.*tests' <<<"$contents" && fail "the package ships test programs"

# The host before, to compare after.
host_state() {
    sed -E 's/^[0-9]+ [0-9]+ [0-9]+:[0-9]+ //' /proc/self/mountinfo | sort
    md5sum /var/lib/dpkg/status
    for path in /usr/bin/strata /usr/share/strata /usr/libexec/strata /var/lib/strata; do
        [[ -e "$path" ]] && echo "present: $path"
    done
    true
}
before=$(host_state)

unshare --mount --propagation private --fork -- "$0" --namespace "$build" "$source_dir" "$work" "$deb"

after=$(host_state)
if [[ "$before" != "$after" ]]; then
    diff <(echo "$before") <(echo "$after") >&2 || true
    fail "the host changed"
fi
note "passed; the host is as it was"
