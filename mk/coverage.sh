#!/usr/bin/env bash
# Merges the coverage files of a `make coverage` run, annotates the sources
# and prints the figures (docs/rtl.md "Coverage").
# Usage: mk/coverage.sh DIR
#   DIR/dat/*.dat   one file per Verilated model (cosim/vmodel.cpp, ACC_VM_COVERAGE)
#   DIR/merged.dat  written: the sum of them (verilator_coverage --write)
#   DIR/annotated/  written: rtl/ sources with counts (verilator_coverage --annotate)
# Prints, per rtl/ module, the line coverage (Verilator's line and branch
# points) and the toggle coverage (one point per signal bit), each the share
# of points hit at least once in any instance of the module, then every
# user `cover property` point with count 0, and a closing verdict against
# the goal (>= 95% line, >= 90% toggle, every cover point hit).  Exit status
# 0 when the files could be merged (the goal is reported, not enforced),
# 1 otherwise.
set -euo pipefail
dir=${1:?usage: mk/coverage.sh DIR}
vc=${VERILATOR_COVERAGE:-verilator_coverage}
shopt -s nullglob
dats=("$dir"/dat/*.dat)
if [ ${#dats[@]} -eq 0 ]; then
    echo "coverage: no coverage files under $dir/dat (were the -cov binaries run?)" >&2
    exit 1
fi
$vc --write "$dir/merged.dat" "${dats[@]}"
rm -rf "$dir/annotated"
$vc --annotate "$dir/annotated" "$dir/merged.dat" > "$dir/annotate.log"
echo "coverage: ${#dats[@]} model runs merged into $dir/merged.dat; annotated sources in $dir/annotated/"
python3 - "$dir/merged.dat" <<'EOF'
import collections, math, re, sys

# A record: C '<\x01key\x02value ...>' count
rec = re.compile(r"^C '(.*)' (\d+)$")
points = collections.defaultdict(int)  # (kind, module, file, line, col, comment) -> count
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = rec.match(line.rstrip("\n"))
    if not m:
        continue
    kv = dict(f.split("\x02", 1) for f in m.group(1).split("\x01") if "\x02" in f)
    page = kv.get("page", "")
    kind, _, module = page.partition("/")
    if not module.startswith("acc_"):
        continue
    key = (kind, module, kv.get("f", ""), kv.get("l", ""), kv.get("n", ""), kv.get("o", ""))
    points[key] += int(m.group(2))  # union over instances: a point is hit if any hit it

stats = collections.defaultdict(lambda: [0, 0])  # (group, module) -> [hit, total]
unhit_user = []
for (kind, module, f, l, n, o), count in points.items():
    group = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle", "v_user": "cover"}.get(kind)
    if group is None:
        continue
    s = stats[(group, module)]
    s[1] += 1
    s[0] += count > 0
    if group == "cover" and count == 0:
        unhit_user.append((module, f, int(l or 0), o))

def pct(hit, total):  # rounded down: 99.96 % is not printed as 100.0 %
    return math.floor(1000.0 * hit / total) / 10.0 if total else 100.0

modules = sorted({m for (_, m) in stats})
w = max(len(m) for m in modules + ["rtl/ total"])
print(f"{'module':<{w}} {'line':>16} {'toggle':>18} {'cover':>8}")
tot = {"line": [0, 0], "toggle": [0, 0], "cover": [0, 0]}
for mod in modules:
    cells = []
    for g in ("line", "toggle", "cover"):
        h, t = stats.get((g, mod), [0, 0])
        tot[g][0] += h
        tot[g][1] += t
        cells.append(f"{pct(h, t):6.1f}% {h:>4}/{t:<4}" if g != "cover" else f"{h:>3}/{t:<3}")
    print(f"{mod:<{w}} {cells[0]:>16} {cells[1]:>18} {cells[2]:>8}")
line_p, tog_p = pct(*tot["line"]), pct(*tot["toggle"])
print(f"{'rtl/ total':<{w}} {line_p:6.1f}% {tot['line'][0]:>4}/{tot['line'][1]:<4}"
      f" {tog_p:6.1f}% {tot['toggle'][0]:>5}/{tot['toggle'][1]:<5}"
      f" {tot['cover'][0]:>3}/{tot['cover'][1]:<3}")
if unhit_user:
    print(f"cover points never hit ({len(unhit_user)}):")
    for mod, f, l, o in sorted(unhit_user):
        print(f"  {mod}: {o} ({f}:{l})")
else:
    print(f"cover points never hit: none (all {tot['cover'][1]} hit)")
ok = line_p >= 95.0 and tog_p >= 90.0 and not unhit_user
print("goal (>= 95% line, >= 90% toggle, every cover point hit):", "met" if ok else "NOT met")
EOF
