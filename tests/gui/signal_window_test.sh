#!/usr/bin/env bash
# strata's window, stopped by a signal in the middle of a live container
# lesson (auto-advance stepping it): it closes, the lesson's cgroups (so the
# processes in them) and temp dirs are gone the moment strata has exited,
# and the exit status is 128 + the signal. Run under xvfb-run by CTest.
#
#   signal_window_test.sh STRATA
set -u
strata=$1
if [[ $(id -u) != 0 ]]; then
    echo "SKIPPED: the container lessons' cgroups need root here"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Its own temp dir, state and settings: what is found there is strata's.
export TMPDIR=$work/tmp XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
mkdir -p "$TMPDIR"

owned_by() {  # what strata $1 has made on the host, one path per line
    find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d -name "strata-$1-*" 2>/dev/null
    find "$TMPDIR" -mindepth 1 -maxdepth 1 -name "strata-$1-*" 2>/dev/null
}

failures=0
# lesson, signal, and a piece of the name of what it makes that we wait for
for case in "container/cgroups TERM /cgroup/" "container/overlay INT -overlay-" "container/cgroups HUP /cgroup/"; do
    read -r lesson sig made_marker <<<"$case"
    # A background job of a script has SIGINT ignored, and strata keeps an
    # ignored signal ignored: give it the defaults a terminal's job has.
    env --default-signal=INT,TERM,HUP "$strata" gui --lesson "$lesson" --auto-advance 0.5 >"$work/out" 2>&1 &
    pid=$!
    for _ in $(seq 300); do
        owned_by "$pid" | grep -q -- "$made_marker" || ! kill -0 "$pid" 2>/dev/null && break
        sleep 0.1
    done
    made=$(owned_by "$pid")
    if ! grep -q -- "$made_marker" <<<"$made"; then
        echo "FAIL $lesson: the window never made what its lesson makes (${made_marker})"; cat "$work/out"
        kill -KILL "$pid" 2>/dev/null; wait "$pid"; failures=$((failures + 1)); continue
    fi
    sleep 0.5  # a step further on, maybe in the middle of one
    kill -"$sig" "$pid"
    wait "$pid"
    code=$?
    expected=$((128 + $(kill -l "$sig")))
    left=$(owned_by "$pid")
    echo "$lesson, SIG$sig: exit $code (expected $expected); made: $(echo $made); left: ${left:-nothing}"
    if [[ $code != "$expected" || -n $left ]]; then
        echo "FAIL"; cat "$work/out"; failures=$((failures + 1))
    fi
done
exit $((failures > 0))
