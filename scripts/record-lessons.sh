#!/usr/bin/env bash
# Regenerates the shipped recordings, assets/recordings/<lesson id>.json,
# from live runs of every lesson `strata list` knows (a lesson added later
# is picked up by its id, nothing to change here). VM lessons on a machine
# without /dev/kvm are recorded inside a QEMU VM that has one
# (tests/kvm-in-qemu/run-in-vm.sh).
#
#   scripts/record-lessons.sh [BUILD_DIR] [LESSON_ID...]
#
# Each new recording is played back once (`strata run --recording`) before
# it replaces the old one; a lesson that fails live, or whose recording does
# not play back, keeps its old recording and makes the script exit 1.
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
if (( $# > 0 )); then lessons=("$@"); else lessons=("${known[@]}"); fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for id in "${lessons[@]}"; do
    out="$recordings/$id.json"
    mkdir -p "$(dirname "$out")"
    where="live here"
    if ! "$strata" record "$id" -o "$out.new" 2>"$log"; then
        if grep -q "cannot run live here" "$log" && [[ "$id" == vm/* ]]; then
            where="inside a QEMU VM with a real /dev/kvm"
            "$top/tests/kvm-in-qemu/run-in-vm.sh" -- "$strata" record "$id" -o - >"$out.new" 2>"$log" || true
        else
            rm -f "$out.new"
        fi
    fi
    if [[ -s "$out.new" ]] && "$strata" run "$id" --recording "$out.new" --speed 0 --no-narrative >/dev/null 2>>"$log"; then
        mv "$out.new" "$out"
        echo "recorded $id $where ($(grep -c '"seq":' "$out") events)"
    else
        rm -f "$out.new"
        failed+=("$id")
        echo "could not record $id (the old recording stays):" >&2
        sed 's/^/  /' "$log" >&2
    fi
done

# A recording whose lesson is gone would never play; say so.
declare -A is_lesson
for id in "${known[@]}"; do is_lesson[$id]=1; done
while IFS= read -r file; do
    id=${file#"$recordings/"}
    id=${id%.json}
    [[ -n "${is_lesson[$id]:-}" ]] || echo "record-lessons: $file has no lesson any more: remove it" >&2
done < <(find "$recordings" -name '*.json' | sort)

if (( ${#failed[@]} > 0 )); then
    echo "record-lessons: ${#failed[@]} lesson(s) not recorded: ${failed[*]}" >&2
    exit 1
fi
