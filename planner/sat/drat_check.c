/* drat_check.c - forward DRAT checking with two watched literals, and the
 * LRAT it writes on the way (drat_check.h). */
#include "planner/sat/drat_check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ASSUMED (-1) /* reason of a literal assigned by the check itself */

typedef struct ivec {
    int *a;
    int n, cap;
} ivec;

static void ivec_push(ivec *v, int x)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 4;
        v->a = acc_realloc(v->a, (size_t)v->cap * sizeof(int));
    }
    v->a[v->n++] = x;
}

typedef struct pair {
    int pos, id;
} pair;

typedef struct drat {
    int vars;
    /* clauses by id 1..n: arena[off[id]] = size, then the literals */
    int *arena;
    size_t na, ca;
    size_t *off;
    unsigned *hash;
    int *next; /* hash chain */
    char *active;
    int n, cap;
    int *bucket;
    unsigned nbucket;
    int nlive;
    ivec *watch; /* by literal index: clauses watching that literal */
    signed char *val;
    int *reason, *pos, *trail;
    int ntrail, qhead, top;
    int conflict; /* a clause falsified at top level, 0 none */
    unsigned *seen, seen_stamp;
    unsigned *lmark, lmark_stamp; /* literals of the lemma being checked */
    unsigned *dmark, dmark_stamp; /* literals of a deletion */
    unsigned *amark, amark_stamp; /* other literals of a RAT candidate */
    ivec stack, hints;
    pair *found;
    int nfound, capfound;
    FILE *lrat;
    acc_drat_stats st;
} drat;

static int lit_index(int l)
{
    return 2 * abs(l) + (l < 0);
}

static int value(const drat *d, int l)
{
    int v = d->val[abs(l)];
    return l > 0 ? v : -v;
}

static int *lits_of(const drat *d, int id)
{
    return d->arena + d->off[id] + 1;
}

static int size_of(const drat *d, int id)
{
    return d->arena[d->off[id]];
}

static unsigned lit_hash(int l)
{
    uint32_t x = (uint32_t)l * 0x9e3779b1u;
    return x ^ (x >> 15);
}

static void assign(drat *d, int l, int reason)
{
    int v = abs(l);
    d->val[v] = (signed char)(l > 0 ? 1 : -1);
    d->reason[v] = reason;
    d->pos[v] = d->ntrail;
    d->trail[d->ntrail++] = l;
}

static void backtrack(drat *d, int to)
{
    while (d->ntrail > to)
        d->val[abs(d->trail[--d->ntrail])] = 0;
    d->qhead = to;
}

static void watch_clause(drat *d, int id)
{
    int *c = lits_of(d, id);
    ivec_push(&d->watch[lit_index(c[0])], id);
    ivec_push(&d->watch[lit_index(c[1])], id);
}

/* Unit propagation from qhead; the id of a falsified clause, or 0. */
static int propagate(drat *d)
{
    while (d->qhead < d->ntrail) {
        int fl = -d->trail[d->qhead++];
        ivec *w = &d->watch[lit_index(fl)];
        int j = 0;
        for (int i = 0; i < w->n; i++) {
            int id = w->a[i];
            if (!d->active[id])
                continue; /* deleted: dropped from the list */
            int *c = lits_of(d, id), size = size_of(d, id);
            if (c[0] == fl) {
                c[0] = c[1];
                c[1] = fl;
            }
            if (value(d, c[0]) == 1) {
                w->a[j++] = id;
                continue;
            }
            int moved = 0;
            for (int k = 2; k < size; k++)
                if (value(d, c[k]) != -1) {
                    c[1] = c[k];
                    c[k] = fl;
                    ivec_push(&d->watch[lit_index(c[1])], id);
                    moved = 1;
                    break;
                }
            if (moved)
                continue;
            w->a[j++] = id;
            if (value(d, c[0]) == -1) {
                for (i++; i < w->n; i++)
                    w->a[j++] = w->a[i];
                w->n = j;
                return id;
            }
            assign(d, c[0], id);
        }
        w->n = j;
    }
    return 0;
}

/* Stores a clause (duplicate literals dropped) under the next id. */
static int store(drat *d, const int *lits, int n)
{
    if (d->n + 1 >= d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1024;
        d->off = acc_realloc(d->off, (size_t)d->cap * sizeof(size_t));
        d->hash = acc_realloc(d->hash, (size_t)d->cap * sizeof(unsigned));
        d->next = acc_realloc(d->next, (size_t)d->cap * sizeof(int));
        d->active = acc_realloc(d->active, (size_t)d->cap);
    }
    if (d->na + (size_t)n + 1 > d->ca) {
        while (d->na + (size_t)n + 1 > d->ca)
            d->ca = d->ca ? 2 * d->ca : 4096;
        d->arena = acc_realloc(d->arena, d->ca * sizeof(int));
    }
    int id = ++d->n;
    d->off[id] = d->na;
    int *c = d->arena + d->na + 1, size = 0;
    unsigned h = 0;
    d->dmark_stamp++;
    for (int i = 0; i < n; i++) {
        unsigned *m = &d->dmark[lit_index(lits[i])];
        if (*m == d->dmark_stamp)
            continue;
        *m = d->dmark_stamp;
        c[size++] = lits[i];
        h += lit_hash(lits[i]);
    }
    d->arena[d->na] = size;
    d->na += (size_t)size + 1;
    d->hash[id] = h;
    d->active[id] = 1;
    if ((unsigned)++d->nlive > d->nbucket) { /* rehash into twice the buckets */
        unsigned nb = d->nbucket ? 2 * d->nbucket : 1024;
        free(d->bucket);
        d->bucket = acc_malloc(nb * sizeof(int));
        memset(d->bucket, 0, nb * sizeof(int));
        d->nbucket = nb;
        for (int k = 1; k < id; k++)
            if (d->active[k]) {
                d->next[k] = d->bucket[d->hash[k] & (nb - 1)];
                d->bucket[d->hash[k] & (nb - 1)] = k;
            }
    }
    d->next[id] = d->bucket[h & (d->nbucket - 1)];
    d->bucket[h & (d->nbucket - 1)] = id;
    return id;
}

/* Writes " x" (x = 0: " 0"). */
static void put_int(FILE *f, long x)
{
    char b[24];
    int n = 0;
    unsigned long u = x < 0 ? 0ul - (unsigned long)x : (unsigned long)x;
    do
        b[n++] = (char)('0' + u % 10);
    while (u /= 10);
    putc_unlocked(' ', f);
    if (x < 0)
        putc_unlocked('-', f);
    while (n)
        putc_unlocked(b[--n], f);
}

static void put_clause(FILE *f, int id, const int *lits, int n)
{
    fprintf(f, "%d", id);
    for (int i = 0; i < n; i++)
        put_int(f, lits[i]);
    put_int(f, 0);
}

static int by_pos(const void *a, const void *b)
{
    int x = ((const pair *)a)->pos, y = ((const pair *)b)->pos;
    return (x > y) - (x < y);
}

/* The LRAT hints of a conflict: the reasons of the clause `confl`'s
 * literals (but var `skip`), recursively, in trail order, then confl;
 * appended to out.  Top-level literals have unit reasons (no recursion). */
static void analyze(drat *d, int confl, int skip, ivec *out)
{
    d->seen_stamp++;
    d->stack.n = 0;
    d->nfound = 0;
    int *c = lits_of(d, confl), size = size_of(d, confl);
    for (int i = 0; i < size; i++) {
        int v = abs(c[i]);
        if (v != skip && d->seen[v] != d->seen_stamp) {
            d->seen[v] = d->seen_stamp;
            ivec_push(&d->stack, v);
        }
    }
    while (d->stack.n) {
        int v = d->stack.a[--d->stack.n];
        int r = d->reason[v];
        /* the LRAT checker assigns the lemma's (and candidate's) literals
         * false itself, however this checker came to know them */
        int fl = d->val[v] > 0 ? -v : v;
        if (r == ASSUMED || d->lmark[lit_index(fl)] == d->lmark_stamp ||
            d->amark[lit_index(fl)] == d->amark_stamp)
            continue;
        if (d->nfound == d->capfound) {
            d->capfound = d->capfound ? 2 * d->capfound : 64;
            d->found = acc_realloc(d->found, (size_t)d->capfound * sizeof(pair));
        }
        d->found[d->nfound++] = (pair){d->pos[v], r};
        int *rc = lits_of(d, r), rs = size_of(d, r);
        for (int i = 0; i < rs; i++) {
            int u = abs(rc[i]);
            if (u != v && d->seen[u] != d->seen_stamp) {
                d->seen[u] = d->seen_stamp;
                ivec_push(&d->stack, u);
            }
        }
    }
    /* trail order: each reason is unit when its turn comes */
    if (d->nfound > 32)
        qsort(d->found, (size_t)d->nfound, sizeof(pair), by_pos);
    for (int i = 1; i < d->nfound; i++) { /* few: insertion sort */
        pair p = d->found[i];
        int j = i;
        for (; j > 0 && d->found[j - 1].pos > p.pos; j--)
            d->found[j] = d->found[j - 1];
        d->found[j] = p;
    }
    for (int i = 0; i < d->nfound; i++)
        ivec_push(out, d->found[i].id);
    ivec_push(out, confl);
}

static void put_hints(FILE *f, const ivec *h)
{
    for (int i = 0; i < h->n; i++)
        put_int(f, h->a[i]);
    fputs(" 0\n", f);
}

/* After top-level propagation from trail position `from`: every literal
 * assigned there whose reason is not a unit clause gets one (a RUP clause
 * of the LRAT, whose hints are the units of the reason's other literals). */
static void add_units(drat *d, int from)
{
    for (int i = from; i < d->ntrail; i++) {
        int l = d->trail[i], v = abs(l), r = d->reason[v];
        if (size_of(d, r) == 1)
            continue;
        d->hints.n = 0;
        int *rc = lits_of(d, r), rs = size_of(d, r);
        for (int k = 0; k < rs; k++)
            if (abs(rc[k]) != v)
                ivec_push(&d->hints, d->reason[abs(rc[k])]);
        ivec_push(&d->hints, r);
        int id = store(d, &l, 1);
        d->st.units++;
        if (d->lrat) {
            put_clause(d->lrat, id, &l, 1);
            put_hints(d->lrat, &d->hints);
        }
        d->reason[v] = id;
    }
    d->top = d->ntrail;
}

/* Adds stored clause `id` to the top-level state: watches, units, the
 * top-level conflict. */
static void attach(drat *d, int id)
{
    if (d->conflict)
        return;
    int *c = lits_of(d, id), size = size_of(d, id);
    if (size == 0) {
        d->conflict = id;
        return;
    }
    /* the two best literals first: true, then unassigned, then false */
    for (int w = 0; w < 2 && w < size; w++) {
        int best = w;
        for (int k = w + 1; k < size; k++) {
            int vk = value(d, c[k]), vb = value(d, c[best]);
            if (vk > vb || (vk == -1 && vb == -1 && d->pos[abs(c[k])] > d->pos[abs(c[best])]))
                best = k;
        }
        int t = c[w];
        c[w] = c[best];
        c[best] = t;
    }
    if (size >= 2)
        watch_clause(d, id);
    int v0 = value(d, c[0]);
    if (v0 == -1) {
        d->conflict = id;
        return;
    }
    if (v0 == 0 && (size == 1 || value(d, c[1]) == -1)) {
        int from = d->ntrail;
        assign(d, c[0], id);
        int confl = propagate(d);
        add_units(d, from);
        if (confl)
            d->conflict = confl;
    }
}

/* Is the lemma c[0..n) RUP?  1 with its hints in d->hints; 0 with its
 * negation assigned and propagated (no conflict), for the RAT check. */
static int check_rup(drat *d, const int *c, int n)
{
    d->hints.n = 0;
    d->lmark_stamp++;
    d->amark_stamp++;
    for (int i = 0; i < n; i++)
        d->lmark[lit_index(c[i])] = d->lmark_stamp;
    if (d->conflict) {
        analyze(d, d->conflict, 0, &d->hints);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        int v = value(d, c[i]);
        if (v == 1) {
            int r = d->reason[abs(c[i])];
            if (r != ASSUMED) /* true at top level: its unit clause clashes */
                analyze(d, r, abs(c[i]), &d->hints);
            backtrack(d, d->top); /* else a tautology: no hints */
            return 1;
        }
        if (v == 0)
            assign(d, -c[i], ASSUMED);
    }
    int confl = propagate(d);
    if (confl) {
        analyze(d, confl, 0, &d->hints);
        backtrack(d, d->top);
        return 1;
    }
    return 0;
}

/* RAT on c[0], with the negation of c assigned (check_rup returned 0):
 * 1 with the hint groups in d->hints, or 0 with *bad the failing clause. */
static int check_rat(drat *d, const int *c, int n, int *bad)
{
    int np = -c[0], mid = d->ntrail;
    (void)n; /* check_rup marked the lemma's literals */
    d->hints.n = 0;
    for (int id = 1; id <= d->n; id++) {
        if (!d->active[id])
            continue;
        int *dc = lits_of(d, id), ds = size_of(d, id), has = 0, clash = 0;
        for (int k = 0; k < ds; k++) {
            has |= dc[k] == np;
            clash |= dc[k] != np && d->lmark[lit_index(-dc[k])] == d->lmark_stamp;
        }
        if (!has || clash)
            continue;
        int confl = 0, skip = 0;
        d->amark_stamp++;
        for (int k = 0; k < ds; k++)
            if (dc[k] != np)
                d->amark[lit_index(dc[k])] = d->amark_stamp;
        for (int k = 0; k < ds && !confl; k++) {
            if (dc[k] == np)
                continue;
            int v = value(d, dc[k]);
            if (v == 1) {
                confl = d->reason[abs(dc[k])];
                skip = abs(dc[k]);
            } else if (v == 0) {
                assign(d, -dc[k], ASSUMED);
            }
        }
        if (!confl)
            confl = propagate(d);
        if (!confl) {
            backtrack(d, d->top);
            *bad = id;
            return 0;
        }
        ivec_push(&d->hints, -id);
        analyze(d, confl, skip, &d->hints);
        backtrack(d, mid);
    }
    backtrack(d, d->top);
    return 1;
}

/* Finds the present clause with the literals of c[0..n) (as a set). */
static int find_clause(drat *d, const int *c, int n, int *prev_out)
{
    unsigned h = 0;
    int size = 0;
    d->dmark_stamp++;
    for (int i = 0; i < n; i++) {
        unsigned *m = &d->dmark[lit_index(c[i])];
        if (*m == d->dmark_stamp)
            continue;
        *m = d->dmark_stamp;
        h += lit_hash(c[i]);
        size++;
    }
    if (!d->nbucket)
        return 0;
    int prev = 0;
    for (int id = d->bucket[h & (d->nbucket - 1)]; id; prev = id, id = d->next[id]) {
        if (d->hash[id] != h || size_of(d, id) != size)
            continue;
        int *dc = lits_of(d, id), same = 1;
        for (int k = 0; k < size && same; k++)
            same = d->dmark[lit_index(dc[k])] == d->dmark_stamp;
        if (same) {
            *prev_out = prev;
            return id;
        }
    }
    return 0;
}

static void delete_clause(drat *d, const int *c, int n)
{
    int prev = 0, id = find_clause(d, c, n, &prev);
    if (!id) {
        d->st.missing_deletions++;
        return;
    }
    int *dc = lits_of(d, id), size = size_of(d, id);
    for (int k = 0; k < size; k++)
        if (d->val[abs(dc[k])] && d->reason[abs(dc[k])] == id) {
            d->st.ignored_unit_deletions++;
            return;
        }
    d->active[id] = 0;
    d->nlive--;
    if (prev)
        d->next[prev] = d->next[id];
    else
        d->bucket[d->hash[id] & (d->nbucket - 1)] = d->next[id];
    d->st.deletions++;
    if (d->lrat)
        fprintf(d->lrat, "%d d %d 0\n", d->n, id);
}

static void drat_free(drat *d)
{
    free(d->arena);
    free(d->off);
    free(d->hash);
    free(d->next);
    free(d->active);
    free(d->bucket);
    if (d->watch)
        for (int i = 0; i < 2 * (d->vars + 1); i++)
            free(d->watch[i].a);
    free(d->watch);
    free(d->val);
    free(d->reason);
    free(d->pos);
    free(d->trail);
    free(d->seen);
    free(d->lmark);
    free(d->dmark);
    free(d->amark);
    free(d->stack.a);
    free(d->hints.a);
    free(d->found);
}

/* The empty clause, with the hints of the top-level conflict. */
static void finish(drat *d)
{
    d->hints.n = 0;
    d->lmark_stamp++;
    d->amark_stamp++;
    analyze(d, d->conflict, 0, &d->hints);
    int id = store(d, NULL, 0);
    if (d->lrat) {
        put_clause(d->lrat, id, NULL, 0);
        put_hints(d->lrat, &d->hints);
    }
}

int acc_drat_check(const acc_cnf *cnf, const char *proof_path, FILE *lrat, acc_drat_stats *st,
                   acc_error *err)
{
    drat d;
    memset(&d, 0, sizeof(d));
    d.vars = cnf->vars;
    d.lrat = lrat;
    size_t nv = (size_t)cnf->vars + 1, nl = 2 * nv;
    d.cap = cnf->clauses + 1024;
    d.off = acc_malloc((size_t)d.cap * sizeof(size_t));
    d.hash = acc_malloc((size_t)d.cap * sizeof(unsigned));
    d.next = acc_malloc((size_t)d.cap * sizeof(int));
    d.active = acc_malloc((size_t)d.cap);
    d.watch = acc_calloc(nl, sizeof(ivec));
    d.val = acc_calloc(nv, 1);
    d.reason = acc_calloc(nv, sizeof(int));
    d.pos = acc_calloc(nv, sizeof(int));
    d.trail = acc_calloc(nv, sizeof(int));
    d.seen = acc_calloc(nv, sizeof(unsigned));
    d.lmark = acc_calloc(nl, sizeof(unsigned));
    d.dmark = acc_calloc(nl, sizeof(unsigned));
    d.amark = acc_calloc(nl, sizeof(unsigned));
    /* the formula: ids 1..clauses first, then their top-level effects */
    const int *p = cnf->lits;
    for (int i = 0; i < cnf->clauses; i++) {
        int n = 0;
        while (p[n])
            n++;
        store(&d, p, n);
        p += n + 1;
    }
    for (int id = 1; id <= cnf->clauses; id++)
        attach(&d, id);

    size_t len = 0;
    char *text = acc_proof_read(proof_path, &len, err);
    if (!text) {
        drat_free(&d);
        return -1;
    }
    acc_tok t;
    acc_tok_init(&t, text, len, proof_path);
    ivec c = {0};
    int rc = 0, done = d.conflict != 0;
    if (done)
        finish(&d); /* the formula itself, by unit propagation */
    while (rc == 0 && !done) {
        long v;
        int k = acc_tok_next(&t, "lemma", &v, err);
        if (k == ACC_TOK_EOF)
            break;
        int del = k == ACC_TOK_DELETE;
        long line = t.line;
        c.n = 0;
        if (del)
            k = acc_tok_next(&t, "deleted literal", &v, err);
        while (k == ACC_TOK_INT && v != 0) {
            if (v > d.vars || -v > d.vars) {
                rc = acc_fail(err,
                              "%s:%ld: field 'literal': %ld is not a literal of the formula's %d "
                              "variables",
                              proof_path, t.line, v, d.vars);
                break;
            }
            ivec_push(&c, (int)v);
            k = acc_tok_next(&t, "literal", &v, err);
        }
        if (rc != 0)
            break;
        if (k < 0) {
            rc = -1;
            break;
        }
        if (k != ACC_TOK_INT) {
            rc = acc_fail(err, "%s:%ld: field 'literal': %s", proof_path, t.line,
                          k == ACC_TOK_EOF      ? "the last clause is not ended by 0"
                          : k == ACC_TOK_DELETE ? "'d' inside a clause"
                                                : "'p' is not a proof line");
            break;
        }
        if (del) {
            delete_clause(&d, c.a, c.n);
            continue;
        }
        d.st.lemmas++;
        if (c.n == 0) { /* no conflict yet, else the proof would have ended */
            acc_fail(err, "%s:%ld: the empty clause does not follow by unit propagation",
                     proof_path, line);
            rc = 1;
            break;
        }
        int ok = check_rup(&d, c.a, c.n), bad = 0;
        if (!ok) {
            ok = check_rat(&d, c.a, c.n, &bad);
            d.st.rat += ok;
        }
        if (!ok) {
            acc_fail(err,
                     "%s:%ld: lemma %d (%d literals) is not RUP, and not RAT on %d: "
                     "its resolvent with clause %d does not propagate to a conflict",
                     proof_path, line, d.n + 1, c.n, c.a[0], bad);
            rc = 1;
            break;
        }
        int id = store(&d, c.a, c.n);
        if (lrat) {
            put_clause(lrat, id, lits_of(&d, id), size_of(&d, id));
            put_hints(lrat, &d.hints);
        }
        attach(&d, id);
        if (d.conflict) { /* refuted: the empty clause, and the rest is not read */
            finish(&d);
            d.st.refuted_line = line;
            done = 1;
        }
    }
    free(text);
    free(c.a);
    if (rc == 0 && !done) {
        acc_fail(err,
                 "%s: the proof ends without the empty clause, and its clauses do not "
                 "propagate to a conflict",
                 proof_path);
        rc = 1;
    }
    if (st)
        *st = d.st;
    drat_free(&d);
    return rc;
}
