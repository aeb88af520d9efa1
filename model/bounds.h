/* bounds.h - the timing model under a jittery external memory: for a memory
 * whose timing lies inside the bounds of a model_jitter, the earliest and the
 * latest cycle in which each instruction can issue and end (docs/model.md,
 * "Bounds under a jittery memory").  With the nominal jitter of a
 * configuration (model_jitter_nominal) both bounds equal model_run's cycles.
 *
 * The bounds are the nominal model's max-plus recurrence refined to one
 * event per burst and per fetch, evaluated twice: at the latest corner
 * (every latency at its maximum, every gap as long as allowed) and at the
 * earliest corner (minimum latencies, no gaps).  The system is monotone in
 * every duration, so every run of the RTL against a memory that keeps the
 * contract below lies between the two; each corner is itself a legal memory,
 * so both bounds are attained (they are tight, not just safe).
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
 * data write, instruction fetch).  "Due" is the earliest cycle the memory
 * could act; it then acts in some cycle of [due, due + gap_max]:
 *   - AR, AW, W: the handshake comes at most gap_max cycles after VALID
 *     rises (at most gap_max consecutive cycles with READY low while VALID);
 *   - read latency: a burst whose AR handshakes in cycle a has its first R
 *     beat due in max(a + L, previous R beat of the port + 1), with L in
 *     lr_min..lr_max chosen per burst (lr_min >= 1); every later beat of the
 *     burst is due one cycle after the beat before it;
 *   - write latency: the B response of a burst is due in
 *     max(w + L, aw + L', previous B + 1), w the cycle of its last W beat, aw
 *     that of its AW, L in lw_min..lw_max (lw_min >= 1), L' in 1..lw_max
 *     (so a memory that counts its latency from the later of AW and the last
 *     W, or only from the last W, both keep the contract);
 *   - responses stay in order per port; R and B are always accepted by the
 *     accelerator (RREADY = BREADY = 1).
 * The run starts from an idle accelerator with no fetch AR of an earlier run
 * in flight (cycle 0 is the START write, as in model.h).  The memory never
 * answers an error (a run with an injected error is checked for its error
 * code, not for its cycles). */
typedef struct model_jitter {
    int lr_min, lr_max;
    int lw_min, lw_max;
    int gap_max;
} model_jitter;

/* Largest latency or gap model_jitter_check accepts: keeps every bound of a
 * legal program far below 2^63. */
#define MODEL_JITTER_MAX 65535

/* The memory of the timing mode: latencies exactly the configuration's, no
 * gaps, always ready. */
void model_jitter_nominal(const acc_config *cfg, model_jitter *j);

/* The documented default jitter that the planner quotes its worst case for:
 * lr in [Lr, 2 Lr], lw in [Lw, 2 Lw], gap_max = MODEL_JITTER_DEFAULT_GAP. */
#define MODEL_JITTER_DEFAULT_GAP 2
void model_jitter_default(const acc_config *cfg, model_jitter *j);

/* Checks that lr_min <= lr_max, lw_min <= lw_max, minima >= 1, gap_max >= 0
 * and every value <= MODEL_JITTER_MAX.  0, or -1 with err naming the field
 * ("lr_max"). */
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
 * On success the caller frees with model_bounds_free.  Cost: O(instructions)
 * plus, for a LOAD whose read latency may outrun the F bursts in flight
 * ((F-1)(1+gap) < latency + gap), O(bursts) for that LOAD. */
int model_run_bounds(const acc_program *p, const acc_config *cfg, const model_jitter *j,
                     model_bounds *out, acc_error *err);
void model_bounds_free(model_bounds *b);

/* Earliest and latest duration e_i - s_i of one instruction (what its engine
 * adds once it has issued).  Precondition: acc_instr_check(in) == 0 and
 * model_jitter_check(j) == 0. */
void model_duration_bounds(const acc_instr *in, const acc_config *cfg, const model_jitter *j,
                           int64_t *lo, int64_t *hi);

#endif
