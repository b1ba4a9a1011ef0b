#!/usr/bin/env bash
# Regenerates the shipped recordings (assets/recordings/<lesson id>.json)
# from live runs: every lesson this machine can run live is recorded here;
# VM lessons on a machine without /dev/kvm are recorded inside a QEMU VM
# that has one (tests/kvm-in-qemu/run-in-vm.sh).
#
#   scripts/record-lessons.sh [BUILD_DIR] [LESSON_ID...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
strata="$build/bin/strata"
[[ -x "$strata" ]] || { echo "build strata first (make build)" >&2; exit 1; }

if (( $# > 0 )); then
    lessons=("$@")
else
    mapfile -t lessons < <("$strata" list --json | python3 -c 'import json,sys; [print(l["id"]) for l in json.load(sys.stdin)]')
fi

for id in "${lessons[@]}"; do
    out="$top/assets/recordings/$id.json"
    mkdir -p "$(dirname "$out")"
    if "$strata" record "$id" -o "$out.new" 2>/tmp/strata-record.err; then
        mv "$out.new" "$out"
        echo "recorded $id live here"
    elif grep -q "cannot run live here" /tmp/strata-record.err && [[ "$id" == vm/* ]]; then
        "$top/tests/kvm-in-qemu/run-in-vm.sh" -- "$strata" record "$id" -o - > "$out.new"
        mv "$out.new" "$out"
        echo "recorded $id inside a QEMU VM with a real /dev/kvm"
    else
        rm -f "$out.new"
        echo "could not record $id:" >&2
        cat /tmp/strata-record.err >&2
    fi
done
