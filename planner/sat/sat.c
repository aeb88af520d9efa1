/* sat.c - the optimizer (sat.h, docs/planner.md "The optimizer").
 *
 * Variables: each dimension of the space (opt_space.h) is an order encoding
 * o_i = [index >= i] with one-hot literals x_i = o_i and not o_{i+1};
 * excluded values get a unit clause not x_i.  The expressions "the choice
 * is in the space" and "the choice's lower bound" (opt_space.c) are
 * bit-blasted (opt_expr.c); the first is asserted, the second compared with
 * a bit vector T whose bits are assumptions, so one formula answers every
 * bound T incrementally.
 *
 * Interval reasoning (opt_e_bounds) rules out, before each phase and
 * whenever the best schedule improves, the values of each dimension with
 * which no member can have a lower bound <= T: implied unit clauses (or,
 * for one query of phase 1, assumptions).
 *
 * Phase 1 (the space's lower bound): binary search for the least T such
 * that some choice has lower bound <= T, without nogoods.
 * Phase 2 (the optimum): T = best makespan - 1; ask for a choice with lower
 * bound <= T; time exactly every member with the same tk, tw and tc and a
 * lower bound <= T (the sweep); one within T is the new best, every other
 * gets the nogood "not this choice" (its exact makespan exceeds T, and T
 * only decreases).  UNSAT: the best is optimal.
 *
 * The clauses given to the solver are kept in three groups for the
 * certificate: the encoding (opt_cnf), the implied units, the nogoods.
 *
 * The time limit stops the solver through its terminate callback and is the
 * only thing that can change the result between two runs. */
#include "planner/sat/sat.h"

#include <ccadical.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "planner/baseline.h"
#include "model/model.h"

typedef struct nogood {
    int idx[OPT_DIMS];
    int64_t makespan;
    int64_t bound; /* T when it was added: makespan > bound */
} nogood;

typedef struct search {
    opt_space sp;
    opt_cnf *f;
    opt_e_encoder *enc;
    int *x[OPT_DIMS];     /* one-hot literals; OPT_FALSE for values outside the space */
    int *lit[OPT_DIMS];   /* one-hot literals of every value */
    char *live[OPT_DIMS]; /* values not ruled out (unit clauses hold for the others) */
    uint64_t *lo, *hi;    /* interval bounds of every expression node */
    int tbits[64];
    int tw;
    CCaDiCaL *s;
    size_t fed;
    double deadline; /* <= 0: none */
    int stopped;
    nogood *ng;
    int nng, cap_ng;
    int *units; /* implied unit clauses (values ruled out by interval reasoning) */
    int nunits, cap_units;
    acc_sat_result *res;
} search;

static int terminate_cb(void *state)
{
    search *S = state;
    if (S->deadline > 0 && acc_now_seconds() > S->deadline)
        S->stopped = 1;
    return S->stopped;
}

/* ----------------------------------------------------------------- encoding */

static void encode_dims(search *S)
{
    opt_cnf *f = S->f;
    for (int d = 0; d < OPT_DIMS; d++) {
        const int n = S->sp.dom[d];
        int *o = acc_malloc((size_t)(n + 1) * sizeof(int)); /* o[i] = [index >= i] */
        o[0] = OPT_TRUE;
        o[n] = OPT_FALSE;
        for (int i = 1; i < n; i++) {
            o[i] = opt_cnf_var(f);
            if (i > 1)
                opt_cnf_clause2(f, -o[i], o[i - 1]);
        }
        S->x[d] = acc_malloc((size_t)n * sizeof(int));
        S->lit[d] = acc_malloc((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) {
            int x = opt_and(f, o[i], -o[i + 1]);
            S->lit[d][i] = x;
            if (S->sp.excluded[d][i] != OPT_X_OK) { /* not in the space */
                opt_cnf_clause(f, (const int[]){-x}, 1);
                x = OPT_FALSE;
            }
            S->x[d][i] = x;
        }
        free(o);
    }
}

/* Rules out, by interval reasoning (opt_e_bounds), every value of a
 * dimension with which no choice is a member with lower bound <= T: each
 * value is tried alone with the other dimensions' live values, until no
 * value goes.  `allowed` starts as the live values and is updated.  Returns
 * 0, or -1 when some dimension has no value left (no member has a lower
 * bound <= T).  The values ruled out are implied by the formula for T: unit
 * clauses or assumptions of them are redundant. */
static int prune(search *S, int64_t T, char **allowed)
{
    const opt_space *sp = &S->sp;
    for (int d = 0; d < OPT_DIMS; d++) {
        int any = 0;
        for (int i = 0; i < sp->dom[d] && !any; i++)
            any = allowed[d][i];
        if (!any)
            return -1;
    }
    for (int changed = 1, rounds = 0; changed && rounds < 4; rounds++) {
        changed = 0;
        for (int d = 0; d < OPT_DIMS; d++) {
            char *row = allowed[d], *single = acc_calloc((size_t)sp->dom[d], 1);
            int left = 0;
            allowed[d] = single;
            for (int i = 0; i < sp->dom[d]; i++) {
                if (!row[i])
                    continue;
                single[i] = 1;
                opt_e_bounds(sp->e, allowed, S->lo, S->hi);
                single[i] = 0;
                if (S->hi[sp->ok] == 0 || (int64_t)S->lo[sp->lb] > T) {
                    row[i] = 0;
                    changed = 1;
                } else {
                    left++;
                }
            }
            allowed[d] = row;
            free(single);
            if (left == 0)
                return -1;
        }
    }
    return 0;
}

/* Clauses of the formula not yet given to the solver. */
static void feed(search *S)
{
    size_t n;
    const int *lits = opt_cnf_lits(S->f, &n);
    for (size_t i = S->fed; i < n; i++)
        ccadical_add(S->s, lits[i]);
    S->fed = n;
}

/* A unit clause implied by the formula for every bound T the search will
 * still ask (it rules out a value by interval reasoning): given to the
 * solver and kept for the certificate, apart from the encoding. */
static void add_implied(search *S, int lit)
{
    if (S->nunits == S->cap_units) {
        S->cap_units = S->cap_units ? 2 * S->cap_units : 256;
        S->units = acc_realloc(S->units, (size_t)S->cap_units * sizeof(int));
    }
    S->units[S->nunits++] = lit;
    ccadical_add(S->s, lit);
    ccadical_add(S->s, 0);
}

static void encode(search *S)
{
    S->f = opt_cnf_new();
    encode_dims(S);
    S->enc = opt_e_encoder_new(S->sp.e, S->f, S->x);
    int w;
    const int *ok = opt_e_encode(S->enc, S->sp.ok, &w);
    opt_cnf_clause(S->f, ok, 1);
    const int *lb = opt_e_encode(S->enc, S->sp.lb, &w);
    S->tw = w;
    for (int j = 0; j < w; j++)
        S->tbits[j] = opt_cnf_var(S->f);
    int le = opt_bv_ule(S->f, lb, S->tbits, w);
    opt_cnf_clause(S->f, &le, 1);
    S->s = ccadical_init();
    /* no inprocessing between incremental calls: on these formulas it costs
     * more than it saves (measured on ResNet-18) */
    ccadical_set_option(S->s, "inprocessing", 0);
    ccadical_set_option(S->s, "quiet", 1); /* no messages on stdout */
    ccadical_set_terminate(S->s, S, terminate_cb);
    feed(S);
    for (int d = 0; d < OPT_DIMS; d++)
        for (int i = 0; i < S->sp.dom[d]; i++)
            if (!S->live[d][i] && S->sp.excluded[d][i] == OPT_X_OK)
                add_implied(S, -S->lit[d][i]);
}

/* Solves with lower bound <= T, also assuming away the live values that
 * `allowed` (may be NULL) rules out: 10 SAT, 20 UNSAT, 0 stopped. */
static int solve_at(search *S, int64_t T, char *const *allowed)
{
    if (S->stopped || (S->deadline > 0 && acc_now_seconds() > S->deadline)) {
        S->stopped = 1;
        return 0;
    }
    feed(S);
    for (int j = 0; j < S->tw; j++)
        ccadical_assume(S->s, ((uint64_t)T >> j) & 1 ? S->tbits[j] : -S->tbits[j]);
    for (int d = 0; allowed && d < OPT_DIMS; d++)
        for (int i = 0; i < S->sp.dom[d]; i++)
            if (S->live[d][i] && !allowed[d][i])
                ccadical_assume(S->s, -S->lit[d][i]);
    S->res->sat_calls++;
    return ccadical_solve(S->s);
}

static void model_choice(search *S, int *idx)
{
    for (int d = 0; d < OPT_DIMS; d++) {
        idx[d] = -1;
        for (int i = 0; i < S->sp.dom[d] && idx[d] < 0; i++) {
            int x = S->lit[d][i];
            if (S->live[d][i] && ccadical_val(S->s, x) > 0) /* > 0: the literal is true */
                idx[d] = i;
        }
        ACC_REQUIRE(idx[d] >= 0); /* exactly one literal per dimension is true */
    }
}

static void add_nogood(search *S, const int *idx, int64_t makespan, int64_t T)
{
    for (int d = 0; d < OPT_DIMS; d++)
        ccadical_add(S->s, -S->lit[d][idx[d]]);
    ccadical_add(S->s, 0);
    if (S->nng == S->cap_ng) {
        S->cap_ng = S->cap_ng ? 2 * S->cap_ng : 64;
        S->ng = acc_realloc(S->ng, (size_t)S->cap_ng * sizeof(*S->ng));
    }
    nogood *g = &S->ng[S->nng++];
    memcpy(g->idx, idx, sizeof(g->idx));
    g->makespan = makespan;
    g->bound = T;
    S->res->nogoods++;
}

/* ------------------------------------------------------------- evaluation */

/* Exact makespan of a choice of the space.  The space's formulas are
 * checked against the generated program every time: a lower bound above the
 * makespan, or counts that differ, would make the proof unsound, so they
 * stop the program (an internal error, never expected). */
static int64_t evaluate(search *S, const int *idx, acc_program *out)
{
    opt_choice c;
    opt_space_choice(&S->sp, idx, &c);
    opt_stats st;
    acc_error e;
    int64_t m = opt_build(&S->sp.s, &S->sp.cfg, &S->sp.mm, &c, out, &st, &e);
    S->res->evaluations++;
    uint64_t lb = opt_space_eval(&S->sp, S->sp.lb, idx);
    if (m < 0 || (int64_t)lb > m || opt_space_eval(&S->sp, S->sp.loads_act, idx) != st.loads[0] ||
        opt_space_eval(&S->sp, S->sp.loads_wgt, idx) != st.loads[1] ||
        opt_space_eval(&S->sp, S->sp.busy_cp, idx) != (uint64_t)st.busy[ACC_ENG_CP]) {
        fprintf(stderr,
                "sat: internal error: layer '%s' on '%s', choice %d,%d,%d,%d,%s,%d,%d,%d,%d: "
                "makespan %lld, lower bound %llu, loads %u/%u, formulas disagree%s%s\n",
                S->sp.layer.name, S->sp.cfg.name, c.t.tk, c.t.th, c.t.tw, c.t.tc,
                opt_order_name(c.order), c.buffers[0], c.buffers[1], c.buffers[2], c.serial,
                (long long)m, (unsigned long long)lb, st.loads[0], st.loads[1], m < 0 ? ": " : "",
                m < 0 ? e.msg : "");
        abort();
    }
    return m;
}

/* ------------------------------------------------------------------ phases */

static void log_line(const acc_sat_options *opt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void log_line(const acc_sat_options *opt, const char *fmt, ...)
{
    if (!opt || !opt->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(opt->log, fmt, ap);
    va_end(ap);
    fflush(opt->log);
}

/* Copies of the live values, for one query. */
static char **live_copy(const search *S)
{
    char **a = acc_malloc(OPT_DIMS * sizeof(char *));
    for (int d = 0; d < OPT_DIMS; d++) {
        a[d] = acc_malloc((size_t)S->sp.dom[d]);
        memcpy(a[d], S->live[d], (size_t)S->sp.dom[d]);
    }
    return a;
}

static void live_free(char **a)
{
    for (int d = 0; d < OPT_DIMS; d++)
        free(a[d]);
    free(a);
}

/* Least lower bound over the space (-1 when stopped): binary search on T,
 * each query first narrowed by interval reasoning (which alone answers the
 * queries far below the bound). */
static int64_t phase_bound(search *S, int64_t hi, const acc_sat_options *opt)
{
    int64_t lo = 0;
    int idx[OPT_DIMS];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        char **allowed = live_copy(S);
        int r = prune(S, mid, allowed) != 0 ? 20 : solve_at(S, mid, allowed);
        live_free(allowed);
        if (r == 10) {
            model_choice(S, idx);
            hi = (int64_t)opt_space_eval(&S->sp, S->sp.lb, idx);
            opt_choice c;
            opt_space_choice(&S->sp, idx, &c);
            log_line(opt, "sat: lower bound %lld <= %lld: %d,%d,%d,%d,%s,%d,%d,%d,%d\n",
                     (long long)hi, (long long)mid, c.t.tk, c.t.th, c.t.tw, c.t.tc,
                     opt_order_name(c.order), c.buffers[0], c.buffers[1], c.buffers[2], c.serial);
        } else if (r == 20) {
            log_line(opt, "sat: no lower bound <= %lld\n", (long long)mid);
            lo = mid + 1;
        } else {
            return -1;
        }
    }
    return hi;
}

/* After the best makespan dropped: values that can no longer take part in a
 * better schedule get unit clauses (valid from now on: T only decreases). */
static void narrow(search *S, int64_t T)
{
    char **allowed = live_copy(S);
    prune(S, T, allowed); /* an empty dimension makes the next query UNSAT */
    for (int d = 0; d < OPT_DIMS; d++)
        for (int i = 0; i < S->sp.dom[d]; i++)
            if (S->live[d][i] && !allowed[d][i]) {
                S->live[d][i] = 0;
                add_implied(S, -S->lit[d][i]);
            }
    live_free(allowed);
}

/* The lower bound of a live member (or -1 for any other choice). */
static int64_t member_bound(search *S, const int *v)
{
    for (int d = 0; d < OPT_DIMS; d++)
        if (!S->live[d][v[d]])
            return -1;
    opt_e_eval_all(S->sp.e, v, S->lo);
    return S->lo[S->sp.ok] ? (int64_t)S->lo[S->sp.lb] : -1;
}

/* Times every point of the space that shares tk, tw and tc with idx and has
 * a lower bound <= best - 1 (every row-tile size, loop order, buffer count
 * and mode, in a fixed order): each becomes the best schedule (and the bound
 * drops) or a nogood.  Cheaper than asking the solver for them one by one;
 * every nogood is still an exact evaluation. */
static void sweep(search *S, const int *idx, int *best, int64_t *best_ms,
                  const acc_sat_options *opt)
{
    int v[OPT_DIMS];
    memcpy(v, idx, sizeof(v));
    const int *dom = S->sp.dom;
    for (v[OPT_D_TH] = 0; v[OPT_D_TH] < dom[OPT_D_TH]; v[OPT_D_TH]++)
        for (v[OPT_D_MODE] = 0; v[OPT_D_MODE] < dom[OPT_D_MODE]; v[OPT_D_MODE]++)
            for (v[OPT_D_ORDER] = 0; v[OPT_D_ORDER] < dom[OPT_D_ORDER]; v[OPT_D_ORDER]++)
                for (v[OPT_D_BA] = 0; v[OPT_D_BA] < dom[OPT_D_BA]; v[OPT_D_BA]++)
                    for (v[OPT_D_BW] = 0; v[OPT_D_BW] < dom[OPT_D_BW]; v[OPT_D_BW]++)
                        for (v[OPT_D_BO] = 0; v[OPT_D_BO] < dom[OPT_D_BO]; v[OPT_D_BO]++) {
                            if (terminate_cb(S))
                                return; /* the time limit: the next query stops too */
                            const int64_t T = *best_ms - 1;
                            int64_t lb = member_bound(S, v);
                            if (lb < 0 || lb > T)
                                continue;
                            int64_t m = evaluate(S, v, NULL);
                            ACC_REQUIRE(m >= 0);
                            if (m > T) {
                                add_nogood(S, v, m, T);
                                continue;
                            }
                            memcpy(best, v, sizeof(v));
                            *best_ms = m;
                            S->res->improvements++;
                            narrow(S, m - 1);
                            log_line(opt,
                                     "sat: better schedule, makespan %lld (%d evaluations, "
                                     "%d nogoods)\n",
                                     (long long)m, S->res->evaluations, S->res->nogoods);
                        }
}

/* Improves *best (indices, makespan) until UNSAT (returns 1) or stopped. */
static int phase_optimum(search *S, int *best, int64_t *best_ms, const acc_sat_options *opt)
{
    int idx[OPT_DIMS];
    for (;;) {
        int r = solve_at(S, *best_ms - 1, NULL);
        if (r == 20)
            return 1;
        if (r != 10)
            return 0;
        model_choice(S, idx);
        sweep(S, idx, best, best_ms, opt);
    }
}

/* ------------------------------------------------------------------ export */

static int write_certificate(search *S, const char *path, int64_t T, acc_error *err)
{
    /* after the encoding: the implied units, the nogoods, the bits of T */
    size_t cap = 2 * (size_t)S->nunits + (size_t)S->nng * (OPT_DIMS + 1) + 2 * (size_t)S->tw, n = 0;
    int *extra = acc_malloc(cap * sizeof(int));
    for (int k = 0; k < S->nunits; k++) {
        extra[n++] = S->units[k];
        extra[n++] = 0;
    }
    for (int k = 0; k < S->nng; k++) {
        for (int d = 0; d < OPT_DIMS; d++)
            extra[n++] = -S->lit[d][S->ng[k].idx[d]];
        extra[n++] = 0;
    }
    for (int j = 0; j < S->tw; j++) {
        extra[n++] = ((uint64_t)T >> j) & 1 ? S->tbits[j] : -S->tbits[j];
        extra[n++] = 0;
    }
    char comment[2048];
    snprintf(comment, sizeof(comment),
             "%s: UNSAT query of the sat planner (%s) for layer '%s' on configuration '%s'.\n"
             "Unsatisfiable means: no point of the declared search space has a lower bound\n"
             "at most T = %lld cycles, except the points excluded by the nogood clauses,\n"
             "whose exact makespans (all above T) are listed in %s.nogoods.\n"
             "After the encoding come %d implied unit clauses (values that interval reasoning\n"
             "rules out for T; the encoding implies them, they only help), then the %d nogood\n"
             "clauses, then the %d unit clauses that fix T.  docs/planner.md explains it all.",
             path, ACC_SAT_VERSION, S->sp.layer.name, S->sp.cfg.name, (long long)T, path, S->nunits,
             S->nng, S->tw);
    /* both files are rendered in memory and written atomically */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc = f ? opt_cnf_write_dimacs(S->f, f, extra, n,
                                      (size_t)S->nunits + (size_t)S->nng + (size_t)S->tw, comment)
               : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(extra);
    if (rc == 0 && acc_write_file(path, text, len, NULL) != 0)
        rc = -1;
    free(text);
    if (rc != 0)
        return acc_fail(err, "%s: cannot write the DIMACS file", path);

    size_t pn = strlen(path) + 16;
    char *npath = acc_malloc(pn);
    snprintf(npath, pn, "%s.nogoods", path);
    text = NULL;
    len = 0;
    f = open_memstream(&text, &len);
    if (!f) {
        acc_fail(err, "%s: cannot write the nogood list", npath);
        free(npath);
        return -1;
    }
    fprintf(f,
            "# Nogoods of %s, in the order of their clauses (just before the unit clauses\n"
            "# that fix T): each line is a point of the search space whose program was\n"
            "# generated and timed with the model (docs/model.md); its makespan exceeds\n"
            "# T = %lld, so excluding it excludes no schedule of makespan <= T (the best\n"
            "# schedule found is among them when its lower bound is <= T).  Re-check a line with\n"
            "#   plan --layer %s --config %s --choice TK,TH,TW,TC,ORDER,BA,BW,BO,MODE\n"
            "# Variables: literal of each value (dimension index value literal).\n",
            path, (long long)T, S->sp.layer.name, S->sp.cfg.name);
    static const char *const dims[OPT_DIMS] = {
        "tk", "th", "tw", "tc", "order", "act_buffers", "wgt_buffers", "out_buffers", "serial"};
    for (int d = 0; d < OPT_DIMS; d++)
        for (int i = 0; i < S->sp.dom[d]; i++)
            if (S->x[d][i] != OPT_FALSE)
                fprintf(f, "# var %s %d %d\n", dims[d],
                        d == OPT_D_ORDER || d == OPT_D_MODE ? i : i + 1, S->x[d][i]);
    fprintf(f, "# tk th tw tc order act_buffers wgt_buffers out_buffers serial makespan\n");
    for (int k = 0; k < S->nng; k++) {
        opt_choice c;
        opt_space_choice(&S->sp, S->ng[k].idx, &c);
        fprintf(f, "%d %d %d %d %s %d %d %d %d %lld\n", c.t.tk, c.t.th, c.t.tw, c.t.tc,
                opt_order_name(c.order), c.buffers[OPT_ACT], c.buffers[OPT_WGT], c.buffers[OPT_OUT],
                c.serial, (long long)S->ng[k].makespan);
    }
    rc = fclose(f) == 0 ? 0 : -1;
    if (rc == 0 && acc_write_file(npath, text, len, NULL) != 0)
        rc = -1;
    free(text);
    if (rc != 0)
        acc_fail(err, "%s: cannot write the nogood list", npath);
    free(npath);
    return rc;
}

/* --------------------------------------------------------------- planning */

/* The baselines' programs, which are points of the space: the better one
 * is the first schedule to beat.  Returns 0 when at least one planned. */
static int baselines(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                     const acc_tiling *tiling, int kmax, acc_sat_result *res, opt_choice *best,
                     int64_t *best_ms, acc_error *err)
{
    static const char *const names[2] = {"serial", "double"};
    int64_t *slots[2] = {&res->serial_makespan, &res->double_makespan};
    int any = 0;
    acc_error first;
    first.msg[0] = '\0';
    for (int k = 0; k < 2; k++) {
        acc_program p;
        opt_choice c;
        acc_error e;
        *slots[k] = -1;
        if (acc_baseline_plan_kmax(names[k], l, cfg, mm, tiling, kmax, &p, &c, &e) != 0) {
            if (!first.msg[0])
                first = e;
            continue;
        }
        model_timing tm;
        if (model_run(&p, cfg, &tm, NULL) == 0) {
            *slots[k] = tm.makespan;
            model_timing_free(&tm);
        }
        acc_program_free(&p);
        if (*slots[k] < 0)
            continue;
        if (!any || *slots[k] < *best_ms) {
            *best = c;
            *best_ms = *slots[k];
        }
        any = 1;
    }
    if (!any && err)
        *err = first;
    return any ? 0 : -1;
}

static void search_free(search *S)
{
    if (S->s)
        ccadical_release(S->s);
    opt_e_encoder_free(S->enc);
    opt_cnf_free(S->f);
    for (int d = 0; d < OPT_DIMS; d++) {
        free(S->x[d]);
        free(S->lit[d]);
        free(S->live[d]);
    }
    free(S->lo);
    free(S->hi);
    free(S->units);
    free(S->ng);
    opt_space_free(&S->sp);
}

void acc_sat_result_free(acc_sat_result *res)
{
    if (res)
        acc_program_free(&res->program);
}

int acc_sat_plan(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                 const acc_sat_options *opt, acc_sat_result *res, acc_error *err)
{
    ACC_REQUIRE(l != NULL && cfg != NULL && mm != NULL && res != NULL);
    const double t0 = acc_now_seconds();
    memset(res, 0, sizeof(*res));
    acc_program_init(&res->program);
    res->space_bound = -1;
    acc_error e;
    if (acc_layer_check(l, &e) != 0)
        return acc_fail(err, "%s", e.msg);

    search S;
    memset(&S, 0, sizeof(S));
    S.res = res;
    if (opt && opt->time_limit > 0)
        S.deadline = t0 + opt->time_limit;
    opt_universal_bounds(l, cfg, &res->universal);

    /* the first schedule to beat: the better baseline */
    opt_choice first;
    int64_t best_ms = -1;
    const acc_tiling *fixed = opt ? opt->tiling : NULL;
    const int kmax = opt && opt->kernel_max ? opt->kernel_max : OPT_KMAX;
    ACC_REQUIRE(kmax >= 1 && kmax <= OPT_KMAX);
    if (baselines(l, cfg, mm, fixed, kmax, res, &first, &best_ms, err) != 0)
        return -1; /* the baselines' message says what does not fit */
    if (opt_space_init_kmax(&S.sp, l, cfg, mm, best_ms, kmax, err) != 0)
        return -1;
    if (fixed)
        opt_space_fix_tiling(&S.sp, fixed);
    int best[OPT_DIMS];
    ACC_REQUIRE(opt_space_index(&S.sp, &first, best) == 0);
    opt_space_canonical(&S.sp, best);
    ACC_REQUIRE(opt_space_member(&S.sp, best));
    /* values of no member, or of none that could beat the best: ruled out
     * from the start (implied unit clauses) */
    S.lo = acc_malloc((size_t)opt_e_count(S.sp.e) * sizeof(uint64_t));
    S.hi = acc_malloc((size_t)opt_e_count(S.sp.e) * sizeof(uint64_t));
    for (int d = 0; d < OPT_DIMS; d++) {
        S.live[d] = acc_malloc((size_t)S.sp.dom[d]);
        for (int i = 0; i < S.sp.dom[d]; i++)
            S.live[d][i] = S.sp.excluded[d][i] == OPT_X_OK;
    }
    int none = prune(&S, best_ms - 1, S.live) != 0;
    int live = 0;
    for (int d = 0; d < 4; d++)
        for (int i = 0; i < S.sp.dom[d]; i++)
            live += S.live[d][i];
    encode(&S);
    res->vars = opt_cnf_vars(S.f);
    res->clauses = opt_cnf_clauses(S.f);
    log_line(opt,
             "sat: %d variables, %llu clauses; baselines' best makespan %lld; %d tile sizes "
             "could beat it%s (%.2f s)\n",
             res->vars, (unsigned long long)res->clauses, (long long)best_ms, live,
             none ? ", no choice could" : "", acc_now_seconds() - t0);

    /* phase 1: the least lower bound of any point of the space */
    res->space_bound = phase_bound(&S, (int64_t)opt_space_eval(&S.sp, S.sp.lb, best), opt);
    log_line(opt, "sat: least lower bound in the space %lld (%d solver calls, %.2f s)\n",
             (long long)res->space_bound, res->sat_calls, acc_now_seconds() - t0);

    /* phase 2: the optimum */
    res->optimal = phase_optimum(&S, best, &best_ms, opt);
    res->makespan = best_ms;
    res->lower_bound = acc_max64(res->universal.best, res->space_bound);
    res->proven_bound = res->optimal ? best_ms : res->lower_bound;
    opt_space_choice(&S.sp, best, &res->choice);
    int64_t m = evaluate(&S, best, &res->program);
    ACC_REQUIRE(m == best_ms);
    log_line(opt, "sat: makespan %lld, %s (%d solver calls, %d evaluations, %d nogoods, %.2f s)\n",
             (long long)best_ms, res->optimal ? "optimal" : "not proven optimal", res->sat_calls,
             res->evaluations, res->nogoods, acc_now_seconds() - t0);

    int rc = 0;
    if (opt && opt->dimacs_path && res->optimal) {
        rc = write_certificate(&S, opt->dimacs_path, best_ms - 1, err);
        res->dimacs_written = rc == 0;
    }
    res->clauses = opt_cnf_clauses(S.f) + (uint64_t)S.nunits + (uint64_t)S.nng;
    res->vars = opt_cnf_vars(S.f);
    search_free(&S);
    res->seconds = acc_now_seconds() - t0;
    if (rc != 0)
        acc_sat_result_free(res);
    return rc;
}

int acc_sat_solve_dimacs(const char *path, acc_error *err)
{
    ACC_REQUIRE(path != NULL);
    char *text = acc_read_file_max(path, ACC_DIMACS_FILE_MAX, NULL, err);
    if (!text)
        return -1;
    CCaDiCaL *s = ccadical_init();
    ccadical_set_option(s, "quiet", 1);
    int line = 1, header = 0, open_clause = 0, rc = 0;
    long vars = 0, clauses = 0, seen = 0;
    for (char *p = text; *p && rc == 0;) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        if (*p == 'c') {
            /* comment */
        } else if (*p == 'p') {
            if (header || sscanf(p, "p cnf %ld %ld", &vars, &clauses) != 2 || vars < 0 ||
                clauses < 0 || vars > (1L << 30))
                rc = acc_fail(err, "%s:%d: field 'p cnf': expected 'p cnf VARS CLAUSES'", path,
                              line);
            header = 1;
        } else {
            for (char *q = p; *q && rc == 0;) {
                while (*q == ' ' || *q == '\t' || *q == '\r')
                    q++;
                if (!*q)
                    break;
                char *end;
                long v = strtol(q, &end, 10);
                if (end == q || !header || v > vars || v < -vars)
                    rc = acc_fail(err,
                                  "%s:%d: field 'literal': '%.20s' is not a literal of "
                                  "the declared %ld variables",
                                  path, line, q, vars);
                else {
                    ccadical_add(s, (int)v);
                    open_clause = v != 0;
                    seen += v == 0;
                }
                q = end;
            }
        }
        if (!eol)
            break;
        p = eol + 1;
        line++;
    }
    free(text);
    if (rc == 0 && (!header || open_clause || seen != clauses))
        rc = acc_fail(err, "%s: field 'p cnf': %ld clauses declared, %ld found%s", path, clauses,
                      seen, open_clause ? " and an unterminated clause" : "");
    int result = rc == 0 ? ccadical_solve(s) : -1;
    ccadical_release(s);
    if (rc == 0 && result != 10 && result != 20)
        return acc_fail(err, "%s: the solver gave no answer", path);
    return result;
}
