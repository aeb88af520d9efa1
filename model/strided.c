/* strided.c - strided blocks as sets of byte intervals (strided.h).
 *
 * Union.  A dimension whose stride is 0 (or whose count is 1) repeats one
 * row and is dropped.  Rows along a dimension whose stride is at most n0
 * touch or overlap, so the rows of it that lie inside the clip window (a
 * contiguous index range, strided_inside) are one interval; with two
 * dimensions that one is taken as the inner one, giving one interval per
 * index of the other.  When both strides exceed n0 the rows of a plane are
 * disjoint: planes that do not interleave give the rows in address order,
 * and interleaved planes (rare: e.g. strides 3 and 5 with n0 = 2) are
 * merged through a byte array that marks the row starts over the hull.
 * The intervals collected are sorted when they are not already and merged
 * when they touch.
 *
 * Last writer.  A stride of 0 makes the last row (or plane) cover all the
 * others, so only it counts.  Rows that do not overlap are their own
 * segments.  Otherwise the rows are painted in reverse (p, r) order, each
 * on the bytes no later row has painted: `next` is a union-find over the
 * hull whose root from byte i is the first unpainted byte at or after i, so
 * a painted stretch is skipped in near-constant time and every byte is
 * painted once. */
#include "model/strided.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void strided_scratch_free(strided_scratch *s)
{
    if (!s)
        return;
    free(s->ivl);
    free(s->next);
    free(s->mark);
    memset(s, 0, sizeof(*s));
}

uint32_t strided_inside(uint64_t start, uint64_t s, uint32_t n, uint64_t len, uint64_t lo,
                        uint64_t hi, uint32_t *ka)
{
    ACC_REQUIRE(ka != NULL);
    *ka = 0;
    if (n == 0 || hi < len || start > hi - len)
        return 0; /* even row 0 ends past hi; later rows end later */
    if (s == 0)
        return start >= lo ? n : 0;
    uint64_t first = start >= lo ? 0 : (lo - start + s - 1) / s;
    uint64_t last = (hi - len - start) / s; /* the last k with start + k*s + len <= hi */
    if (last >= n)
        last = n - 1u;
    if (first > last)
        return 0;
    *ka = (uint32_t)first;
    return (uint32_t)(last - first + 1u);
}

/* ------------------------------------------------------------ union */

static void push(strided_scratch *s, uint64_t lo, uint64_t hi)
{
    if (s->nivl == s->ivl_cap) {
        s->ivl_cap = s->ivl_cap ? 2 * s->ivl_cap : 64;
        s->ivl = acc_realloc(s->ivl, s->ivl_cap * sizeof(*s->ivl));
    }
    s->ivl[s->nivl++] = (strided_ivl){lo, hi};
}

static int by_lo(const void *a, const void *b)
{
    uint64_t x = ((const strided_ivl *)a)->lo, y = ((const strided_ivl *)b)->lo;
    return (x > y) - (x < y);
}

/* Sorts the collected intervals (when they are not sorted) and merges the
 * ones that overlap or touch; returns their number. */
static size_t merge(strided_scratch *s)
{
    size_t n = s->nivl;
    if (n == 0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s->ivl[i].lo < s->ivl[i - 1].lo) {
            qsort(s->ivl, n, sizeof(*s->ivl), by_lo);
            break;
        }
    size_t m = 0;
    for (size_t i = 1; i < n; i++) {
        if (s->ivl[i].lo <= s->ivl[m].hi) {
            if (s->ivl[i].hi > s->ivl[m].hi)
                s->ivl[m].hi = s->ivl[i].hi;
        } else {
            s->ivl[++m] = s->ivl[i];
        }
    }
    s->nivl = m + 1;
    return s->nivl;
}

typedef struct dim {
    uint64_t s;
    uint32_t n;
} dim;

/* Two interleaved dimensions, both strides above n0: marks every row start
 * inside the window over the hull of those starts, then sweeps it. */
static void union_marked(const strided_blk *b, dim in, dim out, uint64_t lo, uint64_t hi,
                         strided_scratch *s)
{
    uint64_t first = UINT64_MAX, last = 0;
    for (uint32_t o = 0; o < out.n; o++) {
        uint64_t st = b->base + o * out.s;
        uint32_t ka, cnt = strided_inside(st, in.s, in.n, b->n0, lo, hi, &ka);
        if (cnt == 0)
            continue;
        uint64_t a = st + ka * in.s, z = st + (uint64_t)(ka + cnt - 1) * in.s;
        if (a < first)
            first = a;
        if (z > last)
            last = z;
    }
    if (first > last)
        return;
    size_t span = (size_t)(last - first + 1u);
    if (span > s->mark_cap) {
        free(s->mark);
        s->mark = acc_malloc(span);
        s->mark_cap = span;
    }
    memset(s->mark, 0, span);
    for (uint32_t o = 0; o < out.n; o++) {
        uint64_t st = b->base + o * out.s;
        uint32_t ka, cnt = strided_inside(st, in.s, in.n, b->n0, lo, hi, &ka);
        for (uint32_t k = ka; k < ka + cnt; k++)
            s->mark[st + k * in.s - first] = 1;
    }
    uint64_t cur_lo = 0, cur_hi = 0;
    int open = 0;
    for (size_t x = 0; x < span; x++) {
        if (!s->mark[x])
            continue;
        uint64_t a = first + x;
        if (open && a <= cur_hi) {
            if (a + b->n0 > cur_hi)
                cur_hi = a + b->n0;
            continue;
        }
        if (open)
            push(s, cur_lo, cur_hi);
        cur_lo = a;
        cur_hi = a + b->n0;
        open = 1;
    }
    if (open)
        push(s, cur_lo, cur_hi);
}

size_t strided_union(const strided_blk *b, uint64_t lo, uint64_t hi, strided_scratch *s,
                     const strided_ivl **out)
{
    ACC_REQUIRE(b != NULL && s != NULL && out != NULL);
    ACC_REQUIRE(b->n0 >= 1 && b->n1 >= 1 && b->n2 >= 1);
    s->nivl = 0;
    *out = s->ivl;
    dim d[2];
    int nd = 0;
    if (b->n1 > 1 && b->s1 > 0)
        d[nd++] = (dim){b->s1, b->n1};
    if (b->n2 > 1 && b->s2 > 0)
        d[nd++] = (dim){b->s2, b->n2};
    const uint64_t n0 = b->n0;
    if (nd == 0) {
        uint32_t ka;
        if (strided_inside(b->base, 0, 1, n0, lo, hi, &ka))
            push(s, b->base, b->base + n0);
    } else if (nd == 1) {
        uint32_t ka, cnt = strided_inside(b->base, d[0].s, d[0].n, n0, lo, hi, &ka);
        uint64_t a = b->base + ka * d[0].s;
        if (cnt > 0 && d[0].s <= n0)
            push(s, a, a + (uint64_t)(cnt - 1) * d[0].s + n0);
        else
            for (uint32_t k = 0; k < cnt; k++)
                push(s, a + k * d[0].s, a + k * d[0].s + n0);
    } else {
        /* the inner dimension: one whose rows touch, else the narrower */
        dim in = d[0], o = d[1];
        if (in.s > n0 && (o.s <= n0 || o.s < in.s)) {
            in = d[1];
            o = d[0];
        }
        if (in.s <= n0 || o.s >= (uint64_t)(in.n - 1) * in.s + n0) {
            for (uint32_t k = 0; k < o.n; k++) {
                uint64_t st = b->base + k * o.s;
                uint32_t ka, cnt = strided_inside(st, in.s, in.n, n0, lo, hi, &ka);
                uint64_t a = st + ka * in.s;
                if (cnt > 0 && in.s <= n0)
                    push(s, a, a + (uint64_t)(cnt - 1) * in.s + n0);
                else
                    for (uint32_t r = 0; r < cnt; r++)
                        push(s, a + r * in.s, a + r * in.s + n0);
            }
        } else {
            union_marked(b, in, o, lo, hi, s);
        }
    }
    *out = s->ivl;
    return merge(s);
}

/* ------------------------------------------------------------ last writer */

/* The first unpainted byte at or after x (path halving). */
static uint32_t find(uint32_t *next, uint32_t x)
{
    while (next[x] != x) {
        next[x] = next[next[x]];
        x = next[x];
    }
    return x;
}

void strided_last_rows(const strided_blk *b, strided_scratch *s, strided_seg_fn fn, void *ctx)
{
    ACC_REQUIRE(b != NULL && s != NULL && fn != NULL);
    ACC_REQUIRE(b->n0 >= 1 && b->n1 >= 1 && b->n2 >= 1);
    /* a stride of 0: the last row (plane) covers exactly what the others do */
    const uint32_t r0 = b->s1 == 0 ? b->n1 - 1 : 0, p0 = b->s2 == 0 ? b->n2 - 1 : 0;
    const uint64_t nr = b->n1 - r0, n0 = b->n0;
    const uint64_t plane_span = (nr - 1) * b->s1 + n0;
    if ((nr == 1 || b->s1 >= n0) && (p0 == b->n2 - 1 || b->s2 >= plane_span)) {
        for (uint32_t p = p0; p < b->n2; p++)
            for (uint32_t r = r0; r < b->n1; r++) {
                uint64_t a = b->base + p * b->s2 + r * b->s1;
                fn(ctx, a, a + n0, p, r);
            }
        return;
    }
    const uint64_t h0 = b->base + p0 * b->s2 + r0 * b->s1;
    const uint64_t span = (uint64_t)(b->n2 - 1 - p0) * b->s2 + plane_span;
    ACC_REQUIRE(span < UINT32_MAX);
    if (span + 1 > s->next_cap) {
        free(s->next);
        s->next_cap = (size_t)span + 1;
        s->next = acc_malloc(s->next_cap * sizeof(uint32_t));
    }
    uint32_t *next = s->next;
    for (uint32_t x = 0; x <= (uint32_t)span; x++)
        next[x] = x;
    for (uint32_t p = b->n2; p-- > p0;) {
        for (uint32_t r = b->n1; r-- > r0;) {
            uint32_t a = (uint32_t)(p * b->s2 + r * b->s1 - (p0 * b->s2 + r0 * b->s1));
            uint32_t end = a + (uint32_t)n0;
            for (uint32_t g = find(next, a); g < end;) {
                uint32_t z = g;
                while (z < end && next[z] == z)
                    z++;
                fn(ctx, h0 + g, h0 + z, p, r);
                for (uint32_t k = g; k < z; k++)
                    next[k] = z;
                g = find(next, z);
            }
        }
    }
}
