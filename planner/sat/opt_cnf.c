/* opt_cnf.c - CNF under construction with folded, hashed Tseitin gates
 * (opt_cnf.h). */
#include "planner/sat/opt_cnf.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { G_AND = 1, G_XOR = 2, G_MUX = 3, G_MAJ = 4 };

typedef struct gate_key {
    int op, a, b, c;
    int out;
} gate_key;

struct opt_cnf {
    int nvars;
    int *lits;
    size_t n, cap;
    size_t nclauses;
    gate_key *hash; /* open addressing */
    size_t hcap, hcount;
};

static void push_lit(opt_cnf *f, int l)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 4096;
        f->lits = acc_realloc(f->lits, f->cap * sizeof(int));
    }
    f->lits[f->n++] = l;
}

opt_cnf *opt_cnf_new(void)
{
    opt_cnf *f = acc_calloc(1, sizeof(*f));
    f->nvars = 1;
    push_lit(f, OPT_TRUE);
    push_lit(f, 0);
    f->nclauses = 1;
    f->hcap = 1024;
    f->hash = acc_calloc(f->hcap, sizeof(*f->hash));
    return f;
}

void opt_cnf_free(opt_cnf *f)
{
    if (!f)
        return;
    free(f->lits);
    free(f->hash);
    free(f);
}

int opt_cnf_var(opt_cnf *f)
{
    return ++f->nvars;
}
int opt_cnf_vars(const opt_cnf *f)
{
    return f->nvars;
}

void opt_cnf_clause(opt_cnf *f, const int *lits, int n)
{
    for (int i = 0; i < n; i++)
        if (lits[i] == OPT_TRUE)
            return;
    size_t start = f->n;
    for (int i = 0; i < n; i++) {
        if (lits[i] == OPT_FALSE)
            continue;
        int dup = 0;
        for (size_t j = start; j < f->n; j++) {
            if (f->lits[j] == lits[i])
                dup = 1;
            if (f->lits[j] == -lits[i]) { /* tautology */
                f->n = start;
                return;
            }
        }
        if (!dup)
            push_lit(f, lits[i]);
    }
    push_lit(f, 0);
    f->nclauses++;
}

void opt_cnf_clause2(opt_cnf *f, int a, int b)
{
    const int c[2] = {a, b};
    opt_cnf_clause(f, c, 2);
}

void opt_cnf_clause3(opt_cnf *f, int a, int b, int c)
{
    const int l[3] = {a, b, c};
    opt_cnf_clause(f, l, 3);
}

const int *opt_cnf_lits(const opt_cnf *f, size_t *n)
{
    *n = f->n;
    return f->lits;
}

size_t opt_cnf_clauses(const opt_cnf *f)
{
    return f->nclauses;
}

/* ------------------------------------------------------------ structural hash */

static size_t key_hash(int op, int a, int b, int c)
{
    uint64_t h = (uint64_t)(uint32_t)op * 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)(uint32_t)a + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= (uint64_t)(uint32_t)b + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= (uint64_t)(uint32_t)c + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return (size_t)h;
}

static gate_key *lookup(opt_cnf *f, int op, int a, int b, int c)
{
    size_t i = key_hash(op, a, b, c) & (f->hcap - 1);
    for (;;) {
        gate_key *k = &f->hash[i];
        if (k->op == 0 || (k->op == op && k->a == a && k->b == b && k->c == c))
            return k;
        i = (i + 1) & (f->hcap - 1);
    }
}

static void grow(opt_cnf *f)
{
    gate_key *old = f->hash;
    size_t oldcap = f->hcap;
    f->hcap *= 2;
    f->hash = acc_calloc(f->hcap, sizeof(*f->hash));
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].op)
            *lookup(f, old[i].op, old[i].a, old[i].b, old[i].c) = old[i];
    free(old);
}

/* The output literal of a gate already built with these inputs, or 0. */
static int cached(opt_cnf *f, int op, int a, int b, int c)
{
    gate_key *k = lookup(f, op, a, b, c);
    return k->op ? k->out : 0;
}

static void remember(opt_cnf *f, int op, int a, int b, int c, int out)
{
    if (2 * (f->hcount + 1) > f->hcap)
        grow(f);
    gate_key *k = lookup(f, op, a, b, c);
    *k = (gate_key){op, a, b, c, out};
    f->hcount++;
}

/* ------------------------------------------------------------------- gates */

int opt_and(opt_cnf *f, int a, int b)
{
    if (a == OPT_FALSE || b == OPT_FALSE || a == -b)
        return OPT_FALSE;
    if (a == OPT_TRUE)
        return b;
    if (b == OPT_TRUE || a == b)
        return a;
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    int o = cached(f, G_AND, a, b, 0);
    if (o)
        return o;
    o = opt_cnf_var(f);
    opt_cnf_clause2(f, -o, a);
    opt_cnf_clause2(f, -o, b);
    opt_cnf_clause3(f, o, -a, -b);
    remember(f, G_AND, a, b, 0, o);
    return o;
}

int opt_or(opt_cnf *f, int a, int b)
{
    return -opt_and(f, -a, -b);
}

int opt_xor(opt_cnf *f, int a, int b)
{
    if (a == OPT_FALSE)
        return b;
    if (b == OPT_FALSE)
        return a;
    if (a == OPT_TRUE)
        return -b;
    if (b == OPT_TRUE)
        return -a;
    if (a == b)
        return OPT_FALSE;
    if (a == -b)
        return OPT_TRUE;
    /* normalise: positive inputs, the sign goes to the output */
    int neg = 0;
    if (a < 0) {
        a = -a;
        neg ^= 1;
    }
    if (b < 0) {
        b = -b;
        neg ^= 1;
    }
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    int o = cached(f, G_XOR, a, b, 0);
    if (!o) {
        o = opt_cnf_var(f);
        opt_cnf_clause3(f, -o, a, b);
        opt_cnf_clause3(f, -o, -a, -b);
        opt_cnf_clause3(f, o, -a, b);
        opt_cnf_clause3(f, o, a, -b);
        remember(f, G_XOR, a, b, 0, o);
    }
    return neg ? -o : o;
}

int opt_mux(opt_cnf *f, int sel, int a, int b)
{
    if (sel == OPT_TRUE || a == b)
        return a;
    if (sel == OPT_FALSE)
        return b;
    if (a == OPT_TRUE && b == OPT_FALSE)
        return sel;
    if (a == OPT_FALSE && b == OPT_TRUE)
        return -sel;
    if (a == OPT_FALSE)
        return opt_and(f, -sel, b);
    if (a == OPT_TRUE)
        return opt_or(f, sel, b);
    if (b == OPT_FALSE)
        return opt_and(f, sel, a);
    if (b == OPT_TRUE)
        return opt_or(f, -sel, a);
    if (sel < 0) {
        sel = -sel;
        int t = a;
        a = b;
        b = t;
    }
    int o = cached(f, G_MUX, sel, a, b);
    if (o)
        return o;
    o = opt_cnf_var(f);
    opt_cnf_clause3(f, -sel, -a, o);
    opt_cnf_clause3(f, -sel, a, -o);
    opt_cnf_clause3(f, sel, -b, o);
    opt_cnf_clause3(f, sel, b, -o);
    opt_cnf_clause3(f, -a, -b, o); /* redundant, helps propagation */
    opt_cnf_clause3(f, a, b, -o);
    remember(f, G_MUX, sel, a, b, o);
    return o;
}

static int is_const(int l)
{
    return l == OPT_TRUE || l == OPT_FALSE;
}

/* maj(a, b, c) */
static int majority(opt_cnf *f, int a, int b, int c)
{
    if (is_const(a) || is_const(b) || is_const(c) || a == b || a == c || b == c || a == -b ||
        a == -c || b == -c) {
        /* maj = (a & b) | (c & (a | b)) folds through the gates */
        return opt_or(f, opt_and(f, a, b), opt_and(f, c, opt_or(f, a, b)));
    }
    int v[3] = {a, b, c};
    for (int i = 0; i < 2; i++) /* sort for hashing */
        for (int j = 0; j < 2 - i; j++)
            if (v[j] > v[j + 1]) {
                int t = v[j];
                v[j] = v[j + 1];
                v[j + 1] = t;
            }
    int o = cached(f, G_MAJ, v[0], v[1], v[2]);
    if (o)
        return o;
    o = opt_cnf_var(f);
    opt_cnf_clause3(f, -a, -b, o);
    opt_cnf_clause3(f, -a, -c, o);
    opt_cnf_clause3(f, -b, -c, o);
    opt_cnf_clause3(f, a, b, -o);
    opt_cnf_clause3(f, a, c, -o);
    opt_cnf_clause3(f, b, c, -o);
    remember(f, G_MAJ, v[0], v[1], v[2], o);
    return o;
}

int opt_full_add(opt_cnf *f, int a, int b, int c, int *sum)
{
    *sum = opt_xor(f, opt_xor(f, a, b), c);
    return majority(f, a, b, c);
}

int opt_bv_add(opt_cnf *f, const int *a, const int *b, int w, int *out)
{
    int carry = OPT_FALSE;
    for (int i = 0; i < w; i++)
        carry = opt_full_add(f, a[i], b[i], carry, &out[i]);
    return carry;
}

int opt_bv_ule(opt_cnf *f, const int *a, const int *b, int w)
{
    /* from the least significant bit up: le_i = a[0..i] <= b[0..i] */
    int le = OPT_TRUE;
    for (int i = 0; i < w; i++) {
        /* a_i < b_i, or a_i == b_i and the lower bits are <= */
        int lt = opt_and(f, -a[i], b[i]);
        int eq = -opt_xor(f, a[i], b[i]);
        le = opt_or(f, lt, opt_and(f, eq, le));
    }
    return le;
}

int opt_cnf_write_dimacs(const opt_cnf *f, FILE *out, const int *extra, size_t n_lits,
                         size_t n_clauses, const char *comment)
{
    if (comment) {
        const char *p = comment;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            fprintf(out, "c %.*s\n", (int)len, p);
            p += len + (e ? 1 : 0);
        }
    }
    fprintf(out, "p cnf %d %zu\n", f->nvars, f->nclauses + n_clauses);
    for (int pass = 0; pass < 2; pass++) {
        const int *l = pass == 0 ? f->lits : extra;
        size_t n = pass == 0 ? f->n : n_lits;
        for (size_t i = 0; i < n; i++) {
            if (l[i] == 0)
                fputs("0\n", out);
            else
                fprintf(out, "%d ", l[i]);
        }
    }
    return ferror(out) ? -1 : 0;
}
