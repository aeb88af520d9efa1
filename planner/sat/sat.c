/* sat.c - the optimizer (sat.h, docs/planner.md "The optimizer").
 *
 * Variables: each dimension of the space (opt_space.h) is an order encoding
 * o_i = [index >= i] with one-hot literals x_i = o_i and not o_{i+1};
 * excluded values get a unit clause not x_i.  The expressions "the choice
 * is in the space" and "the choice's lower bound" (opt_space.c) are
 * bit-blasted (opt_expr.c); the first is asserted, the second compared with
 * a bit vector T, so one formula states every bound T (the certificate
 * fixes T's bits).  The search asks ever smaller T; for each it gives the
 * solver the clauses "lower bound <= T" over the bound's bits and the
 * constant T (hold_bound), which every later query implies.
 *
 * Interval reasoning (opt_e_bounds) rules out, before the search and
 * whenever the best schedule improves, the values of each dimension with
 * which no member can have a lower bound <= T: implied unit clauses.
 *
 * The search: T = best makespan - 1; ask for a choice with lower bound <= T;
 * time exactly every member with the same tk and tc and a lower bound <= T
 * (the sweep, in increasing order of lower bound); one within T is the new
 * best, every other gets the nogood "not this choice" (its exact makespan
 * exceeds T, and T only decreases).  UNSAT: the best is optimal, and the
 * least lower bound of the space is the least of the nogoods' and the
 * best's (every member with a bound <= T has a nogood).
 *
 * The clauses given to the solver are kept in three groups for the
 * certificate: the encoding (opt_cnf), the implied units, the nogoods.
 *
 * The budget counts work deterministically (learned clauses and timed
 * schedules) and stops the solver through its terminate callback: a run
 * gives the same result on every machine, loaded or idle. */
#include "planner/sat/sat.h"

#include <ccadical.h>
#include <limits.h>
#include <math.h>
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
    int64_t lb;    /* the point's lower bound (<= bound) */
} nogood;

/* The CNF of "a member of the space with lower bound <= T", T's bits
 * variables. */
typedef struct formula {
    opt_cnf *f;
    opt_e_encoder *enc;
    int *x[OPT_DIMS];   /* one-hot literals; OPT_FALSE for the values not encoded */
    int *lit[OPT_DIMS]; /* one-hot literals of every value */
    int tbits[64];
    int tw;
    const int *lbits; /* the lower bound's bits (owned by enc) */
} formula;

typedef struct search {
    opt_space sp;
    formula F;            /* the search's: the values live when it starts */
    char *live[OPT_DIMS]; /* values not ruled out (unit clauses hold for the others) */
    uint64_t *lo;         /* every expression node's value at one choice */
    int64_t held;         /* the least T whose clauses "bound <= T" the solver holds; -1 none */
    CCaDiCaL *s;
    size_t fed;
    int64_t budget;    /* work units (conflicts + timed schedules); <= 0: none */
    int64_t conflicts; /* learned clauses, one per conflict the solver analyses */
    int stopped;
    FILE *log; /* the options' log (may be NULL) */
    nogood *ng;
    int nng, cap_ng;
    int *ng_hash; /* open addressing: nogood index + 1, 0 empty; cap_hash slots */
    int cap_hash;
    int *units; /* implied clauses (interval reasoning), literals with a 0 after each */
    int nunits; /* clauses */
    size_t units_len, cap_units;
    acc_sat_result *res;
} search;

/* Work done so far: a deterministic count (the same on every run and every
 * machine), unlike any clock. */
static int64_t work(const search *S)
{
    return S->conflicts + (int64_t)S->res->evaluations * ACC_SAT_EVAL_WORK;
}

/* The solver polls this at points of its search that depend only on its
 * input, so a budget of work stops it at the same point on every run. */
static int terminate_cb(void *state)
{
    search *S = state;
    if (S->budget > 0 && work(S) >= S->budget)
        S->stopped = 1;
    return S->stopped;
}

/* Called for every clause the solver learns (one per analysed conflict). */
static void learn_cb(void *state, int *clause)
{
    (void)clause;
    ((search *)state)->conflicts++;
}

/* ----------------------------------------------------------------- encoding */

/* Builds F for the space sp: every value of each dimension has its one-hot
 * literal; the values outside the space get a unit clause, and so do those
 * `live` (may be NULL) rules out, whose table entries are then not encoded
 * either (a smaller formula: the tables' constant bits fold away).  F's
 * formula holds for a choice and a T exactly when the choice is a member
 * whose lower bound is <= T (and, with `live`, whose values are live). */
static void formula_build(formula *F, const opt_space *sp, char *const *live)
{
    opt_cnf *f = F->f = opt_cnf_new();
    for (int d = 0; d < OPT_DIMS; d++) {
        const int n = sp->dom[d];
        int *o = acc_malloc((size_t)(n + 1) * sizeof(int)); /* o[i] = [index >= i] */
        o[0] = OPT_TRUE;
        o[n] = OPT_FALSE;
        for (int i = 1; i < n; i++) {
            o[i] = opt_cnf_var(f);
            if (i > 1)
                opt_cnf_clause2(f, -o[i], o[i - 1]);
        }
        F->x[d] = acc_malloc((size_t)n * sizeof(int));
        F->lit[d] = acc_malloc((size_t)n * sizeof(int));
        for (int i = 0; i < n; i++) {
            int x = opt_and(f, o[i], -o[i + 1]);
            F->lit[d][i] = x;
            if (sp->excluded[d][i] != OPT_X_OK || (live && !live[d][i])) {
                opt_cnf_clause(f, (const int[]){-x}, 1);
                x = OPT_FALSE;
            }
            F->x[d][i] = x;
        }
        free(o);
    }
    F->enc = opt_e_encoder_new(sp->e, f, F->x);
    int w;
    const int *ok = opt_e_encode(F->enc, sp->ok, &w);
    opt_cnf_clause(f, ok, 1);
    F->lbits = opt_e_encode(F->enc, sp->lb, &F->tw);
    for (int j = 0; j < F->tw; j++)
        F->tbits[j] = opt_cnf_var(f);
    int le = opt_bv_ule(f, F->lbits, F->tbits, F->tw);
    opt_cnf_clause(f, &le, 1);
}

static void formula_free(formula *F)
{
    opt_e_encoder_free(F->enc);
    opt_cnf_free(F->f);
    for (int d = 0; d < OPT_DIMS; d++) {
        free(F->x[d]);
        free(F->lit[d]);
    }
}

/* Rules out, by interval reasoning (opt_e_bounds), every value of a
 * dimension with which no choice is a member with lower bound <= T: each
 * value is tried alone with the other dimensions' live values, until no
 * value goes.  `allowed` starts as the live values and is updated.  Returns
 * 0, or -1 when some dimension has no value left (no member has a lower
 * bound <= T).  The values ruled out are implied by the formula for T: unit
 * clauses or assumptions of them are redundant. */
/* By interval reasoning with each dimension ranging over `allowed`: no
 * member, or none with a lower bound <= T. */
static int hopeless(search *S, char *const *allowed, int64_t T)
{
    const opt_space *sp = &S->sp;
    uint64_t ok_lo, ok_hi, lb_lo, lb_hi;
    opt_e_bounds(sp->e, allowed, NULL, NULL);
    opt_e_bound_of(sp->e, sp->ok, &ok_lo, &ok_hi);
    opt_e_bound_of(sp->e, sp->lb, &lb_lo, &lb_hi);
    return ok_hi == 0 || (int64_t)lb_lo > T;
}

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
                const int out = hopeless(S, allowed, T);
                single[i] = 0;
                if (out) {
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
    const int *lits = opt_cnf_lits(S->F.f, &n);
    for (size_t i = S->fed; i < n; i++)
        ccadical_add(S->s, lits[i]);
    S->fed = n;
}

/* A clause implied by the formula for every bound T the search will still
 * ask (it rules out a value, or a combination of values of a few
 * dimensions, by interval reasoning): given to the solver and kept for the
 * certificate, apart from the encoding. */
static void add_implied_clause(search *S, const int *lits, int n)
{
    if (S->units_len + (size_t)n + 1 > S->cap_units) {
        S->cap_units = S->cap_units ? 2 * S->cap_units : 256;
        if (S->cap_units < S->units_len + (size_t)n + 1)
            S->cap_units = S->units_len + (size_t)n + 1;
        S->units = acc_realloc(S->units, S->cap_units * sizeof(int));
    }
    for (int i = 0; i < n; i++) {
        S->units[S->units_len++] = lits[i];
        ccadical_add(S->s, lits[i]);
    }
    S->units[S->units_len++] = 0;
    ccadical_add(S->s, 0);
    S->nunits++;
}

static void add_implied(search *S, int lit)
{
    add_implied_clause(S, &lit, 1);
}

static void encode(search *S)
{
    /* the values ruled out before the search are not encoded: their unit
     * clauses are the implied ones below (the certificate encodes them,
     * write_certificate) */
    formula_build(&S->F, &S->sp, S->live);
    S->held = -1;
    S->s = ccadical_init();
    /* no inprocessing between incremental calls: on these formulas it costs
     * more than it saves (measured on ResNet-18) */
    ccadical_set_option(S->s, "inprocessing", 0);
    ccadical_set_option(S->s, "quiet", 1); /* no messages on stdout */
    ccadical_set_terminate(S->s, S, terminate_cb);
    ccadical_set_learn(S->s, S, INT_MAX, learn_cb);
    feed(S);
    for (int d = 0; d < OPT_DIMS; d++)
        for (int i = 0; i < S->sp.dom[d]; i++)
            if (!S->live[d][i] && S->sp.excluded[d][i] == OPT_X_OK)
                add_implied(S, -S->F.lit[d][i]);
}

/* Gives the solver "lower bound <= T" over the bound's bits and the
 * constant T, without auxiliary variables: for every bit i where T has a
 * 0, not (bit i and every higher bit where T has a 1).  The search asks
 * ever smaller T, so each such set of clauses holds for every later query
 * (it is implied by the next one's); they are the solver's only, not the
 * certificate's, which fixes the bits of T instead. */
static void hold_bound(search *S, int64_t T)
{
    ACC_REQUIRE(T >= 0 && (S->held < 0 || T <= S->held));
    if (S->held == T)
        return;
    for (int i = 0; i < S->F.tw; i++) {
        if (((uint64_t)T >> i) & 1)
            continue;
        ccadical_add(S->s, -S->F.lbits[i]);
        for (int j = i + 1; j < S->F.tw; j++)
            if (((uint64_t)T >> j) & 1)
                ccadical_add(S->s, -S->F.lbits[j]);
        ccadical_add(S->s, 0);
    }
    S->held = T;
}

/* Solves with lower bound <= T (T never above the last call's), also
 * assuming away the live values that `allowed` (may be NULL) rules out:
 * 10 SAT, 20 UNSAT, 0 stopped. */
static int solve_at(search *S, int64_t T, char *const *allowed)
{
    if (terminate_cb(S))
        return 0;
    feed(S);
    hold_bound(S, T);
    for (int d = 0; allowed && d < OPT_DIMS; d++)
        for (int i = 0; i < S->sp.dom[d]; i++)
            if (S->live[d][i] && !allowed[d][i])
                ccadical_assume(S->s, -S->F.lit[d][i]);
    S->res->sat_calls++;
    const int64_t c0 = S->conflicts;
    int r = ccadical_solve(S->s);
    if (S->log)
        fprintf(S->log, "sat: solver call %d, T %lld: %s after %lld conflicts\n", S->res->sat_calls,
                (long long)T,
                r == 10   ? "SAT"
                : r == 20 ? "UNSAT"
                          : "stopped",
                (long long)(S->conflicts - c0));
    return r;
}

static void model_choice(search *S, int *idx)
{
    for (int d = 0; d < OPT_DIMS; d++) {
        idx[d] = -1;
        for (int i = 0; i < S->sp.dom[d] && idx[d] < 0; i++) {
            int x = S->F.lit[d][i];
            if (S->live[d][i] && ccadical_val(S->s, x) > 0) /* > 0: the literal is true */
                idx[d] = i;
        }
        ACC_REQUIRE(idx[d] >= 0); /* exactly one literal per dimension is true */
    }
}

static uint64_t idx_hash(const int *idx)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int d = 0; d < OPT_DIMS; d++) {
        h ^= (uint64_t)(uint32_t)idx[d];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* 1 when the point has a nogood already. */
static int has_nogood(const search *S, const int *idx)
{
    if (!S->cap_hash)
        return 0;
    for (size_t i = idx_hash(idx) & (size_t)(S->cap_hash - 1);;
         i = (i + 1) & (size_t)(S->cap_hash - 1)) {
        int k = S->ng_hash[i];
        if (k == 0)
            return 0;
        if (memcmp(S->ng[k - 1].idx, idx, sizeof(S->ng[k - 1].idx)) == 0)
            return 1;
    }
}

static void hash_insert(search *S, int k)
{
    size_t i = idx_hash(S->ng[k].idx) & (size_t)(S->cap_hash - 1);
    while (S->ng_hash[i])
        i = (i + 1) & (size_t)(S->cap_hash - 1);
    S->ng_hash[i] = k + 1;
}

/* The nogood is kept for the certificate and for has_nogood; the search's
 * solver gets no clause for it: the sweep that times it ends with the unit
 * clause that excludes its whole tk (swept_tk), which implies it. */
static void add_nogood(search *S, const int *idx, int64_t makespan, int64_t lb, int64_t T)
{
    if (S->nng == S->cap_ng) {
        S->cap_ng = S->cap_ng ? 2 * S->cap_ng : 64;
        S->ng = acc_realloc(S->ng, (size_t)S->cap_ng * sizeof(*S->ng));
    }
    nogood *g = &S->ng[S->nng++];
    memcpy(g->idx, idx, sizeof(g->idx));
    g->makespan = makespan;
    g->bound = T;
    g->lb = lb;
    S->res->nogoods++;
    if (2 * S->nng > S->cap_hash) { /* keep the table at most half full */
        free(S->ng_hash);
        S->cap_hash = S->cap_hash ? 2 * S->cap_hash : 1024;
        S->ng_hash = acc_calloc((size_t)S->cap_hash, sizeof(int));
        for (int k = 0; k < S->nng; k++)
            hash_insert(S, k);
    } else {
        hash_insert(S, S->nng - 1);
    }
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

/* A lower bound on every member's lower bound by interval reasoning alone
 * (no solver, no work counted): binary search for the least T that prune
 * does not refute, below `hi` (a member's bound).  What the space bound is
 * when the search stops before its proof. */
static int64_t interval_bound(search *S, int64_t hi)
{
    int64_t lo = 0;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        char **allowed = live_copy(S);
        int refuted = prune(S, mid, allowed) != 0;
        live_free(allowed);
        if (refuted)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The least lower bound of a member, once the query "a member with lower
 * bound <= best - 1" is UNSAT: every member with a bound <= best - 1 is then
 * excluded by a nogood (the formula holds for it otherwise), so the least
 * bound is the least of the nogoods' bounds and the best point's, which is
 * a member whose bound is at most its makespan. */
static int64_t proven_space_bound(const search *S, const int *best)
{
    int64_t m = (int64_t)opt_space_eval(&S->sp, S->sp.lb, best);
    for (int k = 0; k < S->nng; k++)
        if (S->ng[k].lb < m)
            m = S->ng[k].lb;
    return m;
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
                add_implied(S, -S->F.lit[d][i]);
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

/* A point the sweep will time, with its lower bound and its place in the
 * enumeration (the order of equal bounds). */
typedef struct candidate {
    int64_t lb;
    int seq;
    int v[OPT_DIMS];
} candidate;

static int candidate_cmp(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->lb != y->lb)
        return x->lb < y->lb ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The enumeration of a sweep: the dimensions in the order they are fixed,
 * the bound it must beat, the candidates found. */
typedef struct sweep_state {
    search *S;
    char **allowed; /* per dimension: the live values, or the one value fixed */
    char *one[OPT_DIMS];
    int v[OPT_DIMS];
    int64_t T;
    candidate *c;
    int n, cap, seq;
    uint64_t step0;    /* opt_e_steps when the sweep began */
    int64_t max_steps; /* a cap on its interval reasoning's steps (0: none) */
    int aborted;       /* the cap was reached */
} sweep_state;

/* The dimensions a sweep enumerates, outer to inner (tk is the solver's). */
static const int sweep_dims[OPT_DIMS] = {OPT_D_TK,    OPT_D_TC, OPT_D_TW, OPT_D_TH, OPT_D_MODE,
                                         OPT_D_ORDER, OPT_D_BA, OPT_D_BW, OPT_D_BO};

/* Hopeless combinations of values of tk, tc and tw (the dimensions of
 * sweep_dims up to this level) become implied clauses (measured on
 * ResNet-18: more levels cost the solver more than they save). */
#define SWEEP_CLAUSE_LEVEL 2

/* Depth-first over sweep_dims[k..]: a value is followed only when interval
 * reasoning, with the dimensions before it fixed and the others ranging
 * over their live values, leaves a member with a lower bound <= T. */
static void sweep_dfs(sweep_state *w, int k)
{
    search *S = w->S;
    if (w->aborted || (w->max_steps && (int64_t)(opt_e_steps(S->sp.e) - w->step0) > w->max_steps)) {
        w->aborted = 1;
        return;
    }
    if (k == OPT_DIMS) {
        int64_t lb = member_bound(S, w->v);
        w->seq++;
        if (lb < 0 || lb > w->T)
            return;
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 256;
            w->c = acc_realloc(w->c, (size_t)w->cap * sizeof(*w->c));
        }
        w->c[w->n].lb = lb;
        w->c[w->n].seq = w->seq;
        memcpy(w->c[w->n].v, w->v, sizeof(w->v));
        w->n++;
        return;
    }
    ACC_REQUIRE(k >= 1 && k < OPT_DIMS);
    const int d = sweep_dims[k];
    char *saved = w->allowed[d];
    w->allowed[d] = w->one[d];
    for (int i = 0; i < S->sp.dom[d]; i++) {
        if (!S->live[d][i])
            continue;
        w->v[d] = i;
        w->one[d][i] = 1;
        int out = 0;
        if (k < OPT_DIMS - 1) { /* the last level is exact */
            out = hopeless(S, w->allowed, w->T);
            if (out && k <= SWEEP_CLAUSE_LEVEL) {
                /* no member with these values has a bound <= T (nor <= any
                 * later T): a clause the encoding implies, which spares the
                 * solver finding it */
                int cl[OPT_DIMS];
                for (int j = 0; j <= k; j++)
                    cl[j] = -S->F.lit[sweep_dims[j]][w->v[sweep_dims[j]]];
                add_implied_clause(S, cl, k + 1);
            }
        }
        if (!out)
            sweep_dfs(w, k + 1);
        w->one[d][i] = 0;
    }
    w->allowed[d] = saved;
}

/* After a complete sweep of tk: every member with that tk and a lower bound
 * <= T has been timed above T (a nogood), is the best (T is below its
 * makespan; it gets its nogood when a better one replaces it, or when the
 * search ends), has a nogood from an earlier sweep, or was cut by interval
 * reasoning, and T only decreases; so the formula with the nogoods implies
 * "not tk" for every query left.  The unit goes to the search's solver
 * only: it excludes members with a bound <= T, so it is no implied clause
 * of the encoding, and the certificate has their nogoods instead. */
static void swept_tk(search *S, int tk)
{
    ccadical_add(S->s, -S->F.lit[OPT_D_TK][tk]);
    ccadical_add(S->s, 0);
}

/* The best so far is a point above T once a better one replaces it, or
 * once the proof ends at T = best - 1: it gets its nogood, which the
 * certificate needs when its bound is <= T (its tk, swept, is never
 * proposed again to have it timed). */
static void retire_best(search *S, const int *best, int64_t best_ms, int64_t T)
{
    if (!has_nogood(S, best))
        add_nogood(S, best, best_ms, (int64_t)opt_space_eval(&S->sp, S->sp.lb, best), T);
}

/* Times every point of the space that shares tk with idx and has a lower
 * bound <= best - 1 (every chunk, column-tile and row-tile size, mode, loop
 * order and buffer count), in increasing order of lower bound, ties in the
 * order of the enumeration: each becomes the best schedule (and the bound
 * drops, so the points after it whose bound exceeds the new best - 1 are
 * not timed) or a nogood.  Far cheaper than asking the solver for them one
 * by one; every nogood is still an exact evaluation.  The enumeration skips
 * a partial choice when interval reasoning shows that no member completing
 * it has a lower bound <= best - 1, and the short ones it skips become
 * implied clauses.  With max_steps > 0 the enumeration is abandoned once
 * its interval reasoning has taken more steps (opt_e_steps) than that:
 * then nothing is timed and 0 is returned; else 1.  *steps (if not NULL):
 * the steps it took. */
static int sweep(search *S, const int *idx, int *best, int64_t *best_ms, int64_t max_steps,
                 int64_t *steps, const acc_sat_options *opt)
{
    sweep_state w;
    memset(&w, 0, sizeof(w));
    w.S = S;
    w.max_steps = max_steps;
    w.step0 = opt_e_steps(S->sp.e);
    w.allowed = live_copy(S);
    for (int d = 0; d < OPT_DIMS; d++)
        w.one[d] = acc_calloc((size_t)S->sp.dom[d], 1);
    w.T = *best_ms - 1;
    memcpy(w.v, idx, sizeof(w.v));
    char *saved = w.allowed[OPT_D_TK];
    w.allowed[OPT_D_TK] = w.one[OPT_D_TK];
    w.one[OPT_D_TK][idx[OPT_D_TK]] = 1;
    sweep_dfs(&w, 1);
    w.allowed[OPT_D_TK] = saved;
    for (int d = 0; d < OPT_DIMS; d++)
        free(w.one[d]);
    live_free(w.allowed);
    candidate *c = w.c;
    const int n = w.n;
    if (steps)
        *steps = (int64_t)(opt_e_steps(S->sp.e) - w.step0);
    if (w.aborted) {
        free(c);
        return 0;
    }
    if (n > 1)
        qsort(c, (size_t)n, sizeof(*c), candidate_cmp);
    int complete = 1, improved = 0;
    for (int k = 0; k < n; k++) {
        if (terminate_cb(S)) {
            complete = 0;
            break; /* the budget: the next query stops too */
        }
        const int64_t T = *best_ms - 1;
        if (c[k].lb > T)
            break; /* sorted: every later point's bound exceeds T too */
        if (has_nogood(S, c[k].v))
            continue; /* timed by an earlier sweep: its makespan exceeds T already */
        int64_t m = evaluate(S, c[k].v, NULL);
        ACC_REQUIRE(m >= 0);
        if (m > T) {
            add_nogood(S, c[k].v, m, c[k].lb, T);
            continue;
        }
        retire_best(S, best, *best_ms, m - 1);
        memcpy(best, c[k].v, sizeof(c[k].v));
        *best_ms = m;
        S->res->improvements++;
        improved = 1;
        log_line(opt, "sat: better schedule, makespan %lld (%d evaluations, %d nogoods)\n",
                 (long long)m, S->res->evaluations, S->res->nogoods);
    }
    free(c);
    if (complete)
        swept_tk(S, idx[OPT_D_TK]);
    /* the values the new best rules out: once, for the last improvement
     * (every value ruled out for an earlier, larger T is ruled out for
     * this one too; nothing in this sweep reads them after the enumeration) */
    if (improved)
        narrow(S, *best_ms - 1);
    return 1;
}

/* Sweeps the live tk values other than the best's, in increasing order,
 * with the steps of interval reasoning left of ACC_SAT_PRESWEEP_STEPS;
 * stops at the first sweep that runs out of them, or at the budget. */
static void presweep(search *S, int *best, int64_t *best_ms, const acc_sat_options *opt)
{
    int64_t left = ACC_SAT_PRESWEEP_STEPS;
    const int first = best[OPT_D_TK];
    for (int t = 0; t < S->sp.dom[OPT_D_TK] && left > 0; t++) {
        if (!S->live[OPT_D_TK][t] || t == first)
            continue;
        if (terminate_cb(S))
            return;
        int idx[OPT_DIMS];
        int64_t used = 0;
        memcpy(idx, best, sizeof(idx));
        idx[OPT_D_TK] = t;
        const int complete = sweep(S, idx, best, best_ms, left, &used, opt);
        left -= used;
        if (!complete)
            return;
    }
}

/* Improves *best (indices, makespan) until UNSAT (returns 1) or stopped. */
static int phase_optimum(search *S, int *best, int64_t *best_ms, const acc_sat_options *opt)
{
    int idx[OPT_DIMS];
    for (;;) {
        int r = solve_at(S, *best_ms - 1, NULL);
        if (r == 20) {
            retire_best(S, best, *best_ms, *best_ms - 1);
            return 1;
        }
        if (r != 10)
            return 0;
        model_choice(S, idx);
        sweep(S, idx, best, best_ms, 0, NULL, opt);
    }
}

/* ------------------------------------------------------------------ export */

/* The literal of the full formula C for a literal of the search's formula
 * that is a value's one-hot literal or a constant (the implied clauses are
 * made of them): by the value, through `val`, which maps each variable of
 * the search's one-hot literals to d * 2^16 + i + 1. */
static int cert_lit(const search *S, const formula *C, const int *val, int lit)
{
    const int v = lit < 0 ? -lit : lit;
    if (v == OPT_TRUE)
        return lit; /* the constant: variable 1 in both formulas */
    ACC_REQUIRE(val[v] > 0);
    const int d = (val[v] - 1) >> 16, i = (val[v] - 1) & 0xffff;
    return S->F.lit[d][i] == lit ? C->lit[d][i] : -C->lit[d][i];
}

static int write_certificate(search *S, const char *path, int64_t T, acc_error *err)
{
    /* The certificate encodes every value of the space (the search's
     * formula leaves out the values ruled out before it started, whose
     * unit clauses are among the implied ones): the clauses over the
     * search's one-hot literals are carried over value by value. */
    formula C;
    formula_build(&C, &S->sp, NULL);
    int *val = acc_calloc((size_t)opt_cnf_vars(S->F.f) + 1, sizeof(int));
    for (int d = 0; d < OPT_DIMS; d++) {
        ACC_REQUIRE(S->sp.dom[d] <= 0xffff);
        for (int i = 0; i < S->sp.dom[d]; i++) {
            const int l = S->F.lit[d][i], v = l < 0 ? -l : l;
            if (v != OPT_TRUE)
                val[v] = (d << 16) + i + 1;
        }
    }
    /* after the encoding: the implied units, the nogoods, the bits of T */
    size_t cap = S->units_len + (size_t)S->nng * (OPT_DIMS + 1) + 2 * (size_t)C.tw, n = 0;
    int *extra = acc_malloc(cap * sizeof(int));
    for (size_t k = 0; k < S->units_len; k++)
        extra[n++] = S->units[k] ? cert_lit(S, &C, val, S->units[k]) : 0;
    free(val);
    for (int k = 0; k < S->nng; k++) {
        for (int d = 0; d < OPT_DIMS; d++)
            extra[n++] = -C.lit[d][S->ng[k].idx[d]];
        extra[n++] = 0;
    }
    for (int j = 0; j < C.tw; j++) {
        extra[n++] = ((uint64_t)T >> j) & 1 ? C.tbits[j] : -C.tbits[j];
        extra[n++] = 0;
    }
    char comment[2048];
    snprintf(comment, sizeof(comment),
             "%s: UNSAT query of the sat planner (%s) for layer '%s' on configuration '%s'.\n"
             "Unsatisfiable means: no point of the declared search space has a lower bound\n"
             "at most T = %lld cycles, except the points excluded by the nogood clauses,\n"
             "whose exact makespans (all above T) are listed in %s.nogoods.\n"
             "After the encoding come %d implied clauses (values, and combinations of values\n"
             "of a few dimensions, that interval reasoning rules out for T; the encoding\n"
             "implies them, they only help), then the %d nogood\n"
             "clauses, then the %d unit clauses that fix T.  docs/planner.md explains it all.",
             path, ACC_SAT_VERSION, S->sp.layer.name, S->sp.cfg.name, (long long)T, path, S->nunits,
             S->nng, C.tw);
    /* both files are rendered in memory and written atomically */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc = f ? opt_cnf_write_dimacs(C.f, f, extra, n,
                                      (size_t)S->nunits + (size_t)S->nng + (size_t)C.tw, comment)
               : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(extra);
    if (rc == 0 && acc_write_file(path, text, len, NULL) != 0)
        rc = -1;
    free(text);
    if (rc != 0) {
        formula_free(&C);
        return acc_fail(err, "%s: cannot write the DIMACS file", path);
    }

    size_t pn = strlen(path) + 16;
    char *npath = acc_malloc(pn);
    snprintf(npath, pn, "%s.nogoods", path);
    text = NULL;
    len = 0;
    f = open_memstream(&text, &len);
    if (!f) {
        acc_fail(err, "%s: cannot write the nogood list", npath);
        free(npath);
        formula_free(&C);
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
            if (C.x[d][i] != OPT_FALSE)
                fprintf(f, "# var %s %d %d\n", dims[d],
                        d == OPT_D_ORDER || d == OPT_D_MODE ? i : i + 1, C.x[d][i]);
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
    formula_free(&C);
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
    if (S->F.f)
        formula_free(&S->F);
    for (int d = 0; d < OPT_DIMS; d++)
        free(S->live[d]);
    free(S->lo);
    free(S->units);
    free(S->ng);
    free(S->ng_hash);
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
    S.budget = opt ? opt->budget : 0;
    S.log = opt ? opt->log : NULL;
    res->budget = S.budget;
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
    res->vars = opt_cnf_vars(S.F.f);
    res->clauses = opt_cnf_clauses(S.F.f);
    log_line(opt,
             "sat: %d variables, %llu clauses; baselines' best makespan %lld; %d tile sizes "
             "could beat it%s (%.2f s)\n",
             res->vars, (unsigned long long)res->clauses, (long long)best_ms, live,
             none ? ", no choice could" : "", acc_now_seconds() - t0);

    /* the optimum */
    /* the best baseline's tk is swept before the first query: its members
     * are often near the optimum, and the solver then starts from a lower T
     * with that tk excluded (sat-8) */
    if (!none && S.live[OPT_D_TK][best[OPT_D_TK]]) {
        int idx[OPT_DIMS];
        memcpy(idx, best, sizeof(idx));
        sweep(&S, idx, best, &best_ms, 0, NULL, opt);
    }
    /* then every other live tk, while the sweeps' interval reasoning stays
     * within ACC_SAT_PRESWEEP_STEPS: on a layer whose members near the
     * optimum are few, all of them are swept and the solver's query is
     * refuted by the units "not tk" alone; a sweep that would pass the
     * limit is abandoned (nothing timed, no unit) and the solver proposes
     * the rest (sat-9) */
    if (!none)
        presweep(&S, best, &best_ms, opt);
    res->optimal = phase_optimum(&S, best, &best_ms, opt);
    /* the space bound: exact from the proof, else by interval reasoning */
    res->space_bound = res->optimal ? proven_space_bound(&S, best) : interval_bound(&S, best_ms);
    log_line(opt, "sat: least lower bound in the space %s%lld\n",
             res->optimal ? "" : ">= ", (long long)res->space_bound);
    res->makespan = best_ms;
    res->lower_bound = acc_max64(res->universal.best, res->space_bound);
    res->proven_bound = res->optimal ? best_ms : res->lower_bound;
    opt_space_choice(&S.sp, best, &res->choice);
    int64_t m = evaluate(&S, best, &res->program);
    ACC_REQUIRE(m == best_ms);
    log_line(opt, "sat: %d implied clauses\n", S.nunits);
    log_line(opt, "sat: makespan %lld, %s (%d solver calls, %d evaluations, %d nogoods, %.2f s)\n",
             (long long)best_ms, res->optimal ? "optimal" : "not proven optimal", res->sat_calls,
             res->evaluations, res->nogoods, acc_now_seconds() - t0);

    int rc = 0;
    if (opt && opt->dimacs_path && res->optimal) {
        rc = write_certificate(&S, opt->dimacs_path, best_ms - 1, err);
        res->dimacs_written = rc == 0;
    }
    res->clauses = opt_cnf_clauses(S.F.f) + (uint64_t)S.nunits + (uint64_t)S.nng;
    res->vars = opt_cnf_vars(S.F.f);
    search_free(&S);
    res->conflicts = S.conflicts;
    res->work = work(&S);
    res->seconds = acc_now_seconds() - t0;
    if (rc != 0)
        acc_sat_result_free(res);
    return rc;
}

int64_t acc_sat_budget_of_seconds(double seconds)
{
    ACC_REQUIRE(seconds >= 0);
    double u = ceil(seconds * ACC_SAT_WORK_PER_SECOND);
    return u > 1e15 ? (int64_t)1e15 : (int64_t)u;
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
