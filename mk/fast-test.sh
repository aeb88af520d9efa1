#!/usr/bin/env bash
# rtl-fast-test: the -fast build (the simulator without assertions, used by
# make cosim NET=...) against the asserting build of the same configuration:
# the same networks and layers on both, and every layer's schedule, output
# tensor and every instruction's cycles (schedule.sched, y_sim.npy,
# cycles.csv) equal byte for byte.  One network run through the worker pool,
# one layer in stress mode (memory jitter, host probe).  Appends "passed
# failed" to $TOTALS when set.  docs/rtl.md, "Simulation speed".
# Usage: mk/fast-test.sh ASSERTING_COSIM FAST_COSIM CONFIG OUTDIR
set -u
ref=$1 fast=$2 config=$3 out=$4
passed=0 failed=0
rm -rf "$out"
# run NAME ARGS...: both binaries with ARGS, outputs under $out/{ref,fast}/NAME.
run() {
    local name=$1 rc=0
    shift
    for b in ref fast; do
        local bin=$ref
        [ $b = fast ] && bin=$fast
        "$bin" --config "$config" --backend rtl --dump --cycles --no-progress \
            --out "$out/$b/$name" "$@" > "$out/$b.$name.log" 2>&1 || rc=1
    done
    local files
    files=$(cd "$out/ref/$name" 2>/dev/null &&
        find . -name schedule.sched -o -name y_sim.npy -o -name cycles.csv | sort)
    if [ $rc -ne 0 ] || [ -z "$files" ]; then
        echo "rtl-fast-test: $name: a run failed (logs: $out/ref.$name.log, $out/fast.$name.log)"
        failed=$((failed + 1))
        return
    fi
    for f in $files; do
        if ! cmp -s "$out/ref/$name/$f" "$out/fast/$name/$f"; then
            echo "rtl-fast-test: $name: $f differs between $ref and $fast"
            failed=$((failed + 1))
            return
        fi
    done
    passed=$((passed + 1))
}
mkdir -p "$out"
run lenet --net lenet --jobs 2 --planner double
run stress --layer lenet_2 --planner double --stress 7
echo "rtl-fast-test: $passed passed, $failed failed"
[ -n "${TOTALS:-}" ] && echo "$passed $failed" >> "$TOTALS"
[ $failed -eq 0 ]
