/* test_opt_expr.c - the optimizer's expressions (planner/sat/opt_expr.h) and
 * their CNF encoding (planner/sat/opt_cnf.h).  The CNF of an expression must
 * compute, for every choice, exactly the value the concrete evaluator
 * computes; this is checked without a SAT solver: the choice's one-hot
 * literals are set and plain unit propagation (written here) must fix every
 * bit of the node to the concrete value.  Random expression stores are
 * checked on every choice (one- and two-dimensional tables, arithmetic,
 * shifts, comparisons, gates), and the search space's own formulas
 * (planner/sat/opt_space.h) on a sample of the choices of tiny layers, some
 * with filters cut into kernel slices. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "planner/sat/opt_cnf.h"
#include "planner/sat/opt_expr.h"
#include "planner/sat/opt_space.h"
#include "core/util.h"

/* ------------------------------------------------------- unit propagation */

/* Values: +1 true, -1 false, 0 unknown, indexed by variable. */
typedef struct prop {
    const int *lits;
    size_t n;
    int nvars;
    signed char *val;
} prop;

static int lit_val(const prop *p, int l)
{
    int v = p->val[abs(l)];
    return l > 0 ? v : -v;
}

/* Propagates to a fixpoint; returns 0, or -1 on a falsified clause. */
static int propagate(prop *p)
{
    for (int changed = 1; changed;) {
        changed = 0;
        size_t start = 0;
        for (size_t i = 0; i < p->n; i++) {
            if (p->lits[i] != 0)
                continue;
            int unassigned = 0, last = 0, sat = 0;
            for (size_t j = start; j < i; j++) {
                int v = lit_val(p, p->lits[j]);
                if (v > 0)
                    sat = 1;
                else if (v == 0) {
                    unassigned++;
                    last = p->lits[j];
                }
            }
            start = i + 1;
            if (sat)
                continue;
            if (unassigned == 0)
                return -1;
            if (unassigned == 1) {
                p->val[abs(last)] = last > 0 ? 1 : -1;
                changed = 1;
            }
        }
    }
    return 0;
}

/* ------------------------------------------------------------- fixtures */

#define NDIMS 3
static const int dom[NDIMS] = {3, 5, 4};

/* One-hot literals: fresh variables, one per value (index 1 of dimension 1
 * is excluded when `exclude` is set). */
static int **make_lits(opt_cnf *f, int exclude)
{
    int **lits = malloc(NDIMS * sizeof(int *));
    for (int d = 0; d < NDIMS; d++) {
        lits[d] = malloc((size_t)dom[d] * sizeof(int));
        for (int i = 0; i < dom[d]; i++)
            lits[d][i] = exclude && d == 1 && i == 1 ? OPT_FALSE : opt_cnf_var(f);
    }
    return lits;
}

static void free_lits(int **lits)
{
    for (int d = 0; d < NDIMS; d++)
        free(lits[d]);
    free(lits);
}

/* Sets the choice's one-hot literals, propagates and checks the bits of
 * every node (all encoded beforehand) against the concrete values. */
static void check_choice(const opt_expr *e, opt_e_encoder *enc, opt_cnf *f, int **lits,
                         const int *nodes, int n, const int *idx)
{
    prop p;
    p.lits = opt_cnf_lits(f, &p.n);
    p.nvars = opt_cnf_vars(f);
    p.val = calloc((size_t)p.nvars + 1, 1);
    for (int d = 0; d < NDIMS; d++)
        for (int i = 0; i < dom[d]; i++)
            if (lits[d][i] != OPT_FALSE)
                p.val[lits[d][i]] = i == idx[d] ? 1 : -1;
    cr_assert_eq(propagate(&p), 0, "conflict at choice %d,%d,%d", idx[0], idx[1], idx[2]);
    for (int k = 0; k < n; k++) {
        int w;
        const int *bits = opt_e_encode(enc, nodes[k], &w); /* already encoded: no new clauses */
        uint64_t want = opt_e_eval(e, nodes[k], idx), got = 0;
        for (int j = 0; j < w; j++) {
            int v = bits[j] == OPT_TRUE ? 1 : bits[j] == OPT_FALSE ? -1 : lit_val(&p, bits[j]);
            cr_assert_neq(v, 0, "bit %d of node %d is not fixed by propagation", j, nodes[k]);
            if (v > 0)
                got |= 1ull << j;
        }
        cr_assert_eq(got, want, "node %d at choice %d,%d,%d: CNF %llu, concrete %llu", nodes[k],
                     idx[0], idx[1], idx[2], (unsigned long long)got, (unsigned long long)want);
    }
    free(p.val);
}

/* A deterministic pseudo-random expression store over the three
 * dimensions; returns the handles of all its nodes in *nodes. */
static opt_expr *random_store(uint64_t seed, uint64_t cap, int *nodes, int n)
{
    opt_expr *e = opt_expr_new(NDIMS, dom, cap);
    acc_rng r;
    acc_rng_seed(&r, seed);
    int count = 0;
    for (int d = 0; d < NDIMS; d++) {
        uint64_t vals[8];
        for (int i = 0; i < dom[d]; i++)
            vals[i] = acc_rng_next(&r) % (d == 0 ? 40 : 300);
        nodes[count++] = opt_e_table(e, d, vals);
    }
    nodes[count++] = opt_e_const(e, acc_rng_next(&r) % 100);
    /* two-dimensional tables: one of random entries, one of smooth entries
     * (long runs of equal high bits: the majority clauses) with a few
     * random ones */
    for (int k = 0; k < 2; k++) {
        const int da = k == 0 ? 0 : 1, db = k == 0 ? 1 : 2;
        uint64_t vals[64];
        for (int i = 0; i < dom[da]; i++)
            for (int j = 0; j < dom[db]; j++)
                vals[i * dom[db] + j] = k == 0 || acc_rng_next(&r) % 5 == 0
                                            ? acc_rng_next(&r) % 300
                                            : (uint64_t)(16 * (i + 1) + (j + 1) / 2);
        nodes[count++] = opt_e_table2(e, da, db, vals);
    }
    int bools[64], nb = 0;
    while (count < n) {
        int a = nodes[acc_rng_next(&r) % (uint64_t)count];
        int b = nodes[acc_rng_next(&r) % (uint64_t)count];
        int k = (int)(acc_rng_next(&r) % 10), x;
        switch (k) {
        case 9:
            x = opt_e_shr(e, a, (int)(acc_rng_next(&r) % 4));
            break;
        case 0:
        case 1:
            x = opt_e_add(e, a, b);
            break;
        case 2:
        case 3:
            x = opt_e_mul(e, a, b);
            break;
        case 4:
            x = opt_e_max(e, a, b);
            break;
        case 5:
            x = opt_e_align4(e, a);
            break;
        case 6:
            x = opt_e_le(e, a, b);
            bools[nb++ % 64] = x;
            break;
        default: {
            if (nb == 0)
                continue;
            int c = bools[acc_rng_next(&r) % (uint64_t)(nb < 64 ? nb : 64)];
            int c2 = bools[acc_rng_next(&r) % (uint64_t)(nb < 64 ? nb : 64)];
            int c3 = k == 7 ? opt_e_and(e, c, opt_e_not(e, c2)) : opt_e_or(e, c, c2);
            x = opt_e_ite(e, c3, a, b);
            break;
        }
        }
        nodes[count++] = x;
    }
    return e;
}

/* ---------------------------------------------------------------- tests */

static void every_choice_matches(uint64_t seed, uint64_t cap, int exclude)
{
    enum { N = 60 };
    int nodes[N];
    opt_expr *e = random_store(seed, cap, nodes, N);
    opt_cnf *f = opt_cnf_new();
    int **lits = make_lits(f, exclude);
    opt_e_encoder *enc = opt_e_encoder_new(e, f, lits);
    for (int k = 0; k < N; k++) {
        int w;
        opt_e_encode(enc, nodes[k], &w);
    }
    int idx[NDIMS];
    for (idx[0] = 0; idx[0] < dom[0]; idx[0]++)
        for (idx[1] = 0; idx[1] < dom[1]; idx[1]++)
            for (idx[2] = 0; idx[2] < dom[2]; idx[2]++) {
                if (exclude && idx[1] == 1)
                    continue;
                check_choice(e, enc, f, lits, nodes, N, idx);
            }
    opt_e_encoder_free(enc);
    free_lits(lits);
    opt_cnf_free(f);
    opt_expr_free(e);
}

Test(opt_expr, cnf_encoding_computes_the_concrete_value_for_every_choice)
{
    for (uint64_t seed = 1; seed <= 4; seed++)
        every_choice_matches(seed, (1ull << 40) - 1, 0);
}

Test(opt_expr, saturated_arithmetic_is_encoded_exactly)
{
    /* a small cap makes most sums and products saturate */
    for (uint64_t seed = 11; seed <= 14; seed++)
        every_choice_matches(seed, (1ull << 9) - 1, 0);
}

Test(opt_expr, excluded_values_need_no_table_entries)
{
    every_choice_matches(21, (1ull << 12) - 1, 1);
}

Test(opt_expr, arithmetic_saturates_at_the_cap)
{
    const int d1[1] = {2};
    opt_expr *e = opt_expr_new(1, d1, 1023);
    const uint64_t v[2] = {40, 30};
    int t = opt_e_table(e, 0, v);
    int sq = opt_e_mul(e, t, t);                     /* 1600 or 900 */
    int sum = opt_e_add(e, sq, opt_e_const(e, 100)); /* 1700 or 1000 */
    int al = opt_e_align4(e, opt_e_const(e, 1021));  /* 1024 > cap */
    const int i0[1] = {0}, i1[1] = {1};
    cr_assert_eq(opt_e_eval(e, sq, i0), 1023);
    cr_assert_eq(opt_e_eval(e, sq, i1), 900);
    cr_assert_eq(opt_e_eval(e, sum, i0), 1023);
    cr_assert_eq(opt_e_eval(e, sum, i1), 1000);
    cr_assert_eq(opt_e_eval(e, al, i0), 1023);
    cr_assert_eq(opt_e_eval(e, opt_e_align4(e, opt_e_const(e, 13)), i0), 16);
    cr_assert_eq(opt_e_max_value(e, sq), 1023);
    opt_expr_free(e);
}

Test(opt_expr, gates_fold_constants_and_reuse_equal_gates)
{
    opt_cnf *f = opt_cnf_new();
    int a = opt_cnf_var(f), b = opt_cnf_var(f);
    size_t before = opt_cnf_clauses(f);
    cr_assert_eq(opt_and(f, a, OPT_TRUE), a);
    cr_assert_eq(opt_and(f, a, OPT_FALSE), OPT_FALSE);
    cr_assert_eq(opt_and(f, a, -a), OPT_FALSE);
    cr_assert_eq(opt_xor(f, a, a), OPT_FALSE);
    cr_assert_eq(opt_xor(f, a, OPT_TRUE), -a);
    cr_assert_eq(opt_mux(f, OPT_TRUE, a, b), a);
    cr_assert_eq(opt_cnf_clauses(f), before, "folded gates add no clauses");
    int g = opt_and(f, a, b);
    size_t after = opt_cnf_clauses(f);
    cr_assert_eq(opt_and(f, b, a), g, "the same gate is reused");
    cr_assert_eq(opt_xor(f, -a, b), -opt_xor(f, a, b));
    cr_assert_eq(opt_cnf_clauses(f), after + 4, "one XOR gate, four clauses");
    opt_cnf_free(f);
}

Test(opt_expr, interval_bounds_contain_every_value_of_the_allowed_choices)
{
    enum { N = 60 };
    int nodes[N];
    acc_rng r;
    acc_rng_seed(&r, 77);
    for (uint64_t seed = 31; seed <= 36; seed++) {
        opt_expr *e = random_store(seed, seed % 2 ? (1ull << 10) - 1 : (1ull << 40) - 1, nodes, N);
        int count = opt_e_count(e);
        uint64_t *lo = malloc((size_t)count * sizeof(uint64_t));
        uint64_t *hi = malloc((size_t)count * sizeof(uint64_t));
        uint64_t *all = malloc((size_t)count * sizeof(uint64_t));
        char rows[NDIMS][8], *allowed[NDIMS];
        for (int round = 0; round < 8; round++) {
            /* a random non-empty subset of each dimension */
            for (int d = 0; d < NDIMS; d++) {
                allowed[d] = rows[d];
                int any = 0;
                for (int i = 0; i < dom[d]; i++)
                    any |= rows[d][i] = (char)(acc_rng_next(&r) % 2);
                if (!any)
                    rows[d][acc_rng_next(&r) % (uint64_t)dom[d]] = 1;
            }
            opt_e_bounds(e, allowed, lo, hi);
            int idx[NDIMS];
            for (idx[0] = 0; idx[0] < dom[0]; idx[0]++)
                for (idx[1] = 0; idx[1] < dom[1]; idx[1]++)
                    for (idx[2] = 0; idx[2] < dom[2]; idx[2]++) {
                        if (!rows[0][idx[0]] || !rows[1][idx[1]] || !rows[2][idx[2]])
                            continue;
                        opt_e_eval_all(e, idx, all);
                        for (int k = 0; k < count; k++) {
                            cr_assert_eq(all[k], opt_e_eval(e, k, idx), "eval_all, node %d", k);
                            cr_assert(lo[k] <= all[k] && all[k] <= hi[k],
                                      "node %d: %llu outside [%llu, %llu]", k,
                                      (unsigned long long)all[k], (unsigned long long)lo[k],
                                      (unsigned long long)hi[k]);
                        }
                    }
        }
        free(lo);
        free(hi);
        free(all);
        opt_expr_free(e);
    }
}

Test(opt_expr, interval_bounds_do_not_depend_on_the_calls_before)
{
    /* opt_e_bounds keeps the bounds of its tables for the allowed values
     * of the last call, and the nodes to compute again per set of changed
     * dimensions: a sequence of calls that change one or two dimensions at
     * a time, repeat, come back, and add nodes between calls must give
     * exactly what a fresh expression gives for each call */
    enum { N = 60 };
    int nodes[N];
    acc_rng r;
    acc_rng_seed(&r, 5);
    for (uint64_t seed = 41; seed <= 44; seed++) {
        opt_expr *e = random_store(seed, (1ull << 20) - 1, nodes, N);
        int count = opt_e_count(e);
        uint64_t *lo = malloc((size_t)count * sizeof(uint64_t));
        uint64_t *hi = malloc((size_t)count * sizeof(uint64_t));
        uint64_t *lo1 = malloc((size_t)count * sizeof(uint64_t));
        uint64_t *hi1 = malloc((size_t)count * sizeof(uint64_t));
        char rows[NDIMS][8], *allowed[NDIMS];
        for (int d = 0; d < NDIMS; d++) {
            allowed[d] = rows[d];
            for (int i = 0; i < dom[d]; i++)
                rows[d][i] = 1;
        }
        int added = 0; /* nodes added to e after random_store's */
        for (int call = 0; call < 40; call++) {
            /* every fourth call repeats the one before, every fifth other
             * one changes two dimensions */
            for (int change = 0; call % 4 != 3 && change < 1 + (call % 5 == 4); change++) {
                int d = (int)(acc_rng_next(&r) % NDIMS), any = 0;
                for (int i = 0; i < dom[d]; i++)
                    any |= rows[d][i] = (char)(acc_rng_next(&r) % 2);
                if (!any)
                    rows[d][acc_rng_next(&r) % (uint64_t)dom[d]] = 1;
            }
            if (call == 20 || call == 30) { /* a node more, after calls */
                opt_e_add(e, nodes[call % N], nodes[(call * 7) % N]);
                added++;
                count = opt_e_count(e);
                lo = realloc(lo, (size_t)count * sizeof(uint64_t));
                hi = realloc(hi, (size_t)count * sizeof(uint64_t));
                lo1 = realloc(lo1, (size_t)count * sizeof(uint64_t));
                hi1 = realloc(hi1, (size_t)count * sizeof(uint64_t));
            }
            opt_e_bounds(e, allowed, lo, hi);
            opt_expr *fresh = random_store(seed, (1ull << 20) - 1, nodes, N);
            for (int a = 0; a < added; a++) {
                const int c = a == 0 ? 20 : 30;
                opt_e_add(fresh, nodes[c % N], nodes[(c * 7) % N]);
            }
            opt_e_bounds(fresh, allowed, lo1, hi1);
            opt_expr_free(fresh);
            for (int k = 0; k < count; k++) {
                uint64_t l, h;
                opt_e_bound_of(e, k, &l, &h);
                cr_assert(l == lo[k] && h == hi[k], "node %d: the one-node reader differs", k);
            }
            for (int k = 0; k < count; k++)
                cr_assert(lo[k] == lo1[k] && hi[k] == hi1[k],
                          "seed %llu, call %d, node %d: [%llu, %llu], fresh [%llu, %llu]",
                          (unsigned long long)seed, call, k, (unsigned long long)lo[k],
                          (unsigned long long)hi[k], (unsigned long long)lo1[k],
                          (unsigned long long)hi1[k]);
        }
        free(lo);
        free(hi);
        free(lo1);
        free(hi1);
        opt_expr_free(e);
    }
}

Test(opt_expr, interval_steps_count_the_work_of_each_call_and_repeat_exactly)
{
    /* opt_e_steps, the planner's deterministic measure of interval
     * reasoning (ACC_SAT_PRESWEEP_STEPS): the first call computes every
     * node, a call with the same allowed values computes none, a call with
     * one dimension changed computes only what depends on it; and two
     * copies given the same calls count the same steps */
    enum { N = 60 };
    int nodes[N];
    opt_expr *a = random_store(43, (1ull << 20) - 1, nodes, N);
    opt_expr *b = random_store(43, (1ull << 20) - 1, nodes, N);
    char rows[NDIMS][8], *allowed[NDIMS];
    for (int d = 0; d < NDIMS; d++) {
        allowed[d] = rows[d];
        for (int i = 0; i < dom[d]; i++)
            rows[d][i] = 1;
    }
    cr_assert_eq(opt_e_steps(a), 0);
    opt_e_bounds(a, allowed, NULL, NULL);
    const uint64_t first = opt_e_steps(a);
    cr_assert_geq(first, (uint64_t)opt_e_count(a));
    opt_e_bounds(a, allowed, NULL, NULL);
    cr_assert_eq(opt_e_steps(a), first, "a repeated call took steps");
    rows[0][0] = 0;
    opt_e_bounds(a, allowed, NULL, NULL);
    const uint64_t third = opt_e_steps(a) - first;
    cr_assert(third > 0 && third < first, "one dimension changed: %llu steps, first call %llu",
              (unsigned long long)third, (unsigned long long)first);
    rows[0][0] = 1;
    opt_e_bounds(b, allowed, NULL, NULL);
    opt_e_bounds(b, allowed, NULL, NULL);
    rows[0][0] = 0;
    opt_e_bounds(b, allowed, NULL, NULL);
    cr_assert_eq(opt_e_steps(b), opt_e_steps(a));
    opt_expr_free(a);
    opt_expr_free(b);
}

/* ------------------------------------------------- the search space's CNF */

typedef struct space_case {
    int h, w, fh, fw, c, k, s, dil, pad, g;
    int kmax; /* kernel slices of at most kmax x kmax taps */
} space_case;

/* The space's formulas (membership, lower bound and the figures behind
 * them) bit-blasted with one-hot literals as the optimizer does; for a
 * sample of the choices whose values are all usable, propagation fixes
 * every bit to the C evaluation. */
static void space_cnf_matches(const space_case *sc)
{
    static const char cfg_text[] =
        "[array]\nrows = 2\ncols = 2\n[scratchpad]\nbytes = 1024\nbanks = 8\n[axi]\n"
        "data_bits = 32\n[memory]\nread_latency = 3\nwrite_latency = 2\n";
    acc_config cfg;
    acc_error e;
    cr_assert_eq(acc_config_parse(cfg_text, "tiny.ini", &cfg, &e), 0, "%s", e.msg);
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "tiny");
    l.ifmap_h = sc->h;
    l.ifmap_w = sc->w;
    l.filter_h = sc->fh;
    l.filter_w = sc->fw;
    l.channels = sc->c;
    l.num_filter = sc->k;
    l.stride_h = l.stride_w = sc->s;
    l.dil_h = l.dil_w = sc->dil;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = sc->pad;
    l.groups = sc->g;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_space sp;
    cr_assert_eq(opt_space_init_kmax(&sp, &l, &cfg, &mm, 100000, sc->kmax, &e), 0, "%s", e.msg);

    opt_cnf *f = opt_cnf_new();
    int *lits[OPT_DIMS];
    for (int d = 0; d < OPT_DIMS; d++) {
        lits[d] = malloc((size_t)sp.dom[d] * sizeof(int));
        for (int i = 0; i < sp.dom[d]; i++)
            lits[d][i] = sp.excluded[d][i] != OPT_X_OK ? OPT_FALSE : opt_cnf_var(f);
    }
    opt_e_encoder *enc = opt_e_encoder_new(sp.e, f, lits);
    const int nodes[] = {sp.lb,       sp.ok,     sp.fits,    sp.need,    sp.loads_act, sp.loads_wgt,
                         sp.computes, sp.stores, sp.busy_cp, sp.busy_ld, sp.busy_st};
    const int n = (int)(sizeof(nodes) / sizeof(nodes[0]));
    for (int k = 0; k < n; k++) {
        int w;
        opt_e_encode(enc, nodes[k], &w);
    }
    acc_rng r;
    acc_rng_seed(&r, 3);
    int checked = 0, members = 0;
    for (int tries = 0; tries < 4000 && checked < 60; tries++) {
        int idx[OPT_DIMS], usable = 1;
        for (int d = 0; d < OPT_DIMS; d++) {
            idx[d] = (int)(acc_rng_next(&r) % (uint64_t)sp.dom[d]);
            usable &= sp.excluded[d][idx[d]] == OPT_X_OK;
        }
        if (!usable)
            continue;
        prop p;
        p.lits = opt_cnf_lits(f, &p.n);
        p.nvars = opt_cnf_vars(f);
        p.val = calloc((size_t)p.nvars + 1, 1);
        for (int d = 0; d < OPT_DIMS; d++)
            for (int i = 0; i < sp.dom[d]; i++)
                if (lits[d][i] != OPT_FALSE)
                    p.val[lits[d][i]] = i == idx[d] ? 1 : -1;
        cr_assert_eq(propagate(&p), 0, "conflict");
        for (int k = 0; k < n; k++) {
            int w;
            const int *bits = opt_e_encode(enc, nodes[k], &w);
            uint64_t want = opt_space_eval(&sp, nodes[k], idx), got = 0;
            for (int j = 0; j < w; j++) {
                int v = bits[j] == OPT_TRUE ? 1 : bits[j] == OPT_FALSE ? -1 : lit_val(&p, bits[j]);
                cr_assert_neq(v, 0, "bit %d of formula %d is not fixed by propagation", j, k);
                if (v > 0)
                    got |= 1ull << j;
            }
            cr_assert_eq(got, want, "formula %d: CNF %llu, C %llu", k, (unsigned long long)got,
                         (unsigned long long)want);
        }
        free(p.val);
        members += opt_space_member(&sp, idx);
        checked++;
    }
    cr_assert_geq(checked, 60, "enough usable choices");
    cr_assert_gt(members, 0, "the sample holds points of the space");
    opt_e_encoder_free(enc);
    for (int d = 0; d < OPT_DIMS; d++)
        free(lits[d]);
    opt_cnf_free(f);
    opt_space_free(&sp);
}

Test(opt_expr, the_space_formulas_of_an_unsliced_layer_propagate_to_their_values)
{
    const space_case sc = {3, 3, 3, 3, 2, 3, 1, 1, 1, 1, OPT_KMAX};
    space_cnf_matches(&sc);
}

Test(opt_expr, the_space_formulas_of_sliced_filters_propagate_to_their_values)
{
    /* 3x3 in slices of 2 (rows and columns), 5x1 in bands, 1x5 in columns
     * with dilation */
    static const space_case cases[] = {
        {4, 4, 3, 3, 2, 3, 1, 1, 1, 1, 2},
        {7, 3, 5, 1, 2, 2, 2, 1, 2, 1, 2},
        {3, 9, 1, 5, 3, 2, 1, 2, 0, 1, 2},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        space_cnf_matches(&cases[i]);
}
