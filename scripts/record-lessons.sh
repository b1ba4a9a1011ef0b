#!/usr/bin/env bash
# Regenerates the shipped recordings, assets/recordings/<lesson id>.json,
# from live runs of every lesson `strata list` knows (a lesson added later
# is picked up by its id, nothing to change here). VM lessons on a machine
# without /dev/kvm are recorded inside a QEMU VM that has one
# (tests/kvm-in-qemu/run-in-vm.sh).
#
#   scripts/record-lessons.sh [BUILD_DIR] [LESSON_ID[@KEY=VALUE,...]...]
#
# LESSON_ID@KEY=VALUE records a variant: the lesson run with those options
# (`--set KEY=VALUE`), saved as assets/recordings/LESSON_ID@KEY=VALUE.json,
# which a replay with the same options plays (lessons/availability.cpp
# names the file the same way: options in key order, defaults left out).
# With no ids, every lesson and every variant already shipped is recorded.
#
# Each new recording is played back once (`strata run --recording`) before
# it replaces the old one, and must end as the live run ended (a variant
# may end in a failure the lesson shows on purpose); a lesson that fails to
# record, or whose recording does not play back the same, keeps its old
# recording and makes the script exit 1.
# `strata record` scrubs the host name, user and paths (see
# backends/replay/scrub.hpp), so run it as any user, on any lab machine.
# Run as root to record every lesson: cgroups need it on most hosts.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
strata="$build/bin/strata"
[[ -x "$strata" ]] || { echo "record-lessons: build strata first (make build)" >&2; exit 1; }
recordings="$top/assets/recordings"

# Every lesson id, from strata itself (its own JSON, two-space indented).
all_lessons() { "$strata" list --json | sed -n 's/^    "id": "\(.*\)",$/\1/p'; }
mapfile -t known < <(all_lessons)
(( ${#known[@]} > 0 )) || { echo "record-lessons: strata list gave no lessons" >&2; exit 1; }
if (( $# > 0 )); then
    lessons=("$@")
else
    lessons=("${known[@]}")
    while IFS= read -r file; do
        spec=${file#"$recordings/"}
        lessons+=("${spec%.json}")
    done < <(find "$recordings" -name '*@*.json' | sort)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for spec in "${lessons[@]}"; do
    id=${spec%%@*}
    sets=()
    if [[ "$spec" == *@* ]]; then
        IFS=, read -ra pairs <<<"${spec#*@}"
        for pair in "${pairs[@]}"; do sets+=(--set "$pair"); done
    fi
    out="$recordings/$spec.json"
    mkdir -p "$(dirname "$out")"
    # What the QEMU VM needs besides strata: vm/boot-linux (and compare/same-image) boots the VM's own
    # kernel (Debian's, at /boot/vmlinuz-<release> as on an installed system,
    # so the lesson finds it as "the host's own") with the container image.
    # vm/virtio also needs the virtio modules, which it looks for beside the
    # kernel (/boot/modules/<release>/, as the build puts them in build/guest-kernel).
    vm_files=()
    if [[ "$id" == vm/boot-linux || "$id" == vm/virtio || "$id" == compare/same-image ]]; then
        kroot=$("$top/scripts/fetch-debian-kernel.sh")
        vmlinuz=$(find "$kroot/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n 1)
        vm_files=(--file "$vmlinuz:/boot/${vmlinuz##*/}" --file "$build/rootfs:/var/lib/strata/rootfs")
        [[ "$id" == vm/virtio ]] && vm_files+=(--file "$build/guest-kernel/modules:/boot/modules")
    fi
    where="live here"
    recorded=0
    "$strata" record "$id" "${sets[@]}" -o "$out.new" 2>"$log" || recorded=$?
    if (( recorded != 0 )); then
        if grep -q "cannot run live here" "$log" && [[ "$id" == vm/* || "$id" == compare/same-image ]]; then
            where="inside a QEMU VM with a real /dev/kvm"
            recorded=0
            "$top/tests/kvm-in-qemu/run-in-vm.sh" "${vm_files[@]}" -- "$strata" record "$id" "${sets[@]}" -o - \
                >"$out.new" 2>"$log" ||
                recorded=$?
        elif (( recorded != 1 )) || [[ "$spec" != *@* ]]; then
            # Only a variant may keep a failed run: the failure is its lesson.
            rm -f "$out.new"
        fi
    fi
    played=0
    if [[ -s "$out.new" ]]; then
        "$strata" run "$id" "${sets[@]}" --recording "$out.new" --speed 0 --no-narrative >/dev/null 2>>"$log" || played=$?
    fi
    if [[ -s "$out.new" ]] && (( played == recorded )); then
        mv "$out.new" "$out"
        echo "recorded $spec $where ($(grep -c '"seq":' "$out") events)"
    else
        rm -f "$out.new"
        failed+=("$spec")
        echo "could not record $spec (the old recording stays):" >&2
        sed 's/^/  /' "$log" >&2
    fi
done

# A recording whose lesson is gone would never play; say so.
declare -A is_lesson
for id in "${known[@]}"; do is_lesson[$id]=1; done
while IFS= read -r file; do
    id=${file#"$recordings/"}
    id=${id%.json}
    id=${id%%@*}
    [[ -n "${is_lesson[$id]:-}" ]] || echo "record-lessons: $file has no lesson any more: remove it" >&2
done < <(find "$recordings" -name '*.json' | sort)

if (( ${#failed[@]} > 0 )); then
    echo "record-lessons: ${#failed[@]} lesson(s) not recorded: ${failed[*]}" >&2
    exit 1
fi
