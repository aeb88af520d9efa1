/* layer.c - convolution layers: derived shapes and the range check.  The
 * CSV reader and the catalogs are catalog.c; the external-memory map is
 * memmap.c. */
#include "core/layer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/isa.h"
#include "core/layer_internal.h"
#include "core/memmap.h"

/* Ranges a layer must fit (docs/formats.md, "Layer limits").  Stride,
 * dilation and padding are fields of one COMPUTE (core/isa.h, docs/isa.md)
 * that the planners do not split.  Height, width, filter and channels are
 * no field of any instruction: the planners tile them (th, tw <= 1023 and
 * tc, tk <= 4095 per instruction), and they cut a filter larger than the
 * COMPUTE's 15 x 15 taps into kernel slices that accumulate.  Height, width
 * and filter stop at 65535 and channels at 2^24 - 1, which keeps every
 * channel index and count in an int and C*H*W below 2^56; the weight
 * tensor's size is checked for overflow before the memory map is formed
 * (the dilated filter must also fit the padded input).  The 2 GiB of
 * external memory binds first in practice. */
#define LAYER_HW_MAX 65535
#define LAYER_FILTER_MAX 65535
#define LAYER_STRIDE_MAX ((int)ACC_STEP_MAX)
#define LAYER_DIL_MAX ((int)ACC_STEP_MAX)
#define LAYER_PAD_MAX ((int)ACC_PAD_MAX)
#define LAYER_CHANNELS_MAX 16777215

void acc_layer_file_name(const char *name, char *out, size_t size)
{
    ACC_REQUIRE(name && out && size > 0);
    size_t n = 0;
    for (; name[n] && n + 1 < size; n++) {
        char c = name[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.';
        out[n] = ok ? c : '_';
    }
    out[n] = '\0';
    if (n == 0 || !strcmp(out, ".") || !strcmp(out, ".."))
        snprintf(out, size, "layer");
}

/* ------------------------------------------------------------ shapes */

/* Output extent along one axis, or 0 when the dilated filter does not fit
 * into the padded input. */
static int64_t out_extent(int in, int pad_a, int pad_b, int filter, int dil, int stride)
{
    int64_t span = (int64_t)in + pad_a + pad_b - (int64_t)dil * (filter - 1) - 1;
    if (span < 0 || stride < 1)
        return 0;
    return span / stride + 1;
}

int layer_out_h(const acc_layer *l)
{
    ACC_REQUIRE(l);
    return (int)out_extent(l->ifmap_h, l->pad_top, l->pad_bottom, l->filter_h, l->dil_h,
                           l->stride_h);
}

int layer_out_w(const acc_layer *l)
{
    ACC_REQUIRE(l);
    return (int)out_extent(l->ifmap_w, l->pad_left, l->pad_right, l->filter_w, l->dil_w,
                           l->stride_w);
}

uint64_t layer_macs(const acc_layer *l)
{
    ACC_REQUIRE(l && l->groups > 0);
    return (uint64_t)l->num_filter * (uint64_t)layer_out_h(l) * (uint64_t)layer_out_w(l) *
           (uint64_t)(l->channels / l->groups) * (uint64_t)l->filter_h * (uint64_t)l->filter_w;
}

uint64_t layer_x_bytes(const acc_layer *l)
{
    ACC_REQUIRE(l);
    return (uint64_t)l->channels * (uint64_t)l->ifmap_h * (uint64_t)l->ifmap_w;
}

uint64_t layer_w_bytes(const acc_layer *l)
{
    ACC_REQUIRE(l && l->groups > 0);
    return (uint64_t)(l->channels / l->groups) * (uint64_t)l->filter_h * (uint64_t)l->filter_w *
           (uint64_t)l->num_filter;
}

uint64_t layer_y_bytes(const acc_layer *l)
{
    ACC_REQUIRE(l);
    return 4u * (uint64_t)l->num_filter * (uint64_t)layer_out_h(l) * (uint64_t)layer_out_w(l);
}

/* ------------------------------------------------------------ check */

static int in_range(int v, int lo, int hi, const char *name, const char **field, char *why,
                    size_t n)
{
    if (v >= lo && v <= hi)
        return 0;
    *field = name;
    snprintf(why, n, "%d is outside %d..%d", v, lo, hi);
    return -1;
}

int acc_layer_fields_check(const acc_layer *l, const char **field, char *why, size_t n)
{
    if (in_range(l->ifmap_h, 1, LAYER_HW_MAX, F_H, field, why, n) ||
        in_range(l->ifmap_w, 1, LAYER_HW_MAX, F_W, field, why, n) ||
        in_range(l->filter_h, 1, LAYER_FILTER_MAX, F_FH, field, why, n) ||
        in_range(l->filter_w, 1, LAYER_FILTER_MAX, F_FW, field, why, n) ||
        in_range(l->channels, 1, LAYER_CHANNELS_MAX, F_C, field, why, n) ||
        in_range(l->num_filter, 1, LAYER_CHANNELS_MAX, F_K, field, why, n) ||
        in_range(l->stride_h, 1, LAYER_STRIDE_MAX, F_SH, field, why, n) ||
        in_range(l->stride_w, 1, LAYER_STRIDE_MAX, F_SW, field, why, n) ||
        in_range(l->pad_top, 0, LAYER_PAD_MAX, F_PT, field, why, n) ||
        in_range(l->pad_bottom, 0, LAYER_PAD_MAX, F_PB, field, why, n) ||
        in_range(l->pad_left, 0, LAYER_PAD_MAX, F_PL, field, why, n) ||
        in_range(l->pad_right, 0, LAYER_PAD_MAX, F_PR, field, why, n) ||
        in_range(l->dil_h, 1, LAYER_DIL_MAX, F_DH, field, why, n) ||
        in_range(l->dil_w, 1, LAYER_DIL_MAX, F_DW, field, why, n) ||
        in_range(l->groups, 1, LAYER_CHANNELS_MAX, F_G, field, why, n))
        return -1;
    if (l->channels % l->groups != 0) {
        *field = F_G;
        snprintf(why, n, "%d does not divide channels %d", l->groups, l->channels);
        return -1;
    }
    if (l->num_filter % l->groups != 0) {
        *field = F_G;
        snprintf(why, n, "%d does not divide num filter %d", l->groups, l->num_filter);
        return -1;
    }
    int ext_h = l->dil_h * (l->filter_h - 1) + 1, ext_w = l->dil_w * (l->filter_w - 1) + 1;
    int in_h = l->ifmap_h + l->pad_top + l->pad_bottom;
    int in_w = l->ifmap_w + l->pad_left + l->pad_right;
    if (ext_h > in_h) {
        *field = F_FH;
        snprintf(why, n,
                 "the (dilated) filter spans %d rows, more than the %d rows of the "
                 "padded input, so the output would be empty",
                 ext_h, in_h);
        return -1;
    }
    if (ext_w > in_w) {
        *field = F_FW;
        snprintf(why, n,
                 "the (dilated) filter spans %d columns, more than the %d columns of "
                 "the padded input, so the output would be empty",
                 ext_w, in_w);
        return -1;
    }
    /* The weights are the one tensor whose size can pass 2^64 within the
     * field ranges ((C/G)*FH*FW*K up to 2^80): bound it before summing. */
    uint64_t wb = (uint64_t)(l->channels / l->groups), wf = 0;
    if (__builtin_mul_overflow(wb, (uint64_t)l->filter_h, &wb) ||
        __builtin_mul_overflow(wb, (uint64_t)l->filter_w, &wb) ||
        __builtin_mul_overflow(wb, (uint64_t)l->num_filter, &wf) || wf >= ACC_DRAM_LIMIT) {
        *field = F_K;
        snprintf(why, n,
                 "the weights alone need more than the %llu bytes of external memory "
                 "available",
                 (unsigned long long)(ACC_DRAM_LIMIT - ACC_DRAM_BASE));
        return -1;
    }
    uint64_t x, w, y, end, prog;
    acc_memmap64(l, &x, &w, &y, &end, &prog);
    if (prog >= ACC_DRAM_LIMIT) {
        *field = layer_x_bytes(l) >= layer_w_bytes(l) + layer_y_bytes(l) ? F_C : F_K;
        snprintf(why, n,
                 "the tensors need %llu bytes of external memory, more than the "
                 "%llu available",
                 (unsigned long long)(end - x),
                 (unsigned long long)(ACC_DRAM_LIMIT - ACC_DRAM_BASE));
        return -1;
    }
    return 0;
}

/* Output extent as SCALE-Sim computes it, rounding up:
 * ceil((in + pads - span + stride) / stride), span the dilated filter. */
static int64_t out_extent_up(int in, int pad_a, int pad_b, int filter, int dil, int stride)
{
    int64_t span = (int64_t)dil * (filter - 1) + 1;
    return acc_ceil_div((int64_t)in + pad_a + pad_b - span + stride, stride);
}

int acc_layer_rounding(const acc_layer *l, int *oh_up, int *ow_up)
{
    ACC_REQUIRE(l && oh_up && ow_up);
    *oh_up = (int)out_extent_up(l->ifmap_h, l->pad_top, l->pad_bottom, l->filter_h, l->dil_h,
                                l->stride_h);
    *ow_up = (int)out_extent_up(l->ifmap_w, l->pad_left, l->pad_right, l->filter_w, l->dil_w,
                                l->stride_w);
    return *oh_up != layer_out_h(l) || *ow_up != layer_out_w(l);
}

int acc_layer_check(const acc_layer *l, acc_error *err)
{
    ACC_REQUIRE(l);
    const char *field = "";
    char why[256];
    if (acc_layer_fields_check(l, &field, why, sizeof why) != 0)
        return acc_fail(err, "layer '%.64s': field '%s': %s", l->name, field, why);
    return 0;
}
