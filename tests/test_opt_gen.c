/* test_opt_gen.c - the program generator of the planners' search space
 * (planner/opt_gen.h): programs of every loop order, buffer count and
 * overlap mode pass the validator, compute on the iss exactly what
 * golden_conv computes, and take the makespan the generator reports; more
 * buffers of a kind keep blocks resident. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "model/model.h"
#include "planner/opt_gen.h"
#include "model/validate.h"

typedef struct gen_case {
    const char *name;
    int h, w, f, c, k, s, pad, g;
    acc_tiling t;
} gen_case;

/* clang-format off */
static gen_case cases[] = {
    /* name        H   W  F  C   K  S pad G   tiling tk,th,tw,tc: several tiles per loop */
    {"conv3x3",    8,  8, 3, 6,  8, 1, 1, 1, {3, 3, 5, 4}},
    {"stride2",    9,  9, 3, 5,  6, 2, 1, 1, {4, 2, 3, 2}},
    {"grouped",    6,  6, 3, 6,  6, 1, 1, 3, {1, 4, 4, 1}},
    {"pointwise",  5,  7, 1, 9, 10, 1, 0, 1, {4, 2, 3, 5}},
};
/* clang-format on */

static acc_layer make_layer(const gen_case *gc)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "%s", gc->name);
    l.ifmap_h = gc->h;
    l.ifmap_w = gc->w;
    l.filter_h = l.filter_w = gc->f;
    l.channels = gc->c;
    l.num_filter = gc->k;
    l.stride_h = l.stride_w = gc->s;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = gc->pad;
    l.dil_h = l.dil_w = 1;
    l.groups = gc->g;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    return l;
}

static int32_t get_i32(const uint8_t *b)
{
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

/* Validator, iss against golden, model against the generator's makespan. */
static void check_program(const acc_program *p, int64_t makespan, const acc_layer *l,
                          const acc_config *cfg, const acc_memmap *mm, const char *what)
{
    acc_error e;
    acc_validation v;
    cr_assert_eq(acc_validate(p, l, cfg, mm, &v, NULL, &e), 0, "%s: invalid: %s", what, v.first);
    acc_validation_free(&v);
    model_timing tm;
    cr_assert_eq(model_run(p, cfg, &tm, &e), 0, "%s: %s", what, e.msg);
    cr_assert_eq(tm.makespan, makespan, "%s: model %lld, generator %lld", what,
                 (long long)tm.makespan, (long long)makespan);
    model_timing_free(&tm);

    int8_t *x, *w;
    golden_random_operands(l, 3, &x, &w);
    acc_dram m;
    acc_dram_init(&m, mm->end);
    memcpy(m.bytes + mm->x, x, layer_x_bytes(l));
    memcpy(m.bytes + mm->w, w, layer_w_bytes(l));
    cr_assert_eq(iss_run(p, cfg, &m, NULL, &e), 0, "%s: %s", what, e.msg);
    uint64_t n = layer_y_bytes(l) / 4;
    int32_t *y = malloc(n * sizeof(*y));
    golden_conv(l, x, w, y);
    for (uint64_t i = 0; i < n; i++)
        cr_assert_eq(get_i32(m.bytes + mm->y + 4 * i), y[i], "%s: y[%llu]", what,
                     (unsigned long long)i);
    free(y);
    free(x);
    free(w);
    acc_dram_free(&m);
}

typedef struct order_case {
    int layer, order;
} order_case;

ParameterizedTestParameters(opt_gen, every_order_buffer_count_and_mode_gives_a_correct_program)
{
    static order_case ps[sizeof(cases) / sizeof(cases[0]) * OPT_ORDER_COUNT];
    int n = 0;
    for (int i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++)
        for (int o = 0; o < OPT_ORDER_COUNT; o++)
            ps[n++] = (order_case){i, o};
    return cr_make_param_array(order_case, ps, (size_t)n);
}

ParameterizedTest(order_case *oc, opt_gen,
                  every_order_buffer_count_and_mode_gives_a_correct_program)
{
    const gen_case *gc = &cases[oc->layer];
    acc_layer l = make_layer(gc);
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_shape s;
    opt_shape_init(&s, &l);
    /* buffer counts: a different combination per order, both modes */
    static const int bufs[OPT_ORDER_COUNT][OPT_KINDS] = {{1, 1, 1}, {2, 3, 1}, {4, 1, 2},
                                                         {3, 4, 3}, {1, 2, 4}, {4, 4, 4}};
    for (int serial = 0; serial < 2; serial++) {
        opt_choice c;
        memset(&c, 0, sizeof(c));
        c.t = gc->t;
        c.order = oc->order;
        memcpy(c.buffers, bufs[oc->order], sizeof(c.buffers));
        c.serial = serial;
        opt_need z;
        cr_assert_eq(opt_tiling_fits(&s, &cfg, &c.t, c.buffers, &z, &e), 0, "%s", e.msg);
        acc_program p;
        opt_stats st;
        int64_t m = opt_build(&s, &cfg, &mm, &c, &p, &st, &e);
        cr_assert_geq(m, 0, "%s", e.msg);
        char what[96];
        snprintf(what, sizeof(what), "%s order %s buffers %d/%d/%d%s", gc->name,
                 opt_order_name(c.order), c.buffers[0], c.buffers[1], c.buffers[2],
                 serial ? " serial" : "");
        check_program(&p, m, &l, &cfg, &mm, what);
        cr_assert_eq(st.count[ACC_ENG_LD] + st.count[ACC_ENG_CP] + st.count[ACC_ENG_ST] + 1,
                     (uint32_t)p.count, "%s: counts", what);
        acc_program_free(&p);
    }
    opt_shape_free(&s);
}

Test(opt_gen, enough_buffers_keep_every_block_resident)
{
    /* conv3x3 with tiles 3x3x5, chunks of 4: 3 k-tiles, 3x2 spatial tiles,
     * 2 chunks.  Order yxk (k innermost): the 2 activation chunks of a
     * spatial tile are reused by all 3 k-tiles when 2 buffers hold them. */
    const gen_case *gc = &cases[0];
    acc_layer l = make_layer(gc);
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_shape s;
    opt_shape_init(&s, &l);
    opt_choice c;
    memset(&c, 0, sizeof(c));
    c.t = gc->t;
    c.order = OPT_ORDER_YXK;
    const int nk = 3, spatial = 3 * 2, chunks = 2;
    const int act_loads[3] = {nk * spatial * chunks, spatial * chunks, spatial * chunks};
    for (int b = 1; b <= 3; b++) {
        c.buffers[OPT_ACT] = b;
        c.buffers[OPT_WGT] = 1;
        c.buffers[OPT_OUT] = 1;
        opt_stats st;
        cr_assert_geq(opt_build(&s, &cfg, &mm, &c, NULL, &st, &e), 0, "%s", e.msg);
        cr_assert_eq(st.loads[0], (uint32_t)act_loads[b - 1], "%d buffers: %u activation loads", b,
                     st.loads[0]);
        /* weights: 6 blocks cycled per spatial tile, one buffer: every step */
        cr_assert_eq(st.loads[1], (uint32_t)(nk * spatial * chunks));
    }
    /* k innermost cycles 6 weight blocks: 4 buffers are not enough (LRU
     * misses every time), 6 keep them all */
    opt_stats st;
    c.buffers[OPT_WGT] = 4;
    cr_assert_geq(opt_build(&s, &cfg, &mm, &c, NULL, &st, &e), 0, "%s", e.msg);
    cr_assert_eq(st.loads[1], (uint32_t)(nk * spatial * chunks), "4 buffers < 6 blocks");
    /* k outermost: a k-tile's 2 chunks stay for all its spatial tiles */
    c.order = OPT_ORDER_KYX;
    c.buffers[OPT_WGT] = 2;
    cr_assert_geq(opt_build(&s, &cfg, &mm, &c, NULL, &st, &e), 0, "%s", e.msg);
    cr_assert_eq(st.loads[1], (uint32_t)(nk * chunks), "weights loaded once per k-tile");
    opt_shape_free(&s);
}
