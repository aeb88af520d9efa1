#!/usr/bin/env bash
# Synthesises the accelerator with Yosys (default parameters, scratchpad banks
# as black boxes) and prints the cell count of the logic excluding the SRAM
# macros.  Usage: rtl/synth.sh [OUTDIR]  (run from the repository root).
set -euo pipefail
out="${1:-build/synth}"
mkdir -p "$out"
start=$(date +%s)
yosys -q -l "$out/yosys.log" -s rtl/synth.ys
end=$(date +%s)
cells=$(grep -A40 '=== design hierarchy ===' "$out/yosys.log" | grep 'Number of cells' | tail -1 | awk '{print $4}')
echo "synth: acc_top (default parameters): $cells cells excluding the scratchpad SRAM macros ($((end - start)) s); log in $out/yosys.log"
