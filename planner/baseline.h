/* baseline.h - simple, always-valid schedules, used as fallbacks, as upper
 * bounds for the optimizer and for comparison:
 *   "serial"  tiles that fit, every instruction waits for the one before
 *             (no overlap of DMA and compute);
 *   "double"  greedy double buffering: while the array computes tile n the
 *             DMA loads tile n+1 into the other half of the scratchpad and
 *             stores tile n-1.
 * See docs/planner.md. */
#ifndef ACC_BASELINE_H
#define ACC_BASELINE_H

#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "core/memmap.h"

/* A loop tiling of a layer: output tile (tk channels x th rows x tw cols) and
 * input-channel chunk tc.  The baselines' loop order is k-tile, oy-tile,
 * ox-tile (outer to inner), with the channel chunks innermost; the optimizer
 * also tries the other orders (opt_gen.h). */
typedef struct acc_tiling {
    int tk, th, tw, tc;
} acc_tiling;

/* Builds the schedule of a strategy ("serial" or "double") with the given
 * tiling (or, when tiling is NULL, the largest tiling that fits, chosen by
 * the strategy).  Fills out (caller frees) and returns 0, or returns -1 with
 * err when the layer cannot run on this configuration at all (for example
 * when even a 1x1x1 tile does not fit in the scratchpad). */
int acc_baseline_plan(const char *strategy, const acc_layer *l, const acc_config *cfg,
                      const acc_memmap *mm, const acc_tiling *tiling, acc_program *out,
                      acc_error *err);

/* acc_baseline_plan that also returns the point of the planners' search
 * space (opt_gen.h) the program was generated from, in *choice (may be
 * NULL): the baselines' programs are points of the optimizer's space. */
struct opt_choice;
int acc_baseline_plan_choice(const char *strategy, const acc_layer *l, const acc_config *cfg,
                             const acc_memmap *mm, const acc_tiling *tiling, acc_program *out,
                             struct opt_choice *choice, acc_error *err);

/* acc_baseline_plan_choice with kernel slices of at most kmax x kmax taps
 * (1..15, the COMPUTE's limit, which acc_baseline_plan_choice uses): tests
 * slice tiny filters with small values.  Same contract otherwise. */
int acc_baseline_plan_kmax(const char *strategy, const acc_layer *l, const acc_config *cfg,
                           const acc_memmap *mm, const acc_tiling *tiling, int kmax,
                           acc_program *out, struct opt_choice *choice, acc_error *err);

/* Scratchpad bytes a tiling needs under a strategy (1 or 2 buffers). */
uint64_t acc_tiling_bytes(const acc_layer *l, const acc_tiling *t, int buffers);

#endif
