/* test_golden.c - the reference convolution: small cases computed by hand,
 * and properties that tie it to independent computations (a matrix product,
 * linearity, translation, per-channel and per-group convolutions, explicit
 * zero padding, int32 wrap-around). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden/golden.h"

/* ------------------------------------------------------------ helpers */

/* A layer shape; zero stride/dilation/groups mean 1. */
struct shape {
    int c, h, w, k, fh, fw;
    int sh, sw, pt, pb, pl, pr, dh, dw, g;
};

static acc_layer layer_of(const struct shape *s)
{
    acc_layer l;
    memset(&l, 0, sizeof l);
    snprintf(l.name, sizeof l.name, "t");
    l.channels = s->c;
    l.ifmap_h = s->h;
    l.ifmap_w = s->w;
    l.num_filter = s->k;
    l.filter_h = s->fh;
    l.filter_w = s->fw;
    l.stride_h = s->sh ? s->sh : 1;
    l.stride_w = s->sw ? s->sw : 1;
    l.pad_top = s->pt;
    l.pad_bottom = s->pb;
    l.pad_left = s->pl;
    l.pad_right = s->pr;
    l.dil_h = s->dh ? s->dh : 1;
    l.dil_w = s->dw ? s->dw : 1;
    l.groups = s->g ? s->g : 1;
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "test shape rejected: %s", err.msg);
    return l;
}

static int32_t *conv(const acc_layer *l, const int8_t *x, const int8_t *w)
{
    size_t n = (size_t)l->num_filter * (size_t)layer_out_h(l) * (size_t)layer_out_w(l);
    int32_t *y = acc_malloc(n * sizeof *y);
    golden_conv(l, x, w, y);
    return y;
}

static size_t y_count(const acc_layer *l)
{
    return (size_t)l->num_filter * (size_t)layer_out_h(l) * (size_t)layer_out_w(l);
}

/* Random int8 values in [lo, hi]. */
static int8_t *random_i8(size_t n, uint64_t seed, int lo, int hi)
{
    acc_rng r;
    acc_rng_seed(&r, seed);
    int8_t *v = acc_malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        v[i] = (int8_t)(lo + (int)(acc_rng_next(&r) % (uint64_t)(hi - lo + 1)));
    return v;
}

static void expect_equal(const int32_t *got, const int32_t *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(got[i], want[i], "%s: element %zu is %d, expected %d", what, i, got[i],
                     want[i]);
}

/* ------------------------------------------------------------ by hand */

/* x (3x3) = 1..9 row by row; kernel [[1,2],[3,4]]:
 *   y00 = 1*1 + 2*2 + 4*3 + 5*4 = 37    y01 = 2*1 + 3*2 + 5*3 + 6*4 = 47
 *   y10 = 4*1 + 5*2 + 7*3 + 8*4 = 67    y11 = 5*1 + 6*2 + 8*3 + 9*4 = 77 */
static const int8_t x3[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const int8_t k2[4] = {1, 2, 3, 4};

Test(golden, computes_a_two_by_two_kernel_over_a_three_by_three_input)
{
    struct shape s = {.c = 1, .h = 3, .w = 3, .k = 1, .fh = 2, .fw = 2};
    acc_layer l = layer_of(&s);
    cr_assert_eq(layer_out_h(&l), 2);
    cr_assert_eq(layer_out_w(&l), 2);
    int32_t *y = conv(&l, x3, k2);
    const int32_t want[4] = {37, 47, 67, 77};
    expect_equal(y, want, 4, "2x2 over 3x3");
    free(y);
}

/* The same with one zero row on top and one zero column on the left only:
 * output 3x3, y[oy][ox] = sum x[oy-1+i][ox-1+j] * k[i][j]. */
Test(golden, pads_asymmetrically_with_zeros)
{
    struct shape s = {.c = 1, .h = 3, .w = 3, .k = 1, .fh = 2, .fw = 2, .pt = 1, .pl = 1};
    acc_layer l = layer_of(&s);
    cr_assert_eq(layer_out_h(&l), 3);
    cr_assert_eq(layer_out_w(&l), 3);
    int32_t *y = conv(&l, x3, k2);
    const int32_t want[9] = {
        4,  11, 18, /* 1*4;  1*3+2*4;  2*3+3*4 */
        18, 37, 47, /* 1*2+4*4;  ... */
        36, 67, 77, /* 4*2+7*4;  ... */
    };
    expect_equal(y, want, 9, "padded");
    free(y);
}

/* x (5x5) = 1..25 row by row.  Two 3x3 filters: k0 all ones, k1 only the
 * centre.  Stride 2 vertically, 1 horizontally: output 2x3. */
static int8_t x5[25];
static void fill_x5(void)
{
    for (int i = 0; i < 25; i++)
        x5[i] = (int8_t)(i + 1);
}

Test(golden, strides_differently_along_rows_and_columns, .init = fill_x5)
{
    struct shape s = {.c = 1, .h = 5, .w = 5, .k = 2, .fh = 3, .fw = 3, .sh = 2, .sw = 1};
    acc_layer l = layer_of(&s);
    int8_t w[18];
    for (int t = 0; t < 9; t++) {
        w[t * 2 + 0] = 1;              /* k0: all ones   */
        w[t * 2 + 1] = t == 4 ? 1 : 0; /* k1: the centre */
    }
    int32_t *y = conv(&l, x5, w);
    const int32_t want[12] = {
        63, 72, 81, 153, 162, 171, /* k0: 3x3 window sums at rows 0 and 2 */
        7,  8,  9,  17,  18,  19,  /* k1: x[1][1..3], x[3][1..3] */
    };
    expect_equal(y, want, 12, "stride 2,1");
    free(y);
}

/* Dilation 2 with kernel [[1,2],[3,4]] over x5: output 3x3,
 * y = x[oy][ox] + 2 x[oy][ox+2] + 3 x[oy+2][ox] + 4 x[oy+2][ox+2]. */
Test(golden, dilates_the_kernel, .init = fill_x5)
{
    struct shape s = {.c = 1, .h = 5, .w = 5, .k = 1, .fh = 2, .fw = 2, .dh = 2, .dw = 2};
    acc_layer l = layer_of(&s);
    int32_t *y = conv(&l, x5, k2);
    const int32_t want[9] = {92, 102, 112, 142, 152, 162, 192, 202, 212};
    expect_equal(y, want, 9, "dilated");
    free(y);
}

/* Dilation 1 vertically, 2 horizontally: output 4x3,
 * y = x[oy][ox] + 2 x[oy][ox+2] + 3 x[oy+1][ox] + 4 x[oy+1][ox+2]
 *   = 10 v + 47 with v = x[oy][ox] = 5 oy + ox + 1. */
Test(golden, dilates_rows_and_columns_independently, .init = fill_x5)
{
    struct shape s = {.c = 1, .h = 5, .w = 5, .k = 1, .fh = 2, .fw = 2, .dh = 1, .dw = 2};
    acc_layer l = layer_of(&s);
    cr_assert_eq(layer_out_h(&l), 4);
    cr_assert_eq(layer_out_w(&l), 3);
    int32_t *y = conv(&l, x5, k2);
    const int32_t want[12] = {57, 67, 77, 107, 117, 127, 157, 167, 177, 207, 217, 227};
    expect_equal(y, want, 12, "dilation 1,2");
    free(y);
}

/* Two channels, 2x2 kernel over a 2x2 input, two filters: one output pixel
 * per filter.  Weight element (k, c, i, j) is at ((c*2 + i)*2 + j)*2 + k:
 *   k0: (c1,i0,j1) = 1 at index 10, (c0,i1,j1) = -2 at index 6
 *       -> y0 = x[1][0][1] - 2 x[0][1][1] = 20 - 8 = 12
 *   k1: (c0,i1,j0) = 1 at index 5, (c1,i1,j1) = 3 at index 15
 *       -> y1 = x[0][1][0] + 3 x[1][1][1] = 3 + 120 = 123 */
Test(golden, lays_out_weights_as_channel_row_column_filter)
{
    struct shape s = {.c = 2, .h = 2, .w = 2, .k = 2, .fh = 2, .fw = 2};
    acc_layer l = layer_of(&s);
    const int8_t x[8] = {1, 2, 3, 4, 10, 20, 30, 40};
    int8_t w[16] = {0};
    w[10] = 1;
    w[6] = -2;
    w[5] = 1;
    w[15] = 3;
    int32_t *y = conv(&l, x, w);
    const int32_t want[2] = {12, 123};
    expect_equal(y, want, 2, "weight layout");
    free(y);
}

/* 4 channels, 2 groups, 1x1 kernel over a 1x2 input.  k0 sees channels 0,1
 * with weights 1, 10; k1 sees channels 2,3 with weights 100, -1.
 * Weight element (k, cg) is at cg*K + k. */
Test(golden, reads_only_the_channels_of_each_group)
{
    struct shape s = {.c = 4, .h = 1, .w = 2, .k = 2, .fh = 1, .fw = 1, .g = 2};
    acc_layer l = layer_of(&s);
    const int8_t x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const int8_t w[4] = {1, 100, 10, -1};
    int32_t *y = conv(&l, x, w);
    const int32_t want[4] = {1 + 30, 2 + 40, 500 - 7, 600 - 8};
    expect_equal(y, want, 4, "grouped");
    free(y);
}

/* 1024 channels x 15x15 taps = 230400 products per output.  All x = -128:
 *   k0, w = -128: 230400 * 16384 = 3774873600 = 2^32 - 520093696 -> -520093696
 *   k1, w =  127: 230400 * -16256 = -3745382400 = -2^32 + 549584896 -> 549584896 */
Test(golden, wraps_around_modulo_two_to_the_32)
{
    struct shape s = {.c = 1024, .h = 15, .w = 15, .k = 2, .fh = 15, .fw = 15};
    acc_layer l = layer_of(&s);
    size_t nx = (size_t)layer_x_bytes(&l), nw = (size_t)layer_w_bytes(&l);
    int8_t *x = acc_malloc(nx), *w = acc_malloc(nw);
    memset(x, 0x80, nx);
    for (size_t i = 0; i < nw; i++)
        w[i] = (int8_t)(i % 2 == 0 ? -128 : 127);
    int32_t *y = conv(&l, x, w);
    cr_assert_eq(layer_out_h(&l) * layer_out_w(&l), 1);
    const int64_t two32 = 4294967296LL;
    cr_assert_eq(230400LL * 16384 - two32, -520093696LL);
    cr_assert_eq(-230400LL * 16256 + two32, 549584896LL);
    cr_assert_eq(y[0], -520093696);
    cr_assert_eq(y[1], 549584896);
    free(x);
    free(w);
    free(y);
}

Test(golden, overwrites_whatever_the_output_buffer_held)
{
    struct shape s = {.c = 1, .h = 3, .w = 3, .k = 1, .fh = 2, .fw = 2};
    acc_layer l = layer_of(&s);
    int32_t y[4] = {-1, 12345, 7, 0x7fffffff};
    golden_conv(&l, x3, k2, y);
    const int32_t want[4] = {37, 47, 67, 77};
    expect_equal(y, want, 4, "prefilled output");
}

/* ------------------------------------------------------------ 1x1 = matmul */

struct mm_shape {
    int c, k, h, w, stride;
};

ParameterizedTestParameters(golden, one_by_one_convolution_is_a_matrix_product)
{
    static struct mm_shape p[] = {
        {1, 1, 1, 1, 1},  {3, 5, 4, 7, 1},    {16, 8, 6, 6, 1}, {64, 10, 1, 1, 1},
        {7, 33, 9, 5, 2}, {12, 4, 11, 13, 3}, {5, 3, 8, 8, 7},
    };
    return cr_make_param_array(struct mm_shape, p, sizeof p / sizeof p[0]);
}

ParameterizedTest(struct mm_shape *m, golden, one_by_one_convolution_is_a_matrix_product)
{
    struct shape s = {.c = m->c,
                      .h = m->h,
                      .w = m->w,
                      .k = m->k,
                      .fh = 1,
                      .fw = 1,
                      .sh = m->stride,
                      .sw = m->stride};
    acc_layer l = layer_of(&s);
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 11, -128, 127);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 12, -128, 127);
    int32_t *y = conv(&l, x, w);
    int oh = (m->h - 1) / m->stride + 1, ow = (m->w - 1) / m->stride + 1;
    cr_assert_eq(layer_out_h(&l), oh);
    cr_assert_eq(layer_out_w(&l), ow);
    /* Y[k][p] = sum_c W[c][k] * X[c][p], X = the input sampled at the stride */
    for (int k = 0; k < m->k; k++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                int64_t sum = 0;
                for (int c = 0; c < m->c; c++)
                    sum += (int64_t)w[c * m->k + k] *
                           x[(c * m->h + oy * m->stride) * m->w + ox * m->stride];
                int32_t got = y[(k * oh + oy) * ow + ox];
                cr_assert_eq(got, sum, "c=%d k=%d: y[%d][%d][%d] = %d, matmul gives %lld", m->c,
                             m->k, k, oy, ox, got, (long long)sum);
            }
    free(x);
    free(w);
    free(y);
}

/* ------------------------------------------------------------ shapes */

/* General shapes (stride, padding, dilation, groups) for the properties. */
#define GENERAL_SHAPES                                                                             \
    {.c = 1, .h = 1, .w = 1, .k = 1, .fh = 1, .fw = 1},                                            \
        {.c = 3, .h = 9, .w = 11, .k = 4, .fh = 3, .fw = 3, .pt = 1, .pb = 1, .pl = 1, .pr = 1},   \
        {.c = 4, .h = 12, .w = 10, .k = 6, .fh = 5, .fw = 3, .sh = 2, .sw = 3, .pt = 2, .pr = 1},  \
        {.c = 6,                                                                                   \
         .h = 13,                                                                                  \
         .w = 9,                                                                                   \
         .k = 4,                                                                                   \
         .fh = 3,                                                                                  \
         .fw = 2,                                                                                  \
         .dh = 2,                                                                                  \
         .dw = 3,                                                                                  \
         .pb = 3,                                                                                  \
         .pl = 2,                                                                                  \
         .g = 2},                                                                                  \
        {.c = 8,                                                                                   \
         .h = 7,                                                                                   \
         .w = 7,                                                                                   \
         .k = 8,                                                                                   \
         .fh = 3,                                                                                  \
         .fw = 3,                                                                                  \
         .sh = 2,                                                                                  \
         .sw = 2,                                                                                  \
         .pt = 1,                                                                                  \
         .pb = 1,                                                                                  \
         .pl = 1,                                                                                  \
         .pr = 1,                                                                                  \
         .g = 8},                                                                                  \
        {.c = 2, .h = 16, .w = 5, .k = 3, .fh = 7, .fw = 1, .sh = 3, .dh = 2, .pt = 4},            \
    {                                                                                              \
        .c = 9, .h = 6, .w = 6, .k = 6, .fh = 2, .fw = 2, .g = 3, .pt = 1, .pl = 1                 \
    }

static struct shape general_shapes[] = {GENERAL_SHAPES};

ParameterizedTestParameters(golden, is_linear_in_the_input)
{
    return cr_make_param_array(struct shape, general_shapes,
                               sizeof general_shapes / sizeof general_shapes[0]);
}

/* Values in [-64, 63] so that x1 + x2 fits int8 and no sum wraps. */
ParameterizedTest(struct shape *s, golden, is_linear_in_the_input)
{
    acc_layer l = layer_of(s);
    size_t nx = (size_t)layer_x_bytes(&l), ny = y_count(&l);
    int8_t *x1 = random_i8(nx, 21, -64, 63), *x2 = random_i8(nx, 22, -64, 63);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 23, -128, 127);
    int8_t *xs = acc_malloc(nx);
    for (size_t i = 0; i < nx; i++)
        xs[i] = (int8_t)(x1[i] + x2[i]);
    int32_t *y1 = conv(&l, x1, w), *y2 = conv(&l, x2, w), *ys = conv(&l, xs, w);
    int nonzero = 0;
    for (size_t i = 0; i < ny; i++) {
        cr_assert_eq(ys[i], y1[i] + y2[i],
                     "element %zu: conv(x1+x2) = %d, conv(x1)+conv(x2) "
                     "= %d",
                     i, ys[i], y1[i] + y2[i]);
        nonzero |= ys[i] != 0;
    }
    cr_assert(nonzero, "degenerate case: every output is zero");
    free(x1);
    free(x2);
    free(xs);
    free(w);
    free(y1);
    free(y2);
    free(ys);
}

ParameterizedTestParameters(golden, is_linear_in_the_weights)
{
    return cr_make_param_array(struct shape, general_shapes,
                               sizeof general_shapes / sizeof general_shapes[0]);
}

ParameterizedTest(struct shape *s, golden, is_linear_in_the_weights)
{
    acc_layer l = layer_of(s);
    size_t nw = (size_t)layer_w_bytes(&l), ny = y_count(&l);
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 31, -128, 127);
    int8_t *w1 = random_i8(nw, 32, -64, 63), *w2 = random_i8(nw, 33, -64, 63);
    int8_t *ws = acc_malloc(nw);
    for (size_t i = 0; i < nw; i++)
        ws[i] = (int8_t)(w1[i] + w2[i]);
    int32_t *y1 = conv(&l, x, w1), *y2 = conv(&l, x, w2), *ys = conv(&l, x, ws);
    for (size_t i = 0; i < ny; i++)
        cr_assert_eq(ys[i], y1[i] + y2[i], "element %zu", i);
    free(x);
    free(w1);
    free(w2);
    free(ws);
    free(y1);
    free(y2);
    free(ys);
}

/* Padding equals convolving an input that carries the zeros explicitly. */
ParameterizedTestParameters(golden, padding_equals_an_explicitly_zero_padded_input)
{
    return cr_make_param_array(struct shape, general_shapes,
                               sizeof general_shapes / sizeof general_shapes[0]);
}

ParameterizedTest(struct shape *s, golden, padding_equals_an_explicitly_zero_padded_input)
{
    acc_layer l = layer_of(s);
    struct shape u = *s;
    u.h = s->h + s->pt + s->pb;
    u.w = s->w + s->pl + s->pr;
    u.pt = u.pb = u.pl = u.pr = 0;
    acc_layer lu = layer_of(&u);
    cr_assert_eq(layer_out_h(&lu), layer_out_h(&l));
    cr_assert_eq(layer_out_w(&lu), layer_out_w(&l));
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 41, -128, 127);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 42, -128, 127);
    int8_t *xu = acc_calloc((size_t)layer_x_bytes(&lu), 1);
    for (int c = 0; c < s->c; c++)
        for (int i = 0; i < s->h; i++)
            for (int j = 0; j < s->w; j++)
                xu[(c * u.h + i + s->pt) * u.w + j + s->pl] = x[(c * s->h + i) * s->w + j];
    int32_t *y = conv(&l, x, w), *yu = conv(&lu, xu, w);
    expect_equal(y, yu, y_count(&l), "padded vs explicit zeros");
    free(x);
    free(w);
    free(xu);
    free(y);
    free(yu);
}

/* ------------------------------------------------------------ translation */

/* Stride 1, no padding: dropping the input's first column drops the output's
 * first column. */
static struct shape shift_shapes[] = {
    {.c = 1, .h = 4, .w = 3, .k = 1, .fh = 2, .fw = 2},
    {.c = 3, .h = 8, .w = 9, .k = 5, .fh = 3, .fw = 3},
    {.c = 4, .h = 6, .w = 12, .k = 2, .fh = 2, .fw = 4, .dh = 2, .dw = 2},
    {.c = 6, .h = 5, .w = 7, .k = 9, .fh = 1, .fw = 5, .g = 3},
    {.c = 16, .h = 3, .w = 4, .k = 16, .fh = 3, .fw = 3, .g = 16},
};

ParameterizedTestParameters(golden, shifting_the_input_by_a_column_shifts_the_output)
{
    return cr_make_param_array(struct shape, shift_shapes,
                               sizeof shift_shapes / sizeof shift_shapes[0]);
}

ParameterizedTest(struct shape *s, golden, shifting_the_input_by_a_column_shifts_the_output)
{
    acc_layer l = layer_of(s);
    struct shape t = *s;
    t.w = s->w - 1;
    acc_layer lt = layer_of(&t);
    int oh = layer_out_h(&l), ow = layer_out_w(&l);
    cr_assert_eq(layer_out_w(&lt), ow - 1);
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 51, -128, 127);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 52, -128, 127);
    int8_t *xt = acc_malloc((size_t)layer_x_bytes(&lt));
    for (int c = 0; c < s->c; c++)
        for (int i = 0; i < s->h; i++)
            for (int j = 0; j < t.w; j++)
                xt[(c * s->h + i) * t.w + j] = x[(c * s->h + i) * s->w + j + 1];
    int32_t *y = conv(&l, x, w), *yt = conv(&lt, xt, w);
    for (int k = 0; k < s->k; k++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox + 1 < ow; ox++)
                cr_assert_eq(yt[(k * oh + oy) * (ow - 1) + ox], y[(k * oh + oy) * ow + ox + 1],
                             "k=%d oy=%d ox=%d", k, oy, ox);
    free(x);
    free(w);
    free(xt);
    free(y);
    free(yt);
}

/* ------------------------------------------------------------ groups */

/* A grouped convolution is G independent convolutions of C/G -> K/G
 * channels, each on its own slice of x and of the weights.  Depthwise
 * (G == C, with channel multiplier K/C) is the case C/G == 1. */
static struct shape group_shapes[] = {
    {.c = 4, .h = 6, .w = 5, .k = 4, .fh = 3, .fw = 3, .pt = 1, .pb = 1, .pl = 1, .pr = 1, .g = 4},
    {.c = 8,
     .h = 9,
     .w = 9,
     .k = 8,
     .fh = 3,
     .fw = 3,
     .sh = 2,
     .sw = 2,
     .pt = 1,
     .pb = 1,
     .pl = 1,
     .pr = 1,
     .g = 8},
    {.c = 3,
     .h = 7,
     .w = 8,
     .k = 6,
     .fh = 5,
     .fw = 5,
     .dh = 2,
     .dw = 1,
     .pt = 4,
     .pb = 4,
     .pl = 2,
     .pr = 2,
     .g = 3},
    {.c = 6, .h = 5, .w = 4, .k = 4, .fh = 2, .fw = 3, .g = 2},
    {.c = 12, .h = 4, .w = 6, .k = 6, .fh = 1, .fw = 1, .sh = 2, .g = 3},
};

ParameterizedTestParameters(golden, grouped_convolution_is_one_convolution_per_group)
{
    return cr_make_param_array(struct shape, group_shapes,
                               sizeof group_shapes / sizeof group_shapes[0]);
}

ParameterizedTest(struct shape *s, golden, grouped_convolution_is_one_convolution_per_group)
{
    acc_layer l = layer_of(s);
    int G = l.groups, cg = s->c / G, kg = s->k / G, ff = s->fh * s->fw;
    size_t plane_in = (size_t)s->h * (size_t)s->w;
    size_t plane_out = (size_t)layer_out_h(&l) * (size_t)layer_out_w(&l);
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 61, -128, 127);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 62, -128, 127);
    int32_t *y = conv(&l, x, w);
    struct shape one = *s;
    one.c = cg;
    one.k = kg;
    one.g = 1;
    acc_layer lo = layer_of(&one);
    int8_t *wo = acc_malloc((size_t)layer_w_bytes(&lo));
    for (int g = 0; g < G; g++) {
        /* weights of group g: element (kk, c, t) at (c*ff + t)*kg + kk */
        for (int c = 0; c < cg; c++)
            for (int t = 0; t < ff; t++)
                for (int kk = 0; kk < kg; kk++)
                    wo[(c * ff + t) * kg + kk] = w[(c * ff + t) * s->k + g * kg + kk];
        int32_t *yo = conv(&lo, x + (size_t)g * (size_t)cg * plane_in, wo);
        expect_equal(y + (size_t)g * (size_t)kg * plane_out, yo, (size_t)kg * plane_out,
                     "group slice");
        free(yo);
    }
    free(wo);
    free(x);
    free(w);
    free(y);
}

/* Depthwise (groups == channels == num filter): output channel c is the
 * single-channel convolution of input channel c with filter c. */
static struct shape dw_shapes[] = {
    {.c = 3, .h = 5, .w = 5, .k = 3, .fh = 3, .fw = 3, .pt = 1, .pb = 1, .pl = 1, .pr = 1, .g = 3},
    {.c = 32,
     .h = 8,
     .w = 8,
     .k = 32,
     .fh = 3,
     .fw = 3,
     .sh = 2,
     .sw = 2,
     .pt = 1,
     .pb = 1,
     .pl = 1,
     .pr = 1,
     .g = 32},
    {.c = 5, .h = 9, .w = 7, .k = 5, .fh = 3, .fw = 2, .dh = 3, .dw = 2, .pt = 2, .pl = 1, .g = 5},
};

ParameterizedTestParameters(golden, depthwise_is_a_single_channel_convolution_per_channel)
{
    return cr_make_param_array(struct shape, dw_shapes, sizeof dw_shapes / sizeof dw_shapes[0]);
}

ParameterizedTest(struct shape *s, golden, depthwise_is_a_single_channel_convolution_per_channel)
{
    acc_layer l = layer_of(s);
    int C = s->c, ff = s->fh * s->fw;
    size_t plane_in = (size_t)s->h * (size_t)s->w;
    size_t plane_out = (size_t)layer_out_h(&l) * (size_t)layer_out_w(&l);
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 71, -128, 127);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 72, -128, 127);
    int32_t *y = conv(&l, x, w);
    struct shape one = *s;
    one.c = one.k = one.g = 1;
    acc_layer lo = layer_of(&one);
    int8_t wo[225];
    for (int c = 0; c < C; c++) {
        for (int t = 0; t < ff; t++)
            wo[t] = w[t * C + c];
        int32_t *yo = conv(&lo, x + (size_t)c * plane_in, wo);
        expect_equal(y + (size_t)c * plane_out, yo, plane_out, "depthwise channel");
        free(yo);
    }
    free(x);
    free(w);
    free(y);
}

/* ------------------------------------------------------------ operands */

Test(golden, random_operands_draw_x_then_w_from_one_seeded_stream)
{
    struct shape s = {.c = 3, .h = 4, .w = 5, .k = 2, .fh = 3, .fw = 3, .g = 1};
    acc_layer l = layer_of(&s);
    int8_t *x, *w;
    golden_random_operands(&l, 1234, &x, &w);
    acc_rng r;
    acc_rng_seed(&r, 1234);
    for (size_t i = 0; i < (size_t)layer_x_bytes(&l); i++)
        cr_assert_eq(x[i], acc_rng_i8(&r), "x[%zu]", i);
    for (size_t i = 0; i < (size_t)layer_w_bytes(&l); i++)
        cr_assert_eq(w[i], acc_rng_i8(&r), "w[%zu]", i);
    int8_t *x2, *w2;
    golden_random_operands(&l, 1235, &x2, &w2);
    cr_assert_neq(memcmp(x, x2, (size_t)layer_x_bytes(&l)), 0, "another seed, same x");
    free(x);
    free(w);
    free(x2);
    free(w2);
}

/* ------------------------------------------------------------ progress */

/* Counts calls in ctx[0], keeps the last (done, total) in ctx[1], ctx[2]
 * and whether done ever went backwards in ctx[3]. */
static int count_progress(void *ctx, int64_t done, int64_t total)
{
    int64_t *c = ctx;
    if (c[0] > 0 && done < c[1])
        c[3] = 1;
    c[0]++;
    c[1] = done;
    c[2] = total;
    return 1; /* ignored: the convolution always completes */
}

Test(golden, the_progress_hook_counts_output_rows_and_changes_nothing)
{
    struct shape s = {.c = 4, .h = 7, .w = 6, .k = 6, .fh = 3, .fw = 3, .pt = 1, .pb = 1, .g = 2};
    acc_layer l = layer_of(&s);
    int8_t *x = random_i8((size_t)layer_x_bytes(&l), 3, -128, 127);
    int8_t *w = random_i8((size_t)layer_w_bytes(&l), 4, -128, 127);
    int32_t *want = conv(&l, x, w);
    int32_t *got = acc_malloc(y_count(&l) * sizeof *got);
    int64_t c[4] = {0, 0, 0, 0};
    golden_conv_progress(&l, x, w, got, count_progress, c);
    expect_equal(got, want, y_count(&l), "with a progress hook");
    int64_t rows = 2 * (int64_t)layer_out_h(&l); /* groups x output rows */
    cr_assert_eq(c[0], rows, "%lld calls", (long long)c[0]);
    cr_assert(c[1] == rows && c[2] == rows && !c[3], "last %lld of %lld, backwards %lld",
              (long long)c[1], (long long)c[2], (long long)c[3]);
    free(x);
    free(w);
    free(want);
    free(got);
}
