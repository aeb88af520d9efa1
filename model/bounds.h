/* bounds.h - the timing model under a jittery external memory: for a memory
 * whose timing lies inside the bounds of a model_jitter, the earliest and the
 * latest cycle in which each instruction can issue and end (docs/model.md,
 * "Bounds under a jittery memory").  With the nominal jitter of a
 * configuration (model_jitter_nominal) both bounds equal model_run's cycles.
 *
 * The stress mode of the harness drives the RTL with such a memory and checks
 * every measured cycle against these bounds; the planner reports the latest
 * makespan (what a real-time user quotes) beside the nominal one. */
#ifndef ACC_MODEL_BOUNDS_H
#define ACC_MODEL_BOUNDS_H

#include <stdint.h>

#include "core/config.h"
#include "core/isa.h"

/* What the memory may do, on every AXI4 port of the accelerator (data read,
 * data write, instruction fetch):
 *   - read latency: the first R beat of a burst comes lr_min..lr_max cycles
 *     after its AR handshake (lr_min >= 1);
 *   - write latency: the B response of a burst comes lw_min..lw_max cycles
 *     after its last W beat (lw_min >= 1);
 *   - gaps: at most gap_max idle cycles between two R beats that are due,
 *     between two B responses that are due, and at most gap_max consecutive
 *     cycles with ARREADY, AWREADY or WREADY low while the master is valid.
 * Responses stay in order; the memory never answers an error (a run with an
 * injected error is checked for its error code, not for its cycles). */
typedef struct model_jitter {
    int lr_min, lr_max;
    int lw_min, lw_max;
    int gap_max;
} model_jitter;

/* The memory of the timing mode: latencies exactly the configuration's, no
 * gaps, always ready. */
void model_jitter_nominal(const acc_config *cfg, model_jitter *j);

/* Checks that lr_min <= lr_max, lw_min <= lw_max, minima >= 1 and gap_max >= 0
 * (and that the bounds stay far from overflow).  0, or -1 with err naming the
 * field ("lr_max"). */
int model_jitter_check(const model_jitter *j, acc_error *err);

/* Per-instruction bounds of a whole program. */
typedef struct model_bounds {
    int64_t *start_lo, *start_hi; /* earliest / latest issue cycle, count entries */
    int64_t *end_lo, *end_hi;     /* earliest / latest end cycle */
    int count;
    int64_t makespan_lo, makespan_hi; /* bounds of e_END */
} model_bounds;

/* Evaluates the bounds.  Fails exactly when model_run fails (the program is
 * not executable), or when the jitter is invalid, with err naming the cause.
 * On success the caller frees with model_bounds_free. */
int model_run_bounds(const acc_program *p, const acc_config *cfg, const model_jitter *j,
                     model_bounds *out, acc_error *err);
void model_bounds_free(model_bounds *b);

#endif
