/* lrat_check.c - the LRAT checker (lrat_check.h): no search, no watches;
 * each hint is one pass over one clause. */
#include "planner/sat/lrat_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lrat {
    int vars;
    int **cl; /* by id: cl[id][0] = size, then the literals; NULL: absent */
    long cap, maxid;
    signed char *val;
    int *trail, ntrail;
    unsigned *mark, stamp; /* literals of the clause being checked */
    const char *path;
    long line;
    acc_lrat_stats st;
} lrat;

static int value(const lrat *s, int l)
{
    int v = s->val[abs(l)];
    return l > 0 ? v : -v;
}

static void set_true(lrat *s, int l)
{
    s->val[abs(l)] = (signed char)(l > 0 ? 1 : -1);
    s->trail[s->ntrail++] = abs(l);
}

static void undo(lrat *s, int to)
{
    while (s->ntrail > to)
        s->val[s->trail[--s->ntrail]] = 0;
}

/* One hint: 1 the clause is unit (its literal is set), 2 it is falsified,
 * or -1 with err when it is absent, satisfied or has two free literals. */
static int use_hint(lrat *s, long id, long cid, acc_error *err)
{
    if (id <= 0 || id > s->maxid || !s->cl[id])
        return acc_fail(err, "%s:%ld: clause %ld: hint %ld is not a present clause", s->path,
                        s->line, cid, id);
    int *c = s->cl[id], n = c[0], free_lit = 0, nfree = 0;
    for (int i = 1; i <= n; i++) {
        int v = value(s, c[i]);
        if (v == 1)
            return acc_fail(err, "%s:%ld: clause %ld: hint %ld is satisfied, not unit", s->path,
                            s->line, cid, id);
        if (v == 0 && (nfree == 0 || c[i] != free_lit)) {
            free_lit = c[i];
            nfree++;
        }
    }
    if (nfree > 1)
        return acc_fail(err, "%s:%ld: clause %ld: hint %ld is not unit (%d unassigned literals)",
                        s->path, s->line, cid, id, nfree);
    if (nfree == 0)
        return 2;
    set_true(s, free_lit);
    return 1;
}

/* Runs hints h[0..n) (positive ids); 0 when one is falsified, -1 with err. */
static int run_hints(lrat *s, const long *h, long n, long cid, const char *what, acc_error *err)
{
    for (long i = 0; i < n; i++) {
        int r = use_hint(s, h[i], cid, err);
        if (r < 0)
            return -1;
        if (r == 2)
            return 0;
    }
    return acc_fail(err, "%s:%ld: clause %ld: the hints%s end without a conflict", s->path, s->line,
                    cid, what);
}

/* Checks clause c[0..n) with hints h[0..nh); 0 or -1 with err. */
static int check(lrat *s, long cid, const int *c, int n, const long *h, long nh, acc_error *err)
{
    undo(s, 0);
    s->stamp++;
    for (int i = 0; i < n; i++) {
        if (value(s, c[i]) == 1)
            return 0; /* a tautology */
        if (value(s, c[i]) == 0)
            set_true(s, -c[i]);
        s->mark[2 * abs(c[i]) + (c[i] < 0)] = s->stamp;
    }
    long npos = 0;
    while (npos < nh && h[npos] > 0)
        npos++;
    if (n == 0 || (npos == nh && nh > 0))
        return run_hints(s, h, npos, cid, "", err);
    for (long i = 0; i < npos; i++) {
        int r = use_hint(s, h[i], cid, err);
        if (r < 0)
            return -1;
        if (r == 2)
            return 0;
    }
    /* no conflict: RAT on c[0] (also when no clause needs a group) */
    s->st.rat++;
    int np = -c[0], base = s->ntrail;
    for (long id = 1; id <= s->maxid; id++) {
        int *d = s->cl[id];
        if (!d)
            continue;
        int has = 0, clash = 0;
        for (int k = 1; k <= d[0]; k++) {
            has |= d[k] == np;
            clash |= d[k] != np && s->mark[2 * abs(d[k]) + (d[k] > 0)] == s->stamp;
        }
        if (!has || clash)
            continue;
        long g = npos;
        while (g < nh && h[g] != -id)
            g++;
        if (g == nh)
            return acc_fail(err,
                            "%s:%ld: clause %ld: the hints give no conflict, and for RAT on %d "
                            "clause %ld (which contains %d) has no hint group -%ld",
                            s->path, s->line, cid, c[0], id, np, id);
        long end = g + 1;
        while (end < nh && h[end] > 0)
            end++;
        int conflict = 0;
        for (int k = 1; k <= d[0] && !conflict; k++) {
            if (d[k] == np)
                continue;
            if (value(s, d[k]) == 1)
                conflict = 1;
            else if (value(s, d[k]) == 0)
                set_true(s, -d[k]);
        }
        if (!conflict) {
            char what[64];
            snprintf(what, sizeof(what), " of RAT group -%ld", id);
            if (run_hints(s, h + g + 1, end - g - 1, cid, what, err) != 0)
                return -1;
        }
        undo(s, base);
    }
    return 0;
}

static void lrat_free(lrat *s)
{
    if (s->cl)
        for (long i = 0; i <= s->maxid; i++)
            free(s->cl[i]);
    free(s->cl);
    free(s->val);
    free(s->trail);
    free(s->mark);
}

static void put(lrat *s, long id, const int *c, int n)
{
    if (id >= s->cap) {
        long cap = s->cap;
        while (id >= cap)
            cap *= 2;
        s->cl = acc_realloc(s->cl, (size_t)cap * sizeof(int *));
        memset(s->cl + s->cap, 0, (size_t)(cap - s->cap) * sizeof(int *));
        s->cap = cap;
    }
    int *d = acc_malloc(((size_t)n + 1) * sizeof(int));
    d[0] = n;
    if (n > 0)
        memcpy(d + 1, c, (size_t)n * sizeof(int));
    s->cl[id] = d;
    s->maxid = id;
}

/* Clause ids are below 2^31; the table of clauses grows to the largest. */
#define LRAT_ID_MAX 0x7fffffffL

int acc_lrat_check(const acc_cnf *cnf, const char *path, acc_lrat_stats *st, acc_error *err)
{
    lrat s;
    memset(&s, 0, sizeof(s));
    s.vars = cnf->vars;
    s.path = path;
    s.cap = 1024;
    s.cl = acc_calloc((size_t)s.cap, sizeof(int *));
    s.val = acc_calloc((size_t)cnf->vars + 1, 1);
    s.trail = acc_calloc((size_t)cnf->vars + 1, sizeof(int));
    s.mark = acc_calloc(2 * ((size_t)cnf->vars + 1), sizeof(unsigned));
    const int *p = cnf->lits;
    for (long id = 1; id <= cnf->clauses; id++) {
        int n = 0;
        while (p[n])
            n++;
        put(&s, id, p, n);
        p += n + 1;
    }
    size_t len = 0;
    char *text = acc_proof_read(path, &len, err);
    if (!text) {
        lrat_free(&s);
        return -1;
    }
    acc_tok t;
    acc_tok_init(&t, text, len, path);
    int *c = NULL;
    long *h = NULL;
    size_t cc = 0, ch = 0;
    int rc = 0, verified = 0;
    while (rc == 0 && !verified) {
        long id, v;
        int k = acc_tok_next(&t, "clause id", &id, err);
        if (k == ACC_TOK_EOF)
            break;
        s.line = t.line;
        if (k != ACC_TOK_INT || id <= 0) {
            rc = k < 0 ? -1
                       : acc_fail(err, "%s:%ld: field 'clause id': expected a positive integer",
                                  path, t.line);
            break;
        }
        k = acc_tok_next(&t, "literal", &v, err);
        if (k == ACC_TOK_DELETE) {
            while ((k = acc_tok_next(&t, "deleted id", &v, err)) == ACC_TOK_INT && v != 0) {
                if (v < 0 || v > s.maxid || !s.cl[v]) {
                    rc = acc_fail(err, "%s:%ld: field 'deleted id': clause %ld is not present",
                                  path, t.line, v);
                    break;
                }
                free(s.cl[v]);
                s.cl[v] = NULL;
                s.st.deleted++;
            }
            if (rc == 0 && k != ACC_TOK_INT)
                rc = k < 0 ? -1
                           : acc_fail(err, "%s:%ld: field 'deleted id': the line is not ended by 0",
                                      path, t.line);
            continue;
        }
        if (id <= s.maxid || id > LRAT_ID_MAX) {
            rc = acc_fail(err, "%s:%ld: field 'clause id': %ld is not above the last id %ld", path,
                          t.line, id, s.maxid);
            break;
        }
        int n = 0;
        long nh = 0;
        while (k == ACC_TOK_INT && v != 0) {
            if (v > s.vars || -v > s.vars) {
                rc = acc_fail(err,
                              "%s:%ld: field 'literal': %ld is not a literal of the formula's %d "
                              "variables",
                              path, t.line, v, s.vars);
                break;
            }
            if ((size_t)n == cc) {
                cc = cc ? 2 * cc : 64;
                c = acc_realloc(c, cc * sizeof(int));
            }
            c[n++] = (int)v;
            k = acc_tok_next(&t, "literal", &v, err);
        }
        if (rc == 0 && k == ACC_TOK_INT)
            while ((k = acc_tok_next(&t, "hint", &v, err)) == ACC_TOK_INT && v != 0) {
                if ((size_t)nh == ch) {
                    ch = ch ? 2 * ch : 64;
                    h = acc_realloc(h, ch * sizeof(long));
                }
                h[nh++] = v;
            }
        if (rc == 0 && k != ACC_TOK_INT) {
            rc = k < 0 ? -1
                       : acc_fail(err, "%s:%ld: field '%s': the line is not ended by 0", path,
                                  t.line, nh ? "hint" : "literal");
            break;
        }
        if (rc != 0)
            break;
        if (check(&s, id, c, n, h, nh, err) != 0) {
            rc = 1;
            break;
        }
        s.st.added++;
        put(&s, id, c, n);
        verified = n == 0;
    }
    free(text);
    free(c);
    free(h);
    if (rc == 0 && !verified) {
        acc_fail(err, "%s: the proof never adds the empty clause", path);
        rc = 1;
    }
    if (st)
        *st = s.st;
    lrat_free(&s);
    return rc;
}
