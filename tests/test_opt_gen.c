/* test_opt_gen.c - the program generator of the planners' search space
 * (planner/opt_gen.h): programs of every loop order, buffer count and
 * overlap mode pass the validator, compute on the iss exactly what
 * golden_conv computes, and take the makespan the generator reports; more
 * buffers of a kind keep blocks resident.  Filters cut into kernel slices
 * (tiny ones in slices of 2 x 2 taps, and layers with filters larger than
 * the COMPUTE's 15 taps planned by every registered planner) do the same,
 * with the weight LOAD forms and accumulating COMPUTEs of
 * docs/planner.md. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "model/model.h"
#include "planner/opt_gen.h"
#include "planner/registry.h"
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

/* ------------------------------------------------------- kernel slices */

typedef struct slice_case {
    const char *name;
    int h, w, fh, fw, c, k, sh, sw, dh, dw, pt, pb, pl, pr;
    acc_tiling t;
    int kmax; /* slices of at most kmax x kmax taps */
} slice_case;

/* clang-format off */
static slice_case slice_cases[] = {
    /* name           H  W FH FW  C  K SH SW DH DW PT PB PL PR  tiling tk,th,tw,tc  kmax */
    {"3x3 in 2x2",    6, 6, 3, 3, 3, 5, 1, 1, 1, 1, 1, 1, 1, 1, {3, 2, 4, 1}, 2},
    {"5x1 in bands",  7, 4, 5, 1, 4, 6, 2, 1, 1, 1, 2, 1, 0, 0, {4, 2, 3, 3}, 2},
    {"1x5 in columns",4,11, 1, 5, 5, 4, 1, 2, 1, 2, 0, 0, 2, 2, {3, 3, 2, 2}, 2},
    {"3x3 dilated",   9, 8, 3, 3, 2, 3, 2, 1, 2, 1, 1, 2, 1, 0, {2, 2, 3, 1}, 2},
};
/* clang-format on */

static acc_layer make_slice_layer(const slice_case *sc)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "%s", sc->name);
    l.ifmap_h = sc->h;
    l.ifmap_w = sc->w;
    l.filter_h = sc->fh;
    l.filter_w = sc->fw;
    l.channels = sc->c;
    l.num_filter = sc->k;
    l.stride_h = sc->sh;
    l.stride_w = sc->sw;
    l.dil_h = sc->dh;
    l.dil_w = sc->dw;
    l.pad_top = sc->pt;
    l.pad_bottom = sc->pb;
    l.pad_left = sc->pl;
    l.pad_right = sc->pr;
    l.groups = 1;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    return l;
}

ParameterizedTestParameters(opt_gen, a_sliced_filter_gives_a_correct_program_in_every_order)
{
    static order_case ps[sizeof(slice_cases) / sizeof(slice_cases[0]) * OPT_ORDER_COUNT];
    int n = 0;
    for (int i = 0; i < (int)(sizeof(slice_cases) / sizeof(slice_cases[0])); i++)
        for (int o = 0; o < OPT_ORDER_COUNT; o++)
            ps[n++] = (order_case){i, o};
    return cr_make_param_array(order_case, ps, (size_t)n);
}

ParameterizedTest(order_case *oc, opt_gen, a_sliced_filter_gives_a_correct_program_in_every_order)
{
    const slice_case *sc = &slice_cases[oc->layer];
    acc_layer l = make_slice_layer(sc);
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_shape s;
    opt_shape_init_kmax(&s, &l, sc->kmax);
    cr_assert_gt(s.ns, 1, "%s is sliced", sc->name);
    static const int bufs[OPT_ORDER_COUNT][OPT_KINDS] = {{1, 1, 1}, {2, 3, 1}, {4, 1, 2},
                                                         {3, 4, 3}, {1, 2, 4}, {4, 4, 4}};
    for (int serial = 0; serial < 2; serial++) {
        opt_choice c;
        memset(&c, 0, sizeof(c));
        c.t = sc->t;
        c.order = oc->order;
        memcpy(c.buffers, bufs[oc->order], sizeof(c.buffers));
        c.serial = serial;
        opt_need z;
        cr_assert_eq(opt_tiling_fits(&s, &cfg, &c.t, c.buffers, &z, &e), 0, "%s", e.msg);
        cr_assert_eq(opt_tiling_no_padding_tile(&s, &c.t, &z, &e), 0, "%s", e.msg);
        acc_program p;
        opt_stats st;
        int64_t m = opt_build(&s, &cfg, &mm, &c, &p, &st, &e);
        cr_assert_geq(m, 0, "%s", e.msg);
        char what[128];
        snprintf(what, sizeof(what), "%s order %s buffers %d/%d/%d%s", sc->name,
                 opt_order_name(c.order), c.buffers[0], c.buffers[1], c.buffers[2],
                 serial ? " serial" : "");
        check_program(&p, m, &l, &cfg, &mm, what);
        /* one COMPUTE per (tile, chunk, slice) */
        const int64_t tiles =
            acc_ceil_div(s.Kg, c.t.tk) * acc_ceil_div(s.OH, c.t.th) * acc_ceil_div(s.OW, c.t.tw);
        cr_assert_eq(st.count[ACC_ENG_CP], (uint32_t)(tiles * acc_ceil_div(s.Cg, c.t.tc) * s.ns),
                     "%s: computes", what);
        acc_program_free(&p);
    }
    opt_shape_free(&s);
}

/* The COMPUTEs of one tile in program order (kyx, serial: the first tile's
 * steps come first). */
static int first_tile_computes(const acc_program *p, const acc_compute **cp, int max)
{
    int n = 0;
    for (int i = 0; i < p->count && n < max; i++) {
        if (p->ins[i].op == ACC_OP_STORE)
            break;
        if (p->ins[i].op == ACC_OP_COMPUTE)
            cp[n++] = &p->ins[i].u.cp;
    }
    return n;
}

Test(opt_gen, slices_cover_the_filter_in_bands_and_accumulate_in_row_major_order)
{
    /* 3x3 in slices of 2: bands of 2 and 1 rows, each cut into 2 and 1
     * columns: (0,0) 2x2, (0,2) 2x1, (2,0) 1x2, (2,2) 1x1 */
    const slice_case *sc = &slice_cases[0];
    acc_layer l = make_slice_layer(sc);
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_shape s;
    opt_shape_init_kmax(&s, &l, 2);
    cr_assert(s.kh == 2 && s.kw == 2 && s.nbh == 2 && s.nbw == 2 && s.ns == 4);
    static const opt_slice want[4] = {{0, 0, 2, 2}, {0, 2, 2, 1}, {2, 0, 1, 2}, {2, 2, 1, 1}};
    for (int k = 0; k < 4; k++) {
        opt_slice v = opt_shape_slice(&s, k);
        cr_assert(memcmp(&v, &want[k], sizeof(v)) == 0, "slice %d: %d,%d %dx%d", k, v.i0, v.j0,
                  v.fh, v.fw);
    }
    opt_choice c;
    memset(&c, 0, sizeof(c));
    c.t = (acc_tiling){5, 2, 6, 1};
    c.order = OPT_ORDER_KYX;
    c.buffers[OPT_ACT] = c.buffers[OPT_WGT] = c.buffers[OPT_OUT] = 1;
    c.serial = 1;
    acc_program p;
    cr_assert_geq(opt_build(&s, &cfg, &mm, &c, &p, NULL, &e), 0, "%s", e.msg);
    const acc_compute *cp[32];
    cr_assert_eq(first_tile_computes(&p, cp, 32), 3 * 4, "3 chunks x 4 slices");
    for (int i = 0; i < 12; i++) {
        const opt_slice *v = &want[i % 4];
        cr_assert(cp[i]->fh == (uint32_t)v->fh && cp[i]->fw == (uint32_t)v->fw, "step %d", i);
        cr_assert_eq(cp[i]->acc, i > 0, "step %d: ACC on every step but the first", i);
        cr_assert_eq(cp[i]->tc, 1u);
    }
    /* output rows 0..1 read input rows -1..2: band 0 (filter rows 0..1)
     * rows -1..1, stored 0..1 after one zero row; band 1 (filter row 2)
     * rows 1..2 */
    cr_assert(cp[0]->vh == 2 && cp[0]->ptop == 1, "band 0: vh %u ptop %u", cp[0]->vh, cp[0]->ptop);
    cr_assert(cp[2]->vh == 2 && cp[2]->ptop == 0, "band 1: vh %u ptop %u", cp[2]->vh, cp[2]->ptop);
    /* columns: band column 0 (filter columns 0..1) reads -1..5, column 1
     * (filter column 2) reads 1..6, clipped to 1..5 */
    cr_assert(cp[0]->vw == 6 && cp[0]->pleft == 1);
    cr_assert(cp[1]->vw == 5 && cp[1]->pleft == 0);
    acc_program_free(&p);
    opt_shape_free(&s);
}

/* The first weight LOAD of a program. */
static const acc_dma *first_weight_load(const acc_program *p, const acc_memmap *mm)
{
    for (int i = 0; i < p->count; i++)
        if (p->ins[i].op == ACC_OP_LOAD && p->ins[i].u.dma.dram >= mm->w &&
            p->ins[i].u.dma.dram < mm->y)
            return &p->ins[i].u.dma;
    cr_assert_fail("no weight load");
    return NULL;
}

Test(opt_gen, weight_loads_of_slices_take_rows_or_planes_of_the_filter)
{
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    struct {
        int ci;                      /* slice_cases index */
        uint32_t n0, n1, n2, s1, s2; /* the first weight LOAD */
    } want[] = {
        /* 3x3, both sliced: one channel, planes (c, i) of the slice's 2 rows */
        {0, 3, 2, 2, 5, 3 * 5},
        /* 5x1 in bands of 2: rows of a channel's 2x1 taps, planes = channels */
        {1, 4, 2 * 1, 3, 6, 5 * 1 * 6},
        /* 1x5 in columns: planes (c, i) = chunk x 1 row, 2 taps per row */
        {2, 3, 2, 2 * 1, 4, 5 * 4},
    };
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        const slice_case *sc = &slice_cases[want[k].ci];
        acc_layer l = make_slice_layer(sc);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        opt_shape s;
        opt_shape_init_kmax(&s, &l, 2);
        opt_choice c;
        memset(&c, 0, sizeof(c));
        c.t = sc->t;
        c.buffers[OPT_ACT] = c.buffers[OPT_WGT] = c.buffers[OPT_OUT] = 1;
        c.serial = 1;
        acc_program p;
        cr_assert_geq(opt_build(&s, &cfg, &mm, &c, &p, NULL, &e), 0, "%s", e.msg);
        const acc_dma *d = first_weight_load(&p, &mm);
        cr_assert(d->n0 == want[k].n0 && d->n1 == want[k].n1 && d->n2 == want[k].n2 &&
                      d->dram_s1 == want[k].s1 && d->dram_s2 == want[k].s2,
                  "%s: n=%u,%u,%u dram_stride=%u,%u", sc->name, d->n0, d->n1, d->n2, d->dram_s1,
                  d->dram_s2);
        cr_assert_eq(d->dram, mm.w, "%s: slice (0,0) of chunk 0, k-tile 0", sc->name);
        acc_program_free(&p);
        opt_shape_free(&s);
    }
}

Test(opt_gen, a_filter_sliced_both_ways_needs_chunks_of_one_channel_and_a_real_row_per_slice)
{
    const slice_case *sc = &slice_cases[0];
    acc_layer l = make_slice_layer(sc);
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    opt_shape s;
    opt_shape_init_kmax(&s, &l, 2);
    const int one[OPT_KINDS] = {1, 1, 1};
    opt_need z;
    acc_tiling t = {3, 2, 4, 2};
    cr_assert_eq(opt_tiling_fits(&s, &cfg, &t, one, &z, &e), -1);
    cr_assert(strstr(e.msg, "one input channel per chunk (tc = 1), not 2"), "%s", e.msg);
    /* th = 1: the last output row 5 reads input rows 4..6; filter row 2
     * alone reads row 6, padding */
    t = (acc_tiling){3, 1, 4, 1};
    cr_assert_eq(opt_tiling_fits(&s, &cfg, &t, one, &z, &e), 0, "%s", e.msg);
    cr_assert_eq(opt_tiling_no_padding_tile(&s, &t, &z, &e), -1);
    cr_assert(strstr(e.msg, "output rows 5..5 read only zero padding through filter rows 2..2"),
              "%s", e.msg);
    /* the whole filter in one slice: no such tile */
    opt_shape s15;
    opt_shape_init(&s15, &l);
    cr_assert_eq(s15.ns, 1);
    cr_assert_eq(opt_tiling_fits(&s15, &cfg, &t, one, &z, &e), 0, "%s", e.msg);
    cr_assert_eq(opt_tiling_no_padding_tile(&s15, &t, &z, &e), 0, "%s", e.msg);
    opt_shape_free(&s15);
    opt_shape_free(&s);
}

/* Layers whose filters exceed the COMPUTE's 15 taps, planned by every
 * registered planner with the real slice size: valid, and the iss computes
 * golden's outputs.  A speech layer's 20x5 filter with stride 2 (bands of
 * 10 rows), and a product written as a 1x40 filter over a 4x40 input (the
 * shape SCALE-Sim files use; columns of 14, 14 and 12 taps). */
typedef struct big_case {
    char name[16];
    int h, w, fh, fw, c, k, s;
    int ns; /* slices */
} big_case;

ParameterizedTestParameters(opt_gen, filters_above_15_taps_are_planned_by_every_planner)
{
    static big_case ps[] = {
        {"speech", 40, 20, 20, 5, 1, 8, 2, 2},
        {"gemm", 4, 40, 1, 40, 2, 8, 1, 3},
    };
    return cr_make_param_array(big_case, ps, sizeof(ps) / sizeof(ps[0]));
}

ParameterizedTest(big_case *bc, opt_gen, filters_above_15_taps_are_planned_by_every_planner)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "%s", bc->name);
    l.ifmap_h = bc->h;
    l.ifmap_w = bc->w;
    l.filter_h = bc->fh;
    l.filter_w = bc->fw;
    l.channels = bc->c;
    l.num_filter = bc->k;
    l.stride_h = l.stride_w = bc->s;
    l.dil_h = l.dil_w = 1;
    l.groups = 1;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    opt_shape s;
    opt_shape_init(&s, &l);
    cr_assert_eq(s.ns, bc->ns);
    opt_shape_free(&s);
    acc_config cfg;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (int i = 0; plan_registry[i].name; i++) {
        const plan_entry *pe = &plan_registry[i];
        plan_request rq;
        plan_request_init(&rq);
        rq.use_cache = 0;
        rq.budget = ACC_SAT_BUDGET_DEFAULT;
        acc_program p;
        plan_result res;
        cr_assert_eq(pe->plan(&l, &cfg, &mm, &rq, &p, &res, &e), 0, "%s: %s", pe->name, e.msg);
        model_timing tm;
        cr_assert_eq(model_run(&p, &cfg, &tm, &e), 0, "%s", e.msg);
        if (pe->claims_makespan)
            cr_assert_eq(res.claimed, tm.makespan, "%s: claim", pe->name);
        char what[64];
        snprintf(what, sizeof(what), "%s by %s", bc->name, pe->name);
        check_program(&p, tm.makespan, &l, &cfg, &mm, what);
        model_timing_free(&tm);
        acc_program_free(&p);
        plan_result_free(&res);
    }
}
