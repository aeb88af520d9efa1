/* local.h - the local executor of a regression run (docs/regress.md,
 * "The local pool"): the lines of DIR/jobs.txt, each a shell command, run
 * by at most `jobs` worker processes at once (cosim/pool.h), with a
 * progress line on stderr. */
#ifndef ACC_REGRESS_LOCAL_H
#define ACC_REGRESS_LOCAL_H

#include "core/util.h"

/* Runs every line of DIR/jobs.txt; ids[i] is the job id of line i+1 (its
 * result is DIR/jobs/<id>/result.json, read for the progress counts), n
 * the number of lines.  Each line runs as `/bin/sh -c LINE` in a process
 * group of its own, which the worker ends with the signal it gets: SIGINT,
 * SIGTERM or SIGHUP sent to this process stop every job.  On a terminal
 * the progress line (jobs done, failed, running, time left) is redrawn
 * in place; otherwise one line is printed per finished job.  Returns the
 * number of lines that did not exit with status 0, or -1 with err when
 * jobs.txt cannot be read or does not hold n lines. */
int regress_local_run(const char *dir, int jobs, const char *const *ids, int n, acc_error *err);

#endif
