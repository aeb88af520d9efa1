#!/usr/bin/env bash
# Mutation check of the RTL tests (docs/rtl.md "Mutation check"; make mutate).
# Usage: mk/mutate.sh BUILD_DIR
#   MUTANTS="a b ..."      mutants to run (names under tests/mutants/, without
#                          .patch); default: all of them
#   MUTATE_CONFIGS="small small-xrand wide"
#                          builds, cheapest first: a mutant that survives
#                          one is tried on the next; <config>-xrand is the
#                          build with random initial values and X (mk/rtl.mk),
#                          run with +verilator+seed+1 +verilator+rand+reset+2
#   MUTATE_TIMEOUT=900     seconds per test binary run (a hang is a kill)
#   MUTATE_JOBS=2          Criterion workers and make -j
#
# Each mutant (tests/mutants/<name>.patch: a one-line "# fault class"
# comment, then a unified diff against rtl/) is applied to a scratch copy of
# rtl/ under BUILD_DIR/mutate/<name>/src/ (every other top-level entry is a
# symbolic link to the real tree; the real rtl/ is never touched).  The
# configuration's RTL test binaries (test_rtl, and test_cover when
# tests/rtl/test_cover.c exists) are built there with the project's own
# Makefile into BUILD_DIR/mutate/<name>/, with ccache in front of the C and
# C++ compilers and of Verilator's generated makefiles (OBJCACHE), and run
# with --fail-fast under a timeout.  Verdicts:
#   killed    a test failed, crashed or timed out
#   survived  every test passed
#   invalid   the patch does not apply or the mutant does not build
# The score is killed / (killed + survived).  Exit status 0 (the score is a
# measurement, not a gate), 2 on a usage error.
set -u
b=${1:?usage: mk/mutate.sh BUILD_DIR}
case $b in /*) ;; *) b=$PWD/$b ;; esac
top=$PWD
timeout_s=${MUTATE_TIMEOUT:-900}
jobs=${MUTATE_JOBS:-2}
configs=${MUTATE_CONFIGS:-small small-xrand wide}
if [ -n "${MUTANTS:-}" ]; then
    names=$MUTANTS
else
    names=$(for f in tests/mutants/*.patch; do basename "$f" .patch; done)
fi
for n in $names; do
    [ -f "tests/mutants/$n.patch" ] || { echo "mutate: no mutant tests/mutants/$n.patch" >&2; exit 2; }
done
ccache_ok=0
if command -v ccache >/dev/null 2>&1; then
    ccache_ok=1
    export OBJCACHE=ccache CCACHE_BASEDIR=$b/mutate CCACHE_NOHASHDIR=1
else
    echo "mutate: ccache not found (mk/deps.sh installs it); building without a cache" >&2
fi
cc=${CC:-cc}; cxx=${CXX:-c++}
[ $ccache_ok = 1 ] && { cc="ccache $cc"; cxx="ccache $cxx"; }

mkdir -p "$b/mutate"
results=$b/mutate/results.txt
: > "$results"
killed=0; survived=0; invalid=0
t_all=$(date +%s)
for n in $names; do
    d=$b/mutate/$n
    rm -rf "$d"
    mkdir -p "$d/src"
    for e in "$top"/*; do
        case $(basename "$e") in rtl|build*) ;; *) ln -s "$e" "$d/src/$(basename "$e")" ;; esac
    done
    cp -r "$top/rtl" "$d/src/rtl"
    cls=$(sed -n '1s/^# *//p' "tests/mutants/$n.patch")
    t0=$(date +%s)
    verdict=""; why=""
    if ! patch -s -p1 -d "$d/src" < "tests/mutants/$n.patch" > "$d/patch.log" 2>&1; then
        verdict=invalid; why="patch does not apply"
    fi
    for c in $configs; do
        [ -n "$verdict" ] && break
        bins="$d/rtl/$c/test_rtl"
        plusargs=""
        case $c in
            *-xrand) plusargs="+verilator+seed+1 +verilator+rand+reset+2" ;;
            *) [ -f tests/rtl/test_cover.c ] && bins="$bins $d/rtl/$c/test_cover" ;;
        esac
        if ! make -C "$d/src" --no-print-directory -j"$jobs" B="$d" CC="$cc" CXX="$cxx" \
            $bins > "$d/build-$c.log" 2>&1; then
            verdict=invalid; why="does not build on $c ($d/build-$c.log)"
            break
        fi
        for t in $bins; do
            (cd "$d/src" && ACC_VM_PLUSARGS="$plusargs" ACC_LAYERS_DIR=layers ACC_CONFIGS_DIR=configs \
                timeout "$timeout_s" "$t" --jobs "$jobs" --fail-fast) > "$d/test-$c-$(basename "$t").log" 2>&1
            rc=$?
            if [ $rc -eq 124 ]; then
                verdict=killed; why="$(basename "$t") on $c timed out"; break
            elif [ $rc -ne 0 ]; then
                first=$(grep -m1 -E '^\[FAIL\]|CRASH' "$d/test-$c-$(basename "$t").log" | sed 's/^\[FAIL\] //; s/: *(.*//')
                verdict=killed; why="$(basename "$t") on $c: ${first:-exit status $rc}"; break
            fi
        done
    done
    [ -z "$verdict" ] && { verdict=survived; why="every test passed on: $configs"; }
    case $verdict in killed) killed=$((killed + 1)) ;; survived) survived=$((survived + 1)) ;;
                     invalid) invalid=$((invalid + 1)) ;; esac
    line=$(printf '%-9s %-36s %4ds  %s  [%s]' "$verdict" "$n" $(( $(date +%s) - t0 )) "$why" "$cls")
    echo "$line"
    echo "$line" >> "$results"
    # keep the logs, drop the bulky objects
    rm -rf "$d/rtl" "$d/obj" "$d/san" "$d/lib" "$d/bin"
done
total=$((killed + survived))
score=$(awk -v k=$killed -v t=$total 'BEGIN { if (t) printf "%.1f%%", 100 * k / t; else print "n/a" }')
echo "mutate: $killed killed, $survived survived, $invalid invalid; score $score (killed / valid)" \
     "in $(( $(date +%s) - t_all ))s; configurations: $configs"
echo "score $score killed $killed survived $survived invalid $invalid" >> "$results"
exit 0
