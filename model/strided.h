/* strided.h - strided blocks as sets of byte intervals: the interval
 * arithmetic of the validator (docs/model.md, "What the validator costs").
 *
 * A block is n2 planes x n1 rows x n0 bytes.  Row (p, r) is the interval
 * [base + p*s2 + r*s1, base + p*s2 + r*s1 + n0), and rows come in
 * lexicographic (p, r) order, as a DMA moves them.  A stride may be 0 or
 * smaller than a row: rows then repeat or overlap (a legal LOAD may write
 * the same 4095 scratchpad bytes 4095 x 4095 times).  The functions below
 * answer what a block covers at a cost set by its rows and the intervals
 * of the answer, never by the n0*n1*n2 bytes it moves: repeated rows
 * (stride 0) are one row, overlapping runs of rows are one interval, and
 * only the rare case of two interleaved strides both wider than a row
 * visits every row (once) and the bytes of the block's hull (once). */
#ifndef ACC_STRIDED_H
#define ACC_STRIDED_H

#include <stddef.h>
#include <stdint.h>

/* A block (see above).  n0, n1, n2 >= 1; addresses and strides are byte
 * counts whose sums must fit in 64 bits (the ISA's fields do by far). */
typedef struct strided_blk {
    uint64_t base, s1, s2;
    uint32_t n0, n1, n2;
} strided_blk;

/* The half-open byte interval [lo, hi). */
typedef struct strided_ivl {
    uint64_t lo, hi;
} strided_ivl;

/* Working memory reused from call to call; zero-initialise it, free it with
 * strided_scratch_free.  One scratch serves one answer at a time: the
 * intervals strided_union returns live in it until its next use. */
typedef struct strided_scratch {
    strided_ivl *ivl;
    size_t nivl, ivl_cap;
    uint32_t *next; /* strided_last_rows: next unpainted byte of the hull */
    size_t next_cap;
    uint8_t *mark; /* strided_union: row starts of an interleaved block */
    size_t mark_cap;
} strided_scratch;

/* Frees what s holds and zeroes it (s may be NULL). */
void strided_scratch_free(strided_scratch *s);

/* The indices k in [0, n) for which [start + k*s, start + k*s + len) lies
 * inside [lo, hi) form one range [*ka, *ka + result); returns its size
 * (0: none, *ka then 0).  With s == 0 it is all of [0, n) or nothing. */
uint32_t strided_inside(uint64_t start, uint64_t s, uint32_t n, uint64_t len, uint64_t lo,
                        uint64_t hi, uint32_t *ka);

/* The union of the rows of *b that lie wholly inside [lo, hi) (pass 0 and
 * UINT64_MAX for all rows): sorted, disjoint and non-adjacent intervals,
 * *out pointing into s (valid until s is used again).  Returns their
 * number.  Cost: O(n2 + intervals) when a stride is at most n0 or the
 * planes do not interleave; otherwise O(rows inside + hull) time and a
 * hull-sized byte array in s. */
size_t strided_union(const strided_blk *b, uint64_t lo, uint64_t hi, strided_scratch *s,
                     const strided_ivl **out);

/* Called with bytes [lo, hi) that row (p, r) of a block covers last. */
typedef void (*strided_seg_fn)(void *ctx, uint64_t lo, uint64_t hi, uint32_t p, uint32_t r);

/* Who writes each byte last: calls fn(ctx, lo, hi, p, r) for disjoint
 * segments that together cover exactly the union of b's rows, where row
 * (p, r) is the last row in (p, r) order that covers any byte of [lo, hi).
 * Segments come in no particular order.  Cost: O(rows + segments) when the
 * rows do not overlap (each row is its own segment); otherwise rows that a
 * stride of 0 repeats count once, and the rest costs O(rows + hull) time
 * and a hull-sized array of 32-bit indices in s (the hull, from the first
 * row's start to the last row's end, must be below 2^32 bytes). */
void strided_last_rows(const strided_blk *b, strided_scratch *s, strided_seg_fn fn, void *ctx);

#endif
