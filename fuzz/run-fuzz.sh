#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, its own CMake project) with clang and
# runs each for a short time. Used by CTest (`make test`) as a smoke run;
# docs/FUZZING.md describes longer runs.
#
#   fuzz/run-fuzz.sh BUILD_DIR [SECONDS_PER_TARGET]
#
# Exit status: 0 no findings, 1 a crash / sanitizer report / build failure,
# 77 no suitable clang (reported by CTest as skipped, with the reason).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$1
seconds=${2:-30}

compiler=""
for c in clang++-16 clang++-17 clang++-18 clang++-19 clang++; do
    if command -v "$c" >/dev/null; then
        major=$("$c" -dumpversion | cut -d. -f1)
        if (( major >= 16 )); then compiler=$c; break; fi
    fi
done
if [[ -z "$compiler" ]]; then
    echo "SKIPPED: the fuzzers need clang 16 or later with libFuzzer (Debian: apt install clang-16 libclang-rt-16-dev)"
    exit 77
fi

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$compiler" -DCMAKE_BUILD_TYPE=None >/dev/null
cmake --build "$build" -j "$(nproc)"

status=0
for target in fuzz_exit_dispatch fuzz_uart fuzz_snapshot_loader fuzz_container_input fuzz_stats_format \
              fuzz_recording_loader fuzz_progress_file fuzz_lesson_markdown fuzz_assembler; do
    corpus="$build/corpus/$target"
    mkdir -p "$corpus" "$build/findings"
    echo "== $target: ${seconds}s"
    # Findings (crash-*, leak-*) land in build/findings; the corpus grows
    # across runs, so every `make test` starts where the last one stopped.
    # Seeds in fuzz/seeds/<target> (a valid input to start from) are read,
    # never written: new inputs go to the first corpus directory.
    seeds=()
    [[ -d "$here/seeds/$target" ]] && seeds=("$here/seeds/$target")
    if ! "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
            -artifact_prefix="$build/findings/" "$corpus" "${seeds[@]}" 2>"$build/$target.log"; then
        echo "$target FOUND A PROBLEM; its report:"
        tail -40 "$build/$target.log"
        status=1
    else
        grep -E "^stat::number_of_executed_units|^Done" "$build/$target.log" || true
    fi
done
exit $status
