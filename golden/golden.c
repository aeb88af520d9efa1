/* golden.c - the reference convolution: the definition in core/layer.h
 * written out as plain loops.  Sums are kept in uint32_t so that they wrap
 * modulo 2^32 without undefined behaviour, and are converted to int32 (two's
 * complement) at the end, as the accelerator's int32 accumulators do. */
#include "golden/golden.h"

#include <stdlib.h>
#include <string.h>

/* Two's-complement reinterpretation of a 32-bit sum, without relying on the
 * implementation-defined unsigned -> signed conversion. */
static int32_t wrap_i32(uint32_t u)
{
    if (u <= (uint32_t)INT32_MAX)
        return (int32_t)u;
    return (int32_t)(u - 0x80000000u) - INT32_MAX - 1;
}

/* sum[k] += xv * wt[k] for k < n, modulo 2^32 (|product| <= 2^14: exact in
 * int32, then taken modulo 2^32 by the conversion to uint32_t).  A function
 * of its own, so that the two arrays are known apart (restrict), and in
 * blocks of 16, whose fixed count gcc vectorises at -O2 (a loop of unknown
 * count it does not). */
static void mac_row(uint32_t *restrict sum, const int8_t *restrict wt, int32_t xv, int n)
{
    int k = 0;
    for (; k + 16 <= n; k += 16)
        for (int j = 0; j < 16; j++)
            sum[k + j] += (uint32_t)(xv * (int32_t)wt[k + j]);
    for (; k < n; k++)
        sum[k] += (uint32_t)(xv * (int32_t)wt[k]);
}

void golden_conv(const acc_layer *l, const int8_t *x, const int8_t *w, int32_t *y)
{
    golden_conv_progress(l, x, w, y, NULL, NULL);
}

void golden_conv_progress(const acc_layer *l, const int8_t *x, const int8_t *w, int32_t *y,
                          acc_progress_fn progress, void *ctx)
{
    ACC_REQUIRE(l && x && w && y);
    ACC_REQUIRE(acc_layer_check(l, NULL) == 0);
    const int H = l->ifmap_h, W = l->ifmap_w, FH = l->filter_h, FW = l->filter_w;
    const int K = l->num_filter, G = l->groups, CG = l->channels / G, KG = K / G;
    const int SH = l->stride_h, SW = l->stride_w, DH = l->dil_h, DW = l->dil_w;
    const int PT = l->pad_top, PL = l->pad_left;
    const int OH = layer_out_h(l), OW = layer_out_w(l);
    uint32_t *sum = acc_malloc((size_t)KG * sizeof *sum);

    /* y[k][oy][ox] = sum over cg < C/G, fh < FH, fw < FW of
     *   x[g*CG + cg][oy*SH + fh*DH - PT][ox*SW + fw*DW - PL] * w[cg][fh][fw][k]
     * for k = g*KG + kk, and x = 0 outside the input (zero padding).
     * For one output pixel, the sums of all KG filters of group g are built
     * together, so that the innermost loop reads w in its own order (k
     * innermost). */
    for (int g = 0; g < G; g++) {
        for (int oy = 0; oy < OH; oy++) {
            for (int ox = 0; ox < OW; ox++) {
                memset(sum, 0, (size_t)KG * sizeof *sum);
                for (int cg = 0; cg < CG; cg++) {
                    const int8_t *xc = x + (size_t)(g * CG + cg) * (size_t)H * (size_t)W;
                    for (int fh = 0; fh < FH; fh++) {
                        const int iy = oy * SH + fh * DH - PT;
                        if (iy < 0 || iy >= H)
                            continue;
                        for (int fw = 0; fw < FW; fw++) {
                            const int ix = ox * SW + fw * DW - PL;
                            if (ix < 0 || ix >= W)
                                continue;
                            const int32_t xv = xc[(size_t)iy * (size_t)W + (size_t)ix];
                            const int8_t *wt =
                                w +
                                (((size_t)cg * (size_t)FH + (size_t)fh) * (size_t)FW + (size_t)fw) *
                                    (size_t)K +
                                (size_t)g * (size_t)KG;
                            mac_row(sum, wt, xv, KG);
                        }
                    }
                }
                for (int kk = 0; kk < KG; kk++)
                    y[(((size_t)g * (size_t)KG + (size_t)kk) * (size_t)OH + (size_t)oy) *
                          (size_t)OW +
                      (size_t)ox] = wrap_i32(sum[kk]);
            }
            if (progress)
                (void)progress(ctx, (int64_t)g * OH + oy + 1, (int64_t)G * OH);
        }
    }
    free(sum);
}

void golden_random_operands(const acc_layer *l, uint64_t seed, int8_t **x, int8_t **w)
{
    ACC_REQUIRE(l && x && w);
    ACC_REQUIRE(acc_layer_check(l, NULL) == 0);
    const size_t nx = (size_t)layer_x_bytes(l), nw = (size_t)layer_w_bytes(l);
    int8_t *xs = acc_malloc(nx), *ws = acc_malloc(nw);
    acc_rng rng;
    acc_rng_seed(&rng, seed);
    for (size_t i = 0; i < nx; i++)
        xs[i] = acc_rng_i8(&rng);
    for (size_t i = 0; i < nw; i++)
        ws[i] = acc_rng_i8(&rng);
    *x = xs;
    *w = ws;
}
