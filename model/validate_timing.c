/* validate_timing.c - the timing half of the validator (validate.h):
 * hazards on the timing model's intervals, and scratchpad occupancy.
 *
 * Timing.  model_run gives [s_i, e_i) for every instruction.  Sweeping the
 * instructions in issue order (= program order) with, per scratchpad byte,
 * the last writer and its end cycle and the latest reader since that write
 * and its end cycle, an instruction i is a hazard when it reads a byte whose
 * last writer has not ended by s_i, or writes a byte whose last writer or a
 * reader of the old value has not ended by s_i.  The bytes an instruction
 * touches are its operand blocks exactly as declared (a LOAD/STORE block's
 * rows; a COMPUTE's stored activation tile vh x vw per channel, its dense
 * weight tile, its output tile, read too when ACC), each taken as the union
 * of its rows (strided_union), so a byte that rows repeat is visited once;
 * with dense pitches these are the hulls of acc_instr_spad_ranges.
 * Reported ranges are [lo, hi).
 *
 * Occupancy.  A value written by instruction w and last read by instruction
 * r is live in cycles [e_w, e_r) (a value never read is never live).  The
 * intervals are summed exactly over the set of all issue and end cycles;
 * live_bytes[i] is the count in cycle s_i, live_end[i] the count in cycle
 * e_i and peak_live_bytes the maximum over all cycles (it is reached at an
 * end cycle, so it is the maximum of live_end).  Occupancy is exact for
 * the instructions checked; it is not computed when model_run fails. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate_internal.h"

/* ------------------------------------------------------------ occupancy */

static int lower_bound(const int64_t *a, int n, int64_t x)
{
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void live_flush(vctx *v)
{
    if (v->run_n == 0)
        return;
    const int64_t *end = v->t->end;
    if (end[v->run_r] > end[v->run_w]) {
        v->diff[lower_bound(v->pts, v->npts, end[v->run_w])] += v->run_n;
        v->diff[lower_bound(v->pts, v->npts, end[v->run_r])] -= v->run_n;
    }
    v->run_n = 0;
}

/* Ends the live interval of the value byte a holds (it is being overwritten
 * or the program ended). */
static void live_close(vctx *v, uint64_t a)
{
    int32_t w = v->tag[a].writer, r = v->rd[a];
    if (w < 0 || r < 0)
        return;
    if (v->run_n > 0 && v->run_w == w && v->run_r == r) {
        v->run_n++;
        return;
    }
    live_flush(v);
    v->run_w = w;
    v->run_r = r;
    v->run_n = 1;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void vld_live_init(vctx *v)
{
    const model_timing *t = v->t;
    v->pts = acc_malloc(((size_t)t->count * 2 + 1) * sizeof(int64_t));
    int n = 0;
    for (int i = 0; i < t->count; i++) {
        v->pts[n++] = t->start[i];
        v->pts[n++] = t->end[i];
    }
    qsort(v->pts, (size_t)n, sizeof(int64_t), cmp_i64);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (m == 0 || v->pts[m - 1] != v->pts[i])
            v->pts[m++] = v->pts[i];
    v->npts = m;
    v->diff = acc_calloc((size_t)m + 1, sizeof(int64_t));
}

void vld_live_finish(vctx *v)
{
    for (uint64_t a = 0; a < v->spad; a++)
        live_close(v, a);
    live_flush(v);
    int64_t cur = 0, peak = 0;
    for (int k = 0; k < v->npts; k++) {
        cur += v->diff[k];
        v->diff[k] = cur;
        if (cur > peak)
            peak = cur;
    }
    v->res->peak_live_bytes = (uint64_t)peak;
    for (int i = 0; i < v->t->count; i++) {
        v->res->live_bytes[i] = (uint64_t)v->diff[lower_bound(v->pts, v->npts, v->t->start[i])];
        v->res->live_end[i] = (uint64_t)v->diff[lower_bound(v->pts, v->npts, v->t->end[i])];
    }
}

/* ------------------------------------------------------------ hazards */

enum { H_RAW, H_WAR, H_WAW, H_COUNT };

typedef struct conflict {
    int culprit; /* latest conflicting instruction, -1 none */
    uint64_t lo, hi;
} conflict;

static void note(conflict *c, int culprit, uint64_t a)
{
    if (c->culprit < 0) {
        c->lo = a;
        c->hi = a + 1;
    }
    if (culprit > c->culprit)
        c->culprit = culprit;
    if (a < c->lo)
        c->lo = a;
    if (a + 1 > c->hi)
        c->hi = a + 1;
}

/* Every byte of block k's union of intervals, each once. */
#define FOR_BLOCK_BYTES(k, a)                                                                      \
    for (size_t j_ = 0; j_ < niv[k]; j_++)                                                         \
        for (uint64_t a = iv[k][j_].lo; a < iv[k][j_].hi; a++)

void vld_hazards(vctx *v, int i, const blk *b, int nb)
{
    const int64_t *end = v->t->end;
    const int64_t s = v->t->start[i], e = end[i];
    conflict cf[H_COUNT] = {{-1, 0, 0}, {-1, 0, 0}, {-1, 0, 0}};
    const strided_ivl *iv[3];
    size_t niv[3];
    for (int k = 0; k < nb; k++)
        niv[k] = strided_union(&b[k].g, 0, UINT64_MAX, &v->hz[k], &iv[k]);
    for (int k = 0; k < nb; k++) {
        FOR_BLOCK_BYTES(k, a)
        {
            int32_t w = v->tag[a].writer, r = v->rd[a];
            if (w >= 0 && end[w] > s) {
                if (b[k].writes)
                    note(&cf[H_WAW], w, a);
                if (b[k].reads)
                    note(&cf[H_RAW], w, a);
            }
            if (b[k].writes && r >= 0 && end[r] > s)
                note(&cf[H_WAR], r, a);
        }
    }
    static const char *const eng[] = {"ld", "cp", "st"};
    static const char *const what[H_COUNT] = {
        "reads scratchpad 0x%05llx..0x%05llx before instruction %d (%s) has finished writing it",
        "overwrites scratchpad 0x%05llx..0x%05llx while instruction %d (%s) still reads it",
        "writes scratchpad 0x%05llx..0x%05llx while instruction %d (%s) is still writing it",
    };
    for (int h = 0; h < H_COUNT; h++) {
        if (cf[h].culprit < 0)
            continue;
        const acc_instr *ci = &v->p->ins[cf[h].culprit];
        char msg[256];
        snprintf(msg, sizeof(msg), what[h], (unsigned long long)cf[h].lo,
                 (unsigned long long)cf[h].hi, cf[h].culprit, vld_op_name(ci));
        vld_report(v, i, "%s (missing wait=%s:%d?)", msg, eng[acc_op_engine(ci->op)],
                   v->ord[cf[h].culprit]);
    }
    /* record: reads first (an ACC output is read, then written) */
    for (int k = 0; k < nb; k++) {
        if (!b[k].reads)
            continue;
        FOR_BLOCK_BYTES(k, a)
        {
            if (v->rd[a] < 0 || end[v->rd[a]] < e)
                v->rd[a] = i;
        }
    }
    for (int k = 0; k < nb; k++) {
        if (!b[k].writes)
            continue;
        FOR_BLOCK_BYTES(k, a)
        {
            live_close(v, a);
            v->rd[a] = -1; /* the new writer (i) goes into the tag */
        }
    }
}
