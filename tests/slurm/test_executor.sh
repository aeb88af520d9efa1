#!/usr/bin/env bash
# The Slurm executor (mk/regress-slurm.sh) on a one-node cluster started here
# (mk/slurm-cluster.sh, as root), with job lists written by hand: every task
# runs its line from the job folder with the submitter's environment and
# leaves its exit status; a task cancelled while it runs, no job, a bad
# setting, no sbatch and no controller each give their error; stopping the
# cluster ends its daemons and a job still running.
# Usage: [SLURM_CLUSTER_DIR=dir] tests/slurm/test_executor.sh WORKDIR
# Prints one line per failed check and "slurm: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
[ $# -eq 1 ] || { echo "usage: tests/slurm/test_executor.sh WORKDIR" >&2; exit 2; }
W=$1
rm -rf "$W" && mkdir -p "$W" && W=$(cd "$W" && pwd) || exit 1
export SLURM_CLUSTER_DIR=${SLURM_CLUSTER_DIR:-$PWD/build/slurm}
cluster() { bash mk/slurm-cluster.sh "$@"; }
executor() { bash mk/regress-slurm.sh "$@"; }
passed=0 failed=0

# check NAME COMMAND...: one check, passing when COMMAND succeeds.
check() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $name"
    fi
}
has() { grep -qF -- "$2" "$1"; }
is() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }

finish() {
    cluster stop >/dev/null 2>&1
    echo "slurm: $passed passed, $failed failed"
    [ $failed -eq 0 ]
}
trap 'finish; exit $?' EXIT

# ---- the cluster comes up, and a second start finds it running
cluster start >"$W/start.log" 2>&1
rc=$?
check "start exits 0 ($(tail -3 "$W/start.log"))" [ $rc -eq 0 ]
[ -f "$SLURM_CLUSTER_DIR/slurm.conf" ] || { cat "$W/start.log"; exit 1; }
export SLURM_CONF=$SLURM_CLUSTER_DIR/slurm.conf
check "status exits 0 when the cluster runs" cluster status >/dev/null
cluster start >"$W/start2.log" 2>&1
rc=$?
check "a second start exits 0" [ $rc -eq 0 ]
check "a second start finds the cluster running" has "$W/start2.log" "already running"
daemons=$(cat "$SLURM_CLUSTER_DIR"/run/*.pid)

# ---- four lines: two write their task number, one exits 3, one reads the
# cwd and an exported variable; a stale status file goes
D=$W/run
mkdir -p "$D/slurm" && echo 0 >"$D/slurm/7.rc"
cat >"$D/jobs.txt" <<EOF
sh -c 'echo \$SLURM_ARRAY_TASK_ID > $D/out.\$SLURM_ARRAY_TASK_ID'
sh -c 'echo \$SLURM_ARRAY_TASK_ID > $D/out.\$SLURM_ARRAY_TASK_ID'
echo "line three says so"; exit 3
pwd > $D/cwd; echo "\$TEST_MARK" > $D/mark
EOF
TEST_MARK=exported-1 REGRESS_SLURM_MEM=100 REGRESS_SLURM_TIME=5 REGRESS_SLURM_CPUS=1 \
    REGRESS_SLURM_PARTITION=local REGRESS_SLURM_POLL=0.5 executor "$D" >"$D.log" 2>&1
rc=$?
check "every task ran: exit 0 ($(tail -3 "$D.log"))" [ $rc -eq 0 ]
check "task 0 ran line 1" is "$D/out.0" 0
check "task 1 ran line 2" is "$D/out.1" 1
check "task 0 recorded status 0" is "$D/slurm/0.rc" 0
check "task 1 recorded status 0" is "$D/slurm/1.rc" 0
check "task 2 recorded its line's status 3" is "$D/slurm/2.rc" 3
check "task 3 recorded status 0" is "$D/slurm/3.rc" 0
check "task 2's output is in slurm/2.out" has "$D/slurm/2.out" "line three says so"
check "a task runs in the job folder" is "$D/cwd" "$D"
check "a task sees the submitter's environment" is "$D/mark" exported-1
check "the line that exited non-zero is named" has "$D.log" "2 (status 3)"
check "a status file of an earlier run is removed" [ ! -e "$D/slurm/7.rc" ]

# ---- a task cancelled while it runs: named with its line, exit 1
C=$W/cancel
mkdir -p "$C"
printf '%s\n' true 'scancel ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}; sleep 60' true >"$C/jobs.txt"
REGRESS_SLURM_POLL=0.5 executor "$C" >"$C.log" 2>&1
rc=$?
check "a cancelled task: exit 1" [ $rc -eq 1 ]
check "the cancelled task is named" has "$C.log" "task 1 of job array"
check "its state is given" has "$C.log" "JobState=CANCELLED"
check "its job line is given" has "$C.log" 'job line 2 of '"$C"'/jobs.txt: scancel ${SLURM_ARRAY_JOB_ID}'
check "the other tasks ran" is "$C/slurm/2.rc" 0
check "the cancelled task left no status" [ ! -e "$C/slurm/1.rc" ]

# ---- no job: nothing submitted; bad settings and usage
E=$W/empty
mkdir -p "$E" && : >"$E/jobs.txt"
executor "$E" >"$E.log" 2>&1
rc=$?
check "an empty job list: exit 0" [ $rc -eq 0 ]
check "an empty job list is said so" has "$E.log" "lists no job"
B=$W/bad
mkdir -p "$B" && echo true >"$B/jobs.txt"
REGRESS_SLURM_MEM=2G executor "$B" >"$B.log" 2>&1
rc=$?
check "REGRESS_SLURM_MEM=2G: exit 1" [ $rc -eq 1 ]
check "REGRESS_SLURM_MEM=2G is named" has "$B.log" "REGRESS_SLURM_MEM='2G': not a positive integer"
executor "$W/none" >"$B.log" 2>&1
rc=$?
check "a missing folder: exit 1" [ $rc -eq 1 ]
check "a missing folder is named" has "$B.log" "$W/none: no such folder"
PATH=/nonexistent /bin/bash mk/regress-slurm.sh "$B" >"$B.log" 2>&1
rc=$?
check "no sbatch: exit 1" [ $rc -eq 1 ]
check "no sbatch is said so" has "$B.log" "sbatch not found"
REGRESS_SLURM_PARTITION=no-such-partition executor "$B" >"$B.log" 2>&1
rc=$?
check "an unknown partition: exit 1" [ $rc -eq 1 ]
check "sbatch's reason is shown" has "$B.log" "Invalid partition name"

# ---- stop ends the daemons and a job still running
L=$W/long.sh
printf '#!/bin/bash\nsleep 300\n' >"$L" && chmod +x "$L"
sbatch --output=/dev/null --wrap "$L" >/dev/null
# the job is RUNNING for squeue a moment before slurmstepd starts its
# script: wait for the process itself
for _ in $(seq 1 120); do
    [ -n "$(pgrep -f "$L")" ] && break
    sleep 0.5
done
check "a long job runs before the stop" [ -n "$(pgrep -f "$L")" ]
cluster stop >"$W/stop.log" 2>&1
rc=$?
check "stop exits 0" [ $rc -eq 0 ]
alive=""
for p in $daemons; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
check "no daemon is left after stop:$alive" [ -z "$alive" ]
check "no job is left after stop" [ -z "$(pgrep -f "$L")" ]
check "nothing runs from the state folder" [ -z "$(pgrep -f "$SLURM_CLUSTER_DIR/")" ]
cluster stop >"$W/stop2.log" 2>&1
rc=$?
check "a second stop exits 0" [ $rc -eq 0 ]
check "a second stop finds nothing running" has "$W/stop2.log" "not running"
cluster status >/dev/null
rc=$?
check "status exits 3 when stopped" [ $rc -eq 3 ]

# ---- no controller
executor "$B" >"$B.log" 2>&1
rc=$?
check "no controller: exit 1" [ $rc -eq 1 ]
check "no controller is said so" has "$B.log" "the Slurm controller does not answer"
