#!/usr/bin/env bash
# The Slurm executor of `make regress ENGINE=slurm` (docs/regress.md, "On a
# Slurm cluster"): submits DIR/jobs.txt as one job array, task i running line
# i+1, polls squeue until every task has left the queue, and checks that each
# task ran: task i writes its line's exit status to DIR/slurm/<i>.rc, its
# output to DIR/slurm/<i>.out.  Results are not read here (the job lines
# write them; the merge step reads them).
#
# Usage: mk/regress-slurm.sh DIR
# Exit 0 when every task ran (whatever its line's status); 1 with a message
# naming the task and its line when the submission failed, the controller
# could not be reached, or a task never ran or was killed (cancelled, time
# limit, memory, node failure); 2 on a usage error.
#
# Environment (all optional; `make regress` sets them from the matrix's
# [slurm] section): REGRESS_SLURM_PARTITION, REGRESS_SLURM_ACCOUNT,
# REGRESS_SLURM_MEM (MB per task), REGRESS_SLURM_TIME (minutes per task),
# REGRESS_SLURM_CPUS (per task), REGRESS_SLURM_ARGS (extra sbatch arguments,
# split on blanks), REGRESS_SLURM_POLL (seconds between polls, default 1),
# REGRESS_SLURM_LOST (seconds without an answer from the controller before
# giving up, default 300).  DIR and the commands of its job lines must be
# visible at the same paths on every node (a shared filesystem).
set -uo pipefail

die() {
    echo "regress-slurm: error: $*" >&2
    exit 1
}

usage() {
    echo "usage: mk/regress-slurm.sh DIR   (DIR/jobs.txt: one shell command per line)" >&2
    exit 2
}

[ $# -eq 1 ] || usage
[ -d "$1" ] || die "$1: no such folder"
DIR=$(cd "$1" && pwd)
JOBS=$DIR/jobs.txt
[ -f "$JOBS" ] || die "$JOBS: no such file"
POLL=${REGRESS_SLURM_POLL:-1}
LOST=${REGRESS_SLURM_LOST:-300}

# Numbers: REGRESS_SLURM_MEM etc. must be positive integers (POLL may be a
# decimal).
for v in REGRESS_SLURM_MEM REGRESS_SLURM_TIME REGRESS_SLURM_CPUS REGRESS_SLURM_LOST; do
    val=${!v:-}
    [ -z "$val" ] || [[ $val =~ ^[1-9][0-9]*$ ]] || die "$v='$val': not a positive integer"
done
[[ $POLL =~ ^[0-9]+(\.[0-9]+)?$ ]] && [[ $POLL =~ [1-9] ]] ||
    die "REGRESS_SLURM_POLL='$POLL': not a positive number of seconds"

mapfile -t LINES <"$JOBS"
N=${#LINES[@]}
S=$DIR/slurm
if [ "$N" -gt 0 ]; then
    [ -z "${SLURM_CONF:-}" ] || [ -f "$SLURM_CONF" ] || die "SLURM_CONF=$SLURM_CONF: no such file"
    for c in sbatch squeue scontrol scancel; do
        command -v $c >/dev/null 2>&1 ||
            die "$c not found: ENGINE=slurm needs the Slurm client commands (Debian: slurm-client) and a cluster; see docs/regress.md, \"On a Slurm cluster\""
    done
fi
rm -rf "$S"
mkdir -p "$S" || die "cannot create $S"
if [ "$N" -eq 0 ]; then
    echo "regress-slurm: $JOBS lists no job; nothing to submit"
    exit 0
fi

# The tasks read a copy of the list, so a later run writing jobs.txt cannot
# change what a pending task runs.
cp "$JOBS" "$S/jobs.txt" || die "cannot copy $JOBS to $S"
q() { printf '%q' "$1"; }
cat >"$S/task.sh" <<EOF
#!/bin/bash
# One task of the job array of mk/regress-slurm.sh: runs line
# SLURM_ARRAY_TASK_ID + 1 of $S/jobs.txt and records its exit status.
i=\${SLURM_ARRAY_TASK_ID:?not a Slurm array task}
line=\$(sed -n "\$((i + 1))p" $(q "$S/jobs.txt"))
echo "regress-slurm: task \$i on \$(hostname -s): \$line"
bash -c "\$line"
rc=\$?
echo "regress-slurm: task \$i exit status \$rc"
echo \$rc >$(q "$S")/\$i.rc.tmp && mv -f $(q "$S")/\$i.rc.tmp $(q "$S")/\$i.rc
exit \$rc
EOF

args=(--parsable --array="0-$((N - 1))" --job-name="regress-$(basename "$DIR")"
    --chdir="$DIR" --export=ALL --ntasks=1 --output="$S/%a.out" --error="$S/%a.out")
[ -n "${REGRESS_SLURM_PARTITION:-}" ] && args+=(--partition="$REGRESS_SLURM_PARTITION")
[ -n "${REGRESS_SLURM_ACCOUNT:-}" ] && args+=(--account="$REGRESS_SLURM_ACCOUNT")
[ -n "${REGRESS_SLURM_MEM:-}" ] && args+=(--mem="${REGRESS_SLURM_MEM}M")
[ -n "${REGRESS_SLURM_TIME:-}" ] && args+=(--time="$REGRESS_SLURM_TIME")
[ -n "${REGRESS_SLURM_CPUS:-}" ] && args+=(--cpus-per-task="$REGRESS_SLURM_CPUS")
# shellcheck disable=SC2206 # extra arguments are split on blanks, as documented
[ -n "${REGRESS_SLURM_ARGS:-}" ] && args+=($REGRESS_SLURM_ARGS)

out=$(sbatch "${args[@]}" "$S/task.sh" 2>&1)
rc=$?
JOBID=${out%%;*}
if [ $rc -ne 0 ] || ! [[ $JOBID =~ ^[0-9]+$ ]]; then
    echo "regress-slurm: error: sbatch could not submit the $N jobs of $JOBS (exit status $rc):" >&2
    sed 's/^/  /' <<<"$out" >&2
    echo "  command: sbatch ${args[*]} $S/task.sh" >&2
    if ! ping=$(scontrol ping 2>&1); then
        echo "  the Slurm controller does not answer (scontrol ping: $(head -1 <<<"$ping"))" >&2
        echo "  SLURM_CONF=${SLURM_CONF:-unset}; a local one-node cluster: mk/slurm-cluster.sh start, then export SLURM_CONF as it prints" >&2
    fi
    exit 1
fi
echo "regress-slurm: job array $JOBID: $N tasks from $JOBS (output: $S/<task>.out)"

# Interrupted: the tasks go too.
trap 'scancel "$JOBID" 2>/dev/null; echo "regress-slurm: interrupted; job array $JOBID cancelled" >&2; exit 130' INT TERM

# Poll: the array's tasks still in the queue (pending, running, completing).
# squeue lists only live jobs, so an empty answer means every task has left.
last="" lost_since=""
while :; do
    if live=$(squeue -h -r -u "$(id -un)" -o '%F %K %T' 2>"$S/squeue.err"); then
        lost_since=""
        live=$(awk -v j="$JOBID" '$1 == j' <<<"$live")
        [ -z "$live" ] && break
        pending=$(grep -c ' PENDING$' <<<"$live")
        running=$(grep -c ' RUNNING$' <<<"$live")
        left=$(grep -c . <<<"$live")
        now="$((N - left)) of $N done, $running running, $pending pending"
        [ "$now" != "$last" ] && echo "regress-slurm: job array $JOBID: $now"
        last=$now
    else
        now_s=$(date +%s)
        [ -z "$lost_since" ] && lost_since=$now_s
        if [ $((now_s - lost_since)) -ge "$LOST" ]; then
            echo "regress-slurm: error: no answer from the Slurm controller for ${LOST}s while job array $JOBID ran:" >&2
            sed 's/^/  /' "$S/squeue.err" >&2
            echo "  the tasks may still run; see squeue -j $JOBID and $S/<task>.out" >&2
            exit 1
        fi
    fi
    sleep "$POLL"
done
rm -f "$S/squeue.err"
trap - INT TERM

# Slurm's word on a task, while the controller still remembers it.
task_state() {
    scontrol show job "${JOBID}_$1" 2>/dev/null | awk '{
        for (i = 1; i <= NF; i++)
            if ($i ~ /^(JobState|Reason|ExitCode)=/) s = s (s == "" ? "" : " ") $i
    } END { print s }'
}

# Every task must have left its rc file.  On a shared filesystem a file
# written on another node may show late: a task that Slurm says completed
# gets up to 30 s for it.
failed=0 waited=0 nonzero=()
for ((i = 0; i < N; i++)); do
    while [ ! -f "$S/$i.rc" ]; do
        st=$(task_state "$i")
        if [[ $st =~ JobState=(COMPLETED|FAILED) ]] && [ $waited -lt 30 ]; then
            sleep 1
            waited=$((waited + 1))
            ls "$S" >/dev/null
            continue
        fi
        echo "regress-slurm: error: task $i of job array $JOBID did not run to its end: ${st:-state no longer known to Slurm}" >&2
        echo "  job line $((i + 1)) of $JOBS: ${LINES[i]}" >&2
        echo "  output: $S/$i.out" >&2
        failed=$((failed + 1))
        break
    done
    if [ -f "$S/$i.rc" ]; then
        rc=$(cat "$S/$i.rc")
        [ "$rc" = 0 ] || nonzero+=("$i (status $rc)")
    fi
done
if [ ${#nonzero[@]} -gt 0 ]; then
    echo "regress-slurm: job lines that exited non-zero (could not run; output in $S/<task>.out): ${nonzero[*]}"
fi
if [ $failed -gt 0 ]; then
    echo "regress-slurm: error: $failed of $N tasks of job array $JOBID did not run to their end" >&2
    exit 1
fi
echo "regress-slurm: job array $JOBID: all $N tasks ran"
