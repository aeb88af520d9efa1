/* test_opt_space.c - the optimizer's search space (planner/sat/opt_space.h)
 * against exhaustive enumeration: on tiny layers every choice is
 * generated, its program timed with the model (model_run), and
 *   - the choice's lower bound never exceeds its makespan (soundness);
 *   - the instruction counts, the compute engine's busy cycles and the
 *     scratchpad bytes of the formulas equal the program's, and the DMA busy
 *     cycles of the formulas do not exceed the program's;
 *   - a choice is a member exactly when it fits, fits the wait fields and
 *     is canonical;
 *   - every choice that fits but is not canonical takes exactly as long as
 *     its canonical representative (the dominance rules of
 *     docs/planner.md, "Choices that generate the same timing").
 * The tiny layers include filters cut into kernel slices of at most 2 x 2
 * taps (3x3, 5x1, 1x5), where the formulas count slices, and layers and
 * configurations (scratchpad port windows of 3 and 5 bytes) where FLAT is
 * legal for no x-tile, or for some x-tiles of a tiling and not for others
 * (the edge tiles and not the full ones, and the reverse), where the
 * compute formulas count FLAT passes.  On catalog layers the same
 * properties are checked on a seeded sample, on the small and the default
 * configurations. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "planner/opt_gen.h"
#include "planner/sat/opt_space.h"

#include "core/catalog.h"

typedef struct shape_case {
    int h, w, fh, fw, c, k, sh, sw, pt, pb, pl, pr, dh, dw, g;
    int config; /* index into configs[] */
    int kmax;   /* kernel slices of at most kmax x kmax taps; 0: 15 */
    int flat;   /* FLAT_*: what the members' programs must show */
} shape_case;

/* FLAT in the programs of a case's members: not checked, in none, in some
 * program beside COMPUTEs without it (a tiling with FLAT x-tiles and
 * others), in every COMPUTE. */
enum { FLAT_ANY, FLAT_NONE, FLAT_MIXED, FLAT_ALL };

/* COMPUTEs with and without FLAT, over the programs of a case. */
typedef struct flat_count {
    int64_t flat, row;
    int mixed; /* programs with both */
} flat_count;

/* tiny configurations: 2x2, 2x4, 2x8 and 3x16 arrays, 1 KiB scratchpad,
 * 32/64-bit bus; the last two have two banks, so the scratchpad port's
 * window (which decides whether FLAT is legal) is 9 and 17 bytes */
static const char *const configs[] = {
    "[array]\nrows = 2\ncols = 2\n[scratchpad]\nbytes = 1024\nbanks = 8\n[axi]\n"
    "data_bits = 32\n[memory]\nread_latency = 3\nwrite_latency = 2\n",
    "[array]\nrows = 2\ncols = 4\n[scratchpad]\nbytes = 1024\nbanks = 8\n[axi]\n"
    "data_bits = 64\n[memory]\nread_latency = 5\nwrite_latency = 1\n",
    "[array]\nrows = 2\ncols = 8\n[scratchpad]\nbytes = 1024\nbanks = 2\n[axi]\n"
    "data_bits = 32\n[memory]\nread_latency = 3\nwrite_latency = 2\n",
    "[array]\nrows = 3\ncols = 16\n[scratchpad]\nbytes = 1024\nbanks = 2\n[axi]\n"
    "data_bits = 64\n[memory]\nread_latency = 4\nwrite_latency = 3\n",
};

static acc_config tiny_config(int i)
{
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_parse(configs[i], "tiny.ini", &cfg, &e), 0, "%s", e.msg);
    return cfg;
}

static acc_layer make_layer(const shape_case *s)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "tiny");
    l.ifmap_h = s->h;
    l.ifmap_w = s->w;
    l.filter_h = s->fh;
    l.filter_w = s->fw;
    l.channels = s->c;
    l.num_filter = s->k;
    l.stride_h = s->sh;
    l.stride_w = s->sw;
    l.pad_top = s->pt;
    l.pad_bottom = s->pb;
    l.pad_left = s->pl;
    l.pad_right = s->pr;
    l.dil_h = s->dh;
    l.dil_w = s->dw;
    l.groups = s->g;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    return l;
}

static int next_choice(const opt_space *sp, int *idx)
{
    for (int d = 0; d < OPT_DIMS; d++) {
        if (++idx[d] < sp->dom[d])
            return 1;
        idx[d] = 0;
    }
    return 0;
}

/* Makespan of a choice's program by model_run (the program is generated
 * and run through the model; the generator's own figure must agree). */
static int64_t timed_flat(const opt_space *sp, const int *idx, opt_stats *st, flat_count *fc)
{
    opt_choice c;
    opt_space_choice(sp, idx, &c);
    acc_program p;
    acc_error e;
    int64_t m = opt_build(&sp->s, &sp->cfg, &sp->mm, &c, &p, st, &e);
    cr_assert_geq(m, 0, "%s", e.msg);
    model_timing tm;
    cr_assert_eq(model_run(&p, &sp->cfg, &tm, &e), 0, "%s", e.msg);
    cr_assert_eq(tm.makespan, m, "the generator's makespan %lld, the model's %lld", (long long)m,
                 (long long)tm.makespan);
    model_timing_free(&tm);
    if (fc) {
        int64_t nf = 0, nr = 0;
        for (int i = 0; i < p.count; i++)
            if (p.ins[i].op == ACC_OP_COMPUTE) {
                if (p.ins[i].u.cp.flat) {
                    nf++;
                    cr_assert(model_compute_flat_ok(&p.ins[i].u.cp, &sp->cfg),
                              "instruction %d: FLAT where it is not legal", i);
                } else {
                    nr++;
                }
            }
        fc->flat += nf;
        fc->row += nr;
        fc->mixed += nf > 0 && nr > 0;
    }
    acc_program_free(&p);
    return m;
}

static int64_t timed(const opt_space *sp, const int *idx, opt_stats *st)
{
    return timed_flat(sp, idx, st, NULL);
}

static void describe(const opt_space *sp, const int *idx, char *buf, size_t n)
{
    opt_choice c;
    opt_space_choice(sp, idx, &c);
    snprintf(buf, n, "%d,%d,%d,%d,%s,%d,%d,%d,%d", c.t.tk, c.t.th, c.t.tw, c.t.tc,
             opt_order_name(c.order), c.buffers[0], c.buffers[1], c.buffers[2], c.serial);
}

/* The properties of one member choice; returns its makespan. */
static int64_t check_member(const opt_space *sp, const int *idx, const opt_bounds *ub,
                            flat_count *fc)
{
    char what[96];
    describe(sp, idx, what, sizeof(what));
    opt_stats st;
    int64_t m = timed_flat(sp, idx, &st, fc);
    uint64_t lb = opt_space_eval(sp, sp->lb, idx);
    cr_assert_leq(lb, (uint64_t)m, "%s: lower bound %llu above the makespan %lld", what,
                  (unsigned long long)lb, (long long)m);
    cr_assert_leq(ub->best, m, "%s: the universal bound exceeds the makespan", what);
    cr_assert_eq(opt_space_eval(sp, sp->loads_act, idx), st.loads[0], "%s: activation loads", what);
    cr_assert_eq(opt_space_eval(sp, sp->loads_wgt, idx), st.loads[1], "%s: weight loads", what);
    cr_assert_eq(opt_space_eval(sp, sp->computes, idx), st.count[ACC_ENG_CP], "%s", what);
    cr_assert_eq(opt_space_eval(sp, sp->stores, idx), st.count[ACC_ENG_ST], "%s", what);
    cr_assert_eq(opt_space_eval(sp, sp->busy_cp, idx), (uint64_t)st.busy[ACC_ENG_CP], "%s", what);
    cr_assert_leq(opt_space_eval(sp, sp->busy_ld, idx), (uint64_t)st.busy[ACC_ENG_LD], "%s", what);
    cr_assert_leq(opt_space_eval(sp, sp->busy_st, idx), (uint64_t)st.busy[ACC_ENG_ST], "%s", what);
    return m;
}

/* 1 when every value of the choice is usable and the buffers fit. */
static int fits(const opt_space *sp, const int *idx, uint64_t *bytes)
{
    for (int d = 0; d < OPT_DIMS; d++)
        if (sp->excluded[d][idx[d]] != OPT_X_OK)
            return 0;
    opt_choice c;
    opt_space_choice(sp, idx, &c);
    opt_need z;
    int ok = opt_tiling_fits(&sp->s, &sp->cfg, &c.t, c.buffers, &z, NULL) == 0 &&
             opt_tiling_no_padding_tile(&sp->s, &c.t, &z, NULL) == 0;
    *bytes = opt_need_bytes(&z, c.buffers);
    return ok;
}

/* clang-format off */
static shape_case cases[] = {
    /*  H  W FH FW  C  K SH SW PT PB PL PR DH DW  G cfg kmax flat */
    {   3, 3, 3, 3, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, FLAT_ALL}, /* 3x3, padding */
    {   5, 5, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, FLAT_ANY}, /* stride 2, uneven */
    {   3, 3, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 0, FLAT_ANY}, /* grouped */
    {   2, 2, 1, 1, 1,16, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, FLAT_ANY}, /* 1x1, the scratchpad binds */
    {   5, 4, 3, 3, 1, 2, 1, 2, 2, 1, 2, 0, 2, 1, 1, 1, 0, FLAT_ANY}, /* dilation, asymmetric padding */
    /* kernel slices of at most 2 x 2 taps */
    {   4, 4, 3, 3, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, FLAT_ANY}, /* 3x3 in 4 slices, tc = 1 */
    {   7, 3, 5, 1, 2, 2, 2, 1, 2, 1, 0, 0, 1, 1, 1, 1, 2, FLAT_ANY}, /* 5x1 in bands, stride 2 */
    {   3,11, 1, 5, 3, 2, 1, 2, 0, 0, 2, 2, 1, 2, 1, 0, 2, FLAT_ANY}, /* 1x5 in columns, dilation 2 */
    {   4, 4, 3, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 2, FLAT_ANY}, /* 3x3 in slices, grouped */
    /* FLAT: G = sh*act_ph - own*sw, X = (own+R-2)/own, legal iff G >= 0 and
     * X*G + (R-1)*sw + 1 <= the port's window (9 bytes on config 2, 17 on 3) */
    {   3, 6, 1, 1, 2, 3, 1, 2, 0, 0, 0, 0, 1, 1, 1, 0, 0, FLAT_NONE},  /* stride 1x2: G = -1 */
    {   5, 7, 3, 3, 2, 3, 2, 1, 0, 0, 0, 0, 1, 1, 1, 2, 0, FLAT_MIXED}, /* G = own+4: edge tiles only */
    {   9, 9, 3, 3, 2, 3, 2, 1, 0, 0, 0, 0, 3, 3, 1, 3, 0, FLAT_MIXED}, /* G = own+12, own 1: X = 2: full tiles only */
    {   7, 9, 3, 3, 2, 2, 2, 1, 0, 0, 0, 0, 2, 2, 1, 2, 2, FLAT_MIXED}, /* slices: one column's G = own+4 */
};
/* clang-format on */

ParameterizedTestParameters(opt_space, every_choice_of_a_tiny_layer_is_bounded_and_counted)
{
    return cr_make_param_array(shape_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(shape_case *sc, opt_space, every_choice_of_a_tiny_layer_is_bounded_and_counted)
{
    acc_layer l = make_layer(sc);
    acc_config cfg = tiny_config(sc->config);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_space sp;
    acc_error e;
    cr_assert_eq(
        opt_space_init_kmax(&sp, &l, &cfg, &mm, 1000000, sc->kmax ? sc->kmax : OPT_KMAX, &e), 0,
        "%s", e.msg);
    if (sc->kmax)
        cr_assert_gt(sp.s.ns, 1, "the case slices its filter");
    opt_bounds ub;
    opt_universal_bounds(&l, &cfg, &ub);
    int idx[OPT_DIMS] = {0};
    int members = 0, dominated = 0, too_big = 0;
    flat_count fc = {0, 0, 0};
    do {
        uint64_t bytes = 0;
        int f = fits(&sp, idx, &bytes);
        int member = opt_space_member(&sp, idx);
        int all_valid = 1;
        for (int d = 0; d < OPT_DIMS; d++)
            all_valid &= sp.excluded[d][idx[d]] == OPT_X_OK;
        if (all_valid) {
            cr_assert_eq(opt_space_eval(&sp, sp.need, idx), bytes, "scratchpad bytes");
            cr_assert_eq(opt_space_eval(&sp, sp.fits, idx), f, "fits");
        }
        cr_assert(!member || f, "a member must fit");
        if (member) {
            members++;
            check_member(&sp, idx, &ub, &fc);
        } else if (f) {
            /* fits but is not canonical: same makespan as its representative */
            int rep[OPT_DIMS];
            memcpy(rep, idx, sizeof(rep));
            opt_space_canonical(&sp, rep);
            cr_assert(opt_space_member(&sp, rep), "the representative is a member");
            cr_assert_neq(memcmp(rep, idx, sizeof(rep)), 0,
                          "a fitting non-member is not canonical");
            opt_stats st;
            char what[96];
            describe(&sp, idx, what, sizeof(what));
            cr_assert_eq(timed(&sp, idx, &st), timed(&sp, rep, &st),
                         "%s takes another time than its representative", what);
            dominated++;
        } else if (all_valid) {
            too_big++;
        }
    } while (next_choice(&sp, idx));
    cr_assert_gt(members, 0);
    cr_assert_gt(dominated, 0, "the case exercises the dominance rules");
    if (sc->k == 16)
        cr_assert_gt(too_big, 0, "the case exercises the scratchpad limit");
    if (sc->flat == FLAT_NONE)
        cr_assert_eq(fc.flat, 0, "no FLAT COMPUTE (%lld)", (long long)fc.flat);
    if (sc->flat == FLAT_ALL)
        cr_assert_eq(fc.row, 0, "every COMPUTE FLAT (%lld without)", (long long)fc.row);
    if (sc->flat == FLAT_MIXED)
        cr_assert_gt(fc.mixed, 0, "some program has FLAT and other COMPUTEs (%lld, %lld)",
                     (long long)fc.flat, (long long)fc.row);
    opt_space_free(&sp);
}

/* Catalog layers on the shipped small and default configurations: a seeded
 * sample of members (programs of at most 3000 computes). */
Test(opt_space, sampled_choices_of_catalog_layers_are_bounded_and_counted)
{
    static const char *const layers[] = {"lenet_1",  "lenet_2",     "lenet_3",
                                         "resnet_8", "mobilenet_2", "resnet_21"};
    static const char *const cfgs[] = {"small", "default"};
    const size_t nl = sizeof(layers) / sizeof(layers[0]);
    acc_config cfg;
    acc_error e;
    acc_rng r;
    acc_rng_seed(&r, 5);
    flat_count fc = {0, 0, 0};
    for (size_t k = 0; k < 2 * nl; k++) {
        const size_t li = k % nl;
        cr_assert_eq(acc_config_load(cfgs[k / nl], &cfg, &e), 0, "%s", e.msg);
        acc_layer l;
        cr_assert_eq(acc_layer_lookup(layers[li], &l, &e), 0, "%s", e.msg);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        opt_space sp;
        cr_assert_eq(opt_space_init(&sp, &l, &cfg, &mm, 1ll << 32, &e), 0, "%s", e.msg);
        opt_bounds ub;
        opt_universal_bounds(&l, &cfg, &ub);
        int got = 0;
        for (int tries = 0; tries < 20000 && got < 12; tries++) {
            int idx[OPT_DIMS];
            for (int d = 0; d < OPT_DIMS; d++)
                idx[d] = (int)(acc_rng_next(&r) % (uint64_t)sp.dom[d]);
            if (!opt_space_member(&sp, idx) || opt_space_eval(&sp, sp.computes, idx) > 3000)
                continue;
            check_member(&sp, idx, &ub, &fc);
            got++;
        }
        cr_assert_gt(got, 0, "%s on %s: no member sampled", layers[li], cfgs[k / nl]);
        opt_space_free(&sp);
    }
    cr_assert_gt(fc.flat, 0, "the sample has FLAT COMPUTEs");
}

Test(opt_space, canonical_orders_ignore_loops_of_one_tile)
{
    const int none[OPT_LOOPS] = {0, 0, 0}, k_only[OPT_LOOPS] = {0, 1, 1};
    for (int o = 0; o < OPT_ORDER_COUNT; o++)
        cr_assert(opt_order_canonical(o, none), "every order differs when no loop is trivial");
    /* only the k loop has several tiles: every order is the same as kyx */
    cr_assert(opt_order_canonical(OPT_ORDER_KYX, k_only));
    for (int o = 1; o < OPT_ORDER_COUNT; o++)
        cr_assert_not(opt_order_canonical(o, k_only), "%s", opt_order_name(o));
    /* one y-tile: kyx, kxy, ykx all run k then x (kyx represents them);
     * yxk, xky, xyk run x then k (yxk represents them) */
    const int y_one[OPT_LOOPS] = {0, 1, 0};
    const int canonical[OPT_ORDER_COUNT] = {1, 0, 0, 1, 0, 0};
    for (int o = 0; o < OPT_ORDER_COUNT; o++)
        cr_assert_eq(opt_order_canonical(o, y_one), canonical[o], "%s", opt_order_name(o));
}

Test(opt_space, tile_sizes_outside_the_isa_are_excluded_with_their_reason)
{
    /* a 1x1 filter with padding 2: the two outer rows and columns read only
     * padding, so tiles of one or two rows at the border are excluded */
    shape_case sc = {3, 3, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 0, 0, FLAT_ANY};
    acc_layer l = make_layer(&sc);
    acc_config cfg = tiny_config(0);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_space sp;
    acc_error e;
    cr_assert_eq(opt_space_init(&sp, &l, &cfg, &mm, 1000, &e), 0, "%s", e.msg);
    cr_assert_eq(sp.dom[OPT_D_TH], 7, "7 output rows");
    /* th = 1, 2: the first tile is rows 0..th-1, only padding; th = 3..6
     * leave a last tile of padding rows (6..6, 5..6 ...) except th = 4, 7 */
    static const char want[7] = {OPT_X_PADONLY, OPT_X_PADONLY, OPT_X_PADONLY, OPT_X_OK,
                                 OPT_X_PADONLY, OPT_X_PADONLY, OPT_X_OK};
    for (int i = 0; i < 7; i++) {
        cr_assert_eq(sp.excluded[OPT_D_TH][i], want[i], "th = %d", i + 1);
        cr_assert_eq(sp.excluded[OPT_D_TW][i], want[i], "tw = %d", i + 1);
    }
    opt_space_free(&sp);
}

Test(opt_space, slices_exclude_padding_only_windows_and_wide_chunks)
{
    /* 3x3 with padding 1 in slices of 2: output row 3 (of 4) reads input
     * rows 2..4, and filter row 2 alone reads row 4, padding: th = 1 and
     * th = 3 (last tile row 3 alone) are excluded; the filter is sliced in
     * rows and columns, so chunks hold one channel */
    shape_case sc = {4, 4, 3, 3, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 2, FLAT_ANY};
    acc_layer l = make_layer(&sc);
    acc_config cfg = tiny_config(0);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_space sp;
    acc_error e;
    cr_assert_eq(opt_space_init_kmax(&sp, &l, &cfg, &mm, 1000, 2, &e), 0, "%s", e.msg);
    static const char want[4] = {OPT_X_PADONLY, OPT_X_OK, OPT_X_PADONLY, OPT_X_OK};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(sp.excluded[OPT_D_TH][i], want[i], "th = %d", i + 1);
        cr_assert_eq(sp.excluded[OPT_D_TW][i], want[i], "tw = %d", i + 1);
    }
    cr_assert_eq(sp.excluded[OPT_D_TC][0], OPT_X_OK);
    cr_assert_eq(sp.excluded[OPT_D_TC][1], OPT_X_FIELD, "tc = 2");
    opt_space_free(&sp);
    /* unsliced, the same layer has neither restriction */
    cr_assert_eq(opt_space_init(&sp, &l, &cfg, &mm, 1000, &e), 0, "%s", e.msg);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(sp.excluded[OPT_D_TH][i], OPT_X_OK, "th = %d", i + 1);
    cr_assert_eq(sp.excluded[OPT_D_TC][1], OPT_X_OK);
    opt_space_free(&sp);
}
