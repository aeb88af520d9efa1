#!/usr/bin/env bash
# make fuzz: libFuzzer on every input parser (tests/fuzz/fuzz_<target>.c,
# built by the Makefile into BUILD_DIR/fuzz/ with clang, ASan and UBSan).
# Usage: mk/fuzz.sh BUILD_DIR TARGET...
#   FUZZ_TIME=60   seconds of fuzzing per target
#
# Per target, under BUILD_DIR/fuzz/:
#   seed/<target>/       the seed corpus, made afresh each run: the inputs of
#                        that format under tests/data/ (each a malformed case,
#                        one field away from a valid file), the shipped files
#                        of the format (configs/, layers/), and valid files
#                        written by the project's own tools (one cosim run of
#                        lenet_1 on the iss: its schedule.sched, the .memmap
#                        line of it, its .npy dumps, the schedule assembled
#                        to .bin, each cut to a few KiB)
#   corpus/<target>/     the inputs libFuzzer found that add coverage; kept
#                        from run to run, so every run starts where the last
#                        one stopped
#   artifacts/<target>/  crash-*, leak-*, timeout-*, oom-*: an input that
#                        broke the target (rerun: BUILD_DIR/fuzz/fuzz_<target>
#                        <file>)
#   <target>.log         libFuzzer's output
# One line per target: executions, corpus size, verdict.  Exit status 0 when
# every target ran its time without a failure, 1 otherwise, 2 on a usage
# error.
set -u
b=${1:?usage: mk/fuzz.sh BUILD_DIR TARGET...}
shift
t=${FUZZ_TIME:-60}
case $t in '' | *[!0-9]* | 0)
    echo "fuzz: FUZZ_TIME must be a whole number of seconds >= 1, not '$t'" >&2
    exit 2 ;;
esac
[ $# -ge 1 ] || { echo "usage: mk/fuzz.sh BUILD_DIR TARGET..." >&2; exit 2; }

# Valid inputs from the project's own tools, once per run.
valid=$b/fuzz/valid
rm -rf "$valid" && mkdir -p "$valid"
if ! "$b/bin/cosim" --backend iss --layer lenet_1 --config small --planner double --seed 1 \
    --dump --out "$valid" > "$valid/cosim.log" 2>&1; then
    echo "fuzz: the cosim run that writes the valid seeds failed (see $valid/cosim.log)" >&2
    exit 1
fi
head -n 60 "$valid/schedule.sched" > "$valid/valid.sched"
"$b/bin/asm" "$valid/schedule.sched" -o "$valid/all.bin" > /dev/null
head -c 2048 "$valid/all.bin" > "$valid/valid.bin"

# seed_files TARGET: lists the seed files of a target (memmap: none, see below).
seed_files() {
    case $1 in
    sched) ls tests/data/*.sched "$valid/valid.sched" ;;
    memmap) ;; # made below from the .memmap lines
    ini) ls tests/data/*.ini configs/*.ini ;;
    csv) ls tests/data/*.csv layers/*.csv tests/rtl/layers.csv ;;
    npy) ls tests/data/*.npy "$valid"/*.npy ;;
    bin) ls tests/data/*.bin "$valid/valid.bin" ;;
    *) echo "fuzz: no seeds for target '$1'" >&2; return 1 ;;
    esac
}

fail=0
for target in "$@"; do
    bin=$b/fuzz/fuzz_$target
    seed=$b/fuzz/seed/$target
    corpus=$b/fuzz/corpus/$target
    art=$b/fuzz/artifacts/$target
    log=$b/fuzz/$target.log
    rm -rf "$seed" && mkdir -p "$seed" "$corpus" "$art"
    files=$(seed_files "$target") || { fail=1; continue; }
    for f in $files; do
        cp "$f" "$seed/$(printf '%s' "$f" | tr '/' '_')"
    done
    if [ "$target" = memmap ]; then # one seed per .memmap line: its fields
        for f in tests/data/*.sched "$valid/valid.sched"; do
            sed -n 's/^[[:space:]]*\.memmap[[:space:]]*//p' "$f" |
                split -l 1 -a 3 - "$seed/$(basename "$f")."
        done
    fi
    dict=()
    [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
    "$bin" -max_total_time="$t" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/" "${dict[@]}" "$corpus" "$seed" > "$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    size=$(find "$corpus" -type f | wc -l)
    if [ $rc -eq 0 ]; then
        printf '  fuzz %-7s %10s runs in %s s, corpus %s inputs: no failure\n' \
            "$target" "${runs:-?}" "$t" "$size"
    else
        fail=1
        found=$(find "$art" -type f -newer "$seed" | head -1)
        printf '  fuzz %-7s FAILED (exit %d) after %s runs: %s; log %s\n' "$target" "$rc" \
            "${runs:-?}" "${found:-no artifact}" "$log"
        grep -m1 -E 'ERROR: |fuzz property failed|runtime error' "$log" | sed 's/^/    /'
    fi
done
exit $fail
