#!/usr/bin/env bash
# Runs Criterion test binaries one after the other and prints one line with
# the totals; with TOTALS=file it also appends "passed failed" to that file
# (make test sums them into its closing line).  Each binary also writes a
# JUnit XML report (Criterion's --xml) to
# JUNIT_DIR/<label>.<its folder>.<its name>.xml (JUNIT_DIR: the Makefile's
# $(B)/test/junit, default build/test/junit), e.g. unit.test.test_util.xml,
# rtl.small.test_rtl.xml, rtl-xrand-seed-2.small-xrand.test_rtl.xml; a
# report that is missing, or that xmllint (when installed) finds
# malformed, fails the run (one failure when the binary itself passed).
# Usage: [LABEL=unit] [TOTALS=file] [JUNIT_DIR=dir] mk/run-tests.sh TEST...
set -u
passed=0; failed=0; status=0
junit=${JUNIT_DIR:-build/test/junit}
mkdir -p "$junit" || exit 1
for t in "$@"; do
    name=$(printf '%s.%s.%s' "${LABEL:-unit}" "$(basename "$(dirname "$t")")" "$(basename "$t")" |
        tr -c 'A-Za-z0-9._-' '-')
    xml="$junit/$name.xml"
    rm -f "$xml"
    out=$("$t" --jobs 2 --xml="$xml" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -vE '^\[----\]|^\[====\] Running' | grep -E 'FAIL|Synthesis|error|Error|Warning' | sed "s|^|$(basename "$t"): |"
    line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -1)
    p=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.*Failing: \([0-9]*\).*Crashing: \([0-9]*\).*/\1 \2/p')
    passed=$((passed + ${p:-0}))
    if [ -n "$f" ]; then failed=$((failed + ${f% *} + ${f#* })); fi
    if [ $rc -ne 0 ]; then status=1; [ -z "$line" ] && failed=$((failed + 1)); fi
    bad=
    if [ ! -s "$xml" ]; then
        bad="wrote no JUnit XML report ($xml)"
    elif command -v xmllint > /dev/null && ! xmllint --noout "$xml" 2> /dev/null; then
        bad="its JUnit XML report $xml is not well-formed"
    fi
    if [ -n "$bad" ]; then
        echo "$(basename "$t"): $bad"; status=1
        [ $rc -eq 0 ] && failed=$((failed + 1))
    fi
done
echo "${LABEL:-unit}: $passed passed, $failed failed"
[ -n "${TOTALS:-}" ] && echo "$passed $failed" >> "$TOTALS"
exit $status
