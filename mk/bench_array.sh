#!/usr/bin/env bash
# mk/bench_array.sh - speed of the bare 16x16 PE array, the grid of acc_pe
# (what Yosys synthesises) and acc_array_sim (what the Verilator builds of
# acc_top simulate), side by side in one run: each built by the Makefile
# (build/array/bench-{grid,sim}/, tests/rtl/array/array_bench.sv: the array
# with registered inputs, Verilated with the project's flags and --assert),
# then run alternately ROUNDS times with the same pass-shaped stimulus
# (L = 64 steps, D = 64, the drain's shifts); prints each run's cycles per
# CPU second and the median ratio.  Usage: mk/bench_array.sh [B] [CYCLES] [ROUNDS]
set -euo pipefail
b="${1:-build}"
cycles="${2:-300000}"
rounds="${3:-3}"
make --no-print-directory -s B="$b" "$b/array/bench-grid/array_tb" "$b/array/bench-sim/array_tb"
echo "bench_array: 16x16 acc_array, $cycles cycles per run, $rounds rounds (command: $b/array/bench-<desc>/array_tb bench $cycles)"
ratios=()
for ((i = 1; i <= rounds; i++)); do
  g=$("$b/array/bench-grid/array_tb" bench "$cycles")
  s=$("$b/array/bench-sim/array_tb" bench "$cycles")
  echo "  grid (acc_pe x 256): $g"
  echo "  sim  (acc_array_sim): $s"
  ratios+=("$(awk -v g="${g%% *}" -v s="${s%% *}" 'BEGIN { printf "%.2f", s / g }')")
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "bench_array: acc_array_sim / grid = ${median}x (median of ${ratios[*]})"
