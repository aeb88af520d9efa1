/* validate_sym.c - the symbolic half of the validator (validate.h): LOAD,
 * STORE and COMPUTE interpreted on a scratchpad of tagged bytes.
 *
 * Method.  The program is interpreted once, in program order, on a symbolic
 * scratchpad: every byte carries a tag saying what it holds -- nothing, the
 * input element x at some offset, the weight element w at some offset, one
 * byte of a partial sum of an output element y[k][oy][ox] (with the input
 * channels complete, the kernel slices of the chunk in progress and whether
 * the chain started at channel 0, tap (0, 0)), or "invalid" (the product of
 * an instruction already reported; reading it reports nothing more, so that
 * one mistake gives one message).
 *
 *   LOAD     every row of the block must lie inside x or inside w; the
 *            scratchpad bytes get the tags of the external bytes.
 *   COMPUTE  must be a convolution step of this layer: strides and
 *            dilations equal to the layer's, and a kernel of the layer's
 *            filter or of a slice of it (fh <= FH, fw <= FW; docs/model.md,
 *            "Partial sums").  The weight tags at (c=0, i=0, j=0, k) give
 *            each output channel k, the first input channel cg0 inside the
 *            group and the slice origin (i0, j0), the same for every k; the
 *            slice must lie inside the filter.  The tile is affine: the
 *            activation byte at virtual (c, vy, vx) must hold
 *            x[g*C/G + cg0 + c][vy + ih0][vx + iw0] for two constants ih0,
 *            iw0 that the first stored byte the tile reads fixes; with the
 *            slice origin they place the tile at absolute output rows oy0..
 *            (oy0*SH = ih0 + PT - ptop - i0*DH) and columns ox0.. .  Then
 *            every activation byte the tile reads (the rows vy and columns vx
 *            that some (oy, i) and (ox, j) reach) is checked once against
 *            that element, every virtual zero it reads must fall in the
 *            layer's padding, and every weight byte is checked against
 *            w[cg0 + c][i0 + i][j0 + j][k].  The cost is the bytes read, not
 *            the MACs.  The output tags become partial sums: without ACC a
 *            new chain, with ACC the four bytes must hold the partial sum of
 *            the same element, and the slice must be the one the sum expects
 *            next: the next chunk's first slice, or the next slice of the
 *            chunk in progress (chunks in increasing, contiguous order;
 *            inside a chunk bands top to bottom, each band's rectangles left
 *            to right, all of the band's height, every slice with the
 *            chunk's cg0 and tc).  A COMPUTE of the whole filter is one chunk
 *            in one step.  A tile whose output tile overlaps its own
 *            operands is rejected.
 *   STORE    every byte must land inside y on whole int32 elements, and come
 *            from the complete (all C/G channels, every tap, started at
 *            channel 0, tap (0, 0)) partial sum of exactly the element it is
 *            written to; each byte of y is written once, and at END every
 *            element has been written. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate_internal.h"

/* ------------------------------------------------------------ LOAD / STORE */

static int inside(uint64_t lo, uint64_t hi, uint64_t base, uint64_t size)
{
    return lo >= base && hi <= base + size;
}

static uint64_t ext_row(const acc_dma *d, uint64_t p, uint64_t r)
{
    return (uint64_t)d->dram + p * d->dram_s2 + r * d->dram_s1;
}

static uint64_t spad_row(const acc_dma *d, uint64_t p, uint64_t r)
{
    return (uint64_t)d->spad + p * d->spad_s2 + r * d->spad_s1;
}

/* The first row of plane p that lies neither inside x nor inside w, or
 * n1: the rows inside each tensor are one range (strided_inside), so the
 * first row outside both is found by stepping over those ranges. */
static uint32_t first_stray_row(const vctx *v, const acc_dma *d, uint64_t p)
{
    uint64_t e = ext_row(d, p, 0);
    uint32_t xa, wa;
    uint32_t xn = strided_inside(e, d->dram_s1, d->n1, d->n0, v->mm->x, v->mm->x + v->xbytes, &xa);
    uint32_t wn = strided_inside(e, d->dram_s1, d->n1, d->n0, v->mm->w, v->mm->w + v->wbytes, &wa);
    uint32_t r = 0;
    for (int k = 0; k < 2; k++) {
        if (r >= xa && r - xa < xn)
            r = xa + xn;
        if (r >= wa && r - wa < wn)
            r = wa + wn;
    }
    return r;
}

typedef struct load_ctx {
    vctx *v;
    int i;
    const acc_dma *d;
} load_ctx;

/* Scratchpad bytes [lo, hi) hold, last, the bytes of row (p, r). */
static void load_segment(void *ctx, uint64_t lo, uint64_t hi, uint32_t p, uint32_t r)
{
    const load_ctx *c = ctx;
    vctx *v = c->v;
    uint64_t ext = ext_row(c->d, p, r) + (lo - spad_row(c->d, p, r));
    uint64_t row = ext_row(c->d, p, r), row_end = row + c->d->n0;
    vtag t = vld_mk_tag(T_BAD, 0, 0, 0, 0, c->i);
    if (inside(row, row_end, v->mm->x, v->xbytes)) {
        t.kind = T_X;
        t.val = (uint32_t)(ext - v->mm->x);
    } else if (inside(row, row_end, v->mm->w, v->wbytes)) {
        t.kind = T_W;
        t.val = (uint32_t)(ext - v->mm->w);
    }
    for (uint64_t a = lo; a < hi; a++) {
        v->tag[a] = t;
        if (t.kind != T_BAD)
            t.val++;
    }
}

/* LOAD: every row must lie inside x or inside w (the first that does not is
 * reported); each scratchpad byte gets the tag of the external byte that
 * the last row covering it copies (strided_last_rows), bytes of a row
 * outside both tensors the invalid tag. */
void vld_sym_load(vctx *v, int i, const acc_dma *d)
{
    /* with dram_s2 = 0 every plane reads the rows of plane 0 */
    uint32_t planes = d->dram_s2 == 0 ? 1 : d->n2;
    for (uint32_t p = 0; p < planes; p++) {
        uint32_t r = first_stray_row(v, d, p);
        if (r >= d->n1)
            continue;
        uint64_t ext = ext_row(d, p, r);
        vld_report(v, i,
                   "reads external bytes 0x%08llx..0x%08llx (plane %llu, row %llu), which are not "
                   "inside x (0x%08x..0x%08llx) or w (0x%08x..0x%08llx)",
                   (unsigned long long)ext, (unsigned long long)(ext + d->n0),
                   (unsigned long long)p, (unsigned long long)r, v->mm->x,
                   (unsigned long long)(v->mm->x + v->xbytes), v->mm->w,
                   (unsigned long long)(v->mm->w + v->wbytes));
        break;
    }
    load_ctx c = {v, i, d};
    strided_blk b = {d->spad, d->spad_s1, d->spad_s2, d->n0, d->n1, d->n2};
    strided_last_rows(&b, &v->paint, load_segment, &c);
}

/* Marks byte o of y (an offset) as stored by instruction i. */
static void mark_stored(vctx *v, int i, uint64_t o)
{
    uint64_t e = o / 4;
    unsigned bi = (unsigned)(o % 4);
    if (v->ymask[e] & (1u << bi))
        return;
    v->ymask[e] |= (uint8_t)(1u << bi);
    if (v->yfirst[e] < 0)
        v->yfirst[e] = i;
}

/* Row (p, r) of a STORE, checked byte by byte until the instruction's first
 * violation (*reported), and its bytes of y marked as stored. */
static void store_row(vctx *v, int i, const acc_dma *d, uint64_t p, uint64_t r, int *reported)
{
    const uint64_t cg = (uint64_t)v->CG;
    uint64_t ext = ext_row(d, p, r), loc = spad_row(d, p, r);
    if (!inside(ext, ext + d->n0, v->mm->y, v->ybytes)) {
        if (!*reported)
            vld_report(v, i,
                       "writes external bytes 0x%08llx..0x%08llx (plane %llu, row %llu), "
                       "which are "
                       "not inside y (0x%08x..0x%08llx)",
                       (unsigned long long)ext, (unsigned long long)(ext + d->n0),
                       (unsigned long long)p, (unsigned long long)r, v->mm->y,
                       (unsigned long long)(v->mm->y + v->ybytes));
        *reported = 1;
        return;
    }
    uint64_t off = ext - v->mm->y;
    if ((off % 4 != 0 || d->n0 % 4 != 0) && !*reported) {
        vld_report(v, i,
                   "writes external bytes 0x%08llx..0x%08llx (plane %llu, row %llu), which "
                   "are not "
                   "whole int32 elements of y",
                   (unsigned long long)ext, (unsigned long long)(ext + d->n0),
                   (unsigned long long)p, (unsigned long long)r);
        *reported = 1;
    }
    for (uint64_t b = 0; b < d->n0; b++) {
        uint64_t o = off + b, e = o / 4;
        unsigned bi = (unsigned)(o % 4);
        const vtag *t = &v->tag[loc + b];
        char ys[80], ts[200];
        if (!*reported && t->kind != T_BAD) {
            if (t->kind != T_PSUM || t->val != e || TAG_BYTE(t) != bi) {
                vld_desc_y(v, e, ys, sizeof(ys));
                vld_desc_tag(v, t, ts, sizeof(ts));
                vld_report(v, i, "stores scratchpad 0x%05llx, which holds %s, into byte %u of %s",
                           (unsigned long long)(loc + b), ts, bi, ys);
                *reported = 1;
            } else if (t->ptc != 0) {
                vld_desc_y(v, e, ys, sizeof(ys));
                vld_report(v, i,
                           "stores %s before its kernel is complete: its input channels "
                           "%u..%u expect the slice at kernel rows %u.., columns %u.. next "
                           "(partial sum written by instruction %d)",
                           ys, t->next, t->next + t->ptc - 1u, t->pi, t->pj, t->writer);
                *reported = 1;
            } else if (t->next != cg) {
                vld_desc_y(v, e, ys, sizeof(ys));
                vld_report(v, i,
                           "stores %s after only %u of its %llu input channels were accumulated "
                           "(partial sum written by instruction %d)",
                           ys, t->next, (unsigned long long)cg, t->writer);
                *reported = 1;
            } else if (!TAG_OK(t)) {
                vld_desc_y(v, e, ys, sizeof(ys));
                vld_report(v, i,
                           "stores %s from an accumulation chain that did not start at %s "
                           "(a COMPUTE without acc in the middle of the chain)",
                           ys,
                           TAG_CH0(t) ? "kernel tap (0, 0) of input channel 0" : "input channel 0");
                *reported = 1;
            }
        }
        if ((v->ymask[e] & (1u << bi)) && !*reported) {
            vld_desc_y(v, e, ys, sizeof(ys));
            vld_report(v, i, "stores %s a second time (first stored by instruction %d)", ys,
                       v->yfirst[e]);
            *reported = 1;
        }
        mark_stored(v, i, o);
    }
}

/* STORE: rows are checked in (p, r) order until the first violation.  Rows
 * checked without one write distinct bytes of y (a byte written twice is a
 * violation), so that walk costs at most the size of y.  After it, the
 * later rows only mark what they store: the union of those inside y
 * (strided_union), each byte once. */
void vld_sym_store(vctx *v, int i, const acc_dma *d)
{
    int reported = 0;
    uint32_t rp = 0, rr = 0;
    for (uint32_t p = 0; p < d->n2 && !reported; p++)
        for (uint32_t r = 0; r < d->n1 && !reported; r++) {
            store_row(v, i, d, p, r, &reported);
            rp = p;
            rr = r;
        }
    if (!reported)
        return; /* all rows done */
    strided_blk rest[2];
    int n = 0;
    if (rr + 1u < d->n1) /* the rest of plane rp */
        rest[n++] =
            (strided_blk){ext_row(d, rp, rr + 1u), d->dram_s1, 0, d->n0, d->n1 - rr - 1u, 1};
    if (rp + 1u < d->n2) /* the later planes */
        rest[n++] = (strided_blk){ext_row(d, rp + 1u, 0), d->dram_s1, d->dram_s2, d->n0, d->n1,
                                  d->n2 - rp - 1u};
    for (int k = 0; k < n; k++) {
        const strided_ivl *iv;
        size_t m = strided_union(&rest[k], v->mm->y, v->mm->y + v->ybytes, &v->rest, &iv);
        for (size_t j = 0; j < m; j++)
            for (uint64_t a = iv[j].lo; a < iv[j].hi; a++)
                mark_stored(v, i, a - v->mm->y);
    }
}

/* ------------------------------------------------------------ COMPUTE */

static void poison(vctx *v, int i, uint64_t lo, uint64_t hi)
{
    vtag t = vld_mk_tag(T_BAD, 0, 0, 0, 0, i);
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

/* The slice a COMPUTE computes: its first input channel inside the group,
 * the group and the kernel slice's origin (rows i0.., columns j0..). */
typedef struct slice {
    int64_t cg0, g, i0, j0;
} slice;

/* Weight tile: infers each tile channel's absolute output channel (kabs),
 * the first input channel cg0 inside the group and the slice origin
 * (i0, j0) from the taps at (c=0, i=0, j=0, k); checks that the slice lies
 * inside the filter and every weight byte.  Returns 1 when valid, 0 when
 * reported, -1 when it read invalid data. */
static int check_weights(vctx *v, int i, const acc_compute *c, slice *s)
{
    char ts[200], ws[96], ws2[200];
    const int sliced = (int64_t)c->fh != v->FH || (int64_t)c->fw != v->FW;
    v->kabs = grow(v->kabs, &v->kabs_cap, c->tk, sizeof(uint32_t));
    int64_t cg0 = -1, g = -1, i0 = 0, j0 = 0;
    for (uint32_t kr = 0; kr < c->tk; kr++) {
        const vtag *t = &v->tag[c->wgt + kr];
        if (t->kind == T_BAD)
            return -1;
        if (t->kind != T_W) {
            vld_desc_tag(v, t, ts, sizeof(ts));
            vld_report(v, i, "weight tile byte 0x%05x (c=0, i=0, j=0, k=%u) holds %s, not a weight",
                       c->wgt + kr, kr, ts);
            return 0;
        }
        uint64_t k = t->val % (uint64_t)v->K, rest = t->val / (uint64_t)v->K;
        int64_t j = (int64_t)(rest % (uint64_t)v->FW);
        int64_t ii = (int64_t)(rest / (uint64_t)v->FW % (uint64_t)v->FH);
        int64_t cg = (int64_t)(rest / (uint64_t)v->FW / (uint64_t)v->FH), gk = (int64_t)k / v->KG;
        if (!sliced && (ii != 0 || j != 0)) {
            vld_desc_tag(v, t, ts, sizeof(ts));
            vld_report(
                v, i,
                "weight tile byte 0x%05x (c=0, i=0, j=0, k=%u) holds %s, which is not the first "
                "tap (i=0, j=0) of a filter",
                c->wgt + kr, kr, ts);
            return 0;
        }
        if (kr == 0) {
            cg0 = cg;
            g = gk;
            i0 = ii;
            j0 = j;
        } else if (cg != cg0 || gk != g) {
            vld_desc_tag(v, t, ts, sizeof(ts));
            vld_desc_w(v, v->tag[c->wgt].val, ws, sizeof(ws));
            vld_report(
                v, i,
                "output channels of one tile need different input channels: tile channel k=%u "
                "reads %s but k=0 reads %s",
                kr, ts, ws);
            return 0;
        } else if (ii != i0 || j != j0) {
            vld_desc_tag(v, t, ts, sizeof(ts));
            vld_desc_w(v, v->tag[c->wgt].val, ws, sizeof(ws));
            vld_report(v, i,
                       "output channels of one tile compute different kernel slices: tile "
                       "channel k=%u starts at %s but k=0 at %s (a tile's taps are one slice, the "
                       "same kernel rows and columns for every output channel)",
                       kr, ts, ws);
            return 0;
        }
        v->kabs[kr] = (uint32_t)k;
    }
    if (i0 + c->fh > v->FH || j0 + c->fw > v->FW) {
        vld_desc_w(v, v->tag[c->wgt].val, ws, sizeof(ws));
        vld_report(v, i,
                   "computes kernel rows %lld..%lld, columns %lld..%lld (its first tap is %s), "
                   "which reach past the layer's %lldx%lld filter",
                   (long long)i0, (long long)(i0 + c->fh - 1), (long long)j0,
                   (long long)(j0 + c->fw - 1), ws, (long long)v->FH, (long long)v->FW);
        return 0;
    }
    if (cg0 + c->tc > v->CG) {
        vld_report(v, i, "reduces input channels %lld..%lld of a group, which has only %lld",
                   (long long)cg0, (long long)(cg0 + c->tc - 1), (long long)v->CG);
        return 0;
    }
    int bad = 0;
    for (uint64_t ch = 0; ch < c->tc; ch++) {
        for (uint64_t ii = 0; ii < c->fh; ii++) {
            for (uint64_t j = 0; j < c->fw; j++) {
                uint64_t tap = (ch * c->fh + ii) * c->fw + j;
                uint64_t base = c->wgt + tap * c->tk;
                uint64_t exp0 =
                    (((uint64_t)cg0 + ch) * (uint64_t)v->FH + (uint64_t)i0 + ii) * (uint64_t)v->FW +
                    (uint64_t)j0 + j;
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
                    vld_desc_tag(v, t, ts, sizeof(ts));
                    vld_desc_w(v, exp, ws2, sizeof(ws2));
                    vld_report(v, i,
                               "reads %s at scratchpad 0x%05llx (weight tile c=%llu, i=%llu, "
                               "j=%llu, k=%llu) "
                               "where the convolution needs %s",
                               ts, (unsigned long long)(base + kr), (unsigned long long)ch,
                               (unsigned long long)ii, (unsigned long long)j,
                               (unsigned long long)kr, ws2);
                    return 0;
                }
            }
        }
    }
    *s = (slice){cg0, g, i0, j0};
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
static int64_t padding_line_bad(const vctx *v, int64_t lo, int64_t hi, uint32_t size,
                                int64_t origin, int64_t extent)
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

/* Activation tile: infers (ih0, iw0) and the tile's output origin (the
 * slice's taps start at kernel row s->i0, column s->j0), checks padding and
 * every activation byte read.  1 valid, 0 reported, -1 invalid data read. */
static int check_acts(vctx *v, int i, const acc_compute *c, const slice *s, int64_t *oy0_out,
                      int64_t *ox0_out)
{
    const int64_t cin0 = s->g * v->CG + s->cg0;
    char ts[200], xs[96];
    int64_t ylo, yhi, xlo, xhi;
    /* columns first: v->flag holds the rows afterwards */
    int ncols = read_lines(v, c->tw, c->sw, c->fw, c->dw, c->pleft, c->vw, &v->cols, &v->cols_cap,
                           &xlo, &xhi);
    int64_t first_col = ncols ? v->cols[0] : -1;
    /* padding check of columns needs iw0, known only later: remember lines */
    size_t xspan = (size_t)(xhi - xlo + 1);
    uint8_t *xflag = acc_malloc(xspan);
    memcpy(xflag, v->flag, xspan);
    int nrows = read_lines(v, c->th, c->sh, c->fh, c->dh, c->ptop, c->vh, &v->rows, &v->rows_cap,
                           &ylo, &yhi);
    int rc = 0;
    if (nrows == 0 || ncols == 0) {
        vld_report(
            v, i,
            "every activation the tile reads is a virtual zero (no stored %s is read), so it "
            "computes nothing of the layer",
            nrows == 0 ? "row" : "column");
        goto out;
    }
    const vtag *t0 =
        &v->tag[(uint64_t)c->act + (uint64_t)v->rows[0] * c->act_ph + (uint64_t)first_col];
    if (t0->kind == T_BAD) {
        rc = -1;
        goto out;
    }
    if (t0->kind != T_X) {
        vld_desc_tag(v, t0, ts, sizeof(ts));
        vld_report(v, i,
                   "reads %s at scratchpad 0x%05llx (activation tile c=0, row %d, column %lld), "
                   "not an input "
                   "element",
                   ts,
                   (unsigned long long)c->act + (unsigned long long)v->rows[0] * c->act_ph +
                       (unsigned long long)first_col,
                   v->rows[0], (long long)first_col);
        goto out;
    }
    const int64_t hw = v->H * v->W;
    int64_t xh = (int64_t)(t0->val % (uint64_t)hw) / v->W, xw = (int64_t)(t0->val % (uint64_t)v->W);
    int64_t ih0 = xh - v->rows[0], iw0 = xw - first_col;
    /* virtual row -ptop (tap i0 of output row 0) is input row oy0*SH + i0*DH - PT */
    int64_t ny = ih0 + v->PT - (int64_t)c->ptop - s->i0 * v->DH;
    int64_t nx = iw0 + v->PL - (int64_t)c->pleft - s->j0 * v->DW;
    if (ny < 0 || ny % v->SH != 0 || ny / v->SH + c->th > v->OH || nx < 0 || nx % v->SW != 0 ||
        nx / v->SW + c->tw > v->OW)
        vld_desc_tag(v, t0, ts, sizeof(ts));
    if (ny < 0 || ny % v->SH != 0 || ny / v->SH + c->th > v->OH) {
        vld_report(
            v, i,
            "reads %s at activation tile row %d, which puts output row 0 of the tile at input row "
            "%lld: not an output row of the layer or the tile's %u rows run past its %lld output "
            "rows",
            ts, v->rows[0], (long long)(ny - v->PT), c->th, (long long)v->OH);
        goto out;
    }
    if (nx < 0 || nx % v->SW != 0 || nx / v->SW + c->tw > v->OW) {
        vld_report(
            v, i,
            "reads %s at activation tile column %lld, which puts output column 0 of the tile at "
            "input column %lld: not an output column of the layer or the tile's %u columns run "
            "past "
            "its %lld output columns",
            ts, (long long)first_col, (long long)(nx - v->PL), c->tw, (long long)v->OW);
        goto out;
    }
    /* virtual zeros must be padding */
    int64_t bad = padding_line_bad(v, ylo, yhi, c->vh, ih0, v->H);
    if (bad != INT64_MIN) {
        vld_report(
            v, i,
            "reads a virtual zero at activation tile row %lld where the convolution needs input "
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
        vld_report(
            v, i,
            "reads a virtual zero at activation tile column %lld where the convolution needs "
            "input column %lld of x (x[%lld][..][%lld])",
            (long long)bad, (long long)(bad + iw0), (long long)cin0, (long long)(bad + iw0));
        goto out;
    }
    /* stored lines read must be inside x (zero padding is virtual only) */
    for (int r = 0; r < nrows; r++) {
        int64_t ih = v->rows[r] + ih0;
        if (ih < 0 || ih >= v->H) {
            const vtag *t =
                &v->tag[(uint64_t)c->act + (uint64_t)v->rows[r] * c->act_ph + (uint64_t)first_col];
            vld_desc_tag(v, t, ts, sizeof(ts));
            vld_report(
                v, i,
                "reads %s at activation tile row %d where the convolution needs a zero of the "
                "padding (input row %lld)",
                ts, v->rows[r], (long long)ih);
            goto out;
        }
    }
    for (int q = 0; q < ncols; q++) {
        int64_t iw = v->cols[q] + iw0;
        if (iw < 0 || iw >= v->W) {
            const vtag *t =
                &v->tag[(uint64_t)c->act + (uint64_t)v->rows[0] * c->act_ph + (uint64_t)v->cols[q]];
            vld_desc_tag(v, t, ts, sizeof(ts));
            vld_report(
                v, i,
                "reads %s at activation tile column %d where the convolution needs a zero of the "
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
                vld_desc_tag(v, t, ts, sizeof(ts));
                vld_desc_x(v, exp, xs, sizeof(xs));
                vld_report(
                    v, i,
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

static int overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* The partial-sum state of one byte equal in the four bytes of an element:
 * byte index aside, every field but the writer. */
static int same_psum(const vtag *a, const vtag *b)
{
    return a->next == b->next && a->ptc == b->ptc && a->pi == b->pi && a->pj == b->pj &&
           (a->bits >> 2) == (b->bits >> 2);
}

/* Byte `byte` of the partial sum of y element e after the slice s of
 * COMPUTE c (channels s->cg0.., rows s->i0.., columns s->j0..) was added to
 * it: the chunk complete, a band complete, or a rectangle of a band. */
static vtag psum_after(const vctx *v, const acc_compute *c, const slice *s, uint64_t e,
                       unsigned byte, unsigned ok, unsigned ch0, int writer)
{
    int64_t i1 = s->i0 + c->fh, j1 = s->j0 + c->fw;
    vtag t = vld_mk_tag(T_PSUM, (uint32_t)e, (uint32_t)s->cg0, byte, ok, writer);
    t.bits |= (uint8_t)(ch0 << 7);
    if (j1 == v->FW && i1 == v->FH) {
        t.next = (uint32_t)(s->cg0 + c->tc);
    } else if (j1 == v->FW) {
        t.ptc = (uint16_t)c->tc;
        t.pi = (uint16_t)i1;
    } else {
        t.ptc = (uint16_t)c->tc;
        t.pi = (uint16_t)s->i0;
        t.pj = (uint16_t)j1;
        t.bits |= (uint8_t)(c->fh << 3);
    }
    return t;
}

/* Checks that slice s of COMPUTE c (with ACC) continues the partial sum t of
 * y element e (all four bytes hold it): the next chunk from its first
 * slice, or the next slice of the chunk in progress (docs/model.md,
 * "Partial sums").  Reports and returns 0 when it does not. */
static int continues(vctx *v, int i, const acc_compute *c, const slice *s, const vtag *t,
                     uint64_t e)
{
    const int64_t next = t->next, pi = t->pi, pj = t->pj, ph = TAG_PH(t);
    if (t->ptc == 0 && s->cg0 == next && s->i0 == 0 && s->j0 == 0)
        return 1;
    if (t->ptc != 0 && s->cg0 == next && c->tc == t->ptc && s->i0 == pi && s->j0 == pj &&
        (pj == 0 || (int64_t)c->fh == ph))
        return 1;
    char ys[80], what[320];
    vld_desc_y(v, e, ys, sizeof(ys));
    if (t->ptc == 0 && s->cg0 != next) {
        vld_report(v, i,
                   "adds input channels %lld..%lld to the partial sum of %s, which holds "
                   "channels up to %u (chunks must follow each other in order, each once)",
                   (long long)s->cg0, (long long)(s->cg0 + c->tc - 1), ys, t->next);
        return 0;
    }
    snprintf(what, sizeof(what),
             "accumulates kernel rows %lld..%lld, columns %lld..%lld of input channels "
             "%lld..%lld onto the partial sum of %s",
             (long long)s->i0, (long long)(s->i0 + c->fh - 1), (long long)s->j0,
             (long long)(s->j0 + c->fw - 1), (long long)s->cg0, (long long)(s->cg0 + c->tc - 1),
             ys);
    if (t->ptc == 0)
        vld_report(v, i,
                   "%s, which expects rows 0.., columns 0.. of input channels %lld.. next (slices "
                   "of a chunk follow each other in row-major order, each once)",
                   what, (long long)next);
    else if (s->cg0 != next || c->tc != t->ptc)
        vld_report(v, i,
                   "%s, which is in the middle of input channels %lld..%lld (every slice of a "
                   "chunk has the chunk's input channels)",
                   what, (long long)next, (long long)(next + t->ptc - 1));
    else if (s->i0 != pi || s->j0 != pj)
        vld_report(v, i,
                   "%s, which expects rows %lld.., columns %lld.. next (slices of a chunk follow "
                   "each other in row-major order, each once)",
                   what, (long long)pi, (long long)pj);
    else
        vld_report(v, i,
                   "%s, which expects rows %lld..%lld, columns %lld.. next (the rectangles of a "
                   "band have the band's height)",
                   what, (long long)pi, (long long)(pi + ph - 1), (long long)pj);
    return 0;
}

void vld_sym_compute(vctx *v, int i, const acc_compute *c)
{
    if ((int64_t)c->sh != v->SH || (int64_t)c->sw != v->SW || (int64_t)c->dh != v->DH ||
        (int64_t)c->dw != v->DW) {
        vld_report(v, i,
                   "kernel=%ux%u stride=%u,%u dil=%u,%u is not the layer's kernel=%lldx%lld "
                   "stride=%lld,%lld "
                   "dil=%lld,%lld",
                   c->fh, c->fw, c->sh, c->sw, c->dh, c->dw, (long long)v->FH, (long long)v->FW,
                   (long long)v->SH, (long long)v->SW, (long long)v->DH, (long long)v->DW);
        poison_out(v, i, c);
        return;
    }
    if ((int64_t)c->fh > v->FH || (int64_t)c->fw > v->FW) {
        vld_report(v, i,
                   "kernel=%ux%u is larger than the layer's %lldx%lld filter (a COMPUTE computes "
                   "the filter or a slice of it)",
                   c->fh, c->fw, (long long)v->FH, (long long)v->FW);
        poison_out(v, i, c);
        return;
    }
    acc_range r[3];
    acc_instr_spad_ranges(&v->p->ins[i], r);
    for (int k = 0; k < 2; k++) {
        if (overlaps(r[2].lo, r[2].hi, r[k].lo, r[k].hi)) {
            vld_report(v, i,
                       "output tile 0x%05llx..0x%05llx overlaps its %s tile 0x%05llx..0x%05llx",
                       (unsigned long long)r[2].lo, (unsigned long long)r[2].hi,
                       k ? "weight" : "activation", (unsigned long long)r[k].lo,
                       (unsigned long long)r[k].hi);
            poison_out(v, i, c);
            return;
        }
    }
    slice s;
    int64_t oy0 = 0, ox0 = 0;
    int wr = check_weights(v, i, c, &s);
    if (wr <= 0) {
        poison_out(v, i, c);
        return;
    }
    int ar = check_acts(v, i, c, &s, &oy0, &ox0);
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
                        match &= tb->kind == T_PSUM && tb->val == e && TAG_BYTE(tb) == b &&
                                 same_psum(tb, t);
                    }
                    if (bad)
                        continue;
                    if (!match) {
                        char ys[80], ts[200];
                        vld_desc_y(v, e, ys, sizeof(ys));
                        for (unsigned b = 0; b < 4; b++) {
                            const vtag *tb = &v->tag[a + b];
                            if (!(tb->kind == T_PSUM && tb->val == e && TAG_BYTE(tb) == b)) {
                                t = tb;
                                a += b;
                                break;
                            }
                        }
                        vld_desc_tag(v, t, ts, sizeof(ts));
                        vld_report(v, i, "accumulates %s onto scratchpad 0x%05llx, which holds %s",
                                   ys, (unsigned long long)a, ts);
                        poison_out(v, i, c);
                        return;
                    }
                    if (!continues(v, i, c, &s, t, e)) {
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
                uint64_t e = v->kabs[kr] * plane + ((uint64_t)oy0 + oy) * (uint64_t)v->OW +
                             (uint64_t)ox0 + ox;
                unsigned ch0 = s.cg0 == 0, ok = ch0 && s.i0 == 0 && s.j0 == 0;
                int bad = 0;
                if (c->acc) {
                    ok = TAG_OK(&v->tag[a]);
                    ch0 = TAG_CH0(&v->tag[a]);
                    for (unsigned b = 0; b < 4; b++)
                        bad |= v->tag[a + b].kind == T_BAD;
                }
                for (unsigned b = 0; b < 4; b++)
                    v->tag[a + b] = bad ? vld_mk_tag(T_BAD, 0, 0, 0, 0, i)
                                        : psum_after(v, c, &s, e, b, ok, ch0, i);
            }
        }
    }
}
