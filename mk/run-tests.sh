#!/usr/bin/env bash
# Runs Criterion test binaries one after the other and prints one line with
# the totals; with TOTALS=file it also appends "passed failed" to that file
# (make test sums them into its closing line).
# Usage: [LABEL=unit] [TOTALS=file] mk/run-tests.sh TEST...
set -u
passed=0; failed=0; status=0
for t in "$@"; do
    out=$("$t" --jobs 2 2>&1); rc=$?
    printf '%s\n' "$out" | grep -vE '^\[----\]|^\[====\] Running' | grep -E 'FAIL|Synthesis|error|Error|Warning' | sed "s|^|$(basename "$t"): |"
    line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -1)
    p=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
    f=$(printf '%s' "$line" | sed -n 's/.*Failing: \([0-9]*\).*Crashing: \([0-9]*\).*/\1 \2/p')
    passed=$((passed + ${p:-0}))
    if [ -n "$f" ]; then failed=$((failed + ${f% *} + ${f#* })); fi
    if [ $rc -ne 0 ]; then status=1; [ -z "$line" ] && failed=$((failed + 1)); fi
done
echo "${LABEL:-unit}: $passed passed, $failed failed"
[ -n "${TOTALS:-}" ] && echo "$passed $failed" >> "$TOTALS"
exit $status
