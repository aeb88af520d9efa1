/* validate.c - the schedule validator (validate.h).
 *
 * Method.  The program is interpreted once, in program order, on a symbolic
 * scratchpad: every byte carries a tag saying what it holds -- nothing, the
 * input element x at some offset, the weight element w at some offset, one
 * byte of a partial sum of an output element y[k][oy][ox] (with the number of
 * input channels accumulated so far and whether the chain started at channel
 * 0), or "invalid" (the product of an instruction already reported; reading
 * it reports nothing more, so that one mistake gives one message).
 *
 *   LOAD     every row of the block must lie inside x or inside w; the
 *            scratchpad bytes get the tags of the external bytes.
 *   COMPUTE  must be a convolution step of this layer (kernel, strides and
 *            dilations equal to the layer's).  The weight tags at
 *            (c=0, i=0, j=0, k) give each output channel k and the first
 *            input channel cg0 inside the group.  The tile is affine: the
 *            activation byte at virtual (c, vy, vx) must hold
 *            x[g*C/G + cg0 + c][vy + ih0][vx + iw0] for two constants ih0,
 *            iw0 that the first stored byte the tile reads fixes; they place
 *            the tile at absolute output rows oy0.. and columns ox0.. .  Then
 *            every activation byte the tile reads (the rows vy and columns vx
 *            that some (oy, i) and (ox, j) reach) is checked once against
 *            that element, every virtual zero it reads must fall in the
 *            layer's padding, and every weight byte is checked against
 *            w[cg0 + c][i][j][k].  The cost is the bytes read, not the MACs.
 *            The output tags become partial sums: without ACC a new chain
 *            that holds channels cg0..cg0+tc-1; with ACC the four bytes must
 *            hold the partial sum of the same element that continues exactly
 *            at cg0 (chunks are accumulated in increasing, contiguous order).
 *            A tile whose output tile overlaps its own operands is rejected.
 *   STORE    every byte must land inside y on whole int32 elements, and come
 *            from the complete (all C/G channels, started at 0) partial sum
 *            of exactly the element it is written to; each byte of y is
 *            written once, and at END every element has been written.
 *
 * Timing.  model_run gives [s_i, e_i) for every instruction.  Sweeping the
 * instructions in issue order (= program order) with, per scratchpad byte,
 * the last writer and its end cycle and the latest reader since that write
 * and its end cycle, an instruction i is a hazard when it reads a byte whose
 * last writer has not ended by s_i, or writes a byte whose last writer or a
 * reader of the old value has not ended by s_i.  The bytes an instruction
 * touches are its operand blocks exactly as declared (a LOAD/STORE block row
 * by row; a COMPUTE's stored activation tile vh x vw per channel, its dense
 * weight tile, its output tile, read too when ACC); with dense pitches these
 * are the hulls of acc_instr_spad_ranges.  Reported ranges are [lo, hi).
 *
 * Occupancy.  A value written by instruction w and last read by instruction
 * r is live in cycles [e_w, e_r) (a value never read is never live).  The
 * intervals are summed exactly over the set of all issue and end cycles;
 * live_bytes[i] is the count in cycle s_i and peak_live_bytes the maximum
 * over all cycles (it is reached at an end cycle).  Occupancy is exact for
 * the instructions checked; it is not computed when model_run fails. */
#include <stdio.h>

#include "model/validate.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define MAX_VIOLATIONS 20

enum { T_NONE = 0, T_X, T_W, T_PSUM, T_BAD };

/* What one scratchpad byte holds. */
typedef struct vtag {
    uint32_t val;   /* T_X: offset in x; T_W: offset in w; T_PSUM: index in y */
    int32_t writer; /* instruction that wrote the byte, -1 never */
    uint16_t next;  /* T_PSUM: input channels (in the group) accumulated */
    uint8_t kind;   /* T_* */
    uint8_t bits;   /* T_PSUM: byte of the little-endian int32 (bits 1:0) and
                       whether the chain started at input channel 0 (bit 2) */
} vtag;

#define TAG_BYTE(t) ((unsigned)(t)->bits & 3u)
#define TAG_OK(t) (((unsigned)(t)->bits >> 2) & 1u)

static vtag mk_tag(uint8_t kind, uint32_t val, unsigned next, unsigned byte, unsigned ok, int writer)
{
    vtag t = {val, writer, (uint16_t)next, kind, (uint8_t)(byte | ok << 2)};
    return t;
}

/* An operand block: n2 planes x n1 rows x n0 bytes. */
typedef struct blk {
    uint64_t base, s1, s2;
    uint32_t n0, n1, n2;
    int reads, writes;
} blk;

typedef struct vctx {
    const acc_program *p;
    const acc_memmap *mm;
    FILE *log;
    acc_validation *res;
    int stop;
    /* the layer */
    int64_t C, H, W, K, FH, FW, SH, SW, DH, DW, PT, PL, CG, KG, OH, OW;
    uint64_t xbytes, wbytes, ybytes, ny;
    /* symbolic state */
    uint32_t spad;
    vtag *tag;
    uint8_t *ymask;  /* bytes of each y element stored (4 bits) */
    int32_t *yfirst; /* first instruction that stored into each y element */
    /* timing (t == NULL: not checked) */
    const model_timing *t;
    int *ord;        /* 1-based position of each instruction on its engine */
    int32_t *rd;     /* per byte: the reader of its value that ends last, -1 none;
                        the writer is in the tag */
    /* occupancy: sorted distinct cycles, difference array over them */
    int64_t *pts;
    int npts;
    int64_t *diff;
    int32_t run_w, run_r; /* pending run of equal live intervals */
    int64_t run_n;
    /* scratch for COMPUTE */
    uint32_t *kabs;
    size_t kabs_cap;
    int32_t *rows, *cols;
    size_t rows_cap, cols_cap;
    uint8_t *flag;
    size_t flag_cap;
} vctx;

/* ------------------------------------------------------------ reporting */

static const char *op_name(const acc_instr *in)
{
    const char *n = acc_op_name(in->op);
    return n ? n : "illegal";
}

static void emit(vctx *v, int idx, const char *msg)
{
    if (v->stop)
        return;
    if (v->log)
        fprintf(v->log, "%s\n", msg);
    if (v->res->violations == 0) {
        v->res->first_index = idx;
        size_t n = strlen(msg);
        if (n >= sizeof(v->res->first))
            n = sizeof(v->res->first) - 1;
        memcpy(v->res->first, msg, n);
        v->res->first[n] = '\0';
    }
    if (++v->res->violations >= MAX_VIOLATIONS)
        v->stop = 1;
}

/* Reports "instruction <idx> (<op>): <message>" (no prefix when idx < 0). */
static void report(vctx *v, int idx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(vctx *v, int idx, const char *fmt, ...)
{
    char msg[1024];
    int n = 0;
    if (idx >= 0)
        n = snprintf(msg, sizeof(msg), "instruction %d (%s): ", idx, op_name(&v->p->ins[idx]));
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    emit(v, idx, msg);
}

static void desc_x(const vctx *v, uint64_t off, char *buf, size_t size)
{
    uint64_t hw = (uint64_t)(v->H * v->W);
    snprintf(buf, size, "x[%llu][%llu][%llu]", (unsigned long long)(off / hw),
             (unsigned long long)(off % hw / (uint64_t)v->W), (unsigned long long)(off % (uint64_t)v->W));
}

/* w[cg][i][j][k] (the tensor's own layout, w[C/G][FH][FW][K]). */
static void desc_w(const vctx *v, uint64_t off, char *buf, size_t size)
{
    uint64_t k = off % (uint64_t)v->K, r = off / (uint64_t)v->K;
    uint64_t j = r % (uint64_t)v->FW;
    r /= (uint64_t)v->FW;
    snprintf(buf, size, "w[%llu][%llu][%llu][%llu]", (unsigned long long)(r / (uint64_t)v->FH),
             (unsigned long long)(r % (uint64_t)v->FH), (unsigned long long)j, (unsigned long long)k);
}

static void desc_y(const vctx *v, uint64_t e, char *buf, size_t size)
{
    uint64_t plane = (uint64_t)(v->OH * v->OW);
    snprintf(buf, size, "y[%llu][%llu][%llu]", (unsigned long long)(e / plane),
             (unsigned long long)(e % plane / (uint64_t)v->OW), (unsigned long long)(e % (uint64_t)v->OW));
}

static void desc_tag(const vctx *v, const vtag *t, char *buf, size_t size)
{
    char e[160];
    switch (t->kind) {
    case T_X:
        desc_x(v, t->val, e, sizeof(e));
        break;
    case T_W:
        desc_w(v, t->val, e, sizeof(e));
        break;
    case T_PSUM: {
        char y[80];
        desc_y(v, t->val, y, sizeof(y));
        snprintf(e, sizeof(e), "byte %u of a partial sum of %s", TAG_BYTE(t), y);
        break;
    }
    case T_BAD:
        snprintf(e, sizeof(e), "invalid data");
        break;
    default:
        snprintf(buf, size, "nothing (never written)");
        return;
    }
    snprintf(buf, size, "%s (written by instruction %d)", e, t->writer);
}

/* ------------------------------------------------------------ operands */

static int instr_blocks(const acc_instr *in, blk b[3])
{
    memset(b, 0, 3 * sizeof(*b));
    switch (in->op) {
    case ACC_OP_LOAD:
    case ACC_OP_STORE: {
        const acc_dma *d = &in->u.dma;
        b[0] = (blk){d->spad, d->spad_s1, d->spad_s2, d->n0, d->n1, d->n2,
                     in->op == ACC_OP_STORE, in->op == ACC_OP_LOAD};
        return 1;
    }
    case ACC_OP_COMPUTE: {
        const acc_compute *c = &in->u.cp;
        b[0] = (blk){c->act, c->act_ph, c->act_pc, c->vw, c->vh, c->tc, 1, 0};
        b[1] = (blk){c->wgt, 0, 0, c->tc * c->fh * c->fw * c->tk, 1, 1, 1, 0};
        b[2] = (blk){c->out, 0, 0, c->tk * c->th * c->tw * 4u, 1, 1, c->acc, 1};
        return 3;
    }
    default:
        return 0;
    }
}

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

static void live_init(vctx *v)
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

static void live_finish(vctx *v)
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
    for (int i = 0; i < v->t->count; i++)
        v->res->live_bytes[i] = (uint64_t)v->diff[lower_bound(v->pts, v->npts, v->t->start[i])];
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

#define FOR_BLOCK_BYTES(b, a)                                                                      \
    for (uint64_t p_ = 0; p_ < (b)->n2; p_++)                                                      \
        for (uint64_t r_ = 0; r_ < (b)->n1; r_++)                                                  \
            for (uint64_t a = (b)->base + p_ * (b)->s2 + r_ * (b)->s1,                             \
                          e_ = a + (b)->n0;                                                        \
                 a < e_; a++)

static void hazards(vctx *v, int i, const blk *b, int nb)
{
    const int64_t *end = v->t->end;
    const int64_t s = v->t->start[i], e = end[i];
    conflict cf[H_COUNT] = {{-1, 0, 0}, {-1, 0, 0}, {-1, 0, 0}};
    for (int k = 0; k < nb; k++) {
        FOR_BLOCK_BYTES(&b[k], a) {
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
        snprintf(msg, sizeof(msg), what[h], (unsigned long long)cf[h].lo, (unsigned long long)cf[h].hi,
                 cf[h].culprit, op_name(ci));
        report(v, i, "%s (missing wait=%s:%d?)", msg, eng[acc_op_engine(ci->op)], v->ord[cf[h].culprit]);
    }
    /* record: reads first (an ACC output is read, then written) */
    for (int k = 0; k < nb; k++) {
        if (!b[k].reads)
            continue;
        FOR_BLOCK_BYTES(&b[k], a) {
            if (v->rd[a] < 0 || end[v->rd[a]] < e)
                v->rd[a] = i;
        }
    }
    for (int k = 0; k < nb; k++) {
        if (!b[k].writes)
            continue;
        FOR_BLOCK_BYTES(&b[k], a) {
            live_close(v, a);
            v->rd[a] = -1; /* the new writer (i) goes into the tag */
        }
    }
}

/* ------------------------------------------------------------ LOAD / STORE */

static int inside(uint64_t lo, uint64_t hi, uint64_t base, uint64_t size)
{
    return lo >= base && hi <= base + size;
}

static void sym_load(vctx *v, int i, const acc_dma *d)
{
    int reported = 0;
    for (uint64_t p = 0; p < d->n2; p++) {
        for (uint64_t r = 0; r < d->n1; r++) {
            uint64_t ext = (uint64_t)d->dram + p * d->dram_s2 + r * d->dram_s1;
            uint64_t loc = (uint64_t)d->spad + p * d->spad_s2 + r * d->spad_s1;
            vtag t = mk_tag(T_BAD, 0, 0, 0, 0, i);
            if (inside(ext, ext + d->n0, v->mm->x, v->xbytes)) {
                t.kind = T_X;
                t.val = (uint32_t)(ext - v->mm->x);
            } else if (inside(ext, ext + d->n0, v->mm->w, v->wbytes)) {
                t.kind = T_W;
                t.val = (uint32_t)(ext - v->mm->w);
            } else if (!reported) {
                report(v, i,
                       "reads external bytes 0x%08llx..0x%08llx (plane %llu, row %llu), which are not "
                       "inside x (0x%08x..0x%08llx) or w (0x%08x..0x%08llx)",
                       (unsigned long long)ext, (unsigned long long)(ext + d->n0), (unsigned long long)p,
                       (unsigned long long)r, v->mm->x, (unsigned long long)(v->mm->x + v->xbytes),
                       v->mm->w, (unsigned long long)(v->mm->w + v->wbytes));
                reported = 1;
            }
            for (uint32_t b = 0; b < d->n0; b++) {
                v->tag[loc + b] = t;
                if (t.kind != T_BAD)
                    t.val++;
            }
        }
    }
}

static void sym_store(vctx *v, int i, const acc_dma *d)
{
    int reported = 0;
    const uint64_t cg = (uint64_t)v->CG;
    for (uint64_t p = 0; p < d->n2 && !v->stop; p++) {
        for (uint64_t r = 0; r < d->n1; r++) {
            uint64_t ext = (uint64_t)d->dram + p * d->dram_s2 + r * d->dram_s1;
            uint64_t loc = (uint64_t)d->spad + p * d->spad_s2 + r * d->spad_s1;
            if (!inside(ext, ext + d->n0, v->mm->y, v->ybytes)) {
                if (!reported)
                    report(v, i,
                           "writes external bytes 0x%08llx..0x%08llx (plane %llu, row %llu), which are "
                           "not inside y (0x%08x..0x%08llx)",
                           (unsigned long long)ext, (unsigned long long)(ext + d->n0), (unsigned long long)p,
                           (unsigned long long)r, v->mm->y, (unsigned long long)(v->mm->y + v->ybytes));
                reported = 1;
                continue;
            }
            uint64_t off = ext - v->mm->y;
            if ((off % 4 != 0 || d->n0 % 4 != 0) && !reported) {
                report(v, i,
                       "writes external bytes 0x%08llx..0x%08llx (plane %llu, row %llu), which are not "
                       "whole int32 elements of y",
                       (unsigned long long)ext, (unsigned long long)(ext + d->n0), (unsigned long long)p,
                       (unsigned long long)r);
                reported = 1;
            }
            for (uint64_t b = 0; b < d->n0; b++) {
                uint64_t o = off + b, e = o / 4;
                unsigned bi = (unsigned)(o % 4);
                const vtag *t = &v->tag[loc + b];
                char ys[80], ts[200];
                if (!reported && t->kind != T_BAD) {
                    if (t->kind != T_PSUM || t->val != e || TAG_BYTE(t) != bi) {
                        desc_y(v, e, ys, sizeof(ys));
                        desc_tag(v, t, ts, sizeof(ts));
                        report(v, i, "stores scratchpad 0x%05llx, which holds %s, into byte %u of %s",
                               (unsigned long long)(loc + b), ts, bi, ys);
                        reported = 1;
                    } else if (t->next != cg) {
                        desc_y(v, e, ys, sizeof(ys));
                        report(v, i,
                               "stores %s after only %u of its %llu input channels were accumulated "
                               "(partial sum written by instruction %d)",
                               ys, t->next, (unsigned long long)cg, t->writer);
                        reported = 1;
                    } else if (!TAG_OK(t)) {
                        desc_y(v, e, ys, sizeof(ys));
                        report(v, i,
                               "stores %s from an accumulation chain that did not start at input "
                               "channel 0 (a COMPUTE without acc in the middle of the chain)",
                               ys);
                        reported = 1;
                    }
                }
                if (v->ymask[e] & (1u << bi)) {
                    if (!reported) {
                        desc_y(v, e, ys, sizeof(ys));
                        report(v, i, "stores %s a second time (first stored by instruction %d)", ys,
                               v->yfirst[e]);
                        reported = 1;
                    }
                } else {
                    v->ymask[e] |= (uint8_t)(1u << bi);
                    if (v->yfirst[e] < 0)
                        v->yfirst[e] = i;
                }
            }
        }
    }
}

/* ------------------------------------------------------------ COMPUTE */

static void poison(vctx *v, int i, uint64_t lo, uint64_t hi)
{
    vtag t = mk_tag(T_BAD, 0, 0, 0, 0, i);
    for (uint64_t a = lo; a < hi; a++)
        v->tag[a] = t;
}

static void poison_out(vctx *v, int i, const acc_compute *c)
{
    poison(v, i, c->out, (uint64_t)c->out + (uint64_t)c->tk * c->th * c->tw * 4u);
}

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    free(p);
    *cap = need;
    return acc_malloc(need * elem);
}

/* Weight tile: infers each tile channel's absolute output channel (kabs) and
 * the first input channel cg0 inside the group; checks every weight byte.
 * Returns 1 when valid, 0 when reported, -1 when it read invalid data. */
static int check_weights(vctx *v, int i, const acc_compute *c, int64_t *cg0_out, int64_t *g_out)
{
    char ts[200], ws[96], ws2[200];
    v->kabs = grow(v->kabs, &v->kabs_cap, c->tk, sizeof(uint32_t));
    int64_t cg0 = -1, g = -1;
    for (uint32_t kr = 0; kr < c->tk; kr++) {
        const vtag *t = &v->tag[c->wgt + kr];
        if (t->kind == T_BAD)
            return -1;
        if (t->kind != T_W) {
            desc_tag(v, t, ts, sizeof(ts));
            report(v, i, "weight tile byte 0x%05x (c=0, i=0, j=0, k=%u) holds %s, not a weight",
                   c->wgt + kr, kr, ts);
            return 0;
        }
        uint64_t k = t->val % (uint64_t)v->K, rest = t->val / (uint64_t)v->K;
        uint64_t j = rest % (uint64_t)v->FW, ii = rest / (uint64_t)v->FW % (uint64_t)v->FH;
        int64_t cg = (int64_t)(rest / (uint64_t)v->FW / (uint64_t)v->FH), gk = (int64_t)k / v->KG;
        if (ii != 0 || j != 0) {
            desc_tag(v, t, ts, sizeof(ts));
            report(v, i,
                   "weight tile byte 0x%05x (c=0, i=0, j=0, k=%u) holds %s, which is not the first "
                   "tap (i=0, j=0) of a filter",
                   c->wgt + kr, kr, ts);
            return 0;
        }
        if (kr == 0) {
            cg0 = cg;
            g = gk;
        } else if (cg != cg0 || gk != g) {
            desc_tag(v, t, ts, sizeof(ts));
            desc_w(v, v->tag[c->wgt].val, ws, sizeof(ws));
            report(v, i,
                   "output channels of one tile need different input channels: tile channel k=%u "
                   "reads %s but k=0 reads %s",
                   kr, ts, ws);
            return 0;
        }
        v->kabs[kr] = (uint32_t)k;
    }
    if (cg0 + c->tc > v->CG) {
        report(v, i, "reduces input channels %lld..%lld of a group, which has only %lld", (long long)cg0,
               (long long)(cg0 + c->tc - 1), (long long)v->CG);
        return 0;
    }
    int bad = 0;
    for (uint64_t ch = 0; ch < c->tc; ch++) {
        for (uint64_t ii = 0; ii < c->fh; ii++) {
            for (uint64_t j = 0; j < c->fw; j++) {
                uint64_t tap = (ch * c->fh + ii) * c->fw + j;
                uint64_t base = c->wgt + tap * c->tk;
                uint64_t exp0 = (((uint64_t)cg0 + ch) * (uint64_t)v->FH + ii) * (uint64_t)v->FW + j;
                exp0 *= (uint64_t)v->K;
                for (uint64_t kr = 0; kr < c->tk; kr++) {
                    const vtag *t = &v->tag[base + kr];
                    uint64_t exp = exp0 + v->kabs[kr];
                    if (t->kind == T_W && t->val == exp)
                        continue;
                    if (t->kind == T_BAD) {
                        bad = 1;
                        continue;
                    }
                    desc_tag(v, t, ts, sizeof(ts));
                    desc_w(v, exp, ws2, sizeof(ws2));
                    report(v, i,
                           "reads %s at scratchpad 0x%05llx (weight tile c=%llu, i=%llu, j=%llu, k=%llu) "
                           "where the convolution needs %s",
                           ts, (unsigned long long)(base + kr), (unsigned long long)ch,
                           (unsigned long long)ii, (unsigned long long)j, (unsigned long long)kr, ws2);
                    return 0;
                }
            }
        }
    }
    *cg0_out = cg0;
    *g_out = g;
    return bad ? -1 : 1;
}

/* The virtual rows (or columns) a tile reads: out*stride + tap*dil - pad for
 * out < n, tap < f.  Fills v->flag over [lo, hi] (offset by -lo), returns
 * the stored ones (in [0, size)) in *list and their number. */
static int read_lines(vctx *v, uint32_t n, uint32_t stride, uint32_t f, uint32_t dil, uint32_t pad,
                      uint32_t size, int32_t **list, size_t *cap, int64_t *lo, int64_t *hi)
{
    *lo = -(int64_t)pad;
    *hi = (int64_t)(n - 1) * stride + (int64_t)(f - 1) * dil - (int64_t)pad;
    size_t span = (size_t)(*hi - *lo + 1);
    v->flag = grow(v->flag, &v->flag_cap, span, 1);
    memset(v->flag, 0, span);
    for (int64_t o = 0; o < n; o++)
        for (int64_t t = 0; t < f; t++)
            v->flag[o * stride + t * dil] = 1;
    *list = grow(*list, cap, size, sizeof(int32_t));
    int m = 0;
    for (int64_t x = 0; x < size; x++)
        if (x - *lo < (int64_t)span && v->flag[x - *lo])
            (*list)[m++] = (int32_t)x;
    return m;
}

/* Virtual zeros the tile reads (lines outside [0, size)) must be in the
 * layer's padding: line + origin outside [0, extent).  Returns the first
 * offending virtual line or INT64_MIN. */
static int64_t padding_line_bad(const vctx *v, int64_t lo, int64_t hi, uint32_t size, int64_t origin,
                                int64_t extent)
{
    for (int64_t x = lo; x <= hi; x++) {
        if (!v->flag[x - lo] || (x >= 0 && x < (int64_t)size))
            continue;
        int64_t pos = x + origin;
        if (pos >= 0 && pos < extent)
            return x;
    }
    return INT64_MIN;
}

/* Activation tile: infers (ih0, iw0) and the tile's output origin, checks
 * padding and every activation byte read.  1 valid, 0 reported, -1 invalid
 * data read. */
static int check_acts(vctx *v, int i, const acc_compute *c, int64_t cin0, int64_t *oy0_out,
                      int64_t *ox0_out)
{
    char ts[200], xs[96];
    int64_t ylo, yhi, xlo, xhi;
    /* columns first: v->flag holds the rows afterwards */
    int ncols = read_lines(v, c->tw, c->sw, c->fw, c->dw, c->pleft, c->vw, &v->cols, &v->cols_cap, &xlo, &xhi);
    int64_t first_col = ncols ? v->cols[0] : -1;
    /* padding check of columns needs iw0, known only later: remember lines */
    size_t xspan = (size_t)(xhi - xlo + 1);
    uint8_t *xflag = acc_malloc(xspan);
    memcpy(xflag, v->flag, xspan);
    int nrows = read_lines(v, c->th, c->sh, c->fh, c->dh, c->ptop, c->vh, &v->rows, &v->rows_cap, &ylo, &yhi);
    int rc = 0;
    if (nrows == 0 || ncols == 0) {
        report(v, i,
               "every activation the tile reads is a virtual zero (no stored %s is read), so it "
               "computes nothing of the layer",
               nrows == 0 ? "row" : "column");
        goto out;
    }
    const vtag *t0 = &v->tag[(uint64_t)c->act + (uint64_t)v->rows[0] * c->act_ph + (uint64_t)first_col];
    if (t0->kind == T_BAD) {
        rc = -1;
        goto out;
    }
    if (t0->kind != T_X) {
        desc_tag(v, t0, ts, sizeof(ts));
        report(v, i, "reads %s at scratchpad 0x%05llx (activation tile c=0, row %d, column %lld), not an input "
               "element",
               ts, (unsigned long long)c->act + (unsigned long long)v->rows[0] * c->act_ph + (unsigned long long)first_col,
               v->rows[0], (long long)first_col);
        goto out;
    }
    const int64_t hw = v->H * v->W;
    int64_t xh = (int64_t)(t0->val % (uint64_t)hw) / v->W, xw = (int64_t)(t0->val % (uint64_t)v->W);
    int64_t ih0 = xh - v->rows[0], iw0 = xw - first_col;
    int64_t ny = ih0 + v->PT - (int64_t)c->ptop, nx = iw0 + v->PL - (int64_t)c->pleft;
    if (ny < 0 || ny % v->SH != 0 || ny / v->SH + c->th > v->OH || nx < 0 || nx % v->SW != 0 ||
        nx / v->SW + c->tw > v->OW)
        desc_tag(v, t0, ts, sizeof(ts));
    if (ny < 0 || ny % v->SH != 0 || ny / v->SH + c->th > v->OH) {
        report(v, i,
               "reads %s at activation tile row %d, which puts output row 0 of the tile at input row "
               "%lld: not an output row of the layer or the tile's %u rows run past its %lld output rows",
               ts, v->rows[0], (long long)(ih0 - (int64_t)c->ptop), c->th, (long long)v->OH);
        goto out;
    }
    if (nx < 0 || nx % v->SW != 0 || nx / v->SW + c->tw > v->OW) {
        report(v, i,
               "reads %s at activation tile column %lld, which puts output column 0 of the tile at "
               "input column %lld: not an output column of the layer or the tile's %u columns run past "
               "its %lld output columns",
               ts, (long long)first_col, (long long)(iw0 - (int64_t)c->pleft), c->tw, (long long)v->OW);
        goto out;
    }
    /* virtual zeros must be padding */
    int64_t bad = padding_line_bad(v, ylo, yhi, c->vh, ih0, v->H);
    if (bad != INT64_MIN) {
        report(v, i, "reads a virtual zero at activation tile row %lld where the convolution needs input "
               "row %lld of x (x[%lld][%lld][..])",
               (long long)bad, (long long)(bad + ih0), (long long)cin0, (long long)(bad + ih0));
        goto out;
    }
    {
        uint8_t *rflag = v->flag;
        v->flag = xflag;
        bad = padding_line_bad(v, xlo, xhi, c->vw, iw0, v->W);
        v->flag = rflag;
    }
    if (bad != INT64_MIN) {
        report(v, i, "reads a virtual zero at activation tile column %lld where the convolution needs "
               "input column %lld of x (x[%lld][..][%lld])",
               (long long)bad, (long long)(bad + iw0), (long long)cin0, (long long)(bad + iw0));
        goto out;
    }
    /* stored lines read must be inside x (zero padding is virtual only) */
    for (int r = 0; r < nrows; r++) {
        int64_t ih = v->rows[r] + ih0;
        if (ih < 0 || ih >= v->H) {
            const vtag *t = &v->tag[(uint64_t)c->act + (uint64_t)v->rows[r] * c->act_ph + (uint64_t)first_col];
            desc_tag(v, t, ts, sizeof(ts));
            report(v, i, "reads %s at activation tile row %d where the convolution needs a zero of the "
                   "padding (input row %lld)",
                   ts, v->rows[r], (long long)ih);
            goto out;
        }
    }
    for (int q = 0; q < ncols; q++) {
        int64_t iw = v->cols[q] + iw0;
        if (iw < 0 || iw >= v->W) {
            const vtag *t = &v->tag[(uint64_t)c->act + (uint64_t)v->rows[0] * c->act_ph + (uint64_t)v->cols[q]];
            desc_tag(v, t, ts, sizeof(ts));
            report(v, i, "reads %s at activation tile column %d where the convolution needs a zero of the "
                   "padding (input column %lld)",
                   ts, v->cols[q], (long long)iw);
            goto out;
        }
    }
    /* every activation byte read */
    int poisoned = 0;
    for (uint64_t ch = 0; ch < c->tc; ch++) {
        uint64_t plane = (uint64_t)c->act + ch * c->act_pc;
        uint64_t xplane = (uint64_t)(cin0 + (int64_t)ch) * (uint64_t)hw;
        for (int r = 0; r < nrows; r++) {
            uint64_t row = plane + (uint64_t)v->rows[r] * c->act_ph;
            uint64_t xrow = xplane + (uint64_t)(v->rows[r] + ih0) * (uint64_t)v->W + (uint64_t)iw0;
            for (int q = 0; q < ncols; q++) {
                const vtag *t = &v->tag[row + (uint64_t)v->cols[q]];
                uint64_t exp = xrow + (uint64_t)v->cols[q];
                if (t->kind == T_X && t->val == exp)
                    continue;
                if (t->kind == T_BAD) {
                    poisoned = 1;
                    continue;
                }
                desc_tag(v, t, ts, sizeof(ts));
                desc_x(v, exp, xs, sizeof(xs));
                report(v, i,
                       "reads %s at scratchpad 0x%05llx (activation tile c=%llu, row %d, column %d) "
                       "where the convolution needs %s",
                       ts, (unsigned long long)(row + (uint64_t)v->cols[q]), (unsigned long long)ch,
                       v->rows[r], v->cols[q], xs);
                goto out;
            }
        }
    }
    *oy0_out = ny / v->SH;
    *ox0_out = nx / v->SW;
    rc = poisoned ? -1 : 1;
out:
    free(xflag);
    return rc;
}

static int overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

static void sym_compute(vctx *v, int i, const acc_compute *c)
{
    if ((int64_t)c->fh != v->FH || (int64_t)c->fw != v->FW || (int64_t)c->sh != v->SH ||
        (int64_t)c->sw != v->SW || (int64_t)c->dh != v->DH || (int64_t)c->dw != v->DW) {
        report(v, i,
               "kernel=%ux%u stride=%u,%u dil=%u,%u is not the layer's kernel=%lldx%lld stride=%lld,%lld "
               "dil=%lld,%lld",
               c->fh, c->fw, c->sh, c->sw, c->dh, c->dw, (long long)v->FH, (long long)v->FW, (long long)v->SH,
               (long long)v->SW, (long long)v->DH, (long long)v->DW);
        poison_out(v, i, c);
        return;
    }
    acc_range r[3];
    acc_instr_spad_ranges(&v->p->ins[i], r);
    for (int k = 0; k < 2; k++) {
        if (overlaps(r[2].lo, r[2].hi, r[k].lo, r[k].hi)) {
            report(v, i, "output tile 0x%05llx..0x%05llx overlaps its %s tile 0x%05llx..0x%05llx",
                   (unsigned long long)r[2].lo, (unsigned long long)r[2].hi, k ? "weight" : "activation",
                   (unsigned long long)r[k].lo, (unsigned long long)r[k].hi);
            poison_out(v, i, c);
            return;
        }
    }
    int64_t cg0 = 0, g = 0, oy0 = 0, ox0 = 0;
    int wr = check_weights(v, i, c, &cg0, &g);
    if (wr <= 0) {
        poison_out(v, i, c);
        return;
    }
    int ar = check_acts(v, i, c, g * v->CG + cg0, &oy0, &ox0);
    if (ar <= 0) {
        poison_out(v, i, c);
        return;
    }
    const uint64_t th = c->th, tw = c->tw, plane = (uint64_t)(v->OH * v->OW);
    /* check the partial sums an ACC adds to */
    if (c->acc) {
        for (uint64_t kr = 0; kr < c->tk; kr++) {
            for (uint64_t oy = 0; oy < th; oy++) {
                for (uint64_t ox = 0; ox < tw; ox++) {
                    uint64_t a = (uint64_t)c->out + ((kr * th + oy) * tw + ox) * 4;
                    uint64_t e = v->kabs[kr] * plane + ((uint64_t)oy0 + oy) * (uint64_t)v->OW +
                                 (uint64_t)ox0 + ox;
                    const vtag *t = &v->tag[a];
                    int bad = 0, match = 1;
                    for (unsigned b = 0; b < 4; b++) {
                        const vtag *tb = &v->tag[a + b];
                        bad |= tb->kind == T_BAD;
                        match &= tb->kind == T_PSUM && tb->val == e && TAG_BYTE(tb) == b && tb->next == t->next &&
                                 TAG_OK(tb) == TAG_OK(t);
                    }
                    if (bad || (match && (int64_t)t->next == cg0))
                        continue;
                    char ys[80], ts[200];
                    desc_y(v, e, ys, sizeof(ys));
                    if (!match) {
                        for (unsigned b = 0; b < 4; b++) {
                            const vtag *tb = &v->tag[a + b];
                            if (!(tb->kind == T_PSUM && tb->val == e && TAG_BYTE(tb) == b)) {
                                t = tb;
                                a += b;
                                break;
                            }
                        }
                        desc_tag(v, t, ts, sizeof(ts));
                        report(v, i, "accumulates %s onto scratchpad 0x%05llx, which holds %s", ys,
                               (unsigned long long)a, ts);
                        poison_out(v, i, c);
                        return;
                    }
                    if ((int64_t)t->next != cg0) {
                        report(v, i,
                               "adds input channels %lld..%lld to the partial sum of %s, which holds "
                               "channels up to %u (chunks must follow each other in order, each once)",
                               (long long)cg0, (long long)(cg0 + c->tc - 1), ys, t->next);
                        poison_out(v, i, c);
                        return;
                    }
                }
            }
        }
    }
    for (uint64_t kr = 0; kr < c->tk; kr++) {
        for (uint64_t oy = 0; oy < th; oy++) {
            for (uint64_t ox = 0; ox < tw; ox++) {
                uint64_t a = (uint64_t)c->out + ((kr * th + oy) * tw + ox) * 4;
                uint64_t e = v->kabs[kr] * plane + ((uint64_t)oy0 + oy) * (uint64_t)v->OW + (uint64_t)ox0 + ox;
                unsigned ok = cg0 == 0;
                int bad = 0;
                if (c->acc) {
                    ok = TAG_OK(&v->tag[a]);
                    for (unsigned b = 0; b < 4; b++)
                        bad |= v->tag[a + b].kind == T_BAD;
                }
                for (unsigned b = 0; b < 4; b++) {
                    vtag t = bad ? mk_tag(T_BAD, 0, 0, 0, 0, i)
                                 : mk_tag(T_PSUM, (uint32_t)e, (unsigned)(cg0 + c->tc), b, ok, i);
                    v->tag[a + b] = t;
                }
            }
        }
    }
}

/* ------------------------------------------------------------ driver */

static int instr_index_of(const char *msg)
{
    int idx;
    if (sscanf(msg, "instruction %d", &idx) == 1)
        return idx;
    return -1;
}

static void check_all_stored(vctx *v, int end_idx)
{
    uint64_t missing = 0, first = 0;
    for (uint64_t e = 0; e < v->ny; e++) {
        if (v->ymask[e] != 0xf) {
            if (missing == 0)
                first = e;
            missing++;
        }
    }
    if (missing == 0)
        return;
    char ys[80];
    desc_y(v, first, ys, sizeof(ys));
    report(v, end_idx, "%s is never stored (%llu of %llu output elements are missing)", ys,
           (unsigned long long)missing, (unsigned long long)v->ny);
}

static void vctx_free(vctx *v)
{
    free(v->tag);
    free(v->ymask);
    free(v->yfirst);
    free(v->ord);
    free(v->rd);
    free(v->pts);
    free(v->diff);
    free(v->kabs);
    free(v->rows);
    free(v->cols);
    free(v->flag);
}

static void vctx_layer(vctx *v, const acc_layer *l)
{
    v->C = l->channels;
    v->H = l->ifmap_h;
    v->W = l->ifmap_w;
    v->K = l->num_filter;
    v->FH = l->filter_h;
    v->FW = l->filter_w;
    v->SH = l->stride_h;
    v->SW = l->stride_w;
    v->DH = l->dil_h;
    v->DW = l->dil_w;
    v->PT = l->pad_top;
    v->PL = l->pad_left;
    v->CG = l->channels / l->groups;
    v->KG = l->num_filter / l->groups;
    v->OH = layer_out_h(l);
    v->OW = layer_out_w(l);
    v->xbytes = layer_x_bytes(l);
    v->wbytes = layer_w_bytes(l);
    v->ybytes = layer_y_bytes(l);
    v->ny = v->ybytes / 4;
}

int acc_validate(const acc_program *p, const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                 acc_validation *out, FILE *log, acc_error *err)
{
    ACC_REQUIRE(p != NULL && l != NULL && cfg != NULL && mm != NULL && out != NULL);
    memset(out, 0, sizeof(*out));
    out->first_index = -1;
    out->count = p->count;
    out->live_bytes = acc_calloc((size_t)p->count + 1, sizeof(uint64_t));
    vctx v;
    memset(&v, 0, sizeof(v));
    v.p = p;
    v.mm = mm;
    v.log = log;
    v.res = out;

    acc_error e;
    if (acc_layer_check(l, &e) != 0) {
        report(&v, -1, "%s", e.msg);
        goto done;
    }
    vctx_layer(&v, l);
    v.spad = cfg->spad_bytes;
    v.tag = acc_malloc((size_t)v.spad * sizeof(vtag));
    for (uint32_t a = 0; a < v.spad; a++)
        v.tag[a] = mk_tag(T_NONE, 0, 0, 0, 0, -1);
    v.ymask = acc_calloc((size_t)v.ny, 1);
    v.yfirst = acc_malloc((size_t)v.ny * sizeof(int32_t));
    for (uint64_t k = 0; k < v.ny; k++)
        v.yfirst[k] = -1;

    /* fields and scratchpad bounds */
    int nlegal = 0;
    uint8_t *legal = acc_calloc((size_t)p->count + 1, 1);
    for (int i = 0; i < p->count; i++) {
        const acc_instr *in = &p->ins[i];
        if (acc_instr_check(in, &e) != 0) {
            report(&v, i, "%s", e.msg);
            continue;
        }
        acc_range r[3];
        int n = acc_instr_spad_ranges(in, r), inb = 1;
        static const char *const names[2][3] = {{"block", "", ""}, {"act", "wgt", "out"}};
        for (int k = 0; k < n; k++) {
            if (r[k].hi > v.spad) {
                report(&v, i, "operand '%s' 0x%05llx..0x%05llx reaches past the %u-byte scratchpad",
                       names[in->op == ACC_OP_COMPUTE][k], (unsigned long long)r[k].lo,
                       (unsigned long long)r[k].hi, v.spad);
                inb = 0;
            }
        }
        legal[i] = (uint8_t)(1 + inb); /* 1: legal fields, 2: and inside the scratchpad */
        nlegal++;
    }

    /* the timing model */
    model_timing t;
    int timed = 0;
    char model_msg[512] = "";
    int model_idx = -1;
    if (nlegal == p->count) {
        if (model_run(p, cfg, &t, &e) == 0) {
            timed = 1;
            v.t = &t;
        } else {
            snprintf(model_msg, sizeof(model_msg), "%s", e.msg);
            model_idx = instr_index_of(e.msg);
        }
    }
    if (timed) {
        v.ord = acc_calloc((size_t)p->count + 1, sizeof(int));
        int cnt[ACC_ENG_COUNT] = {0, 0, 0};
        for (int i = 0; i < p->count; i++) {
            int eng = acc_op_engine(p->ins[i].op);
            if (eng >= 0)
                v.ord[i] = ++cnt[eng];
        }
        v.rd = acc_malloc((size_t)v.spad * sizeof(int32_t));
        for (uint32_t a = 0; a < v.spad; a++)
            v.rd[a] = -1;
        live_init(&v);
    }

    /* the symbolic run */
    int end_idx = -1;
    for (int i = 0; i < p->count && !v.stop; i++) {
        const acc_instr *in = &p->ins[i];
        if (legal[i] != 2)
            continue;
        if (in->op == ACC_OP_END) {
            end_idx = i;
            break;
        }
        if (timed) {
            blk b[3];
            int nb = instr_blocks(in, b);
            hazards(&v, i, b, nb);
        }
        switch (in->op) {
        case ACC_OP_LOAD:
            sym_load(&v, i, &in->u.dma);
            break;
        case ACC_OP_STORE:
            sym_store(&v, i, &in->u.dma);
            break;
        case ACC_OP_COMPUTE:
            sym_compute(&v, i, &in->u.cp);
            break;
        default:
            break;
        }
    }
    free(legal);
    if (model_msg[0])
        emit(&v, model_idx, model_msg);
    if (!v.stop)
        check_all_stored(&v, end_idx >= 0 ? end_idx : -1);
    if (timed) {
        live_finish(&v);
        model_timing_free(&t);
    }
done:
    vctx_free(&v);
    out->ok = out->violations == 0;
    if (!out->ok) {
        acc_fail(err, "%s", out->first);
        return -1;
    }
    return 0;
}

void acc_validation_free(acc_validation *v)
{
    if (!v)
        return;
    free(v->live_bytes);
    v->live_bytes = NULL;
    v->count = 0;
}
