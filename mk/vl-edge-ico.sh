#!/usr/bin/env bash
# The rising edge without the input-driven logic: edits Verilator 5.006's
# generated evaluation loop (Vacc_top___024root___eval in MDIR) so that an
# eval() with clk_i high skips the input region (`ico`), which Verilator
# runs on every eval().  The harness (cosim/vmodel.cpp) changes inputs only
# with the clock low and then raises clk_i alone, so at the edge the inputs
# are those the previous eval() settled, and the region would recompute the
# values it already holds; the logic after the edge (`nba`) still follows
# every register update.  Stops the build when the loop is not the expected
# one or when the input region reads clk_i.  docs/rtl.md, "Simulation speed".
# Usage: mk/vl-edge-ico.sh MDIR
set -euo pipefail
mdir=$1
loop='    vlSelf->__VicoIterCount = 0U;\n    __VicoContinue = 1U;\n'
files=$(grep -l 'void Vacc_top___024root___eval(Vacc_top___024root\* vlSelf) {' \
    "$mdir"/Vacc_top___024root__DepSet_*.cpp || true)
if [ "$(printf '%s\n' "$files" | grep -c .)" -ne 1 ]; then
    echo "vl-edge-ico: no single file defines Vacc_top___024root___eval in $mdir" >&2
    exit 1
fi
if [ "$(grep -Pzo "$loop" "$files" | tr '\0' '\n' | grep -c '__VicoContinue = 1U;')" -ne 1 ]; then
    echo "vl-edge-ico: $files: the input region's loop is not Verilator 5.006's" >&2
    exit 1
fi
# The input region: its evaluation and the functions it calls.
if awk '/^(VL_INLINE_OPT )?void Vacc_top___024root___(eval_ico|ico_[a-z_]*__TOP__[0-9_]+)\(/ { f = 1 }
        f && /vlSelf->clk_i/ { found = 1 }
        /^}/ { f = 0 }
        END { exit !found }' "$mdir"/Vacc_top___024root__DepSet_*.cpp; then
    echo "vl-edge-ico: the input region reads clk_i; it cannot be skipped at the edge" >&2
    exit 1
fi
perl -0pi -e 's/(    vlSelf->__VicoIterCount = 0U;\n    __VicoContinue = )1U;/${1}!vlSelf->clk_i;/' "$files"
