/* golden.h - the reference convolution, the arbiter of correctness.  Plain
 * loops, no tiling, no tricks.  Layouts as in core/layer.h:
 *   x[C][H][W] int8, w[C/G][FH][FW][K] int8, y[K][OH][OW] int32. */
#ifndef ACC_GOLDEN_H
#define ACC_GOLDEN_H

#include <stdint.h>

#include "core/layer.h"

/* Computes y for a checked layer (acc_layer_check == 0).  y has
 * K*OH*OW elements. */
void golden_conv(const acc_layer *l, const int8_t *x, const int8_t *w, int32_t *y);

/* golden_conv with a progress hook: progress(ctx, done, total) after each
 * output row of each group (total = groups * OH), when progress is not
 * NULL; its return value is ignored (the convolution always completes). */
void golden_conv_progress(const acc_layer *l, const int8_t *x, const int8_t *w, int32_t *y,
                          acc_progress_fn progress, void *ctx);

/* Seeded random operands: x then w drawn from one acc_rng stream seeded with
 * `seed`, uniform over int8.  Caller frees both. */
void golden_random_operands(const acc_layer *l, uint64_t seed, int8_t **x, int8_t **w);

#endif
