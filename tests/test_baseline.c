/* test_baseline.c - the baseline planners ("serial", "double") and the plan
 * tool.  For a table of small layers (strides, 1x1, 7x7, depthwise, grouped,
 * padding, uneven edge tiles, dilation) on the small and default
 * configurations, both strategies must produce programs that pass the
 * validator and compute, on the iss, exactly what golden_conv computes; the
 * double-buffered program must never be slower than the serial one.  Buffer
 * sizes and DRAM traffic are checked against figures worked out by hand. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "planner/baseline.h"
#include "model/model.h"
#include "core/catalog.h"
#include "core/sched.h"
#include "model/validate.h"
#include "tests/testutil.h"

/* ------------------------------------------------------------ the layers */

typedef struct shape_row {
    const char *name;
    int h, w, fh, fw, c, k, sh, sw, pt, pb, pl, pr, dh, dw, g;
} shape_row;

/* clang-format off */
static const shape_row layers[] = {
    /* name                     H   W FH FW   C   K SH SW PT PB PL PR DH DW  G */
    {"conv3x3",                10, 10, 3, 3,  8,  8, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"stride2_uneven",         11, 11, 3, 3,  5,  6, 2, 2, 1, 1, 1, 1, 1, 1, 1},
    {"pointwise",               7,  7, 1, 1, 16, 12, 1, 1, 0, 0, 0, 0, 1, 1, 1},
    {"conv7x7_stride2",        20, 20, 7, 7,  3,  8, 2, 2, 3, 3, 3, 3, 1, 1, 1},
    {"depthwise",               9,  9, 3, 3,  8,  8, 1, 1, 1, 1, 1, 1, 1, 1, 8},
    {"grouped",                 8,  8, 3, 3,  8, 12, 1, 1, 1, 1, 1, 1, 1, 1, 4},
    {"dilated",                12, 12, 3, 3,  4,  4, 1, 1, 2, 2, 2, 2, 2, 2, 1},
    {"asymmetric",              9, 13, 3, 5,  3,  5, 1, 2, 0, 2, 1, 2, 1, 1, 1},
    {"padding_beyond_filter",   6,  6, 1, 1,  4,  4, 1, 1, 2, 2, 2, 2, 1, 1, 1},
    {"depthwise_multiplier",    7,  7, 3, 3,  4,  8, 1, 1, 1, 1, 1, 1, 1, 1, 4},
    {"deep_channels",           8,  8, 3, 3, 64, 32, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"wide",                    6, 40, 3, 3,  4,  8, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"stride3_dilation3",      17, 15, 3, 3,  3,  4, 3, 2, 1, 0, 0, 1, 2, 3, 1},
};
/* clang-format on */
#define NLAYERS ((int)(sizeof(layers) / sizeof(layers[0])))

static const char *const configs[] = {"small", "default"};

static acc_layer make_layer(const shape_row *r)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "%s", r->name);
    l.ifmap_h = r->h;
    l.ifmap_w = r->w;
    l.filter_h = r->fh;
    l.filter_w = r->fw;
    l.channels = r->c;
    l.num_filter = r->k;
    l.stride_h = r->sh;
    l.stride_w = r->sw;
    l.pad_top = r->pt;
    l.pad_bottom = r->pb;
    l.pad_left = r->pl;
    l.pad_right = r->pr;
    l.dil_h = r->dh;
    l.dil_w = r->dw;
    l.groups = r->g;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    return l;
}

/* A layer given by its main fields (unit dilation, symmetric padding). */
static acc_layer simple_layer(const char *name, int h, int w, int f, int c, int k, int s, int pad,
                              int g)
{
    shape_row r = {name, h, w, f, f, c, k, s, s, pad, pad, pad, pad, 1, 1, g};
    return make_layer(&r);
}

static acc_config load_config(const char *name)
{
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load(name, &cfg, &e), 0, "%s", e.msg);
    return cfg;
}

/* ---------------------------------------------------------------- helpers */

static int32_t get_i32(const uint8_t *b)
{
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

static acc_program plan_ok(const char *strategy, const acc_layer *l, const acc_config *cfg,
                           const acc_memmap *mm, const acc_tiling *t)
{
    acc_program p;
    acc_error e;
    int rc = acc_baseline_plan(strategy, l, cfg, mm, t, &p, &e);
    cr_assert_eq(rc, 0, "%s on %s (%s): %s", l->name, cfg->name, strategy, e.msg);
    return p;
}

static int64_t makespan_of(const acc_program *p, const acc_config *cfg)
{
    model_timing tm;
    acc_error e;
    cr_assert_eq(model_run(p, cfg, &tm, &e), 0, "%s", e.msg);
    int64_t m = tm.makespan;
    model_timing_free(&tm);
    return m;
}

/* The program passes the validator and, on the iss, writes exactly golden's
 * output. */
static void check_program(const acc_program *p, const acc_layer *l, const acc_config *cfg,
                          const acc_memmap *mm, const char *what)
{
    acc_error e;
    acc_validation v;
    int rc = acc_validate(p, l, cfg, mm, &v, stderr, &e);
    cr_assert_eq(rc, 0, "%s: %s on %s: invalid: %s", what, l->name, cfg->name, v.first);
    cr_assert(v.peak_live_bytes <= cfg->spad_bytes, "%s", what);
    acc_validation_free(&v);

    int8_t *x, *w;
    golden_random_operands(l, 7, &x, &w);
    acc_dram m;
    acc_dram_init(&m, mm->end);
    memcpy(m.bytes + mm->x, x, layer_x_bytes(l));
    memcpy(m.bytes + mm->w, w, layer_w_bytes(l));
    cr_assert_eq(iss_run(p, cfg, &m, NULL, &e), 0, "%s: %s on %s: %s", what, l->name, cfg->name,
                 e.msg);
    uint64_t n = layer_y_bytes(l) / 4;
    int32_t *y = malloc(n * sizeof(*y));
    golden_conv(l, x, w, y);
    for (uint64_t i = 0; i < n; i++)
        cr_assert_eq(get_i32(m.bytes + mm->y + 4 * i), y[i],
                     "%s: %s on %s: y[%llu] = %d, golden %d", what, l->name, cfg->name,
                     (unsigned long long)i, get_i32(m.bytes + mm->y + 4 * i), y[i]);
    free(y);
    free(x);
    free(w);
    acc_dram_free(&m);
}

/* ------------------------------------------------- the layer x config table */

typedef struct lc_param {
    int layer;
    int config;
} lc_param;

ParameterizedTestParameters(baseline, both_strategies_pass_the_validator_and_match_golden)
{
    static lc_param ps[NLAYERS * 2];
    for (int i = 0; i < NLAYERS; i++)
        for (int c = 0; c < 2; c++)
            ps[i * 2 + c] = (lc_param){i, c};
    return cr_make_param_array(lc_param, ps, NLAYERS * 2);
}

ParameterizedTest(lc_param *pr, baseline, both_strategies_pass_the_validator_and_match_golden)
{
    acc_layer l = make_layer(&layers[pr->layer]);
    acc_config cfg = load_config(configs[pr->config]);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program ser = plan_ok("serial", &l, &cfg, &mm, NULL);
    acc_program dbl = plan_ok("double", &l, &cfg, &mm, NULL);
    check_program(&ser, &l, &cfg, &mm, "serial");
    check_program(&dbl, &l, &cfg, &mm, "double");
    int64_t ms = makespan_of(&ser, &cfg), md = makespan_of(&dbl, &cfg);
    cr_expect_leq(md, ms, "%s on %s: double takes %lld cycles, serial %lld", l.name, cfg.name,
                  (long long)md, (long long)ms);
    acc_program_free(&ser);
    acc_program_free(&dbl);
}

/* Fixed tilings whose tiles do not divide the layer: every edge tile shape. */
typedef struct tiling_param {
    int layer;
    acc_tiling t;
} tiling_param;

ParameterizedTestParameters(baseline, fixed_uneven_tilings_are_honoured_and_correct)
{
    static tiling_param ps[] = {
        {1, {4, 2, 4, 2}},  /* stride 2: 6x6 output in 4-wide, 2-high tiles, 5 channels by 2 */
        {3, {3, 3, 5, 2}},  /* 7x7: 10x10 output, 8 filters by 3 */
        {5, {2, 3, 5, 1}},  /* grouped: 3 filters per group by 2 */
        {7, {2, 4, 3, 2}},  /* asymmetric padding, 9x6 output */
        {8, {3, 5, 7, 3}},  /* padding wider than the filter: edge tiles mostly padding */
        {12, {3, 2, 3, 2}}, /* stride 3, dilation 2x3 */
        {10, {16, 5, 3, 24}},
    };
    return cr_make_param_array(tiling_param, ps, sizeof(ps) / sizeof(ps[0]));
}

ParameterizedTest(tiling_param *pr, baseline, fixed_uneven_tilings_are_honoured_and_correct)
{
    acc_layer l = make_layer(&layers[pr->layer]);
    acc_config cfg = load_config("default");
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (int s = 0; s < 2; s++) {
        const char *strategy = s ? "double" : "serial";
        acc_program p = plan_ok(strategy, &l, &cfg, &mm, &pr->t);
        /* the first compute is a whole tile; the others never exceed it */
        int first = 1;
        for (int i = 0; i < p.count; i++) {
            if (p.ins[i].op != ACC_OP_COMPUTE)
                continue;
            const acc_compute *c = &p.ins[i].u.cp;
            if (first) {
                cr_assert_eq(c->tk, (uint32_t)pr->t.tk, "%s", strategy);
                cr_assert_eq(c->th, (uint32_t)pr->t.th, "%s", strategy);
                cr_assert_eq(c->tw, (uint32_t)pr->t.tw, "%s", strategy);
                cr_assert_eq(c->tc, (uint32_t)pr->t.tc, "%s", strategy);
                first = 0;
            }
            cr_assert(c->tk <= (uint32_t)pr->t.tk && c->th <= (uint32_t)pr->t.th &&
                          c->tw <= (uint32_t)pr->t.tw && c->tc <= (uint32_t)pr->t.tc,
                      "%s: instruction %d is larger than the tiling", strategy, i);
        }
        check_program(&p, &l, &cfg, &mm, strategy);
        acc_program_free(&p);
    }
}

/* FLAT on the small and default configurations (3x3, stride 2, padding 1:
 * legal for x-tiles of at most 10 columns on small and 40 on default, and
 * for wider ones whose window the padding clips): each baseline, with its
 * own tiling and with a fixed tiling of FLAT and other x-tiles, sets FLAT on
 * exactly the COMPUTEs where it is legal, and its programs pass the
 * validator and match golden. */
typedef struct flat_param {
    int config; /* 0 small, 1 default */
    int hw;
    acc_tiling t;
} flat_param;

ParameterizedTestParameters(baseline, flat_is_set_exactly_where_it_is_legal)
{
    static flat_param ps[] = {
        {0, 47, {4, 3, 11, 2}},  /* x-tiles of 11 (clipped: FLAT), 11 (not), 2 */
        {1, 169, {4, 2, 41, 2}}, /* x-tiles of 41 (clipped: FLAT), 41 (not), 3 */
    };
    return cr_make_param_array(flat_param, ps, sizeof(ps) / sizeof(ps[0]));
}

ParameterizedTest(flat_param *pr, baseline, flat_is_set_exactly_where_it_is_legal)
{
    acc_config cfg = load_config(pr->config ? "default" : "small");
    acc_layer l = tu_flat_layer(pr->hw);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (int k = 0; k < 4; k++) {
        const char *strategy = k % 2 ? "double" : "serial";
        acc_program p = plan_ok(strategy, &l, &cfg, &mm, k < 2 ? &pr->t : NULL);
        int flat = 0, row = 0;
        for (int i = 0; i < p.count; i++) {
            if (p.ins[i].op != ACC_OP_COMPUTE)
                continue;
            const int ok = model_compute_flat_ok(&p.ins[i].u.cp, &cfg);
            cr_assert_eq(p.ins[i].u.cp.flat, ok, "%s: instruction %d: FLAT %d, legal %d", strategy,
                         i, p.ins[i].u.cp.flat, ok);
            flat += ok;
            row += !ok;
        }
        if (k < 2)
            cr_assert(flat > 0 && row > 0, "%s: FLAT and other COMPUTEs (%d, %d)", strategy, flat,
                      row);
        check_program(&p, &l, &cfg, &mm, strategy);
        acc_program_free(&p);
    }
}

/* ------------------------------------------------------------ scheduling */

Test(baseline, serial_never_runs_two_instructions_at_once)
{
    acc_config cfg = load_config("small");
    for (int i = 0; i < NLAYERS; i += 3) {
        acc_layer l = make_layer(&layers[i]);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        acc_program p = plan_ok("serial", &l, &cfg, &mm, NULL);
        model_timing tm;
        acc_error e;
        cr_assert_eq(model_run(&p, &cfg, &tm, &e), 0, "%s", e.msg);
        for (int k = 1; k < p.count; k++)
            cr_assert_geq(tm.start[k], tm.end[k - 1],
                          "%s: instruction %d issues in cycle %lld, "
                          "before instruction %d ends in %lld",
                          l.name, k, (long long)tm.start[k], k - 1, (long long)tm.end[k - 1]);
        model_timing_free(&tm);
        acc_program_free(&p);
    }
}

Test(baseline, double_loads_the_next_step_while_the_array_computes)
{
    acc_config cfg = load_config("small");
    acc_layer l = make_layer(&layers[10]); /* many tiles on the small configuration */
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p = plan_ok("double", &l, &cfg, &mm, NULL);
    model_timing tm;
    acc_error e;
    cr_assert_eq(model_run(&p, &cfg, &tm, &e), 0, "%s", e.msg);
    int overlaps = 0;
    int64_t cp_end = -1; /* end of the latest compute seen */
    for (int i = 0; i < p.count; i++) {
        if (p.ins[i].op == ACC_OP_LOAD && tm.start[i] < cp_end)
            overlaps++;
        if (p.ins[i].op == ACC_OP_COMPUTE)
            cp_end = tm.end[i];
    }
    cr_assert_gt(overlaps, 0, "no load overlaps a compute");
    model_timing_free(&tm);
    acc_program_free(&p);
}

Test(baseline, every_program_ends_with_an_end_that_waits_for_nothing_explicit)
{
    acc_config cfg = load_config("default");
    acc_layer l = make_layer(&layers[0]);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (int s = 0; s < 2; s++) {
        acc_program p = plan_ok(s ? "double" : "serial", &l, &cfg, &mm, NULL);
        cr_assert_gt(p.count, 0);
        const acc_instr *last = &p.ins[p.count - 1];
        cr_assert_eq(last->op, ACC_OP_END);
        for (int e = 0; e < ACC_ENG_COUNT; e++)
            cr_assert_eq(last->wait[e], 0u);
        for (int i = 0; i + 1 < p.count; i++)
            cr_assert_neq(p.ins[i].op, ACC_OP_END, "END at %d before the last instruction", i);
        acc_program_free(&p);
    }
}

/* ---------------------------------------------------- sizes and traffic */

Test(baseline, tiling_bytes_match_the_buffer_sizes_worked_out_by_hand)
{
    /* 8x8, 3x3, pad 1; tile tk=4 th=4 tw=8 tc=2.  Output rows 0..3 read input
     * rows -1..4 (0..4 stored: 5 rows), rows 4..7 read 3..8 (3..7: 5 rows);
     * all 8 columns.  Activations 2*5*8 = 80, weights 2*3*3*4 = 72, results
     * 4*4*4*8 = 512 bytes: 664 per buffer set. */
    acc_layer l = simple_layer("hand", 8, 8, 3, 8, 8, 1, 1, 1);
    acc_tiling t = {4, 4, 8, 2};
    cr_assert_eq(acc_tiling_bytes(&l, &t, 1), 664u);
    cr_assert_eq(acc_tiling_bytes(&l, &t, 2), 1328u);
    /* an activation block of 3*2*3 = 18 bytes is rounded up to 20 so that the
     * int32 results that follow stay aligned: 1x1 stride 2, tile th=2 tw=3
     * (input rows 0,2 -> 3 stored, columns 0,2,4 -> 5 stored): 3*3*5 = 45 ->
     * 48; weights 3*1*1*1 = 3 -> 4; results 4*1*2*3 = 24. */
    acc_layer l2 = simple_layer("hand2", 6, 6, 1, 3, 1, 2, 0, 1);
    acc_tiling t2 = {1, 2, 3, 3};
    cr_assert_eq(acc_tiling_bytes(&l2, &t2, 1), 48u + 4u + 24u);
}

/* DRAM bytes read by a program, counted from its LOAD operands. */
static uint64_t loaded_bytes(const acc_program *p, int *loads)
{
    uint64_t b = 0;
    *loads = 0;
    for (int i = 0; i < p->count; i++)
        if (p->ins[i].op == ACC_OP_LOAD) {
            const acc_dma *d = &p->ins[i].u.dma;
            b += (uint64_t)d->n0 * d->n1 * d->n2;
            (*loads)++;
        }
    return b;
}

Test(baseline, resident_weights_and_activations_are_not_reloaded)
{
    acc_config cfg = load_config("default");
    for (int s = 0; s < 2; s++) {
        const char *strategy = s ? "double" : "serial";
        int loads;
        /* 1x1, 8x8x4 -> 4, tiles of 2 rows: 4 spatial tiles share one
         * weight block (16 bytes, loaded once); each loads its 4x2x8 = 64
         * input bytes: 16 + 256 = 272 bytes in 5 loads. */
        acc_layer a = simple_layer("wres", 8, 8, 1, 4, 4, 1, 0, 1);
        acc_memmap mma;
        acc_memmap_default(&a, &mma);
        acc_tiling ta = {4, 2, 8, 4};
        acc_program pa = plan_ok(strategy, &a, &cfg, &mma, &ta);
        cr_assert_eq(loaded_bytes(&pa, &loads), 272u, "%s", strategy);
        cr_assert_eq(loads, 5, "%s", strategy);
        check_program(&pa, &a, &cfg, &mma, strategy);
        acc_program_free(&pa);

        /* 1x1, 4x4x4 -> 8 in two k-tiles of 4: the one input block (64
         * bytes) stays for both; two weight blocks of 16: 96 bytes, 3 loads. */
        acc_layer b = simple_layer("ares", 4, 4, 1, 4, 8, 1, 0, 1);
        acc_memmap mmb;
        acc_memmap_default(&b, &mmb);
        acc_tiling tb = {4, 4, 4, 4};
        acc_program pb = plan_ok(strategy, &b, &cfg, &mmb, &tb);
        cr_assert_eq(loaded_bytes(&pb, &loads), 96u, "%s", strategy);
        cr_assert_eq(loads, 3, "%s", strategy);
        check_program(&pb, &b, &cfg, &mmb, strategy);
        acc_program_free(&pb);
    }
}

Test(baseline, outputs_are_stored_exactly_once)
{
    acc_config cfg = load_config("small");
    for (int i = 0; i < NLAYERS; i++) {
        acc_layer l = make_layer(&layers[i]);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        for (int s = 0; s < 2; s++) {
            acc_program p = plan_ok(s ? "double" : "serial", &l, &cfg, &mm, NULL);
            uint64_t written = 0;
            for (int k = 0; k < p.count; k++)
                if (p.ins[k].op == ACC_OP_STORE)
                    written += (uint64_t)p.ins[k].u.dma.n0 * p.ins[k].u.dma.n1 * p.ins[k].u.dma.n2;
            cr_assert_eq(written, 4u * (uint64_t)l.num_filter * layer_out_h(&l) * layer_out_w(&l),
                         "%s", l.name);
            acc_program_free(&p);
        }
    }
}

/* --------------------------------------------------------------- failures */

/* 15x15 filter dilated by 7 spans 99x99 input pixels: even a 1x1x1 tile needs
 * 99*99 = 9801 (9804 aligned) activation bytes + 225 (228) weight bytes + 4
 * result bytes = 10036, more than the small configuration's 4096. */
static acc_layer impossible_layer(void)
{
    shape_row r = {"huge", 120, 120, 15, 15, 16, 4, 1, 1, 0, 0, 0, 0, 7, 7, 1};
    return make_layer(&r);
}

Test(baseline, a_layer_whose_smallest_tile_does_not_fit_is_rejected_with_the_sizes)
{
    acc_config cfg = load_config("small");
    acc_layer l = impossible_layer();
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (int s = 0; s < 2; s++) {
        acc_program p;
        acc_error e;
        cr_assert_eq(acc_baseline_plan(s ? "double" : "serial", &l, &cfg, &mm, NULL, &p, &e), -1);
        cr_assert(strstr(e.msg, "layer 'huge' cannot run on config 'small': the smallest tile "
                                "needs 10036 bytes of scratchpad, the configuration has 4096"),
                  "%s", e.msg);
        acc_program_free(&p);
    }
}

Test(baseline, a_fixed_tiling_that_does_not_fit_is_rejected)
{
    acc_config cfg = load_config("small");
    acc_layer l = make_layer(&layers[10]);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_tiling t = {32, 8, 8, 64}; /* 8192 bytes of results alone */
    acc_program p;
    acc_error e;
    cr_assert_eq(acc_baseline_plan("serial", &l, &cfg, &mm, &t, &p, &e), -1);
    cr_assert(strstr(e.msg, "cannot run on config 'small'") && strstr(e.msg, "4096"), "%s", e.msg);
    acc_program_free(&p);
}

Test(baseline, a_tiling_larger_than_the_layer_is_rejected)
{
    acc_config cfg = load_config("default");
    acc_layer l = make_layer(&layers[5]); /* grouped: 3 filters, 2 channels per group */
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    const acc_tiling bad[] = {{4, 1, 1, 1}, {1, 1, 1, 3}, {1, 9, 1, 1}, {1, 1, 0, 1}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        acc_program p;
        acc_error e;
        cr_assert_eq(acc_baseline_plan("double", &l, &cfg, &mm, &bad[i], &p, &e), -1, "case %zu",
                     i);
        cr_assert(strstr(e.msg, "tiling") && strstr(e.msg, "grouped"), "%s", e.msg);
        acc_program_free(&p);
    }
}

Test(baseline, a_tiling_with_a_tile_of_only_padding_is_rejected)
{
    /* 1x1 filter, padding 2: output rows 8 and 9 read only padding rows, so
     * th = 4 makes a tile (rows 8..9) that reads no stored row */
    acc_config cfg = load_config("default");
    acc_layer l = make_layer(&layers[8]);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_tiling t = {4, 4, 10, 4};
    acc_program p;
    acc_error e;
    cr_assert_eq(acc_baseline_plan("serial", &l, &cfg, &mm, &t, &p, &e), -1);
    cr_assert(strstr(e.msg, "output rows 8..9") && strstr(e.msg, "only zero padding"), "%s", e.msg);
    acc_program_free(&p);
}

Test(baseline, an_unknown_strategy_is_rejected)
{
    acc_config cfg = load_config("default");
    acc_layer l = make_layer(&layers[0]);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p;
    acc_error e;
    cr_assert_eq(acc_baseline_plan("triple", &l, &cfg, &mm, NULL, &p, &e), -1);
    cr_assert(strstr(e.msg, "triple"), "%s", e.msg);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- the tool */

static void remove_dir(const char *dir, const char *const *files)
{
    char path[512];
    for (int i = 0; files[i]; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static double json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "JSON field '%s' missing or not a number", key);
    return v->valuedouble;
}

Test(plan_tool, writes_a_valid_annotated_schedule_and_its_summary)
{
    char dir[] = "/tmp/test_baseline_XXXXXX";
    cr_assert(mkdtemp(dir) != NULL);
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof(cmd),
             "%s/plan --layer lenet_2 --config small --planner double --out-dir %s", tu_bin_dir(),
             dir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    cr_assert(strstr(out, "lenet_2") && strstr(out, "makespan"), "summary: %s", out);

    char path[512];
    snprintf(path, sizeof(path), "%s/lenet_2.sched", dir);
    acc_program p;
    acc_sched_meta meta;
    acc_error e;
    cr_assert_eq(acc_sched_load(path, &p, &meta, &e), 0, "%s", e.msg);
    cr_assert_str_eq(meta.layer, "lenet_2");
    cr_assert_str_eq(meta.config, "small");
    cr_assert_str_eq(meta.planner, "double");
    cr_assert(meta.has_memmap);
    acc_layer l;
    cr_assert_eq(acc_layer_lookup("lenet_2", &l, &e), 0, "%s", e.msg);
    acc_config cfg = load_config("small");
    check_program(&p, &l, &cfg, &meta.memmap, "plan tool");
    model_timing tm;
    cr_assert_eq(model_run(&p, &cfg, &tm, &e), 0, "%s", e.msg);

    /* every instruction line carries the model's cycles */
    char *text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    char needle[96];
    snprintf(needle, sizeof(needle), "# issue %lld end %lld\n", (long long)tm.start[p.count - 1],
             (long long)tm.end[p.count - 1]);
    cr_assert(strstr(text, needle), "the END line lacks '%s'", needle);
    free(text);

    snprintf(path, sizeof(path), "%s/lenet_2.json", dir);
    text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    cJSON *j = cJSON_Parse(text);
    cr_assert(j != NULL, "bad JSON: %s", text);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "layer")->valuestring, "lenet_2");
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "planner")->valuestring, "double");
    cr_assert_eq((int64_t)json_num(j, "makespan"), tm.makespan);
    cr_assert_eq((int)json_num(j, "instructions"), p.count);
    cr_assert_eq((uint64_t)json_num(j, "macs"), layer_macs(&l));
    double lb = json_num(j, "lower_bound");
    cr_assert(lb > 0 && lb <= (double)tm.makespan, "lower bound %.0f, makespan %lld", lb,
              (long long)tm.makespan);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "optimal")));
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(j, "dram_bytes");
    cr_assert_eq((uint64_t)json_num(db, "read"), tm.dram_read);
    cr_assert_eq((uint64_t)json_num(db, "written"), layer_y_bytes(&l));
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(j, "baselines");
    cr_assert_eq((int64_t)json_num(bl, "double"), tm.makespan);
    cr_assert_geq((int64_t)json_num(bl, "serial"), tm.makespan);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "tiling");
    cr_assert(json_num(t, "tk") >= 1 && json_num(t, "th") >= 1 && json_num(t, "tw") >= 1 &&
              json_num(t, "tc") >= 1);
    cr_assert(json_num(j, "peak_scratchpad_bytes") <= cfg.spad_bytes);
    cJSON_Delete(j);
    free(text);
    model_timing_free(&tm);
    acc_program_free(&p);
    const char *const files[] = {"lenet_2.sched", "lenet_2.json", NULL};
    remove_dir(dir, files);
}

Test(plan_tool, an_impossible_layer_fails_and_writes_nothing)
{
    char dir[] = "/tmp/test_baseline_XXXXXX";
    cr_assert(mkdtemp(dir) != NULL);
    char csv[512], outdir[512], cmd[2048], out[8192];
    snprintf(csv, sizeof(csv), "%s/huge.csv", dir);
    snprintf(outdir, sizeof(outdir), "%s/out", dir);
    FILE *f = fopen(csv, "w");
    cr_assert(f != NULL);
    fputs("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
          "Num Filter, Strides, Dilation,\nhuge,120,120,15,15,16,4,1,7,\n",
          f);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "%s/plan --layer %s:huge --config small --out-dir %s", tu_bin_dir(),
             csv, outdir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 1, "%s", out);
    cr_assert(strstr(out, "cannot run on config 'small': the smallest tile needs 10036 bytes"),
              "%s", out);
    cr_assert_neq(access(outdir, F_OK), 0, "the output directory was created");
    const char *const files[] = {"huge.csv", NULL};
    remove_dir(dir, files);
}

Test(plan_tool, usage_errors_exit_with_status_2)
{
    char cmd[1024], out[8192];
    snprintf(cmd, sizeof(cmd), "%s/plan --config small", tu_bin_dir());
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 2, "%s", out);
    cr_assert(strstr(out, "--layer"), "%s", out);
    snprintf(cmd, sizeof(cmd), "%s/plan --layer lenet_1 --planner triple", tu_bin_dir());
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 2, "%s", out);
    cr_assert(strstr(out, "triple"), "%s", out);
}
