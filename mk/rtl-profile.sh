#!/usr/bin/env bash
# Where a simulated cycle goes: runs a cosim binary of the rtl backend under
# perf and attributes the samples to the RTL modules (by the signal names of
# the Verilated C++ line each sample falls on), to Verilator's evaluation
# loop and to the C harness.  docs/rtl.md, "Simulation speed".
# Usage: mk/rtl-profile.sh COSIM_BINARY [cosim arguments...]
#   e.g. mk/rtl-profile.sh build/rtl/default/cosim --layer resnet_3 --backend rtl --no-progress --out /tmp/p
# Needs perf; the model's C++ must carry line information (-g in VCFLAGS:
# make VCFLAGS='-O2 -std=c++17 -g' build/rtl/default/cosim).
set -euo pipefail
bin=$1; shift
obj=$(dirname "$bin")/obj
data=$(mktemp /tmp/rtl-profile.XXXXXX)
trap 'rm -f "$data" "$data.txt"' EXIT
perf record -q -o "$data" "$bin" "$@" > /dev/null
perf report -i "$data" --no-children --sort sym,srcline -F overhead,sym,srcline 2>/dev/null \
    | grep -v '^#' > "$data.txt"
python3 - "$obj" "$data.txt" <<'PY'
import collections, re, sys
obj, rep = sys.argv[1], sys.argv[2]
files = {}
def text(fn, n):  # the sampled line and the two before it (statements span lines)
    if fn not in files:
        try:
            files[fn] = open(obj + '/' + fn).read().split('\n')
        except OSError:
            files[fn] = None
    lines = files[fn]
    return '' if lines is None else '\n'.join(lines[max(0, n - 3):n])
agg, tot = collections.Counter(), 0.0
for l in open(rep):
    m = re.match(r'\s*([\d.]+)%\s+\[.\]\s+(\S+)\s+(\S+):(\d+)', l)
    if not m:
        continue
    p, sym, fn, n = float(m.group(1)), m.group(2), m.group(3), int(m.group(4))
    tot += p
    if not sym.startswith('Vacc_top'):
        lib = 'verilated' in fn or sym.startswith(('_vl', 'VL_', 'Verilated'))
        agg['Verilator run-time library' if lib else 'C harness (memory, checks, golden, model)'] += p
        continue
    if 'eval_step' in sym or sym.endswith('___eval') or 'triggers' in sym:
        agg['evaluation loop, assertion sampling'] += p
        continue
    region = 'input-driven logic (ico)' if '_ico_' in sym else \
             'flops (nba sequent)' if 'sequent' in sym else 'logic after the edge (nba comb)'
    mods = re.findall(r'acc_top__DOT__(u_\w+?)__DOT__', text(fn, n))
    mod = 'temporaries' if not mods else mods[-1]
    t = text(fn, n)
    if mod == 'u_compute' and 'u_array' in t:
        mod = 'u_array'
    elif mod == 'u_spad' and 'u_bank' in t:
        mod = 'u_bank'
    agg[mod + ': ' + region] += p
print('| share | where |')
print('|------:|-------|')
for k, v in agg.most_common(25):
    print('| %5.1f %% | %s |' % (100 * v / tot, k))
PY
