#!/usr/bin/env bash
# Merges the coverage files of a `make coverage` run, annotates the sources
# and prints the figures (docs/rtl.md "Coverage").
# Usage: mk/coverage.sh DIR
#   DIR/dat/*.dat   one file per Verilated model (cosim/vmodel.cpp, ACC_VM_COVERAGE)
#   DIR/merged.dat  written: the sum of them (verilator_coverage --write)
#   DIR/annotated/  written: rtl/ sources with counts (verilator_coverage --annotate)
# Prints, per rtl/ module, the line coverage (Verilator's line and branch
# points) and the toggle coverage (one point per signal bit), each the share
# of points hit at least once in any instance of the module; the toggle
# figure leaves out the untoggled bits that a line of the waiver file
# (COV_WAIVERS, default tests/coverage/toggle_waivers.txt) names, and the raw
# figure and each waiver line's count are printed below the table; then every
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
python3 - "$dir/merged.dat" "${COV_WAIVERS:-tests/coverage/toggle_waivers.txt}" <<'EOF'
import collections, fnmatch, math, re, sys

# Toggle waivers: (modules, signal patterns, lo, hi, reason, line number)
waivers = []
for n, text in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
    text = text.strip()
    if not text or text.startswith("#"):
        continue
    f = text.split(None, 3)
    if len(f) < 4 or not re.fullmatch(r"\d+-\d+", f[2]) or f[3].split(":")[0] not in ("tied", "count"):
        sys.exit(f"{sys.argv[2]}:{n}: expected 'modules signals lo-hi tied|count: reason'")
    lo, hi = map(int, f[2].split("-"))
    waivers.append((set(f[0].split(",")), f[1].split(","), lo, hi, f[3], n))
waived = collections.Counter()      # waiver line -> bits removed
waived_hit = collections.Counter()  # waiver line -> removed bits that were toggled anyway

def waiver(module, name):
    """The waiver line that covers toggle point `name` of `module`, or 0."""
    m = re.fullmatch(r"(.*)\[(\d+)\]", name)
    sig, bit = (m.group(1), int(m.group(2))) if m else (name, 0)
    base = module.split("__")[0]
    for mods, pats, lo, hi, _, n in waivers:
        if base in mods and lo <= bit <= hi and any(fnmatch.fnmatchcase(sig, p) for p in pats):
            return n
    return 0

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
raw_toggle = [0, 0]
for (kind, module, f, l, n, o), count in points.items():
    group = {"v_line": "line", "v_branch": "line", "v_toggle": "toggle", "v_user": "cover"}.get(kind)
    if group is None:
        continue
    if group == "toggle":
        raw_toggle[0] += count > 0
        raw_toggle[1] += 1
        w = waiver(module, o)
        if w and count > 0:  # toggled after all: it counts like any other bit
            waived_hit[w] += 1
        elif w:
            waived[w] += 1
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
print(f"{'module':<{w}} {'line':>16} {'toggle*':>18} {'cover':>8}")
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
print(f"* toggle without the {sum(waived.values())} waived bits of {sys.argv[2]}; "
      f"raw toggle coverage {pct(*raw_toggle)}% {raw_toggle[0]}/{raw_toggle[1]}")
for mods, pats, lo, hi, reason, n in waivers:
    extra = f" (and {waived_hit[n]} toggled, kept)" if waived_hit[n] else ""
    print(f"  waiver line {n}: {waived[n]:>4} bits{extra}  ({reason.split(':')[0]}: "
          f"{','.join(sorted(mods))} {','.join(pats)} [{lo}:{hi}])")
if unhit_user:
    print(f"cover points never hit ({len(unhit_user)}):")
    for mod, f, l, o in sorted(unhit_user):
        print(f"  {mod}: {o} ({f}:{l})")
else:
    print(f"cover points never hit: none (all {tot['cover'][1]} hit)")
ok = line_p >= 95.0 and tog_p >= 90.0 and not unhit_user
print("goal (>= 95% line, >= 90% toggle*, every cover point hit):", "met" if ok else "NOT met")
EOF
