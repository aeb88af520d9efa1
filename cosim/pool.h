/* pool.h - independent jobs in worker processes: `cosim --net --jobs N`
 * runs the layers of a network this way (docs/cosim.md, "Networks").
 * Each job runs in a child of fork() (no exec: the child shares the
 * parent's code and its state at the fork) and sends a fixed-size result
 * back through a pipe; the parent keeps at most `jobs` children alive and
 * reports each job as it ends, in completion order. */
#ifndef ACC_COSIM_POOL_H
#define ACC_COSIM_POOL_H

#include <stddef.h>

#include "core/util.h"

/* Runs job `index` in the worker process and fills `result` (result_size
 * bytes, zeroed).  Its return value is ignored: everything the parent
 * needs goes into the result.  The worker must not write to stdout
 * (stdio buffers are shared with the parent at the fork). */
typedef void (*cosim_pool_job)(int index, void *result, void *ctx);

/* Called in the parent for every job as it ends, in completion order:
 * `result` holds what the worker sent, or, when `failure` is not NULL, the
 * zeroed buffer of a worker that ended without sending a whole result or
 * did not exit with status 0 ("worker killed by signal 9 (Killed)",
 * "cannot start a worker: ..."). */
typedef void (*cosim_pool_done)(int index, void *result, const char *failure, void *ctx);

/* Runs jobs 0..n-1 in worker processes, at most `jobs` (>= 1) at a time,
 * starting them in the order order[0], order[1], ... (a permutation of
 * 0..n-1; NULL: index order); results[i] (result_size bytes each) gets
 * job i's result.  `done` (may be NULL) is called as each job ends.  While
 * it runs, SIGINT, SIGTERM and SIGHUP sent to this process are forwarded
 * to every live worker, whose end is awaited, before the handler that was
 * installed before (acc_cleanup_on_signals: temporaries removed, the
 * process ended by the signal) runs; a worker also gets SIGTERM when this
 * process dies otherwise (Linux: PR_SET_PDEATHSIG).  Returns when every
 * job has ended and its worker was reaped.  Not reentrant (one pool per
 * process at a time). */
void cosim_pool_run(int n, int jobs, const int *order, size_t result_size, void *results,
                    cosim_pool_job job, cosim_pool_done done, void *ctx);

/* The number of online processors (at least 1). */
int cosim_pool_cores(void);

#endif
