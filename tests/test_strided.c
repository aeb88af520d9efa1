/* test_strided.c - the interval arithmetic over strided blocks
 * (model/strided.h) against a brute-force walk of every byte of every row,
 * written here as an independent oracle, on many random small blocks with
 * strides of 0, strides smaller than a row, interleaved planes and clip
 * windows, and on the huge blocks the ISA allows. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "model/strided.h"

/* Bytes the oracle can hold: base + hull of every random block. */
#define SPACE 4096

/* A random block of the shape class `cls`: 0 tiny and dense with overlaps,
 * 1 many rows with strides wider than a row (interleaved planes), 2 long
 * rows and short strides. */
static strided_blk random_blk(acc_rng *g, int cls)
{
    strided_blk b;
    memset(&b, 0, sizeof(b));
    uint32_t nmax = cls == 1 ? 60 : 7, smax = cls == 2 ? 4 : 12, n0max = cls == 2 ? 40 : 6;
    b.base = acc_rng_next(g) % 64;
    b.n0 = 1 + (uint32_t)(acc_rng_next(g) % n0max);
    b.n1 = 1 + (uint32_t)(acc_rng_next(g) % nmax);
    b.n2 = 1 + (uint32_t)(acc_rng_next(g) % nmax);
    /* a quarter of the strides are 0, the rest 1..smax */
    b.s1 = acc_rng_next(g) % 4 == 0 ? 0 : 1 + acc_rng_next(g) % smax;
    b.s2 = acc_rng_next(g) % 4 == 0 ? 0 : 1 + acc_rng_next(g) % (cls == 1 ? smax : 40);
    return b;
}

static uint64_t row_start(const strided_blk *b, uint64_t p, uint64_t r)
{
    return b->base + p * b->s2 + r * b->s1;
}

/* Oracle: covered[a] = 1 for every byte of every row inside [lo, hi). */
static void brute_cover(const strided_blk *b, uint64_t lo, uint64_t hi, uint8_t *covered)
{
    memset(covered, 0, SPACE);
    for (uint64_t p = 0; p < b->n2; p++)
        for (uint64_t r = 0; r < b->n1; r++) {
            uint64_t a = row_start(b, p, r);
            if (a < lo || a + b->n0 > hi)
                continue;
            for (uint64_t k = 0; k < b->n0; k++) {
                cr_assert_lt(a + k, SPACE);
                covered[a + k] = 1;
            }
        }
}

/* Checks strided_union(b, lo, hi) against the oracle. */
static void check_union(const strided_blk *b, uint64_t lo, uint64_t hi, strided_scratch *s,
                        const char *what)
{
    static uint8_t covered[SPACE], got[SPACE];
    brute_cover(b, lo, hi, covered);
    const strided_ivl *v;
    size_t n = strided_union(b, lo, hi, s, &v);
    memset(got, 0, SPACE);
    for (size_t i = 0; i < n; i++) {
        cr_assert_lt(v[i].lo, v[i].hi, "%s: empty interval %zu", what, i);
        if (i > 0)
            cr_assert_gt(v[i].lo, v[i - 1].hi, "%s: intervals %zu and %zu unsorted or touching",
                         what, i - 1, i);
        for (uint64_t a = v[i].lo; a < v[i].hi; a++) {
            cr_assert_lt(a, SPACE, "%s", what);
            got[a] = 1;
        }
    }
    for (int a = 0; a < SPACE; a++)
        cr_assert_eq(got[a], covered[a],
                     "%s: byte %d: union says %d, the byte walk %d (base %llu n=%u,%u,%u "
                     "strides %llu,%llu window [%llu, %llu))",
                     what, a, got[a], covered[a], (unsigned long long)b->base, b->n0, b->n1, b->n2,
                     (unsigned long long)b->s1, (unsigned long long)b->s2, (unsigned long long)lo,
                     (unsigned long long)hi);
}

Test(strided, union_equals_the_byte_walk_on_random_blocks)
{
    acc_rng g;
    acc_rng_seed(&g, 11);
    strided_scratch s = {0};
    for (int t = 0; t < 6000; t++) {
        strided_blk b = random_blk(&g, t % 3);
        char what[32];
        snprintf(what, sizeof(what), "block %d", t);
        check_union(&b, 0, UINT64_MAX, &s, what);
    }
    strided_scratch_free(&s);
}

Test(strided, union_inside_a_window_equals_the_byte_walk)
{
    acc_rng g;
    acc_rng_seed(&g, 12);
    strided_scratch s = {0};
    for (int t = 0; t < 6000; t++) {
        strided_blk b = random_blk(&g, t % 3);
        uint64_t lo = acc_rng_next(&g) % 200;
        uint64_t hi = lo + acc_rng_next(&g) % 600;
        char what[32];
        snprintf(what, sizeof(what), "windowed block %d", t);
        check_union(&b, lo, hi, &s, what);
    }
    strided_scratch_free(&s);
}

/* Oracle of the last writer: owner[a] = p * 65536 + r of the last row in
 * (p, r) order covering byte a, or -1. */
static void brute_owner(const strided_blk *b, int64_t *owner)
{
    for (int a = 0; a < SPACE; a++)
        owner[a] = -1;
    for (uint64_t p = 0; p < b->n2; p++)
        for (uint64_t r = 0; r < b->n1; r++)
            for (uint64_t k = 0; k < b->n0; k++)
                owner[row_start(b, p, r) + k] = (int64_t)(p * 65536 + r);
}

typedef struct seen {
    const strided_blk *b;
    int64_t got[SPACE];
    int segments;
    int bad_row; /* a segment outside the row it names */
} seen;

static void record(void *ctx, uint64_t lo, uint64_t hi, uint32_t p, uint32_t r)
{
    seen *z = ctx;
    z->segments++;
    uint64_t a = row_start(z->b, p, r);
    if (lo < a || hi > a + z->b->n0 || lo >= hi || p >= z->b->n2 || r >= z->b->n1)
        z->bad_row = 1;
    for (uint64_t x = lo; x < hi && x < SPACE; x++)
        z->got[x] = z->got[x] == -1 ? (int64_t)p * 65536 + r : -2; /* -2: painted twice */
}

Test(strided, last_rows_equal_the_byte_walk_on_random_blocks)
{
    acc_rng g;
    acc_rng_seed(&g, 13);
    strided_scratch s = {0};
    static int64_t owner[SPACE];
    static seen z;
    for (int t = 0; t < 6000; t++) {
        strided_blk b = random_blk(&g, t % 3);
        brute_owner(&b, owner);
        z.b = &b;
        z.segments = 0;
        z.bad_row = 0;
        for (int a = 0; a < SPACE; a++)
            z.got[a] = -1;
        strided_last_rows(&b, &s, record, &z);
        cr_assert(!z.bad_row, "block %d: a segment lies outside the row it names", t);
        for (int a = 0; a < SPACE; a++)
            cr_assert_eq(z.got[a], owner[a],
                         "block %d, byte %d: last row %lld, the byte walk %lld (-2: two segments; "
                         "base %llu n=%u,%u,%u strides %llu,%llu)",
                         t, a, (long long)z.got[a], (long long)owner[a], (unsigned long long)b.base,
                         b.n0, b.n1, b.n2, (unsigned long long)b.s1, (unsigned long long)b.s2);
    }
    strided_scratch_free(&s);
}

Test(strided, inside_gives_exactly_the_rows_in_the_window)
{
    acc_rng g;
    acc_rng_seed(&g, 14);
    for (int t = 0; t < 20000; t++) {
        uint64_t start = acc_rng_next(&g) % 100,
                 s = acc_rng_next(&g) % 4 == 0 ? 0 : 1 + acc_rng_next(&g) % 9;
        uint32_t n = 1 + (uint32_t)(acc_rng_next(&g) % 30);
        uint64_t len = 1 + acc_rng_next(&g) % 12, lo = acc_rng_next(&g) % 150;
        uint64_t hi = t % 10 == 0 ? UINT64_MAX : lo + acc_rng_next(&g) % 200;
        uint32_t ka, cnt = strided_inside(start, s, n, len, lo, hi, &ka);
        for (uint32_t k = 0; k < n; k++) {
            uint64_t a = start + k * s;
            int in = a >= lo && a + len <= hi;
            cr_assert_eq(in, k >= ka && k < ka + cnt,
                         "case %d: row %u [%llu, %llu) in [%llu, %llu) is %d, range %u+%u", t, k,
                         (unsigned long long)a, (unsigned long long)(a + len),
                         (unsigned long long)lo, (unsigned long long)hi, in, ka, cnt);
        }
        if (cnt == 0)
            cr_assert_eq(ka, 0);
    }
}

/* Counts the rows of a segment callback, for the large blocks below. */
static void count_seg(void *ctx, uint64_t lo, uint64_t hi, uint32_t p, uint32_t r)
{
    uint64_t *c = ctx;
    (void)p;
    (void)r;
    c[0]++;
    c[1] += hi - lo;
}

Test(strided, the_largest_legal_blocks_cost_their_intervals_not_their_bytes)
{
    /* 4095 x 4095 x 4095 bytes (68.7e9) over one 4095-byte stretch: with
     * strides 0 one row and one interval (a byte walk would not finish) */
    strided_scratch s = {0};
    strided_blk b = {0x100, 0, 0, 4095, 4095, 4095};
    const strided_ivl *v;
    cr_assert_eq(strided_union(&b, 0, UINT64_MAX, &s, &v), 1);
    cr_assert_eq(v[0].lo, 0x100);
    cr_assert_eq(v[0].hi, 0x100 + 4095);
    uint64_t c[2] = {0, 0};
    strided_last_rows(&b, &s, count_seg, c);
    cr_assert_eq(c[0], 1, "one segment: the last row, (4094, 4094)");
    cr_assert_eq(c[1], 4095);
    /* strides 1,1: 16.7 million overlapping rows over 12283 bytes */
    b = (strided_blk){0, 1, 1, 4095, 4095, 4095};
    cr_assert_eq(strided_union(&b, 0, UINT64_MAX, &s, &v), 1);
    cr_assert_eq(v[0].hi, 4094 + 4094 + 4095);
    c[0] = c[1] = 0;
    strided_last_rows(&b, &s, count_seg, c);
    cr_assert_eq(c[1], 4094 + 4094 + 4095, "every byte painted once");
    /* interleaved strides 2 and 3, both wider than the 1-byte row: 16.7
     * million rows over 20471 bytes, against the starts marked one by one */
    b = (strided_blk){0, 2, 3, 1, 4095, 4095};
    static uint8_t hit[2 * 4094 + 3 * 4094 + 2];
    memset(hit, 0, sizeof(hit));
    for (uint64_t p = 0; p < 4095; p++)
        for (uint64_t r = 0; r < 4095; r++)
            hit[2 * r + 3 * p] = 1;
    size_t n = strided_union(&b, 0, UINT64_MAX, &s, &v), k = 0;
    for (uint64_t a = 0; a < sizeof(hit); a++) {
        while (k < n && v[k].hi <= a)
            k++;
        int in = k < n && v[k].lo <= a;
        cr_assert_eq(in, hit[a], "byte %llu: union %d, rows %d", (unsigned long long)a, in, hit[a]);
    }
    cr_assert_eq(v[0].hi, 1, "1 is not 2r + 3p");
    strided_scratch_free(&s);
}
