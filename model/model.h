/* model.h - the formal timing model (docs/model.md gives the formulas).
 *
 * Cycle 0 is the cycle in which the host's START write completes.  An
 * instruction i issued in cycle s_i occupies its engine for d_i cycles and
 * ends at e_i = s_i + d_i, the first cycle in which the engine is idle again
 * and a dependent instruction may issue.  The issue rule:
 *
 *   s_0 = Lr + 2                                          (first fetch)
 *   s_i = max( s_{i-1} + 1,                               (in-order, 1/cycle)
 *              e_{prev(i)},                               (own engine idle)
 *              e_{X_n} for each engine X with wait_X = n >= 1 )
 *
 * where prev(i) is the previous instruction on i's engine, X_n the n-th
 * instruction (1-based) of engine X, and END waits for all three engines.
 * The makespan is e_END.  Durations (closed form, docs/model.md):
 *
 *   LOAD    d = Lr + B + 2     B = sum over rows of the beats the row spans
 *   STORE   d = Lw + B + 2
 *   COMPUTE d = 1 + (P - 1) * max(L, R + 2C - 1) + L + R + 2C
 *           P = th * ceil(tw/R) * ceil(tk/C)       (row passes)
 *           P = ceil(th*tw/R) * ceil(tk/C)         (FLAT: flattened pixels)
 *           L = tc * fh * fw
 *   END     d = 1
 *
 * This module is the single implementation used by the planner, the iss and
 * the co-simulation checker. */
#ifndef ACC_MODEL_H
#define ACC_MODEL_H

#include <stdint.h>

#include "core/config.h"
#include "core/isa.h"

/* Number of AXI data beats a LOAD or STORE moves (B above). */
int64_t model_dma_beats(const acc_dma *d, const acc_config *cfg);

/* Number of array passes of a COMPUTE (P above, FLAT or not) and its
 * reduction length L. */
int64_t model_compute_passes(const acc_compute *c, const acc_config *cfg);

/* Whether FLAT is legal for the COMPUTE on cfg (c->flat is ignored): one
 * scratchpad read of the port's window W = (banks-1)*line_bytes+1 bytes
 * feeds every lane of every pass.  In a pass, lane r's byte lies
 * r*sw + dy*G past lane 0's, dy being the output-row boundaries crossed
 * before lane r (at most X) and G the gap between two rows' windows:
 *   G = sh*act_ph - tw*sw,  X = floor((tw + R - 2) / tw)
 *   legal  <=>  G >= 0  and  X*G + (R-1)*sw + 1 <= W
 * The reach X*G + (R-1)*sw + 1 is returned in *reach, G in *gap and X in
 * *cross when those are not NULL (for messages). */
int model_compute_flat_ok(const acc_compute *c, const acc_config *cfg);
int model_compute_flat_reach(const acc_compute *c, const acc_config *cfg, int64_t *gap,
                             int64_t *cross, int64_t *reach);

/* The scratchpad port's window: (banks-1)*line_bytes+1 bytes. */
int64_t model_spad_window(const acc_config *cfg);
int64_t model_compute_steps(const acc_compute *c);

/* The COMPUTE formula regrouped as d = e(L) + P * D(L), each part a function
 * of L alone (what the planners sum over a tiling's steps):
 *   D(L) = max(L, R + 2C - 1)                 model_compute_spacing: a pass
 *   e(L) = 1 + L + R + 2C - D(L)
 *        = 1 + min(L + 1, R + 2C)             model_compute_fixed: the rest
 * Precondition: L >= 1. */
int64_t model_compute_spacing(int64_t L, const acc_config *cfg);
int64_t model_compute_fixed(int64_t L, const acc_config *cfg);

/* Duration d_i of one instruction.  Precondition: acc_instr_check(in) == 0. */
int64_t model_duration(const acc_instr *in, const acc_config *cfg);

/* First issue cycle of the program (s_0). */
int64_t model_first_issue(const acc_config *cfg);

/* Timing of a whole program. */
typedef struct model_timing {
    int64_t *start; /* s_i, count entries */
    int64_t *end;   /* e_i */
    int count;
    int64_t makespan;                 /* e_END */
    int64_t busy[ACC_ENG_COUNT];      /* sum of d_i per engine */
    int64_t macs;                     /* useful MACs (tk*th*tw*L summed) */
    uint64_t dram_read, dram_written; /* bytes moved by LOAD / STORE */
} model_timing;

/* Evaluates the issue rule over a program.  Fails (returning -1, err naming
 * the instruction index) when the program is not executable: an instruction
 * waits for more instructions of an engine than precede it (it would never
 * issue), there is no END, or instructions follow END.  On success the caller
 * frees with model_timing_free. */
int model_run(const acc_program *p, const acc_config *cfg, model_timing *out, acc_error *err);
void model_timing_free(model_timing *t);

/* A cheap lower bound on the makespan of any schedule of `macs` MACs on this
 * array: first issue + ceil(macs / (R*C)) + END. */
int64_t model_compute_bound(uint64_t macs, const acc_config *cfg);

/* A lower bound on the makespan of EVERY schedule of layer l on this
 * accelerator (any tiling, order or planner), from the COMPUTE formula.  A
 * pass's pixels lie in one output tile (FLAT passes span its rows) and its
 * channels in one group, so a reduction step does at most r*c useful MACs
 * and a pass produces at most r*c outputs, r = min(R, OH*OW),
 * c = min(C, K/G): over the n >= 1 COMPUTEs of
 * the schedule, S = sum P*L >= ceil(MACs / (r*c)) = S0 and
 * Q = sum P >= ceil(K*OH*OW / (r*c)) = Q0.  With F = R + 2C, each COMPUTE
 * takes d = 1 + L + F + (P - 1) * max(L, F - 1), so (max >= L, and
 * max >= F - 1 with L >= 1)
 *   d >= 1 + P*L + F        and     d >= 2 + L + P*(F - 1) >= 3 + P*(F - 1);
 * summed, the compute engine (one COMPUTE at a time, from s_0) is busy at
 * least max(S0 + 1 + F, Q0*(F - 1) + 3) cycles, and END follows:
 *   s_0 + max(S0 + 1 + F, Q0*(F - 1) + 3) + 1.
 * Precondition: acc_layer_check(l) == 0. */
int64_t model_layer_bound(const acc_layer *l, const acc_config *cfg);

#endif
