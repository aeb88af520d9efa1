#!/usr/bin/env bash
# make bench: speed figures, each printed with the command that measures it
# and the configuration.  Comparisons are ratios measured side by side in
# this one run.  Usage: mk/bench.sh BUILD_DIR
set -euo pipefail
B=${1:-build}
CONFIG=${CONFIG:-default}
# Everything printed also goes to docs/figures.md (the one place the
# project's measured figures live), written when the run completes.
mkdir -p "$B/bench"
raw="$B/bench/figures.txt"
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
calc() { python3 -c "print($1)"; }
hr() { printf '\n== %s\n' "$1"; }

run() {
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

hr "C core: golden, iss, model, validator   [$B/bin/bench $CONFIG]"
"$B/bin/bench" "$CONFIG"

csv="$B/bench/rows40000.csv"
hr "Layer CSV reader, a generated 40,000-row file   [$B/bin/layers --csv $csv; $B/bin/layers --show $csv:row40000]"
awk 'BEGIN { print "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,";
             for (i = 1; i <= 40000; i++) printf "row%d,%d,%d,3,3,%d,%d,1,\n", i, 8 + i % 200, 8 + i % 97, 1 + i % 64, 1 + i % 128 }' > "$csv"
t0=$(date +%s.%N)
"$B/bin/layers" --csv "$csv" >/dev/null
t1=$(date +%s.%N)
"$B/bin/layers" --show "$csv:row40000" >/dev/null
t2=$(date +%s.%N)
printf '  full parse and check of every row (layers --csv): %.3f s\n' "$(calc "$t1 - $t0")"
printf '  one-row lookup of the last row (layers --show): %.3f s\n' "$(calc "$t2 - $t1")"

hr "Verilator build of the $CONFIG simulator, from scratch   [make $B/bench-rtl/$CONFIG/cosim]"
rm -rf "$B/bench-rtl"
t0=$(date +%s.%N)
make -s B="$B/bench-rtl" WERROR= "$B/bench-rtl/rtl/$CONFIG/obj/Vacc_top__ALL.a" >/dev/null
t1=$(date +%s.%N)
printf '  verilate + C++ compile: %.1f s (%s jobs)\n' "$(calc "$t1 - $t0")" "$(nproc)"
rm -rf "$B/bench-rtl"

# RTL simulation speed, side by side: this build against the RTL and the
# build flags before the simulation-speed work (SPEED_BASE, a commit: its
# rtl/, the model's C++ at Verilator's default -Os, 2 build jobs), both
# running the same schedule in this one run.  docs/rtl.md, "Simulation speed".
SPEED_BASE=${SPEED_BASE:-cb6ea47}
make -s "$B/rtl/$CONFIG/cosim" "$B/bin/cosim" >/dev/null
hr "RTL simulation speed, resnet_3 on $CONFIG   [$B/rtl/$CONFIG/cosim --layer resnet_3 --backend rtl]"
out=$B/bench/resnet_3
"$B/rtl/$CONFIG/cosim" --layer resnet_3 --config "$CONFIG" --backend rtl --no-progress --out "$out" >/dev/null
cyc=$(json "$out/report.json" "d['cycles']['measured']")
wall=$(json "$out/report.json" "d['wall_seconds']")
rsec=$(json "$out/report.json" "d['backend_seconds']")
"$B/bin/cosim" --layer resnet_3 --config "$CONFIG" --backend iss --out "$out-iss" >/dev/null
iwall=$(json "$out-iss/report.json" "d['wall_seconds']")
printf '  %s cycles simulated in %.2f s of backend time: %.0f cycles/s\n' "$cyc" "$rsec" "$(calc "$cyc / $rsec")"
printf '  same layer on the iss backend: %.3f s; rtl / iss wall-time ratio %.0fx\n' "$iwall" "$(calc "$wall / $iwall")"
base=$B/bench-base
if git cat-file -e "$SPEED_BASE^{commit}" 2>/dev/null; then
    rm -rf "$base" && mkdir -p "$base/src"
    git archive "$SPEED_BASE" rtl | tar -x -C "$base/src"
    make -s B="$base" WERROR= RTL_DIR="$base/src/rtl" VOPT_FAST=-Os VJOBS=2 "$base/rtl/$CONFIG/cosim" >/dev/null
    hr "RTL simulation speed against $SPEED_BASE, resnet_3 on $CONFIG   [$base/rtl/$CONFIG/cosim --sched $out/schedule.sched --backend rtl]"
    # both binaries again, one after the other, on the schedule just run
    "$base/rtl/$CONFIG/cosim" --layer resnet_3 --config "$CONFIG" --backend rtl --no-progress \
        --sched "$out/schedule.sched" --out "$out-base" >/dev/null
    "$B/rtl/$CONFIG/cosim" --layer resnet_3 --config "$CONFIG" --backend rtl --no-progress \
        --sched "$out/schedule.sched" --out "$out-new" >/dev/null
    bcyc=$(json "$out-base/report.json" "d['cycles']['measured']")
    bsec=$(json "$out-base/report.json" "d['backend_seconds']")
    ncyc=$(json "$out-new/report.json" "d['cycles']['measured']")
    nsec=$(json "$out-new/report.json" "d['backend_seconds']")
    printf '  %s (rtl/ of %s, model C++ at -Os): %s cycles in %.2f s: %.0f cycles/s\n' \
        "$base/rtl/$CONFIG/cosim" "$SPEED_BASE" "$bcyc" "$bsec" "$(calc "$bcyc / $bsec")"
    printf '  %s (this rtl/, model C++ at %s): %s cycles in %.2f s: %.0f cycles/s\n' \
        "$B/rtl/$CONFIG/cosim" "$(sed -n 's/^VOPT_FAST ?= //p' mk/rtl.mk)" \
        "$ncyc" "$nsec" "$(calc "$ncyc / $nsec")"
    printf '  speed-up (cycles/s ratio) %.2fx\n' "$(calc "($ncyc / $nsec) / ($bcyc / $bsec)")"
    rm -rf "$base"
else
    echo "  (commit $SPEED_BASE is not in this clone: no side-by-side figure)"
fi

# The build network runs use (no assertions, docs/rtl.md change 8) beside the
# asserting one, alternately on the same schedule, and the bare PE array of
# the same size (grid and simulation description, mk/bench_array.sh): what
# the array alone costs against the whole accelerator.  cycles/s of backend
# time; three runs of each, the best and the median.
make -s "$B/rtl/$CONFIG-fast/cosim" >/dev/null
hr "RTL simulation speed, asserting and -fast builds, resnet_3 on $CONFIG   [$B/rtl/$CONFIG{,-fast}/cosim --sched $out/schedule.sched --backend rtl]"
speed() { # BIN OUT: cycles per second of backend time of one run
    "$1" --layer resnet_3 --config "$CONFIG" --backend rtl --no-progress --sched "$out/schedule.sched" \
        --out "$2" >/dev/null
    json "$2/report.json" "round(d['cycles']['measured'] / d['backend_seconds'])"
}
sa=() sf=()
for i in 1 2 3; do
    sa+=("$(speed "$B/rtl/$CONFIG/cosim" "$out-a$i")")
    sf+=("$(speed "$B/rtl/$CONFIG-fast/cosim" "$out-f$i")")
done
best() { printf '%s\n' "$@" | sort -n | tail -1; }
med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
printf '  %s (assertions on): %s cycles/s (best %s, median %s)\n' "$B/rtl/$CONFIG/cosim" "${sa[*]}" "$(best "${sa[@]}")" "$(med "${sa[@]}")"
printf '  %s (no assertions): %s cycles/s (best %s, median %s)\n' "$B/rtl/$CONFIG-fast/cosim" "${sf[*]}" "$(best "${sf[@]}")" "$(med "${sf[@]}")"
printf '  -fast / asserting (medians) %.2fx\n' "$(calc "$(med "${sf[@]}") / $(med "${sa[@]}")")"
if [ "$CONFIG" = default ]; then
    hr "The bare 16x16 PE array, grid and simulation description   [mk/bench_array.sh $B 1000000 3]"
    bash mk/bench_array.sh "$B" 1000000 3 | tee "$B/bench/array.txt"
    # the median runs of the grid and of the simulation description, in cycles per second
    arr() { sed -n "s/^  $1 ([^)]*): \\([0-9.]*\\) Mcycles.*/\\1/p" "$B/bench/array.txt" | sort -n | sed -n 2p; }
    grid=$(arr grid) bare=$(arr 'sim ')
    printf '  the whole accelerator (-fast, median %s cycles/s) against the bare array (median Mcycles per CPU second):\n' "$(med "${sf[@]}")"
    printf '    grid of acc_pe %s: %.2fx; acc_array_sim %s: %.2fx\n' "$grid" "$(calc "$(med "${sf[@]}") / ($grid * 1e6)")" \
        "$bare" "$(calc "$(med "${sf[@]}") / ($bare * 1e6)")"
fi

make -s "$B/sc/$CONFIG/cosim" >/dev/null
hr "SystemC simulation speed, resnet_3 on $CONFIG   [$B/sc/$CONFIG/cosim --sched $out/schedule.sched --backend systemc]"
# the schedule the rtl backend just ran, so both backends simulate the same cycles
"$B/sc/$CONFIG/cosim" --layer resnet_3 --config "$CONFIG" --backend systemc --no-progress \
    --sched "$out/schedule.sched" --out "$out-sc" >/dev/null
scyc=$(json "$out-sc/report.json" "d['cycles']['measured']")
scsec=$(json "$out-sc/report.json" "d['backend_seconds']")
printf '  systemc backend: %s cycles in %.2f s of backend time: %.0f cycles/s\n' "$scyc" "$scsec" "$(calc "$scyc / $scsec")"
printf '  rtl backend:     %s cycles in %.2f s of backend time: %.0f cycles/s\n' "$cyc" "$rsec" "$(calc "$cyc / $rsec")"
printf '  systemc / rtl backend-time ratio %.2fx\n' "$(calc "$scsec / $rsec")"

hr "Whole ResNet-18 through the RTL on $CONFIG   [$B/rtl/$CONFIG/cosim --net resnet --backend rtl --jobs N]"
# The layers one after another (--jobs 1) and one worker process per core
# (--jobs $(nproc), what make cosim NET=resnet18 does), side by side, on the
# iss and on the rtl backend.  An unmeasured run first fills the plan cache,
# so that no measured run plans.
J=$(nproc)
net_wall() { # BIN BACKEND JOBS OUT [NET]: wall seconds of one network run (NET: resnet)
    local t0 t1
    t0=$(date +%s.%N)
    if ! "$1" --net "${5:-resnet}" --config "$CONFIG" --backend "$2" --jobs "$3" --no-progress \
        --out "$4" >"$4.txt" 2>"$4.err"; then
        tail -5 "$4.txt" "$4.err" >&2
        return 1
    fi
    t1=$(date +%s.%N)
    calc "$t1 - $t0"
}
net_wall "$B/bin/cosim" iss "$J" "$B/bench/net-warm" >/dev/null
iss1=$(net_wall "$B/bin/cosim" iss 1 "$B/bench/net-iss1")
issj=$(net_wall "$B/bin/cosim" iss "$J" "$B/bench/net-iss$J")
rtl1=$(net_wall "$B/rtl/$CONFIG/cosim" rtl 1 "$B/bench/net")
rtlj=$(net_wall "$B/rtl/$CONFIG/cosim" rtl "$J" "$B/bench/net-rtl$J")
# make cosim NET=... runs the build without assertions (docs/rtl.md, change 8)
make -s "$B/rtl/$CONFIG-fast/cosim" >/dev/null
fastj=$(net_wall "$B/rtl/$CONFIG-fast/cosim" rtl "$J" "$B/bench/net-fast$J")
tail -2 "$B/bench/net.txt"
total=$(json "$B/bench/net/net_resnet.json" "sum(l['cycles_measured'] or 0 for l in d['layers'])" 2>/dev/null || echo "?")
printf '  wall time %.1f s for %s simulated cycles\n' "$rtl1" "$total"
printf '  rtl backend: --jobs 1 %.1f s, --jobs %d %.1f s wall: %.2fx\n' "$rtl1" "$J" "$rtlj" "$(calc "$rtl1 / $rtlj")"
printf '  rtl backend, %s-fast build (what make cosim NET=resnet runs): --jobs %d %.1f s wall\n' "$CONFIG" "$J" "$fastj"
printf '  iss backend: --jobs 1 %.1f s, --jobs %d %.1f s wall: %.2fx\n' "$iss1" "$J" "$issj" "$(calc "$iss1 / $issj")"

hr "Whole ResNet-50 through the RTL on $CONFIG   [$B/rtl/$CONFIG-fast/cosim --net resnet50 --backend rtl --jobs $J]"
# plans first (an unmeasured iss run), then the build make cosim NET=resnet50 runs
net_wall "$B/bin/cosim" iss "$J" "$B/bench/net50-warm" resnet50 >/dev/null
fast50=$(net_wall "$B/rtl/$CONFIG-fast/cosim" rtl "$J" "$B/bench/net50-fast$J" resnet50)
tail -2 "$B/bench/net50-fast$J.txt"
total50=$(json "$B/bench/net50-fast$J/net_resnet50.json" "sum(l['cycles_measured'] or 0 for l in d['layers'])" 2>/dev/null || echo "?")
printf '  wall time %.1f s for %s simulated cycles (--jobs %d)\n' "$fast50" "$total50" "$J"

hr "Yosys synthesis of the default parameters   [make synth]"
make -s B="$B" synth

if [ -x "$B/bin/planbench" ]; then
    hr "Planner on every ResNet-18 layer, $CONFIG   [$B/bin/planbench --config $CONFIG]"
    "$B/bin/planbench" --config "$CONFIG"
    # the array-efficiency tables of the other networks (ResNet-18's is above)
    for net in mobilenet resnet50 vgg; do
        hr "Planner and array efficiency on every $net layer, $CONFIG   [$B/bin/planbench --net $net --config $CONFIG]"
        "$B/bin/planbench" --net "$net" --config "$CONFIG"
    done
fi
}
run 2>&1 | tee "$raw"

# docs/figures.md: this run's output, whole, with its date and machine.
{
    echo "# Measured figures"
    echo
    echo "Written by \`make bench\` (mk/bench.sh); every figure is printed with the command"
    echo "and configuration that measure it. Figures vary with machine load: compare"
    echo "ratios measured side by side in one run, as these are. Other documents refer"
    echo "here instead of restating numbers."
    echo
    echo '```'
    cat "$raw"
    echo '```'
} > docs/figures.md.tmp && mv docs/figures.md.tmp docs/figures.md
echo "figures: docs/figures.md"
