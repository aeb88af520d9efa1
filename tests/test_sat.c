/* test_sat.c - the optimizer (planner/sat/sat.h).  On tiny layers and
 * configurations the optimum it proves equals the minimum found by
 * exhaustive search of the same space (every point generated and timed with
 * model_run here); its schedules pass the validator, compute what
 * golden_conv computes and take exactly the claimed makespan; a layer that
 * cannot fit is refused with the sizes; the exported DIMACS query is UNSAT
 * for a fresh CaDiCaL and for the small DPLL below, becomes SAT when T is
 * the optimum, and every nogood beside it re-times to its recorded
 * makespan; a time limit returns the best schedule so far, not optimal. */
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
#include "model/model.h"
#include "planner/baseline.h"
#include "planner/sat/opt_space.h"
#include "planner/sat/sat.h"
#include "core/catalog.h"
#include "core/sched.h"
#include "model/validate.h"
#include "tests/testutil.h"

/* ------------------------------------------------------------ fixtures */

static const char *const tiny_configs[] = {
    "[array]\nrows = 2\ncols = 2\n[scratchpad]\nbytes = 1024\nbanks = 8\n[axi]\n"
    "data_bits = 32\n[memory]\nread_latency = 3\nwrite_latency = 2\n",
    "[array]\nrows = 4\ncols = 2\n[scratchpad]\nbytes = 1024\nbanks = 8\n[axi]\n"
    "data_bits = 64\n[memory]\nread_latency = 6\nwrite_latency = 1\n",
    /* two banks: a scratchpad port window of 9 bytes, FLAT only for narrow
     * windows */
    "[array]\nrows = 2\ncols = 8\n[scratchpad]\nbytes = 1024\nbanks = 2\n[axi]\n"
    "data_bits = 32\n[memory]\nread_latency = 3\nwrite_latency = 2\n",
};

static acc_config tiny_config(int i)
{
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_parse(tiny_configs[i], "tiny.ini", &cfg, &e), 0, "%s", e.msg);
    return cfg;
}

typedef struct tiny_case {
    int h, w, fh, fw, c, k, s, pad, g;
    int config;
    int kmax; /* kernel slices of at most kmax x kmax taps; 0: 15 */
} tiny_case;

/* The planner's options for a case: its slice size. */
static acc_sat_options case_options(const tiny_case *t)
{
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.kernel_max = t->kmax;
    return o;
}

static acc_layer make_layer(const tiny_case *t)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "tiny");
    l.ifmap_h = t->h;
    l.ifmap_w = t->w;
    l.filter_h = t->fh;
    l.filter_w = t->fw;
    l.channels = t->c;
    l.num_filter = t->k;
    l.stride_h = l.stride_w = t->s;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = t->pad;
    l.dil_h = l.dil_w = 1;
    l.groups = t->g;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    return l;
}

static int32_t get_i32(const uint8_t *b)
{
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

/* The program is valid, takes `claimed` cycles in the model and computes
 * golden's output on the iss. */
static void check_schedule(const acc_program *p, int64_t claimed, const acc_layer *l,
                           const acc_config *cfg, const acc_memmap *mm)
{
    acc_error e;
    acc_validation v;
    cr_assert_eq(acc_validate(p, l, cfg, mm, &v, NULL, &e), 0, "invalid: %s", v.first);
    cr_assert_leq(v.peak_live_bytes, cfg->spad_bytes);
    acc_validation_free(&v);
    model_timing tm;
    cr_assert_eq(model_run(p, cfg, &tm, &e), 0, "%s", e.msg);
    cr_assert_eq(tm.makespan, claimed, "model %lld, claimed %lld", (long long)tm.makespan,
                 (long long)claimed);
    model_timing_free(&tm);
    int8_t *x, *w;
    golden_random_operands(l, 9, &x, &w);
    acc_dram m;
    acc_dram_init(&m, mm->end);
    memcpy(m.bytes + mm->x, x, layer_x_bytes(l));
    memcpy(m.bytes + mm->w, w, layer_w_bytes(l));
    cr_assert_eq(iss_run(p, cfg, &m, NULL, &e), 0, "%s", e.msg);
    uint64_t n = layer_y_bytes(l) / 4;
    int32_t *y = malloc(n * sizeof(*y));
    golden_conv(l, x, w, y);
    for (uint64_t i = 0; i < n; i++)
        cr_assert_eq(get_i32(m.bytes + mm->y + 4 * i), y[i], "y[%llu]", (unsigned long long)i);
    free(y);
    free(x);
    free(w);
    acc_dram_free(&m);
}

/* Least makespan over every point of the space: each generated and timed
 * with model_run; *least_lb: the least lower bound of a point. */
static int64_t exhaustive_minimum(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                                  int kmax, int *points, int64_t *least_lb)
{
    opt_space sp;
    acc_error e;
    cr_assert_eq(opt_space_init_kmax(&sp, l, cfg, mm, 1 << 20, kmax ? kmax : OPT_KMAX, &e), 0, "%s",
                 e.msg);
    int idx[OPT_DIMS] = {0};
    int64_t best = -1;
    *points = 0;
    *least_lb = -1;
    for (;;) {
        if (opt_space_member(&sp, idx)) {
            int64_t lb = (int64_t)opt_space_eval(&sp, sp.lb, idx);
            if (*least_lb < 0 || lb < *least_lb)
                *least_lb = lb;
            opt_choice c;
            opt_space_choice(&sp, idx, &c);
            acc_program p;
            cr_assert_geq(opt_build(&sp.s, cfg, mm, &c, &p, NULL, &e), 0, "%s", e.msg);
            model_timing tm;
            cr_assert_eq(model_run(&p, cfg, &tm, &e), 0, "%s", e.msg);
            if (best < 0 || tm.makespan < best)
                best = tm.makespan;
            model_timing_free(&tm);
            acc_program_free(&p);
            (*points)++;
        }
        int d = 0;
        while (d < OPT_DIMS && ++idx[d] == sp.dom[d])
            idx[d++] = 0;
        if (d == OPT_DIMS)
            break;
    }
    opt_space_free(&sp);
    return best;
}

/* ------------------------------------------- optimum against exhaustive */

/* clang-format off */
static tiny_case cases[] = {
    /* H  W FH FW  C  K  S pad G cfg kmax */
    {  3, 3, 3, 3, 2, 3, 1, 1, 1, 0, 0},  /* 3x3 with padding */
    {  5, 5, 3, 3, 2, 2, 2, 1, 1, 1, 0},  /* stride 2, uneven tiles */
    {  4, 4, 3, 3, 4, 4, 1, 1, 2, 0, 0},  /* grouped */
    {  2, 3, 1, 1, 3, 8, 1, 0, 1, 1, 0},  /* 1x1, the scratchpad binds */
    {  4, 3, 2, 3, 1, 3, 1, 0, 1, 0, 0},  /* rectangular filter */
    {  4, 4, 3, 3, 2, 3, 1, 1, 1, 0, 2},  /* 3x3 in slices of 2x2, padding */
    {  7, 3, 5, 1, 2, 2, 2, 0, 1, 1, 2},  /* 5x1 in bands, stride 2 */
    {  3, 8, 1, 5, 2, 3, 1, 0, 1, 0, 2},  /* 1x5 in columns */
    /* FLAT legal for x-tiles of at most 2 (3 in slices) output columns */
    {  9, 9, 3, 3, 2, 3, 2, 0, 1, 2, 0},  /* stride 2: FLAT and other x-tiles */
    {  9, 9, 3, 3, 2, 2, 2, 0, 1, 2, 2},  /* the same in slices of 2x2 */
};
/* clang-format on */

ParameterizedTestParameters(sat, the_proven_optimum_is_the_exhaustive_minimum)
{
    return cr_make_param_array(tiny_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(tiny_case *tc, sat, the_proven_optimum_is_the_exhaustive_minimum)
{
    acc_layer l = make_layer(tc);
    acc_config cfg = tiny_config(tc->config);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_sat_result r;
    acc_error e;
    acc_sat_options o = case_options(tc);
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, &o, &r, &e), 0, "%s", e.msg);
    cr_assert(r.optimal, "proven optimal");
    int points;
    int64_t least_lb;
    int64_t best = exhaustive_minimum(&l, &cfg, &mm, tc->kmax, &points, &least_lb);
    cr_assert_gt(points, 100, "a space worth searching (%d points)", points);
    cr_assert_eq(r.makespan, best, "sat %lld, exhaustive minimum %lld over %d points",
                 (long long)r.makespan, (long long)best, points);
    cr_assert_eq(r.space_bound, least_lb,
                 "the space bound read from the proof is the least bound of a point");
    cr_assert_eq(r.proven_bound, r.makespan);
    cr_assert_leq(r.lower_bound, r.makespan);
    cr_assert_leq(r.makespan, r.double_makespan, "never worse than the baselines");
    cr_assert_leq(r.makespan, r.serial_makespan);
    check_schedule(&r.program, r.makespan, &l, &cfg, &mm);
    acc_sat_result_free(&r);
}

/* --------------------------------------------------------- catalog layers */

Test(sat, catalog_schedules_are_valid_correct_and_take_the_claimed_time)
{
    static const char *const layers[] = {"lenet_1", "lenet_2", "lenet_5"};
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
        acc_layer l;
        cr_assert_eq(acc_layer_lookup(layers[i], &l, &e), 0, "%s", e.msg);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        acc_sat_result r;
        cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, NULL, &r, &e), 0, "%s", e.msg);
        cr_assert(r.optimal, "%s", layers[i]);
        cr_assert_leq(r.makespan, r.double_makespan, "%s", layers[i]);
        cr_assert_geq(r.makespan, r.universal.best, "%s", layers[i]);
        check_schedule(&r.program, r.makespan, &l, &cfg, &mm);
        acc_sat_result_free(&r);
    }
}

/* FLAT on the shipped configurations: a tiling whose inner x-tiles are too
 * wide for FLAT (3x3, stride 2, padding 1: the reach 2*own + 2 + (R-1)*2 + 1
 * exceeds the port's window for own > 10 on small, own > 40 on default)
 * and whose border tiles (windows clipped by the padding) and narrow edge
 * tile are not; the sat planner's best schedule of that tiling (and, with
 * slices of 2x2, of a sliced filter) is valid, computes golden's outputs on
 * the iss, takes its claimed makespan and has FLAT COMPUTEs beside others:
 * without slices exactly those for which FLAT is legal, with slices those
 * of the x-tiles where it is legal for every slice column. */
static const char *const flat_configs[] = {"small", "default"};

typedef struct flat_case {
    int config; /* flat_configs[] */
    int hw, kmax;
    acc_tiling t;
} flat_case;

ParameterizedTestParameters(sat, tilings_with_and_without_flat_x_tiles_are_correct)
{
    static flat_case fcases[] = {
        {0, 47, 0, {4, 3, 11, 2}}, /* small: x-tiles of 11, 11 (no FLAT), 2 */
        {0,
         47,
         2,
         {4, 3, 12, 1}}, /* slices: x-tiles of 12 (clipped: FLAT) and 12 (one column too wide) */
        {1, 169, 0, {4, 2, 41, 2}}, /* default: x-tiles of 41, 41 (no FLAT), 3 */
    };
    return cr_make_param_array(flat_case, fcases, sizeof(fcases) / sizeof(fcases[0]));
}

ParameterizedTest(flat_case *fc, sat, tilings_with_and_without_flat_x_tiles_are_correct)
{
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_load(flat_configs[fc->config], &cfg, &e), 0, "%s", e.msg);
    acc_layer l = tu_flat_layer(fc->hw);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.tiling = &fc->t;
    o.kernel_max = fc->kmax;
    acc_sat_result r;
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, &o, &r, &e), 0, "%s", e.msg);
    cr_assert(r.optimal, "proven optimal within the tiling");
    int flat = 0, row = 0, legal_row = 0;
    for (int i = 0; i < r.program.count; i++) {
        const acc_instr *in = &r.program.ins[i];
        if (in->op != ACC_OP_COMPUTE)
            continue;
        const int ok = model_compute_flat_ok(&in->u.cp, &cfg);
        cr_assert(ok || !in->u.cp.flat, "instruction %d: FLAT where it is illegal", i);
        if (fc->kmax == 0)
            cr_assert_eq(in->u.cp.flat, ok, "instruction %d: FLAT wherever it is legal", i);
        legal_row += ok && !in->u.cp.flat;
        if (in->u.cp.flat)
            flat++;
        else
            row++;
    }
    cr_assert(flat > 0 && row > 0, "FLAT and other COMPUTEs (%d, %d)", flat, row);
    if (fc->kmax)
        cr_assert_gt(legal_row, 0,
                     "FLAT is a property of the x-tile: a slice column where it "
                     "is legal goes without it when another column's is not");
    check_schedule(&r.program, r.makespan, &l, &cfg, &mm);
    acc_sat_result_free(&r);
}

/* Makespan of a baseline's schedule of a layer, by the model; -1 when the
 * layer cannot run on the configuration. */
static int64_t baseline_makespan(const char *strategy, const acc_layer *l, const acc_config *cfg,
                                 const acc_memmap *mm, opt_choice *choice)
{
    acc_program p;
    acc_error e;
    if (acc_baseline_plan_choice(strategy, l, cfg, mm, NULL, &p, choice, &e) != 0)
        return -1;
    model_timing tm;
    cr_assert_eq(model_run(&p, cfg, &tm, &e), 0, "%s", e.msg);
    int64_t m = tm.makespan;
    model_timing_free(&tm);
    acc_program_free(&p);
    return m;
}

/* The universal bounds (model_layer_bound among them) hold for every valid
 * schedule: here the serial and double baselines of every layer of
 * ResNet-18, MobileNetV2 and LeNet-5 on the default and small
 * configurations, and the sat planner's shortest schedule with the double
 * baseline's tiling (acc_sat_options.tiling keeps the search short).  The
 * other networks take minutes; `planbench --net NET` checks their proven
 * schedules against the same bounds (its ms/univ column). */
Test(sat, no_catalog_schedule_beats_the_universal_bounds, .timeout = 600)
{
    static const char *const cfgs[] = {"default", "small"};
    static const char *const nets[] = {"resnet", "mobilenet", "lenet"};
    int planned = 0;
    for (size_t ci = 0; ci < sizeof(cfgs) / sizeof(cfgs[0]); ci++) {
        acc_config cfg;
        acc_error e;
        cr_assert_eq(acc_config_load(cfgs[ci], &cfg, &e), 0, "%s", e.msg);
        for (size_t n = 0; n < sizeof(nets) / sizeof(nets[0]); n++) {
            acc_layer_list list;
            cr_assert_eq(acc_catalog_net(nets[n], &list, &e), 0, "%s", e.msg);
            for (int i = 0; i < list.count; i++) {
                const acc_layer *l = &list.items[i];
                acc_memmap mm;
                acc_memmap_default(l, &mm);
                opt_bounds ub;
                opt_universal_bounds(l, &cfg, &ub);
                cr_assert_eq(ub.array, model_layer_bound(l, &cfg));
                cr_assert_geq(ub.best, ub.array);
                opt_choice dc;
                int64_t m[3] = {baseline_makespan("double", l, &cfg, &mm, &dc),
                                baseline_makespan("serial", l, &cfg, &mm, NULL), -1};
                if (m[0] < 0)
                    continue; /* cannot run on this configuration */
                planned++;
                {
                    acc_sat_options o;
                    memset(&o, 0, sizeof(o));
                    o.tiling = &dc.t;
                    acc_sat_result r;
                    cr_assert_eq(acc_sat_plan(l, &cfg, &mm, &o, &r, &e), 0, "%s", e.msg);
                    model_timing tm;
                    cr_assert_eq(model_run(&r.program, &cfg, &tm, &e), 0, "%s", e.msg);
                    cr_assert_eq(tm.makespan, r.makespan, "%s on %s", l->name, cfg.name);
                    cr_assert_leq(r.makespan, m[0], "%s on %s", l->name, cfg.name);
                    model_timing_free(&tm);
                    m[2] = r.makespan;
                    acc_sat_result_free(&r);
                }
                for (int k = 0; k < 3; k++)
                    cr_assert(m[k] < 0 || m[k] >= ub.best,
                              "%s on %s: %s makespan %lld below the universal bound %lld "
                              "(array %lld)",
                              l->name, cfg.name,
                              k == 0   ? "double"
                              : k == 1 ? "serial"
                                       : "sat",
                              (long long)m[k], (long long)ub.best, (long long)ub.array);
            }
            acc_layer_list_free(&list);
        }
    }
    cr_assert_gt(planned, 100, "the layers run on both configurations");
}

Test(sat, the_same_input_gives_the_same_schedule)
{
    acc_config cfg;
    acc_layer l;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_layer_lookup("lenet_2", &l, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_sat_result a, b;
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, NULL, &a, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, NULL, &b, &e), 0, "%s", e.msg);
    cr_assert_eq(a.program.count, b.program.count);
    size_t na, nb;
    uint8_t *ea = acc_program_encode(&a.program, &na), *eb = acc_program_encode(&b.program, &nb);
    cr_assert(na == nb && memcmp(ea, eb, na) == 0, "identical programs");
    cr_assert_eq(a.sat_calls, b.sat_calls);
    cr_assert_eq(a.evaluations, b.evaluations);
    free(ea);
    free(eb);
    acc_sat_result_free(&a);
    acc_sat_result_free(&b);
}

Test(sat, a_layer_that_cannot_fit_is_refused_with_the_sizes)
{
    acc_layer_list list;
    acc_error e;
    cr_assert_eq(acc_layer_csv_parse("Layer name, IFMAP Height, IFMAP Width, Filter Height, "
                                     "Filter Width, Channels, Num Filter, Strides, Dilation,\n"
                                     "huge,120,120,15,15,16,4,1,7,\n",
                                     "huge.csv", NULL, &list, &e),
                 0, "%s", e.msg);
    acc_config cfg;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&list.items[0], &mm);
    acc_sat_result r;
    cr_assert_eq(acc_sat_plan(&list.items[0], &cfg, &mm, NULL, &r, &e), -1);
    cr_assert(strstr(e.msg, "cannot run on config 'small': the smallest tile needs 10036 bytes"),
              "%s", e.msg);
    acc_layer_list_free(&list);
}

Test(sat, a_budget_returns_the_best_schedule_so_far_unproven)
{
    acc_config cfg;
    acc_layer l;
    acc_error e;
    cr_assert_eq(acc_config_load("default", &cfg, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_layer_lookup("resnet_12", &l, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.budget = 1; /* the search stops after timing its first schedule (10 units), in
                     the sweep of the best baseline's tk, before any solver call */
    acc_sat_result r;
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, &o, &r, &e), 0, "%s", e.msg);
    cr_assert_not(r.optimal);
    cr_assert_eq(r.budget, 1);
    cr_assert_geq(r.work, 1, "it stopped because the work reached the budget");
    cr_assert_eq(r.work, 2 * ACC_SAT_EVAL_WORK, "two schedules timed, no conflict");
    cr_assert_eq(r.sat_calls, 0);
    cr_assert_eq(r.evaluations, 2, "one point of the sweep, then the returned schedule");
    cr_assert_leq(r.space_bound, r.makespan);
    cr_assert_eq(r.lower_bound, acc_max64(r.universal.best, r.space_bound));
    cr_assert_eq(r.proven_bound, r.lower_bound);
    cr_assert_gt(r.makespan - r.proven_bound, 0, "a gap remains");
    cr_assert_lt(r.makespan,
                 r.double_makespan < r.serial_makespan ? r.double_makespan : r.serial_makespan,
                 "the one point timed beats the better baseline and is the best so far");
    cr_assert_gt(r.program.count, 0);
    acc_sat_result_free(&r);
}

/* Plans l on cfg with a budget (0: none). */
static void plan_with(const acc_layer *l, const acc_config *cfg, int64_t budget, acc_sat_result *r)
{
    acc_memmap mm;
    acc_memmap_default(l, &mm);
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.budget = budget;
    acc_error e;
    cr_assert_eq(acc_sat_plan(l, cfg, &mm, &o, r, &e), 0, "%s", e.msg);
}

/* The two results are the same search: program bytes, claim and figures. */
static void assert_same_search(const acc_sat_result *a, const acc_sat_result *b, const char *what)
{
    cr_assert_eq(a->makespan, b->makespan, "%s: makespan", what);
    cr_assert_eq(a->optimal, b->optimal, "%s: optimal", what);
    cr_assert_eq(a->space_bound, b->space_bound, "%s: space bound", what);
    cr_assert_eq(a->work, b->work, "%s: work", what);
    cr_assert_eq(a->conflicts, b->conflicts, "%s: conflicts", what);
    cr_assert_eq(a->evaluations, b->evaluations, "%s: evaluations", what);
    cr_assert_eq(a->nogoods, b->nogoods, "%s: nogoods", what);
    cr_assert_eq(a->sat_calls, b->sat_calls, "%s: solver calls", what);
    cr_assert_eq(a->program.count, b->program.count, "%s: program length", what);
    cr_assert(memcmp(a->program.ins, b->program.ins,
                     (size_t)a->program.count * sizeof(a->program.ins[0])) == 0,
              "%s: the programs differ", what);
    cr_assert(memcmp(&a->choice, &b->choice, sizeof(a->choice)) == 0, "%s: choice", what);
}

Test(sat, the_same_shape_planned_twice_and_renamed_gives_the_same_schedule)
{
    acc_config cfg;
    acc_layer l;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_layer_lookup("lenet_2", &l, &e), 0, "%s", e.msg);
    acc_sat_result a, b, c;
    plan_with(&l, &cfg, 0, &a);
    cr_assert(a.optimal);
    plan_with(&l, &cfg, 0, &b);
    assert_same_search(&a, &b, "planned twice");
    acc_layer twin = l;
    snprintf(twin.name, sizeof(twin.name), "another_name");
    plan_with(&twin, &cfg, ACC_SAT_BUDGET_DEFAULT, &c);
    assert_same_search(&a, &c, "renamed, with the default budget");
    acc_sat_result_free(&a);
    acc_sat_result_free(&b);
    acc_sat_result_free(&c);
}

Test(sat, an_exhausted_budget_gives_the_same_unproven_result_every_time)
{
    acc_config cfg;
    acc_layer l;
    acc_error e;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_layer_lookup("lenet_2", &l, &e), 0, "%s", e.msg);
    acc_sat_result full, a, b;
    plan_with(&l, &cfg, 0, &full);
    cr_assert(full.optimal);
    cr_assert_eq(full.budget, 0);
    cr_assert_eq(full.work, full.conflicts + ACC_SAT_EVAL_WORK * (int64_t)full.evaluations,
                 "work: conflicts and timed schedules");
    cr_assert_gt(full.work, 20, "a search long enough to cut");
    const int64_t half = full.work / 2;
    plan_with(&l, &cfg, half, &a);
    plan_with(&l, &cfg, half, &b);
    cr_assert_not(a.optimal, "half the work proves nothing");
    cr_assert_geq(a.work, half, "it stopped at the budget");
    cr_assert_lt(a.work, full.work);
    cr_assert_geq(a.makespan, full.makespan);
    cr_assert_leq(a.space_bound, full.space_bound, "the interval bound is below the least bound");
    assert_same_search(&a, &b, "the same budget twice");
    acc_sat_result_free(&full);
    acc_sat_result_free(&a);
    acc_sat_result_free(&b);
}

/* ------------------------------------------------------------ certificate */

/* A small DPLL (unit propagation with two watched literals, chronological
 * backtracking, the lowest unassigned variable first), independent of
 * CaDiCaL.  Returns 10 or 20. */
typedef struct dpll {
    int nvars, ncl;
    int **cl;
    int *len;
    int **watch; /* per literal (2*var + neg): clause indices */
    int *nw, *cw;
    signed char *val; /* per variable */
    int *trail, ntrail, qhead;
    int *dec, *flipped, ndec; /* trail positions of decisions */
} dpll;

static int lit_index(int l)
{
    return 2 * abs(l) + (l < 0);
}
static int value(const dpll *d, int l)
{
    return l > 0 ? d->val[l] : -d->val[-l];
}

static void watch(dpll *d, int l, int c)
{
    int i = lit_index(l);
    if (d->nw[i] == d->cw[i]) {
        d->cw[i] = d->cw[i] ? 2 * d->cw[i] : 4;
        d->watch[i] = realloc(d->watch[i], (size_t)d->cw[i] * sizeof(int));
    }
    d->watch[i][d->nw[i]++] = c;
}

static void assign(dpll *d, int l)
{
    d->val[abs(l)] = l > 0 ? 1 : -1;
    d->trail[d->ntrail++] = l;
}

/* Returns 0, or -1 on a conflict. */
static int dpll_propagate(dpll *d)
{
    while (d->qhead < d->ntrail) {
        int f = -d->trail[d->qhead++]; /* the literal that became false */
        int wi = lit_index(f);
        for (int k = 0; k < d->nw[wi];) {
            int c = d->watch[wi][k];
            int *cl = d->cl[c];
            if (cl[0] == f) { /* keep the false watch in slot 1 */
                cl[0] = cl[1];
                cl[1] = f;
            }
            if (value(d, cl[0]) > 0) {
                k++;
                continue;
            }
            int moved = 0;
            for (int j = 2; j < d->len[c]; j++)
                if (value(d, cl[j]) >= 0) {
                    cl[1] = cl[j];
                    cl[j] = f;
                    watch(d, cl[1], c);
                    d->watch[wi][k] = d->watch[wi][--d->nw[wi]];
                    moved = 1;
                    break;
                }
            if (moved)
                continue;
            if (value(d, cl[0]) < 0)
                return -1;
            assign(d, cl[0]);
            k++;
        }
    }
    return 0;
}

static int dpll_solve(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert(f != NULL, "%s", path);
    dpll d;
    memset(&d, 0, sizeof(d));
    char line[4096];
    int *buf = malloc(64 * sizeof(int)), n = 0, cap = 64, ccap = 0, units_conflict = 0;
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == 'c')
            continue;
        if (line[0] == 'p') {
            cr_assert_eq(sscanf(line, "p cnf %d %d", &d.nvars, &ccap), 2);
            d.cl = calloc((size_t)ccap, sizeof(int *));
            d.len = calloc((size_t)ccap, sizeof(int));
            d.watch = calloc(2 * (size_t)d.nvars + 2, sizeof(int *));
            d.nw = calloc(2 * (size_t)d.nvars + 2, sizeof(int));
            d.cw = calloc(2 * (size_t)d.nvars + 2, sizeof(int));
            d.val = calloc((size_t)d.nvars + 1, 1);
            d.trail = malloc(((size_t)d.nvars + 1) * sizeof(int));
            d.dec = malloc(((size_t)d.nvars + 1) * sizeof(int));
            d.flipped = malloc(((size_t)d.nvars + 1) * sizeof(int));
            continue;
        }
        for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
            int v = atoi(p);
            if (v != 0) {
                if (n == cap)
                    buf = realloc(buf, (size_t)(cap *= 2) * sizeof(int));
                buf[n++] = v;
                continue;
            }
            cr_assert_lt(d.ncl, ccap);
            int c = d.ncl++;
            d.cl[c] = malloc(((size_t)n + 1) * sizeof(int));
            memcpy(d.cl[c], buf, (size_t)n * sizeof(int));
            d.len[c] = n;
            if (n == 0)
                units_conflict = 1;
            else if (n == 1) {
                if (value(&d, buf[0]) < 0)
                    units_conflict = 1;
                else if (value(&d, buf[0]) == 0)
                    assign(&d, buf[0]);
            } else {
                watch(&d, buf[0], c);
                watch(&d, buf[1], c);
            }
            n = 0;
        }
    }
    fclose(f);
    free(buf);
    int result = 20;
    if (!units_conflict) {
        int next = 1;
        for (;;) {
            if (dpll_propagate(&d) != 0) {
                /* backtrack to the last decision not yet flipped */
                while (d.ndec > 0 && d.flipped[d.ndec - 1])
                    d.ndec--;
                if (d.ndec == 0)
                    break;
                int pos = d.dec[d.ndec - 1], l = d.trail[pos];
                while (d.ntrail > pos)
                    d.val[abs(d.trail[--d.ntrail])] = 0;
                d.qhead = d.ntrail;
                d.flipped[d.ndec - 1] = 1;
                assign(&d, -l);
                next = 1;
                continue;
            }
            while (next <= d.nvars && d.val[next] != 0)
                next++;
            if (next > d.nvars) {
                result = 10;
                break;
            }
            d.dec[d.ndec] = d.ntrail;
            d.flipped[d.ndec++] = 0;
            assign(&d, next);
        }
    }
    for (int c = 0; c < d.ncl; c++)
        free(d.cl[c]);
    for (int i = 0; i < 2 * d.nvars + 2; i++)
        free(d.watch[i]);
    free(d.cl);
    free(d.len);
    free(d.watch);
    free(d.nw);
    free(d.cw);
    free(d.val);
    free(d.trail);
    free(d.dec);
    free(d.flipped);
    return result;
}

/* Rewrites the DIMACS file for another T, without its implied unit
 * clauses and its nogoods (the groups between the encoding and the unit
 * clauses of T, whose sizes the header gives), and returns the new file's
 * path (static buffer). */
static const char *with_bound(const char *path, int64_t T)
{
    char *text = acc_read_file(path, NULL, NULL);
    cr_assert(text != NULL);
    const char *mark = strstr(text, "After the encoding come ");
    cr_assert(mark != NULL);
    int units = 0, nogoods = 0, tw = 0;
    cr_assert_eq(sscanf(mark, "After the encoding come %d implied clauses", &units), 1);
    const char *m2 = strstr(mark, "then the ");
    cr_assert(m2 && sscanf(m2, "then the %d nogood", &nogoods) == 1);
    const char *m3 = strstr(m2 + 9, "then the ");
    cr_assert(m3 && sscanf(m3, "then the %d unit clauses", &tw) == 1);
    cr_assert_gt(tw, 0);
    /* lines from the end: tw units of T, nogoods, implied units */
    char *p = text + strlen(text), *tlines = NULL;
    for (int k = 0; k < tw + nogoods + units; k++) {
        do
            p--;
        while (p > text && p[-1] != '\n');
        if (k == tw - 1)
            tlines = p;
    }
    static char out[600];
    snprintf(out, sizeof(out), "%s.T", path);
    FILE *f = fopen(out, "w");
    cr_assert(f != NULL);
    char *hdr = strstr(text, "p cnf ");
    cr_assert(hdr != NULL && hdr < p);
    int vars = 0, clauses = 0;
    cr_assert_eq(sscanf(hdr, "p cnf %d %d", &vars, &clauses), 2);
    fprintf(f, "p cnf %d %d\n", vars, clauses - nogoods - units);
    char *body = strchr(hdr, '\n') + 1;
    fwrite(body, 1, (size_t)(p - body), f);
    char *q = tlines;
    for (int j = 0; j < tw; j++) {
        int var = abs(atoi(q));
        fprintf(f, "%d 0\n", ((uint64_t)T >> j) & 1 ? var : -var);
        q = strchr(q, '\n') + 1;
    }
    fclose(f);
    free(text);
    return out;
}

typedef struct cert_case {
    tiny_case t;
    int dpll; /* small enough for the DPLL */
} cert_case;

ParameterizedTestParameters(sat, the_exported_query_certifies_optimality)
{
    static cert_case ps[] = {
        {{2, 2, 1, 1, 1, 2, 1, 0, 1, 0, 0}, 1},
        {{1, 2, 1, 1, 2, 2, 1, 0, 1, 1, 0}, 1},
        {{3, 3, 3, 3, 2, 3, 1, 1, 1, 0, 0}, 0},
        {{2, 4, 1, 3, 1, 2, 1, 0, 1, 0, 2}, 0}, /* 1x3 in columns of 2 and 1 */
    };
    return cr_make_param_array(cert_case, ps, sizeof(ps) / sizeof(ps[0]));
}

/* Rewrites the DIMACS file without its implied clauses (the group after
 * the encoding), keeping the nogoods and the unit clauses of T, and returns
 * the new file's path (static buffer). */
static const char *without_implied(const char *path)
{
    char *text = acc_read_file(path, NULL, NULL);
    cr_assert(text != NULL);
    const char *mark = strstr(text, "After the encoding come ");
    cr_assert(mark != NULL);
    int units = 0, nogoods = 0, tw = 0;
    cr_assert_eq(sscanf(mark, "After the encoding come %d implied clauses", &units), 1);
    const char *m2 = strstr(mark, "then the ");
    cr_assert(m2 && sscanf(m2, "then the %d nogood", &nogoods) == 1);
    const char *m3 = strstr(m2 + 9, "then the ");
    cr_assert(m3 && sscanf(m3, "then the %d unit clauses", &tw) == 1);
    /* lines from the end: tw units of T and the nogoods (kept), the implied
     * clauses (dropped) */
    char *p = text + strlen(text), *keep = NULL;
    for (int k = 0; k < tw + nogoods + units; k++) {
        do
            p--;
        while (p > text && p[-1] != '\n');
        if (k == tw + nogoods - 1)
            keep = p;
    }
    static char out[600];
    snprintf(out, sizeof(out), "%s.noimplied", path);
    FILE *f = fopen(out, "w");
    cr_assert(f != NULL);
    char *hdr = strstr(text, "p cnf ");
    cr_assert(hdr != NULL && hdr < p);
    int vars = 0, clauses = 0;
    cr_assert_eq(sscanf(hdr, "p cnf %d %d", &vars, &clauses), 2);
    fprintf(f, "p cnf %d %d\n", vars, clauses - units);
    char *body = strchr(hdr, '\n') + 1;
    fwrite(body, 1, (size_t)(p - body), f);
    fputs(keep ? keep : "", f);
    fclose(f);
    free(text);
    return out;
}

typedef struct catalog_cert {
    char layer[16], config[16]; /* arrays: the parameters are copied into the test's process */
} catalog_cert;

ParameterizedTestParameters(sat, catalog_certificates_exclude_every_point_up_to_t)
{
    static catalog_cert ps[] = {
        {"lenet_1", "default"}, {"lenet_2", "default"}, {"lenet_3", "default"},
        {"lenet_4", "default"}, {"lenet_1", "small"},   {"lenet_5", "small"},
    };
    return cr_make_param_array(catalog_cert, ps, sizeof(ps) / sizeof(ps[0]));
}

/* Catalog layers whose search improves the best within a sweep and ends
 * with the best's tk swept: the best schedules found on the way, the final
 * one among them, are points with a bound <= T that no later sweep times
 * again, so the certificate must carry their nogoods or a fresh solver
 * finds it satisfiable (each of these layers did, before it did). */
/* Plans a catalog layer with its certificate written to tu_tmpdir/q.cnf,
 * proven optimal, and checks that a fresh CaDiCaL finds the certificate
 * unsatisfiable. */
static void plan_and_certify(const char *layer, const char *config, acc_sat_result *r)
{
    acc_config cfg;
    acc_layer l;
    acc_error e;
    cr_assert_eq(acc_config_load(config, &cfg, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_layer_lookup(layer, &l, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    char path[128];
    snprintf(path, sizeof(path), "%s/q.cnf", tu_tmpdir);
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.dimacs_path = path;
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, &o, r, &e), 0, "%s", e.msg);
    cr_assert(r->optimal && r->dimacs_written, "%s on %s", layer, config);
    cr_assert_eq(acc_sat_solve_dimacs(path, &e), 20, "%s on %s: %s", layer, config, e.msg);
}

ParameterizedTest(catalog_cert *cc, sat, catalog_certificates_exclude_every_point_up_to_t,
                  .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    acc_sat_result r;
    plan_and_certify(cc->layer, cc->config, &r);
    acc_sat_result_free(&r);
}

/* resnet_3 (compute-bound: the baseline's best is within 0.01% of the
 * optimum) has few members near the optimum: the sweeps before the first
 * query (ACC_SAT_PRESWEEP_STEPS) reach every live tk, so the one solver
 * query is refuted by the units "not tk" without a conflict (sat-8 took
 * about 8,200); its certificate, which has no such units, is still
 * unsatisfiable for a fresh solver. */
Test(sat, a_complete_presweep_leaves_the_solver_no_conflict, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    acc_sat_result r;
    plan_and_certify("resnet_3", "default", &r);
    cr_assert_eq(r.sat_calls, 1);
    cr_assert_eq(r.conflicts, 0, "%lld conflicts", (long long)r.conflicts);
    cr_assert_eq(r.work, (int64_t)r.evaluations * ACC_SAT_EVAL_WORK);
    acc_sat_result_free(&r);
}

ParameterizedTest(cert_case *cc, sat, the_exported_query_certifies_optimality,
                  .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    acc_layer l = make_layer(&cc->t);
    acc_config cfg = tiny_config(cc->t.config);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    char path[128];
    snprintf(path, sizeof(path), "%s/q.cnf", tu_tmpdir);
    acc_sat_options o = case_options(&cc->t);
    o.dimacs_path = path;
    acc_sat_result r;
    acc_error e;
    cr_assert_eq(acc_sat_plan(&l, &cfg, &mm, &o, &r, &e), 0, "%s", e.msg);
    cr_assert(r.optimal && r.dimacs_written);

    /* UNSAT at T = optimum - 1, for CaDiCaL and for the DPLL */
    cr_assert_eq(acc_sat_solve_dimacs(path, &e), 20, "%s", e.msg);
    if (cc->dpll)
        cr_assert_eq(dpll_solve(path), 20);
    /* the implied clauses (interval reasoning) only help: without them the
     * query is still UNSAT */
    cr_assert_eq(acc_sat_solve_dimacs(without_implied(path), &e), 20, "%s", e.msg);
    /* not vacuous: the encoding alone (without implied units and nogoods) is
     * SAT exactly from the space's least lower bound on */
    cr_assert_gt(r.space_bound, 0);
    const char *q = with_bound(path, r.space_bound);
    cr_assert_eq(acc_sat_solve_dimacs(q, &e), 10, "%s", e.msg);
    if (cc->dpll)
        cr_assert_eq(dpll_solve(q), 10);
    q = with_bound(path, r.space_bound - 1);
    cr_assert_eq(acc_sat_solve_dimacs(q, &e), 20, "%s", e.msg);

    /* every nogood re-times to its makespan, above T */
    char npath[160];
    snprintf(npath, sizeof(npath), "%s.nogoods", path);
    FILE *f = fopen(npath, "r");
    cr_assert(f != NULL);
    char line[512];
    int nogoods = 0;
    opt_shape s;
    opt_shape_init_kmax(&s, &l, cc->t.kmax ? cc->t.kmax : OPT_KMAX);
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#')
            continue;
        opt_choice c;
        char order[8];
        long long ms;
        memset(&c, 0, sizeof(c));
        cr_assert_eq(sscanf(line, "%d %d %d %d %7s %d %d %d %d %lld", &c.t.tk, &c.t.th, &c.t.tw,
                            &c.t.tc, order, &c.buffers[0], &c.buffers[1], &c.buffers[2], &c.serial,
                            &ms),
                     10, "%s", line);
        c.order = -1;
        for (int k = 0; k < OPT_ORDER_COUNT; k++)
            if (strcmp(order, opt_order_name(k)) == 0)
                c.order = k;
        cr_assert_geq(c.order, 0);
        acc_program p;
        int64_t m = opt_build(&s, &cfg, &mm, &c, &p, NULL, &e);
        model_timing tm;
        cr_assert_eq(model_run(&p, &cfg, &tm, &e), 0, "%s", e.msg);
        cr_assert_eq(tm.makespan, ms, "nogood %s re-times to %lld", line, (long long)tm.makespan);
        cr_assert_eq(m, ms);
        cr_assert_geq(ms, r.makespan, "a nogood is never better than the optimum");
        cr_assert_gt(ms, r.makespan - 1, "every nogood exceeds T");
        model_timing_free(&tm);
        acc_program_free(&p);
        nogoods++;
    }
    fclose(f);
    cr_assert_eq(nogoods, r.nogoods);
    opt_shape_free(&s);
    acc_sat_result_free(&r);
}

/* ------------------------------------------------------------- plan tool */

static cJSON *load_json(const char *path)
{
    char *text = acc_read_file(path, NULL, NULL);
    cr_assert(text != NULL, "%s", path);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert(j != NULL, "%s: bad JSON", path);
    return j;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "JSON field '%s' missing or not a number", key);
    return v->valuedouble;
}

Test(sat, the_plan_tool_writes_a_proven_schedule_and_its_certificate, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    char cmd[1024], out[8192], path[256];
    snprintf(cmd, sizeof(cmd),
             "%s/plan --layer lenet_2 --config small --dimacs %s/lenet_2.cnf --out-dir %s",
             tu_bin_dir(), tu_tmpdir, tu_tmpdir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    cr_assert(strstr(out, "optimal in the search space"), "%s", out);
    snprintf(path, sizeof(path), "%s/lenet_2.json", tu_tmpdir);
    cJSON *j = load_json(path);
    cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "planner")->valuestring, "sat");
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "optimal")));
    double ms = num(j, "makespan");
    cr_assert_eq(num(j, "proven_bound"), ms);
    cr_assert_eq(num(j, "gap"), 0);
    cr_assert_leq(num(j, "lower_bound"), ms);
    cr_assert_geq(num(j, "solve_seconds"), 0);
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(j, "dram_bytes");
    cr_assert_gt(num(db, "read"), 0);
    cr_assert_eq(num(db, "written"), 4 * 16 * 10 * 10, "every output stored once");
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(j, "baselines");
    cr_assert_leq(ms, num(bl, "double"));
    cr_assert_leq(ms, num(bl, "serial"));
    cJSON_Delete(j);

    /* the schedule: valid, and the model's makespan is the claim */
    snprintf(path, sizeof(path), "%s/lenet_2.sched", tu_tmpdir);
    acc_program p;
    acc_sched_meta meta;
    acc_error e;
    cr_assert_eq(acc_sched_load(path, &p, &meta, &e), 0, "%s", e.msg);
    cr_assert_str_eq(meta.planner, "sat");
    acc_layer l;
    cr_assert_eq(acc_layer_lookup("lenet_2", &l, &e), 0, "%s", e.msg);
    acc_config cfg;
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    check_schedule(&p, (int64_t)ms, &l, &cfg, &meta.memmap);
    acc_program_free(&p);

    snprintf(path, sizeof(path), "%s/lenet_2.cnf", tu_tmpdir);
    cr_assert_eq(acc_sat_solve_dimacs(path, &e), 20, "%s", e.msg);
}

Test(sat, the_plan_tool_reports_a_gap_when_the_budget_runs_out, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    char cmd[1024], out[8192], path[256];
    /* --budget, and the former --time read as a budget (1e-6 s: 1 unit) */
    const char *opts[2] = {"--budget 1", "--time 0.000001"};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof(cmd), "%s/plan --layer resnet_12 %s --out-dir %s", tu_bin_dir(),
                 opts[k], tu_tmpdir);
        cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
        cr_assert(strstr(out, "NOT proven optimal (budget 1 exhausted"), "%s: %s", opts[k], out);
        snprintf(path, sizeof(path), "%s/resnet_12.json", tu_tmpdir);
        cJSON *j = load_json(path);
        cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(j, "optimal")));
        cr_assert_gt(num(j, "gap"), 0);
        cr_assert_eq(num(j, "gap"), num(j, "makespan") - num(j, "proven_bound"));
        cJSON *sj = cJSON_GetObjectItemCaseSensitive(j, "sat");
        cr_assert_eq(num(sj, "budget"), 1, "%s", opts[k]);
        cr_assert_geq(num(sj, "work"), 1);
        cJSON_Delete(j);
    }
}

Test(sat, a_malformed_dimacs_file_is_reported_with_its_line, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/bad.cnf", tu_tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs("c a comment\np cnf 2 2\n1 -2 0\n3 0\n", f);
    fclose(f);
    acc_error e;
    cr_assert_eq(acc_sat_solve_dimacs(path, &e), -1);
    cr_assert(strstr(e.msg, "bad.cnf:4") && strstr(e.msg, "literal"), "%s", e.msg);
}
