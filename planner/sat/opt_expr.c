/* opt_expr.c - saturating integer expressions over choice variables, with a
 * concrete evaluator and a CNF encoder (opt_expr.h).
 *
 * Encodings (cap = 2^wc - 1):
 *   table   bit j of the node is implied by each index's literal:
 *           (not x_i or b_j) or (not x_i or not b_j), bits equal over every
 *           live index are constants;
 *   table2  per bit j, one line (row i or column k, whichever costs fewer
 *           literals) at a time: a line whose bit is the same over every
 *           live index of the other dimension is one binary clause
 *           (not x_i or +-b_j); otherwise its majority value m takes one
 *           clause (not x_i or y_e1 or ... or +-b_j) listing the exceptions
 *           e, and each exception one ternary clause (not x_i or not y_e or
 *           -+b_j) (or, when that is cheaper, every index a ternary clause);
 *   add     ripple-carry adder; when the sum can exceed cap it is computed
 *           over wc bits and a carry out saturates every bit;
 *   mul     shift-and-add over the narrower operand; when the product can
 *           exceed cap, partial-product bits dropped above wc and carries
 *           out of wc bits set an overflow flag that saturates every bit;
 *   le      ripple comparator; max = le + multiplexers; ite = multiplexers;
 *   align4  (a + 3) with the two low bits cleared, saturating like add;
 *   shr     a's bits from bit k up: no clauses. */
#include "planner/sat/opt_expr.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum {
    E_CONST,
    E_TABLE,
    E_TABLE2,
    E_ADD,
    E_MUL,
    E_MAX,
    E_ALIGN4,
    E_SHR,
    E_LE,
    E_ITE,
    E_AND,
    E_OR,
    E_NOT
};

/* The interval bounds of a table node (one- or two-dimensional) for the
 * allowed values of its dimensions at the stamps sa, sb (opt_e_bounds is
 * called many times with the same values of most dimensions).  A stamp
 * names one content of a dimension's allowed values (bcache); 0 names none. */
typedef struct tcache {
    unsigned sa, sb;
    uint64_t lo, hi;
} tcache;

/* opt_e_bounds' view of the allowed values: per dimension, those of the
 * last call, the list of their indices and the stamp of that content. */
typedef struct bcache {
    char **mask;
    int **list;
    int *n;
    unsigned *stamp;
    unsigned next;     /* the last stamp given */
    uint64_t *lo, *hi; /* every node's bounds at the last call */
    int nodes;         /* how many of them hold (nodes added since: 0) */
    int cap;
    /* per set of changed dimensions (a bit mask, when there are at most
     * BC_MASK_DIMS dimensions): the nodes that depend on one of them, in
     * index order, -1 after the last; built when first needed, for the
     * nodes there were then (dep_count) */
    int **dep;
    int dep_count;
    uint64_t steps; /* nodes computed and table entries read, every call (opt_e_steps) */
} bcache;

#define BC_MASK_DIMS 12

typedef struct enode {
    int op;
    int a, b, c; /* operands (node handles); for E_TABLE a = dimension, for
                    E_TABLE2 a, b = the dimensions (row, column) */
    uint64_t v;  /* E_CONST value; E_SHR shift */
    uint64_t *table;
    uint64_t max;
    tcache *cache; /* E_TABLE, E_TABLE2: their last interval bounds */
    uint32_t deps; /* the dimensions the node depends on, one bit each */
} enode;

struct opt_expr {
    int ndims;
    int *dom;
    uint64_t cap;
    int wc; /* bits of cap */
    enode *n;
    int count, size;
    bcache *bc; /* caches of opt_e_bounds: not part of the expressions' values */
};

static int bits_of(uint64_t v)
{
    int b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

opt_expr *opt_expr_new(int ndims, const int *dom, uint64_t cap)
{
    ACC_REQUIRE(ndims >= 1 && ndims <= 32 && dom != NULL);
    int wc = bits_of(cap);
    ACC_REQUIRE(wc >= 1 && wc <= 62 && cap == (1ull << wc) - 1);
    opt_expr *e = acc_calloc(1, sizeof(*e));
    e->ndims = ndims;
    e->dom = acc_malloc((size_t)ndims * sizeof(int));
    for (int d = 0; d < ndims; d++) {
        ACC_REQUIRE(dom[d] >= 1);
        e->dom[d] = dom[d];
    }
    e->cap = cap;
    e->wc = wc;
    e->bc = acc_calloc(1, sizeof(*e->bc));
    e->bc->mask = acc_calloc((size_t)ndims, sizeof(char *));
    e->bc->list = acc_calloc((size_t)ndims, sizeof(int *));
    e->bc->n = acc_calloc((size_t)ndims, sizeof(int));
    e->bc->stamp = acc_calloc((size_t)ndims, sizeof(unsigned));
    for (int d = 0; d < ndims; d++) {
        e->bc->mask[d] = acc_calloc((size_t)dom[d], 1);
        e->bc->list[d] = acc_malloc((size_t)dom[d] * sizeof(int));
    }
    return e;
}

void opt_expr_free(opt_expr *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->count; i++) {
        free(e->n[i].table);
        free(e->n[i].cache);
    }
    for (int d = 0; d < e->ndims; d++) {
        free(e->bc->mask[d]);
        free(e->bc->list[d]);
    }
    if (e->bc->dep)
        for (uint32_t m = 0; m < 1u << e->ndims; m++)
            free(e->bc->dep[m]);
    free(e->bc->dep);
    free(e->bc->mask);
    free(e->bc->list);
    free(e->bc->n);
    free(e->bc->stamp);
    free(e->bc->lo);
    free(e->bc->hi);
    free(e->bc);
    free(e->n);
    free(e->dom);
    free(e);
}

static uint64_t sat_add(uint64_t a, uint64_t b, uint64_t cap)
{
    return a > cap - b ? cap : a + b; /* a, b <= cap */
}

static uint64_t sat_mul(uint64_t a, uint64_t b, uint64_t cap)
{
    if (a == 0 || b == 0)
        return 0;
    return a > cap / b ? cap : a * b;
}

static uint64_t align4(uint64_t a, uint64_t cap)
{
    return a > cap - 3 ? cap : (a + 3) & ~(uint64_t)3;
}

static int push(opt_expr *e, enode nd)
{
    if (e->count == e->size) {
        e->size = e->size ? 2 * e->size : 256;
        e->n = acc_realloc(e->n, (size_t)e->size * sizeof(*e->n));
    }
    switch (nd.op) { /* the dimensions it depends on: its tables' and operands' */
    case E_CONST:
        nd.deps = 0;
        break;
    case E_TABLE:
        nd.deps = 1u << nd.a;
        break;
    case E_TABLE2:
        nd.deps = 1u << nd.a | 1u << nd.b;
        break;
    case E_ALIGN4:
    case E_SHR:
    case E_NOT:
        nd.deps = e->n[nd.a].deps;
        break;
    case E_ITE:
        nd.deps = e->n[nd.a].deps | e->n[nd.b].deps | e->n[nd.c].deps;
        break;
    default:
        nd.deps = e->n[nd.a].deps | e->n[nd.b].deps;
    }
    e->n[e->count] = nd;
    e->bc->nodes = 0; /* the next interval evaluation computes every node */
    return e->count++;
}

static void check_node(const opt_expr *e, int a)
{
    ACC_REQUIRE(a >= 0 && a < e->count);
}

static void check_bool(const opt_expr *e, int a)
{
    check_node(e, a);
    ACC_REQUIRE(e->n[a].max <= 1);
}

int opt_e_const(opt_expr *e, uint64_t v)
{
    enode nd = {E_CONST, 0, 0, 0, v > e->cap ? e->cap : v, NULL, 0, NULL, 0};
    nd.max = nd.v;
    return push(e, nd);
}

int opt_e_table(opt_expr *e, int dim, const uint64_t *vals)
{
    ACC_REQUIRE(dim >= 0 && dim < e->ndims && vals != NULL);
    enode nd = {E_TABLE, dim, 0, 0, 0, NULL, 0, NULL, 0};
    nd.cache = acc_calloc(1, sizeof(*nd.cache));
    nd.table = acc_malloc((size_t)e->dom[dim] * sizeof(uint64_t));
    for (int i = 0; i < e->dom[dim]; i++) {
        nd.table[i] = vals[i] > e->cap ? e->cap : vals[i];
        if (nd.table[i] > nd.max)
            nd.max = nd.table[i];
    }
    return push(e, nd);
}

int opt_e_table2(opt_expr *e, int dima, int dimb, const uint64_t *vals)
{
    ACC_REQUIRE(dima >= 0 && dima < e->ndims && dimb >= 0 && dimb < e->ndims && dima != dimb);
    ACC_REQUIRE(vals != NULL);
    enode nd = {E_TABLE2, dima, dimb, 0, 0, NULL, 0, NULL, 0};
    const size_t n = (size_t)e->dom[dima] * (size_t)e->dom[dimb];
    nd.cache = acc_calloc(1, sizeof(*nd.cache));
    nd.table = acc_malloc(n * sizeof(uint64_t));
    for (size_t i = 0; i < n; i++) {
        nd.table[i] = vals[i] > e->cap ? e->cap : vals[i];
        if (nd.table[i] > nd.max)
            nd.max = nd.table[i];
    }
    return push(e, nd);
}

/* Entry of a two-dimensional table at the choice idx. */
static uint64_t table2_at(const opt_expr *e, const enode *nd, const int *idx)
{
    ACC_REQUIRE(idx[nd->a] >= 0 && idx[nd->a] < e->dom[nd->a]);
    ACC_REQUIRE(idx[nd->b] >= 0 && idx[nd->b] < e->dom[nd->b]);
    return nd->table[(size_t)idx[nd->a] * (size_t)e->dom[nd->b] + (size_t)idx[nd->b]];
}

int opt_e_add(opt_expr *e, int a, int b)
{
    check_node(e, a);
    check_node(e, b);
    enode nd = {E_ADD, a, b, 0, 0, NULL, sat_add(e->n[a].max, e->n[b].max, e->cap), NULL, 0};
    return push(e, nd);
}

int opt_e_mul(opt_expr *e, int a, int b)
{
    check_node(e, a);
    check_node(e, b);
    enode nd = {E_MUL, a, b, 0, 0, NULL, sat_mul(e->n[a].max, e->n[b].max, e->cap), NULL, 0};
    return push(e, nd);
}

int opt_e_max(opt_expr *e, int a, int b)
{
    check_node(e, a);
    check_node(e, b);
    uint64_t m = e->n[a].max > e->n[b].max ? e->n[a].max : e->n[b].max;
    enode nd = {E_MAX, a, b, 0, 0, NULL, m, NULL, 0};
    return push(e, nd);
}

int opt_e_align4(opt_expr *e, int a)
{
    check_node(e, a);
    enode nd = {E_ALIGN4, a, 0, 0, 0, NULL, align4(e->n[a].max, e->cap), NULL, 0};
    return push(e, nd);
}

int opt_e_shr(opt_expr *e, int a, int k)
{
    check_node(e, a);
    ACC_REQUIRE(k >= 0 && k < 62);
    enode nd = {E_SHR, a, 0, 0, (uint64_t)k, NULL, e->n[a].max >> k, NULL, 0};
    return push(e, nd);
}

int opt_e_le(opt_expr *e, int a, int b)
{
    check_node(e, a);
    check_node(e, b);
    enode nd = {E_LE, a, b, 0, 0, NULL, 1, NULL, 0};
    return push(e, nd);
}

int opt_e_ite(opt_expr *e, int cond, int a, int b)
{
    check_bool(e, cond);
    check_node(e, a);
    check_node(e, b);
    uint64_t m = e->n[a].max > e->n[b].max ? e->n[a].max : e->n[b].max;
    enode nd = {E_ITE, cond, a, b, 0, NULL, m, NULL, 0};
    return push(e, nd);
}

int opt_e_and(opt_expr *e, int a, int b)
{
    check_bool(e, a);
    check_bool(e, b);
    enode nd = {E_AND, a, b, 0, 0, NULL, 1, NULL, 0};
    return push(e, nd);
}

int opt_e_or(opt_expr *e, int a, int b)
{
    check_bool(e, a);
    check_bool(e, b);
    enode nd = {E_OR, a, b, 0, 0, NULL, 1, NULL, 0};
    return push(e, nd);
}

int opt_e_not(opt_expr *e, int a)
{
    check_bool(e, a);
    enode nd = {E_NOT, a, 0, 0, 0, NULL, 1, NULL, 0};
    return push(e, nd);
}

uint64_t opt_e_max_value(const opt_expr *e, int node)
{
    check_node(e, node);
    return e->n[node].max;
}

/* ------------------------------------------------------------- evaluation */

static uint64_t eval_rec(const opt_expr *e, int i, const int *idx, uint64_t *memo, char *done)
{
    if (done[i])
        return memo[i];
    const enode *nd = &e->n[i];
    uint64_t v = 0, a, b;
    switch (nd->op) {
    case E_CONST:
        v = nd->v;
        break;
    case E_TABLE:
        ACC_REQUIRE(idx[nd->a] >= 0 && idx[nd->a] < e->dom[nd->a]);
        v = nd->table[idx[nd->a]];
        break;
    case E_TABLE2:
        v = table2_at(e, nd, idx);
        break;
    case E_ADD:
        v = sat_add(eval_rec(e, nd->a, idx, memo, done), eval_rec(e, nd->b, idx, memo, done),
                    e->cap);
        break;
    case E_MUL:
        v = sat_mul(eval_rec(e, nd->a, idx, memo, done), eval_rec(e, nd->b, idx, memo, done),
                    e->cap);
        break;
    case E_MAX:
        a = eval_rec(e, nd->a, idx, memo, done);
        b = eval_rec(e, nd->b, idx, memo, done);
        v = a > b ? a : b;
        break;
    case E_ALIGN4:
        v = align4(eval_rec(e, nd->a, idx, memo, done), e->cap);
        break;
    case E_SHR:
        v = eval_rec(e, nd->a, idx, memo, done) >> nd->v;
        break;
    case E_LE:
        v = eval_rec(e, nd->a, idx, memo, done) <= eval_rec(e, nd->b, idx, memo, done);
        break;
    case E_ITE:
        v = eval_rec(e, nd->a, idx, memo, done) ? eval_rec(e, nd->b, idx, memo, done)
                                                : eval_rec(e, nd->c, idx, memo, done);
        break;
    case E_AND:
        v = eval_rec(e, nd->a, idx, memo, done) && eval_rec(e, nd->b, idx, memo, done);
        break;
    case E_OR:
        v = eval_rec(e, nd->a, idx, memo, done) || eval_rec(e, nd->b, idx, memo, done);
        break;
    case E_NOT:
        v = !eval_rec(e, nd->a, idx, memo, done);
        break;
    default:
        assert(0);
    }
    memo[i] = v;
    done[i] = 1;
    return v;
}

uint64_t opt_e_eval(const opt_expr *e, int node, const int *idx)
{
    check_node(e, node);
    ACC_REQUIRE(idx != NULL);
    uint64_t *memo = acc_malloc((size_t)(node + 1) * sizeof(uint64_t));
    char *done = acc_calloc((size_t)node + 1, 1);
    uint64_t v = eval_rec(e, node, idx, memo, done);
    free(memo);
    free(done);
    return v;
}

/* ------------------------------------------------------------------ bounds */

int opt_e_count(const opt_expr *e)
{
    return e->count;
}

/* Brings the cache of allowed values up to date: a dimension whose
 * allowed values changed since the last call gets a new stamp and a new
 * list.  O(sum of the domains), memcmp-fast when nothing changed. */
static uint32_t bcache_update(const opt_expr *e, char *const *allowed)
{
    bcache *c = e->bc;
    uint32_t changed = 0;
    for (int d = 0; d < e->ndims; d++) {
        const size_t n = (size_t)e->dom[d];
        if (c->stamp[d] && memcmp(c->mask[d], allowed[d], n) == 0)
            continue;
        if (c->next == UINT_MAX) { /* stamps used up: forget them all, start again */
            for (int i = 0; i < e->count; i++)
                if (e->n[i].cache)
                    e->n[i].cache->sa = e->n[i].cache->sb = 0;
            memset(c->stamp, 0, (size_t)e->ndims * sizeof(unsigned));
            c->next = 0;
            c->nodes = 0;
            d = -1;
            continue;
        }
        memcpy(c->mask[d], allowed[d], n);
        c->n[d] = 0;
        for (int i = 0; i < e->dom[d]; i++)
            if (allowed[d][i])
                c->list[d][c->n[d]++] = i;
        ACC_REQUIRE(c->n[d] > 0);
        c->stamp[d] = ++c->next;
        changed |= 1u << d;
    }
    return changed;
}

/* The nodes that depend on a dimension of the set `changed`, in index
 * order, ending with -1 (NULL when there are too many dimensions for a
 * list per set: the caller then tests every node). */
static const int *bcache_deps(const opt_expr *e, uint32_t changed)
{
    bcache *c = e->bc;
    if (e->ndims > BC_MASK_DIMS)
        return NULL;
    if (c->dep && c->dep_count != e->count) { /* nodes were added: lists again */
        for (uint32_t m = 0; m < 1u << e->ndims; m++) {
            free(c->dep[m]);
            c->dep[m] = NULL;
        }
    }
    if (!c->dep)
        c->dep = acc_calloc((size_t)1 << e->ndims, sizeof(int *));
    c->dep_count = e->count;
    if (!c->dep[changed]) {
        int n = 0;
        for (int i = 0; i < e->count; i++)
            n += (e->n[i].deps & changed) != 0;
        int *l = acc_malloc(((size_t)n + 1) * sizeof(int));
        n = 0;
        for (int i = 0; i < e->count; i++)
            if (e->n[i].deps & changed)
                l[n++] = i;
        l[n] = -1;
        c->dep[changed] = l;
    }
    return c->dep[changed];
}

/* Least and largest entry of a table (one- or two-dimensional) over the
 * allowed values: O(1) when they are those its cache was computed for,
 * else O(allowed a) or O(allowed a x allowed b). */
static void table_bounds(const opt_expr *e, const enode *nd, uint64_t *lo, uint64_t *hi)
{
    bcache *bc = e->bc;
    tcache *c = nd->cache;
    const int two = nd->op == E_TABLE2;
    const unsigned sa = bc->stamp[nd->a], sb = two ? bc->stamp[nd->b] : 0;
    if (c->sa == sa && c->sb == sb) {
        *lo = c->lo;
        *hi = c->hi;
        return;
    }
    const int *la = bc->list[nd->a], na = bc->n[nd->a];
    uint64_t l = UINT64_MAX, h = 0;
    bc->steps += (uint64_t)na * (two ? (uint64_t)bc->n[nd->b] : 1u);
    if (!two) {
        for (int k = 0; k < na; k++) {
            const uint64_t v = nd->table[la[k]];
            l = v < l ? v : l;
            h = v > h ? v : h;
        }
    } else {
        const int *lb = bc->list[nd->b], nb = bc->n[nd->b];
        const size_t w = (size_t)e->dom[nd->b];
        for (int r = 0; r < na; r++) {
            const uint64_t *row = nd->table + (size_t)la[r] * w;
            for (int k = 0; k < nb; k++) {
                const uint64_t v = row[lb[k]];
                l = v < l ? v : l;
                h = v > h ? v : h;
            }
        }
    }
    c->sa = sa;
    c->sb = sb;
    c->lo = *lo = l;
    c->hi = *hi = h;
}

/* Node i's bounds from its operands' (computed before it) or its table's,
 * into lo[i], hi[i]. */
static void bound_node(const opt_expr *e, int i, uint64_t *lo, uint64_t *hi)
{
    const enode *nd = &e->n[i];
    uint64_t l = 0, h = 0;
    switch (nd->op) {
    case E_CONST:
        l = h = nd->v;
        break;
    case E_TABLE:
    case E_TABLE2:
        table_bounds(e, nd, &l, &h);
        break;
    case E_ADD:
        l = sat_add(lo[nd->a], lo[nd->b], e->cap);
        h = sat_add(hi[nd->a], hi[nd->b], e->cap);
        break;
    case E_MUL:
        l = sat_mul(lo[nd->a], lo[nd->b], e->cap);
        h = sat_mul(hi[nd->a], hi[nd->b], e->cap);
        break;
    case E_MAX:
        l = lo[nd->a] > lo[nd->b] ? lo[nd->a] : lo[nd->b];
        h = hi[nd->a] > hi[nd->b] ? hi[nd->a] : hi[nd->b];
        break;
    case E_ALIGN4:
        l = align4(lo[nd->a], e->cap);
        h = align4(hi[nd->a], e->cap);
        break;
    case E_SHR:
        l = lo[nd->a] >> nd->v;
        h = hi[nd->a] >> nd->v;
        break;
    case E_LE:
        l = hi[nd->a] <= lo[nd->b];
        h = lo[nd->a] <= hi[nd->b];
        break;
    case E_ITE:
        if (lo[nd->a] == 1) {
            l = lo[nd->b];
            h = hi[nd->b];
        } else if (hi[nd->a] == 0) {
            l = lo[nd->c];
            h = hi[nd->c];
        } else {
            l = lo[nd->b] < lo[nd->c] ? lo[nd->b] : lo[nd->c];
            h = hi[nd->b] > hi[nd->c] ? hi[nd->b] : hi[nd->c];
        }
        break;
    case E_AND:
        l = lo[nd->a] && lo[nd->b];
        h = hi[nd->a] && hi[nd->b];
        break;
    case E_OR:
        l = lo[nd->a] || lo[nd->b];
        h = hi[nd->a] || hi[nd->b];
        break;
    case E_NOT:
        l = !hi[nd->a];
        h = !lo[nd->a];
        break;
    default:
        assert(0);
    }
    lo[i] = l;
    hi[i] = h;
}

uint64_t opt_e_steps(const opt_expr *e)
{
    ACC_REQUIRE(e != NULL);
    return e->bc->steps;
}

void opt_e_bounds(const opt_expr *e, char *const *allowed, uint64_t *lo_out, uint64_t *hi_out)
{
    ACC_REQUIRE(e != NULL && allowed != NULL);
    bcache *c = e->bc;
    const uint32_t changed = bcache_update(e, allowed);
    if (c->cap < e->count) {
        c->cap = e->count;
        c->lo = acc_realloc(c->lo, (size_t)c->cap * sizeof(uint64_t));
        c->hi = acc_realloc(c->hi, (size_t)c->cap * sizeof(uint64_t));
        c->nodes = 0;
    }
    /* only the nodes that depend on a dimension whose allowed values changed
     * since the last call are computed again (every node when nodes were
     * added since) */
    const int all = c->nodes != e->count;
    uint64_t *lo = c->lo, *hi = c->hi;
    /* nodes are created after their operands: one pass in index order */
    if (all) {
        for (int i = 0; i < e->count; i++)
            bound_node(e, i, lo, hi);
        c->steps += (uint64_t)e->count;
    } else if (changed) {
        const int *todo = bcache_deps(e, changed);
        for (int k = 0; todo && todo[k] >= 0; k++, c->steps++)
            bound_node(e, todo[k], lo, hi);
        for (int i = 0; !todo && i < e->count; i++)
            if (e->n[i].deps & changed) {
                bound_node(e, i, lo, hi);
                c->steps++;
            }
    }
    c->nodes = e->count;
    if (lo_out)
        memcpy(lo_out, lo, (size_t)e->count * sizeof(uint64_t));
    if (hi_out)
        memcpy(hi_out, hi, (size_t)e->count * sizeof(uint64_t));
}

void opt_e_bound_of(const opt_expr *e, int node, uint64_t *lo, uint64_t *hi)
{
    check_node(e, node);
    ACC_REQUIRE(e->bc->nodes == e->count && lo != NULL && hi != NULL);
    *lo = e->bc->lo[node];
    *hi = e->bc->hi[node];
}

void opt_e_eval_all(const opt_expr *e, const int *idx, uint64_t *v)
{
    ACC_REQUIRE(e != NULL && idx != NULL && v != NULL);
    for (int i = 0; i < e->count; i++) { /* operands come before their nodes */
        const enode *nd = &e->n[i];
        switch (nd->op) {
        case E_CONST:
            v[i] = nd->v;
            break;
        case E_TABLE:
            ACC_REQUIRE(idx[nd->a] >= 0 && idx[nd->a] < e->dom[nd->a]);
            v[i] = nd->table[idx[nd->a]];
            break;
        case E_TABLE2:
            v[i] = table2_at(e, nd, idx);
            break;
        case E_ADD:
            v[i] = sat_add(v[nd->a], v[nd->b], e->cap);
            break;
        case E_MUL:
            v[i] = sat_mul(v[nd->a], v[nd->b], e->cap);
            break;
        case E_MAX:
            v[i] = v[nd->a] > v[nd->b] ? v[nd->a] : v[nd->b];
            break;
        case E_ALIGN4:
            v[i] = align4(v[nd->a], e->cap);
            break;
        case E_SHR:
            v[i] = v[nd->a] >> nd->v;
            break;
        case E_LE:
            v[i] = v[nd->a] <= v[nd->b];
            break;
        case E_ITE:
            v[i] = v[nd->a] ? v[nd->b] : v[nd->c];
            break;
        case E_AND:
            v[i] = v[nd->a] && v[nd->b];
            break;
        case E_OR:
            v[i] = v[nd->a] || v[nd->b];
            break;
        case E_NOT:
            v[i] = !v[nd->a];
            break;
        default:
            assert(0);
        }
    }
}

/* ---------------------------------------------------------------- encoding */

struct opt_e_encoder {
    const opt_expr *e;
    opt_cnf *f;
    int *const *lits;
    int **bits; /* per node, NULL until encoded */
    int *width;
};

opt_e_encoder *opt_e_encoder_new(const opt_expr *e, opt_cnf *f, int *const *lits)
{
    ACC_REQUIRE(e != NULL && f != NULL && lits != NULL);
    opt_e_encoder *enc = acc_calloc(1, sizeof(*enc));
    enc->e = e;
    enc->f = f;
    enc->lits = lits;
    enc->bits = acc_calloc((size_t)e->count + 1, sizeof(int *));
    enc->width = acc_calloc((size_t)e->count + 1, sizeof(int));
    return enc;
}

void opt_e_encoder_free(opt_e_encoder *enc)
{
    if (!enc)
        return;
    for (int i = 0; i < enc->e->count; i++)
        free(enc->bits[i]);
    free(enc->bits);
    free(enc->width);
    free(enc);
}

/* Bit i of a vector of width w (constant false above it). */
static int bit(const int *v, int w, int i)
{
    return i < w ? v[i] : OPT_FALSE;
}

/* Saturates out[0..w) with an overflow literal. */
static void saturate(opt_cnf *f, int *out, int w, int ovf)
{
    for (int i = 0; i < w; i++)
        out[i] = opt_or(f, out[i], ovf);
}

static int *enc_table(opt_e_encoder *enc, const enode *nd, int w)
{
    opt_cnf *f = enc->f;
    const int dim = nd->a, n = enc->e->dom[dim];
    int *out = acc_malloc((size_t)w * sizeof(int));
    for (int j = 0; j < w; j++) {
        int ones = 0, live = 0;
        for (int i = 0; i < n; i++) {
            if (enc->lits[dim][i] == OPT_FALSE)
                continue;
            live++;
            ones += (int)((nd->table[i] >> j) & 1);
        }
        if (ones == 0) {
            out[j] = OPT_FALSE;
            continue;
        }
        if (ones == live) {
            out[j] = OPT_TRUE;
            continue;
        }
        out[j] = opt_cnf_var(f);
        for (int i = 0; i < n; i++) {
            int x = enc->lits[dim][i];
            if (x == OPT_FALSE)
                continue;
            opt_cnf_clause2(f, -x, ((nd->table[i] >> j) & 1) ? out[j] : -out[j]);
        }
    }
    return out;
}

/* The clauses of one line of a two-dimensional table for one bit: the line's
 * literal x (its index in one dimension), the live literals y[0..n) of the
 * other dimension and the bit's value at each, out the node's bit.  `plain`:
 * one ternary clause per index; otherwise the majority clause and one
 * ternary clause per exception (a line of one value: one binary clause). */
static void enc_line(opt_cnf *f, int x, const int *y, const char *bitv, int n, int out, int plain)
{
    int ones = 0;
    for (int i = 0; i < n; i++)
        ones += bitv[i];
    if (plain) {
        for (int i = 0; i < n; i++)
            opt_cnf_clause3(f, -x, -y[i], bitv[i] ? out : -out);
        return;
    }
    const int m = 2 * ones >= n; /* the majority value */
    int *cl = acc_malloc((size_t)(n + 2) * sizeof(int));
    int len = 0;
    cl[len++] = -x;
    for (int i = 0; i < n; i++)
        if (bitv[i] != m) {
            cl[len++] = y[i];
            opt_cnf_clause3(f, -x, -y[i], m ? -out : out);
        }
    cl[len++] = m ? out : -out;
    opt_cnf_clause(f, cl, len);
    free(cl);
}

/* Literals of one line's clauses (enc_line): *plain tells which form is
 * cheaper. */
static int64_t line_cost(const char *bitv, int n, int *plain)
{
    int ones = 0;
    for (int i = 0; i < n; i++)
        ones += bitv[i];
    const int exc = ones < n - ones ? ones : n - ones;
    const int64_t maj = (int64_t)exc * 3 + exc + 2, flat = 3 * (int64_t)n;
    *plain = flat < maj;
    return *plain ? flat : maj;
}

static int *enc_table2(opt_e_encoder *enc, const enode *nd, int w)
{
    opt_cnf *f = enc->f;
    const int da = nd->a, db = nd->b, na = enc->e->dom[da], nb = enc->e->dom[db];
    /* the live indices of each dimension and their literals */
    int *ia = acc_malloc((size_t)na * sizeof(int)), *ib = acc_malloc((size_t)nb * sizeof(int));
    int *la = acc_malloc((size_t)na * sizeof(int)), *lb = acc_malloc((size_t)nb * sizeof(int));
    int ma = 0, mb = 0;
    for (int i = 0; i < na; i++)
        if (enc->lits[da][i] != OPT_FALSE) {
            ia[ma] = i;
            la[ma++] = enc->lits[da][i];
        }
    for (int k = 0; k < nb; k++)
        if (enc->lits[db][k] != OPT_FALSE) {
            ib[mb] = k;
            lb[mb++] = enc->lits[db][k];
        }
    int *out = acc_malloc((size_t)w * sizeof(int));
    char *bits = acc_malloc((size_t)ma * (size_t)mb + 1); /* bit j at live (row r, column c) */
    char *line = acc_malloc((size_t)(ma > mb ? ma : mb) + 1);
    for (int j = 0; j < w; j++) {
        int64_t ones = 0;
        for (int r = 0; r < ma; r++)
            for (int c = 0; c < mb; c++) {
                char v = (char)((nd->table[(size_t)ia[r] * (size_t)nb + (size_t)ib[c]] >> j) & 1);
                bits[(size_t)r * (size_t)mb + (size_t)c] = v;
                ones += v;
            }
        if (ones == 0 || ones == (int64_t)ma * mb) {
            out[j] = ones == 0 ? OPT_FALSE : OPT_TRUE;
            continue;
        }
        out[j] = opt_cnf_var(f);
        /* rows or columns, whichever takes fewer literals */
        int64_t by_rows = 0, by_cols = 0;
        int plain;
        for (int r = 0; r < ma; r++)
            by_rows += line_cost(bits + (size_t)r * (size_t)mb, mb, &plain);
        for (int c = 0; c < mb; c++) {
            for (int r = 0; r < ma; r++)
                line[r] = bits[(size_t)r * (size_t)mb + (size_t)c];
            by_cols += line_cost(line, ma, &plain);
        }
        if (by_rows <= by_cols) {
            for (int r = 0; r < ma; r++) {
                const char *row = bits + (size_t)r * (size_t)mb;
                line_cost(row, mb, &plain);
                enc_line(f, la[r], lb, row, mb, out[j], plain);
            }
        } else {
            for (int c = 0; c < mb; c++) {
                for (int r = 0; r < ma; r++)
                    line[r] = bits[(size_t)r * (size_t)mb + (size_t)c];
                line_cost(line, ma, &plain);
                enc_line(f, lb[c], la, line, ma, out[j], plain);
            }
        }
    }
    free(line);
    free(bits);
    free(ia);
    free(ib);
    free(la);
    free(lb);
    return out;
}

static int *enc_add(opt_e_encoder *enc, const int *a, int wa, const int *b, int wb, int w,
                    int saturating)
{
    opt_cnf *f = enc->f;
    int *out = acc_malloc((size_t)w * sizeof(int));
    int carry = OPT_FALSE;
    for (int i = 0; i < w; i++)
        carry = opt_full_add(f, bit(a, wa, i), bit(b, wb, i), carry, &out[i]);
    if (saturating) {
        int ovf = carry;
        for (int i = w; i < wa || i < wb; i++) /* inputs never exceed w bits, but be safe */
            ovf = opt_or(f, ovf, opt_or(f, bit(a, wa, i), bit(b, wb, i)));
        saturate(f, out, w, ovf);
    }
    return out;
}

static int *enc_mul(opt_e_encoder *enc, const int *a, int wa, const int *b, int wb, int w,
                    int saturating)
{
    opt_cnf *f = enc->f;
    if (wb > wa) { /* b is the multiplier: the narrower */
        const int *t = a;
        a = b;
        b = t;
        int tw = wa;
        wa = wb;
        wb = tw;
    }
    int *acc = acc_malloc((size_t)w * sizeof(int));
    int *row = acc_malloc((size_t)w * sizeof(int));
    for (int i = 0; i < w; i++)
        acc[i] = OPT_FALSE;
    int ovf = OPT_FALSE;
    for (int j = 0; j < wb; j++) {
        if (b[j] == OPT_FALSE)
            continue;
        for (int i = 0; i < w; i++)
            row[i] = i >= j ? opt_and(f, bit(a, wa, i - j), b[j]) : OPT_FALSE;
        if (saturating) /* partial-product bits above w */
            for (int i = w - j > 0 ? w - j : 0; i < wa; i++)
                ovf = opt_or(f, ovf, opt_and(f, a[i], b[j]));
        int carry = OPT_FALSE;
        for (int i = 0; i < w; i++)
            carry = opt_full_add(f, acc[i], row[i], carry, &acc[i]);
        if (saturating)
            ovf = opt_or(f, ovf, carry);
        /* otherwise w holds the largest product and the carry is always 0 */
    }
    free(row);
    if (saturating)
        saturate(f, acc, w, ovf);
    return acc;
}

static int *enc_vec1(int l)
{
    int *out = acc_malloc(sizeof(int));
    out[0] = l;
    return out;
}

const int *opt_e_encode(opt_e_encoder *enc, int node, int *w)
{
    const opt_expr *e = enc->e;
    check_node(e, node);
    if (enc->bits[node]) {
        *w = enc->width[node];
        return enc->bits[node];
    }
    const enode *nd = &e->n[node];
    opt_cnf *f = enc->f;
    int width = bits_of(nd->max);
    if (width == 0)
        width = 1;
    int *out = NULL;
    int wa = 0, wb = 0, wc = 0;
    const int *a = NULL, *b = NULL, *c = NULL;
    switch (nd->op) {
    case E_CONST:
        out = acc_malloc((size_t)width * sizeof(int));
        for (int i = 0; i < width; i++)
            out[i] = ((nd->v >> i) & 1) ? OPT_TRUE : OPT_FALSE;
        break;
    case E_TABLE:
        out = enc_table(enc, nd, width);
        break;
    case E_TABLE2:
        out = enc_table2(enc, nd, width);
        break;
    case E_ADD: {
        a = opt_e_encode(enc, nd->a, &wa);
        b = opt_e_encode(enc, nd->b, &wb);
        uint64_t ma = e->n[nd->a].max, mb = e->n[nd->b].max;
        int sat = ma > e->cap - mb;
        out = enc_add(enc, a, wa, b, wb, width, sat);
        break;
    }
    case E_MUL: {
        a = opt_e_encode(enc, nd->a, &wa);
        b = opt_e_encode(enc, nd->b, &wb);
        uint64_t ma = e->n[nd->a].max, mb = e->n[nd->b].max;
        int sat = mb != 0 && ma > e->cap / mb;
        out = enc_mul(enc, a, wa, b, wb, width, sat);
        break;
    }
    case E_MAX: {
        a = opt_e_encode(enc, nd->a, &wa);
        b = opt_e_encode(enc, nd->b, &wb);
        int ww = wa > wb ? wa : wb;
        int *ea = acc_malloc((size_t)ww * sizeof(int)), *eb = acc_malloc((size_t)ww * sizeof(int));
        for (int i = 0; i < ww; i++) {
            ea[i] = bit(a, wa, i);
            eb[i] = bit(b, wb, i);
        }
        int le = opt_bv_ule(f, ea, eb, ww);
        out = acc_malloc((size_t)width * sizeof(int));
        for (int i = 0; i < width; i++)
            out[i] = opt_mux(f, le, bit(eb, ww, i), bit(ea, ww, i));
        free(ea);
        free(eb);
        break;
    }
    case E_ALIGN4: {
        a = opt_e_encode(enc, nd->a, &wa);
        uint64_t ma = e->n[nd->a].max;
        int sat = ma > e->cap - 3;
        int ws = sat ? e->wc : bits_of(ma + 3);
        int *sum = acc_malloc((size_t)ws * sizeof(int));
        int carry = OPT_FALSE;
        for (int i = 0; i < ws; i++)
            carry = opt_full_add(f, bit(a, wa, i), i < 2 ? OPT_TRUE : OPT_FALSE, carry, &sum[i]);
        int ovf = sat ? carry : OPT_FALSE; /* a + 3 > cap */
        out = acc_malloc((size_t)width * sizeof(int));
        for (int i = 0; i < width; i++)
            out[i] = i < 2 ? ovf : opt_or(f, bit(sum, ws, i), ovf);
        free(sum);
        break;
    }
    case E_SHR:
        a = opt_e_encode(enc, nd->a, &wa);
        out = acc_malloc((size_t)width * sizeof(int));
        for (int i = 0; i < width; i++)
            out[i] = bit(a, wa, i + (int)nd->v);
        break;
    case E_LE: {
        a = opt_e_encode(enc, nd->a, &wa);
        b = opt_e_encode(enc, nd->b, &wb);
        int ww = wa > wb ? wa : wb;
        int *ea = acc_malloc((size_t)ww * sizeof(int)), *eb = acc_malloc((size_t)ww * sizeof(int));
        for (int i = 0; i < ww; i++) {
            ea[i] = bit(a, wa, i);
            eb[i] = bit(b, wb, i);
        }
        out = enc_vec1(opt_bv_ule(f, ea, eb, ww));
        free(ea);
        free(eb);
        break;
    }
    case E_ITE: {
        c = opt_e_encode(enc, nd->a, &wc);
        a = opt_e_encode(enc, nd->b, &wa);
        b = opt_e_encode(enc, nd->c, &wb);
        out = acc_malloc((size_t)width * sizeof(int));
        for (int i = 0; i < width; i++)
            out[i] = opt_mux(f, c[0], bit(a, wa, i), bit(b, wb, i));
        break;
    }
    case E_AND:
    case E_OR: {
        a = opt_e_encode(enc, nd->a, &wa);
        b = opt_e_encode(enc, nd->b, &wb);
        out = enc_vec1(nd->op == E_AND ? opt_and(f, a[0], b[0]) : opt_or(f, a[0], b[0]));
        break;
    }
    case E_NOT:
        a = opt_e_encode(enc, nd->a, &wa);
        out = enc_vec1(-a[0]);
        break;
    default:
        assert(0);
    }
    enc->bits[node] = out;
    enc->width[node] = width;
    *w = width;
    return out;
}
