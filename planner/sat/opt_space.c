/* opt_space.c - the optimizer's search space: domains, per-dimension tables
 * and the expressions of membership and of the lower bound of a choice
 * (opt_space.h, docs/planner.md "The search space").
 *
 * Every quantity the bounds need is a product of sums over the tiles of one
 * dimension each (the tile loops are independent), so it is a product of
 * per-dimension tables, except the pixel passes, which couple the row and
 * column tiles (a two-dimensional table over th and tw): the compute
 * engine's busy cycles are, with a COMPUTE of P passes of L steps taking
 * e(L) + P * D(L) cycles (model.h, model_compute_fixed and
 * model_compute_spacing),
 *   tiles * (sum over a tile's steps of e(L))
 *   + G * (sum over k-tiles of ceil(kn / C))
 *       * F(th, tw)
 *       * (sum over a tile's steps of D(L)),
 *   F(th, tw) = sum over y-tiles and x-tiles of the tile's pixel passes,
 *               ceil(ohn * own / R) when the x-tile is FLAT, else
 *               ohn * ceil(own / R),
 * the passes of a tile being its pixel passes times ceil(kn / C), the same
 * for each of its steps (FLAT is a property of the x-tile), and a step's
 * L = cn * fh * fw depending only on its chunk and slice.
 * Kernel slices (a fixed function of the layer) multiply the steps of a
 * tile; their windows are summed with the tiles of their axis (bands with
 * the row tiles, columns of bands with the column tiles).
 * DMA beats depend on address alignment, which couples the dimensions; each
 * row is counted at the fewest beats any alignment that occurs in the
 * tensor can give it (the residue sets below), a lower bound that is exact
 * when the bus width divides the tensor's row pitch. */
#include "planner/sat/opt_space.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define PAD_MAX 15
#define DRAM_STRIDE_MAX ((1u << 24) - 1u)

/* --------------------------------------------------------- universal bounds */

/* Number of input positions in [0, in) that some output position reads. */
static int64_t used_extent(int in, int out, int stride, int filter, int dil, int padb)
{
    char *used = acc_calloc((size_t)in, 1);
    for (int o = 0; o < out; o++)
        for (int i = 0; i < filter; i++) {
            int64_t r = (int64_t)o * stride + (int64_t)i * dil - padb;
            if (r >= 0 && r < in)
                used[r] = 1;
        }
    int64_t n = 0;
    for (int r = 0; r < in; r++)
        n += used[r];
    free(used);
    return n;
}

void opt_universal_bounds(const acc_layer *l, const acc_config *cfg, opt_bounds *b)
{
    ACC_REQUIRE(l != NULL && cfg != NULL && b != NULL);
    const int64_t s0 = model_first_issue(cfg), dw = cfg->axi_bytes;
    const int64_t ld_min = cfg->read_latency + 3;                  /* a LOAD of one beat */
    const int64_t st_min = cfg->write_latency + 3;                 /* a STORE of one beat */
    const int64_t cp_min = 2 + cfg->rows + 2 * (int64_t)cfg->cols; /* a COMPUTE of one pass */
    const uint64_t pes = (uint64_t)cfg->rows * (uint64_t)cfg->cols;
    uint64_t x_needed = (uint64_t)l->channels *
                        (uint64_t)used_extent(l->ifmap_h, layer_out_h(l), l->stride_h, l->filter_h,
                                              l->dil_h, l->pad_top) *
                        (uint64_t)used_extent(l->ifmap_w, layer_out_w(l), l->stride_w, l->filter_w,
                                              l->dil_w, l->pad_left);
    /* first load ends, all MACs at R*C per cycle, a store of the last results, END */
    b->compute = acc_max64(model_compute_bound(layer_macs(l), cfg),
                           s0 + ld_min + (int64_t)((layer_macs(l) + pes - 1) / pes) + st_min + 1);
    /* every needed input and weight byte is loaded, then read by a compute
     * whose results are stored */
    b->dram_read = s0 + (ld_min - 1) + acc_ceil_div((int64_t)(x_needed + layer_w_bytes(l)), dw) +
                   cp_min + st_min + 1;
    /* every output byte is stored, after a load and a compute */
    b->dram_write =
        s0 + ld_min + cp_min + (st_min - 1) + acc_ceil_div((int64_t)layer_y_bytes(l), dw) + 1;
    b->array = model_layer_bound(l, cfg);
    b->best = acc_max64(acc_max64(b->compute, b->array), acc_max64(b->dram_read, b->dram_write));
    b->compulsory_read = x_needed + layer_w_bytes(l);
}

/* ------------------------------------------------------------ residue sets */

/* Bit r set: some row of the tensor starts at an address = r (mod dw). */
typedef uint64_t residues;

static residues residues_of(uint64_t base, uint64_t s1, int n1, uint64_t s2, int n2, int dw)
{
    residues m = 0;
    int a = n1 < dw ? n1 : dw, b = n2 < dw ? n2 : dw; /* residues repeat with period dw */
    for (int j = 0; j < b; j++)
        for (int i = 0; i < a; i++)
            m |= 1ull << ((base + (uint64_t)i * s1 + (uint64_t)j * s2) % (uint64_t)dw);
    return m;
}

/* Fewest beats a row of n bytes at offset `off` from a row start can take. */
static uint64_t min_beats(residues m, uint64_t off, uint64_t n, int dw)
{
    uint64_t best = (uint64_t)dw;
    for (int r = 0; r < dw; r++)
        if ((m >> r) & 1) {
            uint64_t a = ((uint64_t)r + off) % (uint64_t)dw;
            if (a < best)
                best = a;
        }
    return (best + n + (uint64_t)dw - 1) / (uint64_t)dw;
}

/* ------------------------------------------------------------------ tables */

typedef struct tables {
    /* K */
    uint64_t *nk, *ak, *wb, *wb0, *knl, *kseg0, *ksegl, *tk, *triv_k;
    /* Y */
    uint64_t *ny, *vh_sum, *vh0, *ohnl, *th, *vhmax, *triv_y;
    /* X: the x-tiles of tw = i + 1 are cf FLAT and cr other full ones (own =
     * tw) and, when owl > 0, an edge tile of owl columns, FLAT when ef;
     * flat0 (flatl) tells whether the first (last) x-tile is FLAT and ownl
     * is the last x-tile's width */
    uint64_t *nx, *ab, *ab0, *sb, *sbl, *tw, *vwmax, *triv_x;
    uint64_t *cf, *cr, *owl, *ef, *flat0, *flatl, *ownl, *xseg0, *xsegl;
    /* TH x TW (index th-1, tw-1 at [(th-1) * dom TW + tw-1]): the pixel
     * passes of all tiles (F) */
    uint64_t *pf;
    /* C */
    uint64_t *nch, *ce, *cd, *tc, *el, *dl;
} tables;

static uint64_t *col(int n)
{
    return acc_calloc((size_t)n, sizeof(uint64_t));
}

static void tables_free(tables *t)
{
    uint64_t **p = (uint64_t **)t;
    for (size_t i = 0; i < sizeof(*t) / sizeof(uint64_t *); i++)
        free(p[i]);
}

static void k_tables(const opt_space *sp, residues rw, tables *t)
{
    const opt_shape *s = &sp->s;
    const int n = sp->dom[OPT_D_TK], C = sp->cfg.cols, dw = sp->cfg.axi_bytes;
    t->nk = col(n), t->ak = col(n), t->wb = col(n), t->wb0 = col(n), t->knl = col(n);
    t->kseg0 = col(n), t->ksegl = col(n), t->tk = col(n), t->triv_k = col(n);
    for (int i = 0; i < n; i++) {
        const int tk = i + 1, nk = (int)acc_ceil_div(s->Kg, tk);
        t->tk[i] = (uint64_t)tk;
        t->nk[i] = (uint64_t)nk;
        t->triv_k[i] = nk == 1;
        for (int kt = 0; kt < nk; kt++) {
            int kn = opt_tile_size(kt, tk, s->Kg);
            t->ak[i] += (uint64_t)acc_ceil_div(kn, C);
            uint64_t b = min_beats(rw, (uint64_t)opt_tile_start(kt, tk), (uint64_t)kn, dw);
            t->wb[i] += b;
            if (kt == 0) {
                t->wb0[i] = b;
                t->kseg0[i] = (uint64_t)acc_ceil_div(kn, C);
            }
            if (kt == nk - 1) {
                t->knl[i] = (uint64_t)kn;
                t->ksegl[i] = (uint64_t)acc_ceil_div(kn, C);
            }
        }
    }
}

static void y_tables(opt_space *sp, tables *t)
{
    const opt_shape *s = &sp->s;
    const int n = sp->dom[OPT_D_TH];
    t->ny = col(n), t->vh_sum = col(n), t->vh0 = col(n), t->ohnl = col(n), t->th = col(n);
    t->vhmax = col(n), t->triv_y = col(n);
    for (int i = 0; i < n; i++) {
        const int th = i + 1, ny = (int)acc_ceil_div(s->OH, th);
        t->th[i] = (uint64_t)th;
        t->ny[i] = (uint64_t)ny;
        t->triv_y[i] = ny == 1;
        int pad = 0, vmax = 0, empty = 0;
        for (int yt = 0; yt < ny; yt++) {
            int o0 = opt_tile_start(yt, th), on = opt_tile_size(yt, th, s->OH);
            for (int bh = 0; bh < s->nbh; bh++) { /* the bands of kernel slices */
                opt_window w = opt_slice_window(s, OPT_AXIS_Y, o0, on, bh);
                t->vh_sum[i] += (uint64_t)w.n;
                if (yt == 0 && bh == 0)
                    t->vh0[i] = (uint64_t)w.n;
                if (w.n > vmax)
                    vmax = w.n;
                if (w.pad > pad)
                    pad = w.pad;
                if (!opt_slice_reads_input(s, OPT_AXIS_Y, o0, on, bh))
                    empty = 1;
            }
            if (yt == ny - 1)
                t->ohnl[i] = (uint64_t)on;
        }
        t->vhmax[i] = (uint64_t)vmax;
        sp->excluded[OPT_D_TH][i] = (char)(vmax > (int)ACC_DIM_MAX ? OPT_X_WINDOW
                                           : pad > PAD_MAX         ? OPT_X_PAD
                                           : empty                 ? OPT_X_PADONLY
                                                                   : OPT_X_OK);
    }
}

static void x_tables(opt_space *sp, residues ra, residues rs, tables *t)
{
    const opt_shape *s = &sp->s;
    const int n = sp->dom[OPT_D_TW], dw = sp->cfg.axi_bytes;
    t->nx = col(n), t->ab = col(n), t->ab0 = col(n), t->sb = col(n);
    t->sbl = col(n), t->tw = col(n), t->vwmax = col(n), t->triv_x = col(n);
    t->cf = col(n), t->cr = col(n), t->owl = col(n), t->ef = col(n), t->flat0 = col(n);
    t->flatl = col(n), t->ownl = col(n), t->xseg0 = col(n), t->xsegl = col(n);
    for (int i = 0; i < n; i++) {
        const int tw = i + 1, nx = (int)acc_ceil_div(s->OW, tw);
        t->tw[i] = (uint64_t)tw;
        t->nx[i] = (uint64_t)nx;
        t->triv_x[i] = nx == 1;
        int pad = 0, vmax = 0, empty = 0;
        for (int xt = 0; xt < nx; xt++) {
            int o0 = opt_tile_start(xt, tw), on = opt_tile_size(xt, tw, s->OW);
            const int flat = opt_tile_flat(s, &sp->cfg, o0, on);
            uint64_t sb = min_beats(rs, 4u * (uint64_t)o0, 4u * (uint64_t)on, dw);
            t->sb[i] += sb;
            if (on == tw)
                (flat ? t->cf : t->cr)[i]++;
            else {
                t->owl[i] = (uint64_t)on;
                t->ef[i] = (uint64_t)flat;
            }
            if (xt == 0) {
                t->flat0[i] = (uint64_t)flat;
                t->xseg0[i] = (uint64_t)acc_ceil_div(on, sp->cfg.rows);
            }
            if (xt == nx - 1) {
                t->sbl[i] = sb;
                t->flatl[i] = (uint64_t)flat;
                t->ownl[i] = (uint64_t)on;
                t->xsegl[i] = (uint64_t)acc_ceil_div(on, sp->cfg.rows);
            }
            for (int bw = 0; bw < s->nbw; bw++) { /* the columns of kernel slices */
                opt_window w = opt_slice_window(s, OPT_AXIS_X, o0, on, bw);
                uint64_t ab = min_beats(ra, (uint64_t)w.lo, (uint64_t)w.n, dw);
                t->ab[i] += ab;
                if (xt == 0 && bw == 0)
                    t->ab0[i] = ab;
                if (w.n > vmax)
                    vmax = w.n;
                if (w.pad > pad)
                    pad = w.pad;
                if (!opt_slice_reads_input(s, OPT_AXIS_X, o0, on, bw))
                    empty = 1;
            }
        }
        t->vwmax[i] = (uint64_t)vmax;
        sp->excluded[OPT_D_TW][i] = (char)(vmax > (int)ACC_DIM_MAX ? OPT_X_WINDOW
                                           : pad > PAD_MAX         ? OPT_X_PAD
                                           : empty                 ? OPT_X_PADONLY
                                                                   : OPT_X_OK);
    }
}

/* TH x TW: the pixel passes of every tile (F) (y_tables and x_tables
 * first). */
static void yx_tables(const opt_space *sp, tables *t)
{
    const opt_shape *s = &sp->s;
    const acc_config *cfg = &sp->cfg;
    const int na = sp->dom[OPT_D_TH], nb = sp->dom[OPT_D_TW];
    t->pf = col(na * nb);
    for (int a = 0; a < na; a++) {
        const int th = a + 1, nyf = s->OH / th, ohe = s->OH % th; /* full y-tiles, edge rows */
        for (int b = 0; b < nb; b++) {
            const int tw = b + 1, owl = (int)t->owl[b];
            const size_t k = (size_t)a * (size_t)nb + (size_t)b;
            uint64_t f = 0;
            for (int y = 0; y < 2; y++) { /* the full y-tiles, then the edge one */
                const int h = y == 0 ? th : ohe;
                const uint64_t cnt = y == 0 ? (uint64_t)nyf : ohe > 0;
                if (cnt == 0)
                    continue;
                uint64_t row = t->cf[b] * (uint64_t)opt_pixel_passes(h, tw, 1, cfg) +
                               t->cr[b] * (uint64_t)opt_pixel_passes(h, tw, 0, cfg);
                if (owl > 0)
                    row += (uint64_t)opt_pixel_passes(h, owl, (int)t->ef[b], cfg);
                f += cnt * row;
            }
            t->pf[k] = f;
        }
    }
}

/* C: nch is the number of steps per tile, chunks x kernel slices; ce and
 * cd sum e(L) and D(L) over a tile's steps (L = cn * fh * fw: every chunk
 * but the last has tc channels), el and dl are those of the last step (the
 * last chunk's last slice). */
static void c_tables(opt_space *sp, tables *t)
{
    const opt_shape *s = &sp->s;
    const acc_config *cfg = &sp->cfg;
    const int n = sp->dom[OPT_D_TC];
    t->nch = col(n), t->ce = col(n), t->cd = col(n), t->tc = col(n), t->el = col(n);
    t->dl = col(n);
    for (int i = 0; i < n; i++) {
        const int tc = i + 1, nch = (int)acc_ceil_div(s->Cg, tc);
        const int cnl = opt_tile_size(nch - 1, tc, s->Cg);
        t->tc[i] = (uint64_t)tc;
        t->nch[i] = (uint64_t)nch * (uint64_t)s->ns;
        for (int k = 0; k < s->ns; k++) {
            const opt_slice sl = opt_shape_slice(s, k);
            const int64_t taps = (int64_t)sl.fh * sl.fw;
            const int64_t lf = tc * taps, ll = cnl * taps; /* full and last chunk */
            t->ce[i] +=
                (uint64_t)((nch - 1) * model_compute_fixed(lf, cfg) + model_compute_fixed(ll, cfg));
            t->cd[i] += (uint64_t)((nch - 1) * model_compute_spacing(lf, cfg) +
                                   model_compute_spacing(ll, cfg));
            if (k == s->ns - 1) {
                t->el[i] = (uint64_t)model_compute_fixed(ll, cfg);
                t->dl[i] = (uint64_t)model_compute_spacing(ll, cfg);
            }
        }
        /* weight LOADs of a filter sliced in columns: planes of one
         * (channel, filter row), and one channel per chunk when the rows
         * are sliced too (opt_tiling_fits) */
        if (opt_shape_wgt_planes(s) &&
            ((s->kh < s->FH && tc > 1) || (uint64_t)tc * (uint64_t)s->FH > ACC_COUNT_MAX))
            sp->excluded[OPT_D_TC][i] = OPT_X_FIELD;
    }
}

/* ------------------------------------------------------------ expressions */

typedef struct builder {
    opt_expr *e;
} builder;

static int K(builder *b, uint64_t v)
{
    return opt_e_const(b->e, v);
}
static int A(builder *b, int x, int y)
{
    return opt_e_add(b->e, x, y);
}
static int M(builder *b, int x, int y)
{
    return opt_e_mul(b->e, x, y);
}
static int MX(builder *b, int x, int y)
{
    return opt_e_max(b->e, x, y);
}
static int ITE(builder *b, int c, int x, int y)
{
    return opt_e_ite(b->e, c, x, y);
}
static int LE(builder *b, int x, int y)
{
    return opt_e_le(b->e, x, y);
}
static int AND(builder *b, int x, int y)
{
    return opt_e_and(b->e, x, y);
}
static int TB(builder *b, int dim, const uint64_t *v)
{
    return opt_e_table(b->e, dim, v);
}

/* Table of a small dimension: value f(i) = v[i]. */
static int small_table(builder *b, int dim, int n, const uint64_t *v)
{
    uint64_t vals[8];
    for (int i = 0; i < n; i++)
        vals[i] = v[i];
    return TB(b, dim, vals);
}

int opt_order_canonical(int o, const int trivial[OPT_LOOPS])
{
    ACC_REQUIRE(o >= 0 && o < OPT_ORDER_COUNT);
    int seq[OPT_LOOPS], n = 0;
    for (int l = 0; l < OPT_LOOPS; l++)
        if (!trivial[opt_order_loop(o, l)])
            seq[n++] = opt_order_loop(o, l);
    for (int p = 0; p < o; p++) {
        int m = 0, same = 1;
        for (int l = 0; l < OPT_LOOPS; l++) {
            int d = opt_order_loop(p, l);
            if (trivial[d])
                continue;
            if (m >= n || seq[m] != d)
                same = 0;
            m++;
        }
        if (same && m == n)
            return 0;
    }
    return 1;
}

static void build_exprs(opt_space *sp, const tables *t)
{
    builder bb = {sp->e}, *b = &bb;
    const opt_shape *s = &sp->s;
    const acc_config *cfg = &sp->cfg;
    const uint64_t s0 = (uint64_t)model_first_issue(cfg);
    const uint64_t lr = (uint64_t)cfg->read_latency + 2u, lw = (uint64_t)cfg->write_latency + 2u;
    const uint64_t taps = (uint64_t)s->FH * (uint64_t)s->FW;
    const uint64_t taps0 = (uint64_t)s->kh * (uint64_t)s->kw; /* the first (largest) slice */

    const int nk = TB(b, OPT_D_TK, t->nk), ak = TB(b, OPT_D_TK, t->ak);
    const int wb = TB(b, OPT_D_TK, t->wb), wb0 = TB(b, OPT_D_TK, t->wb0);
    const int knl = TB(b, OPT_D_TK, t->knl), kseg0 = TB(b, OPT_D_TK, t->kseg0);
    const int ksegl = TB(b, OPT_D_TK, t->ksegl), tk = TB(b, OPT_D_TK, t->tk);
    const int ny = TB(b, OPT_D_TH, t->ny), vh_sum = TB(b, OPT_D_TH, t->vh_sum);
    const int vh0 = TB(b, OPT_D_TH, t->vh0), ohnl = TB(b, OPT_D_TH, t->ohnl);
    const int th = TB(b, OPT_D_TH, t->th), vhmax = TB(b, OPT_D_TH, t->vhmax);
    const int nx = TB(b, OPT_D_TW, t->nx);
    const int ab = TB(b, OPT_D_TW, t->ab), ab0 = TB(b, OPT_D_TW, t->ab0);
    const int sb = TB(b, OPT_D_TW, t->sb), sbl = TB(b, OPT_D_TW, t->sbl);
    const int tw = TB(b, OPT_D_TW, t->tw), vwmax = TB(b, OPT_D_TW, t->vwmax);
    const int pf = opt_e_table2(b->e, OPT_D_TH, OPT_D_TW, t->pf);
    /* the pixel passes of the first and of the last tile, for the bounds of
     * the store and load engines: ohn * ceil(own / R) without FLAT, and
     * with it ceil(ohn * own / 2^r), 2^r the least power of two >= R (exact
     * when R is one, a lower bound otherwise: two products, no table over
     * TH x TW) */
    int r2 = 0;
    while ((1 << r2) < cfg->rows)
        r2++;
    const int round = K(b, (1ull << r2) - 1u);
    const int ownl = TB(b, OPT_D_TW, t->ownl);
    const int p0 = ITE(b, TB(b, OPT_D_TW, t->flat0), opt_e_shr(b->e, A(b, M(b, th, tw), round), r2),
                       M(b, th, TB(b, OPT_D_TW, t->xseg0)));
    const int pl =
        ITE(b, TB(b, OPT_D_TW, t->flatl), opt_e_shr(b->e, A(b, M(b, ohnl, ownl), round), r2),
            M(b, ohnl, TB(b, OPT_D_TW, t->xsegl)));
    const int nch = TB(b, OPT_D_TC, t->nch), tc = TB(b, OPT_D_TC, t->tc);
    const int ce = TB(b, OPT_D_TC, t->ce), cd = TB(b, OPT_D_TC, t->cd);
    const int el = TB(b, OPT_D_TC, t->el), dl = TB(b, OPT_D_TC, t->dl);

    static const uint64_t bufs[OPT_BUFFERS_MAX] = {1, 2, 3, 4};
    static const uint64_t is1[OPT_BUFFERS_MAX] = {1, 0, 0, 0};
    const int ba = small_table(b, OPT_D_BA, OPT_BUFFERS_MAX, bufs);
    const int bw = small_table(b, OPT_D_BW, OPT_BUFFERS_MAX, bufs);
    const int bo = small_table(b, OPT_D_BO, OPT_BUFFERS_MAX, bufs);
    const int ba1 = small_table(b, OPT_D_BA, OPT_BUFFERS_MAX, is1);
    const int bw1 = small_table(b, OPT_D_BW, OPT_BUFFERS_MAX, is1);
    const int bo1 = small_table(b, OPT_D_BO, OPT_BUFFERS_MAX, is1);
    static const uint64_t serial[2] = {0, 1};
    const int ser = small_table(b, OPT_D_MODE, 2, serial);
    uint64_t ov[OPT_ORDER_COUNT];
    int is_order[OPT_ORDER_COUNT];
    for (int o = 0; o < OPT_ORDER_COUNT; o++) {
        for (int p = 0; p < OPT_ORDER_COUNT; p++)
            ov[p] = p == o;
        is_order[o] = small_table(b, OPT_D_ORDER, OPT_ORDER_COUNT, ov);
    }
    for (int p = 0; p < OPT_ORDER_COUNT; p++) /* k outermost */
        ov[p] = opt_order_loop(p, 0) == OPT_DIM_K;
    const int k_outer = small_table(b, OPT_D_ORDER, OPT_ORDER_COUNT, ov);

    const int G = K(b, (uint64_t)s->G), OH = K(b, (uint64_t)s->OH);
    const int one = K(b, 1);

    /* counts */
    const int nyx = M(b, ny, nx);
    const int tiles = M(b, M(b, nk, nyx), G);
    const int steps = M(b, tiles, nch);
    /* compute engine: exact busy cycles, e(L) per COMPUTE and D(L) per pass */
    sp->busy_cp = A(b, M(b, tiles, ce), M(b, M(b, M(b, ak, pf), cd), G));
    /* the first tile's COMPUTEs (th <= OH, tw <= OW: a full tile) */
    const int first_tile_cp = A(b, ce, M(b, M(b, p0, kseg0), cd));
    /* the first two loads and the last store (tc <= Cg: the first chunk is tc) */
    const int d_la0 = A(b, K(b, lr), M(b, M(b, tc, vh0), ab0));
    const int d_lw0 = A(b, K(b, lr), M(b, M(b, tc, K(b, taps0)), wb0));
    const int d_st_last = A(b, K(b, lw), M(b, M(b, knl, ohnl), sbl));
    const int pre = A(b, A(b, K(b, s0), d_la0), d_lw0);

    /* residency: spatial tile loops inside and outside the k loop */
    const int inner_k =
        ITE(b, k_outer, nyx,
            ITE(b, is_order[OPT_ORDER_YKX], nx, ITE(b, is_order[OPT_ORDER_XKY], ny, one)));
    const int outer_k =
        ITE(b, k_outer, one,
            ITE(b, is_order[OPT_ORDER_YKX], ny, ITE(b, is_order[OPT_ORDER_XKY], nx, nyx)));
    const int fa = ITE(b, LE(b, M(b, inner_k, nch), ba), one, nk);
    const int fw = ITE(b, LE(b, M(b, nk, nch), bw), one,
                       ITE(b, LE(b, nch, bw), outer_k, M(b, outer_k, inner_k)));
    sp->loads_act = M(b, M(b, M(b, nyx, nch), G), fa);
    sp->loads_wgt = M(b, M(b, M(b, nk, nch), G), fw);
    sp->computes = steps;
    sp->stores = tiles;
    const int beats_a = M(b, M(b, M(b, M(b, vh_sum, ab), K(b, (uint64_t)s->Cg)), G), fa);
    const int beats_w = M(b, M(b, M(b, wb, K(b, (uint64_t)s->Cg * taps)), G), fw);
    const int busy_a = A(b, M(b, sp->loads_act, K(b, lr)), beats_a);
    const int busy_w = A(b, M(b, sp->loads_wgt, K(b, lr)), beats_w);
    sp->busy_ld = A(b, busy_a, busy_w);
    sp->busy_st = A(b, M(b, tiles, K(b, lw)), M(b, M(b, M(b, sb, K(b, (uint64_t)s->Kg)), OH), G));

    /* bounds of an overlapped schedule */
    /* array idle time forced by single buffers, up to the first COMPUTE:
     * with one activation buffer that every step reloads, each step's LOADs
     * (the weights wait behind the activations on the load engine) run
     * between two COMPUTEs; with one activation (weight) buffer otherwise,
     * each activation (weight) LOAD does */
    const int a_every = AND(b, ba1, LE(b, steps, sp->loads_act));
    const int p_ld = A(
        b, K(b, s0),
        ITE(b, a_every, sp->busy_ld, A(b, ITE(b, ba1, busy_a, d_la0), ITE(b, bw1, busy_w, d_lw0))));
    const int cp_tail = A(b, p_ld, d_st_last);
    const int lb_cp =
        A(b, A(b, sp->busy_cp, one), ITE(b, bo1, MX(b, cp_tail, A(b, pre, sp->busy_st)), cp_tail));
    /* the last step's COMPUTE (edge sizes in every dimension: the shortest) */
    const int cp_min = A(b, el, M(b, M(b, pl, ksegl), dl));
    const int lb_ld = A(b, A(b, sp->busy_ld, A(b, cp_min, d_st_last)), K(b, s0 + 1u));
    const int lb_st = A(b, A(b, A(b, pre, first_tile_cp), sp->busy_st), one);
    const int instrs = A(b, A(b, A(b, sp->loads_act, sp->loads_wgt), A(b, steps, tiles)), one);
    const int lb_issue = A(b, K(b, s0), instrs);
    const int lb_ov = MX(b, MX(b, lb_cp, lb_ld), MX(b, lb_st, lb_issue));
    /* serial: every duration one after the other */
    const int lb_ser = A(b, A(b, A(b, A(b, K(b, s0), sp->busy_ld), sp->busy_cp), sp->busy_st), one);
    sp->lb = ITE(b, ser, lb_ser, lb_ov);

    /* membership: the buffers fit, the counts fit the wait fields, and the
     * choice is the canonical one of its timing class */
    const int a_bytes = opt_e_align4(b->e, M(b, M(b, tc, vhmax), vwmax));
    const int w_bytes = opt_e_align4(b->e, M(b, M(b, tc, K(b, taps0)), tk));
    const int o_bytes = M(b, M(b, M(b, K(b, 4), tk), th), tw);
    sp->need = A(b, A(b, M(b, ba, a_bytes), M(b, bw, w_bytes)), M(b, bo, o_bytes));
    sp->fits = LE(b, sp->need, K(b, cfg->spad_bytes));
    const int wmax = K(b, ACC_WAIT_MAX);
    const int waits = AND(b, LE(b, A(b, sp->loads_act, sp->loads_wgt), wmax),
                          AND(b, LE(b, steps, wmax), LE(b, tiles, wmax)));
    const int canon_buf = AND(b, LE(b, ba, M(b, M(b, nyx, nch), G)),
                              AND(b, LE(b, bw, M(b, M(b, nk, nch), G)), LE(b, bo, tiles)));
    const int triv[OPT_LOOPS] = {TB(b, OPT_D_TK, t->triv_k), TB(b, OPT_D_TH, t->triv_y),
                                 TB(b, OPT_D_TW, t->triv_x)};
    int bad = K(b, 0);
    for (int mask = 1; mask < 8; mask++) {
        int tr[OPT_LOOPS], cond = one;
        for (int d = 0; d < OPT_LOOPS; d++) {
            tr[d] = (mask >> d) & 1;
            cond = AND(b, cond, tr[d] ? triv[d] : opt_e_not(b->e, triv[d]));
        }
        for (int o = 0; o < OPT_ORDER_COUNT; o++)
            if (!opt_order_canonical(o, tr))
                bad = opt_e_or(b->e, bad, AND(b, is_order[o], cond));
    }
    sp->ok = AND(b, sp->fits, AND(b, waits, AND(b, canon_buf, opt_e_not(b->e, bad))));
}

/* ------------------------------------------------------------------- space */

int opt_space_init(opt_space *sp, const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                   int64_t ub, acc_error *err)
{
    return opt_space_init_kmax(sp, l, cfg, mm, ub, OPT_KMAX, err);
}

int opt_space_init_kmax(opt_space *sp, const acc_layer *l, const acc_config *cfg,
                        const acc_memmap *mm, int64_t ub, int kmax, acc_error *err)
{
    ACC_REQUIRE(sp != NULL && l != NULL && cfg != NULL && mm != NULL && ub > 0);
    ACC_REQUIRE(acc_layer_check(l, NULL) == 0);
    memset(sp, 0, sizeof(*sp));
    sp->layer = *l;
    sp->cfg = *cfg;
    sp->mm = *mm;
    opt_shape_init_kmax(&sp->s, l, kmax);
    const opt_shape *s = &sp->s;
    if ((uint64_t)s->W > DRAM_STRIDE_MAX || (uint64_t)s->H * s->W > DRAM_STRIDE_MAX ||
        opt_shape_wgt_stride(s) > DRAM_STRIDE_MAX ||
        4u * (uint64_t)s->OH * s->OW > DRAM_STRIDE_MAX) {
        opt_space_free(sp);
        return acc_fail(err, "layer '%s': field 'dram_stride': a tensor plane exceeds %u bytes",
                        l->name, DRAM_STRIDE_MAX);
    }
    sp->dom[OPT_D_TK] = s->Kg < (int)ACC_COUNT_MAX ? s->Kg : (int)ACC_COUNT_MAX;
    sp->dom[OPT_D_TH] = s->OH < (int)ACC_DIM_MAX ? s->OH : (int)ACC_DIM_MAX;
    sp->dom[OPT_D_TW] = s->OW < (int)ACC_DIM_MAX ? s->OW : (int)ACC_DIM_MAX;
    sp->dom[OPT_D_TC] = s->Cg < (int)ACC_COUNT_MAX ? s->Cg : (int)ACC_COUNT_MAX;
    sp->dom[OPT_D_ORDER] = OPT_ORDER_COUNT;
    sp->dom[OPT_D_BA] = sp->dom[OPT_D_BW] = sp->dom[OPT_D_BO] = OPT_BUFFERS_MAX;
    sp->dom[OPT_D_MODE] = 2;
    for (int d = 0; d < OPT_DIMS; d++)
        sp->excluded[d] = acc_calloc((size_t)sp->dom[d], 1);

    /* saturate above every number the search compares: 2^w - 1 > ub, 2^22 */
    int w = 22;
    while (w < 62 && (1ull << w) - 1 <= (uint64_t)ub)
        w++;
    sp->cap = (1ull << (w + 1)) - 1;
    sp->e = opt_expr_new(OPT_DIMS, sp->dom, sp->cap);

    const int dw = cfg->axi_bytes;
    const residues ra = residues_of(mm->x, (uint64_t)s->W, s->H, (uint64_t)s->H * s->W, s->C, dw);
    const residues rw =
        residues_of(mm->w, (uint64_t)s->K, s->Cg * s->FH * s->FW, (uint64_t)s->Kg, s->G, dw);
    const residues rs =
        residues_of(mm->y, 4u * (uint64_t)s->OW, s->OH, 4u * (uint64_t)s->OH * s->OW, s->K, dw);
    tables t;
    memset(&t, 0, sizeof(t));
    k_tables(sp, rw, &t);
    y_tables(sp, &t);
    x_tables(sp, ra, rs, &t);
    yx_tables(sp, &t);
    c_tables(sp, &t);
    build_exprs(sp, &t);
    tables_free(&t);

    static const char *const dim_names[2] = {"th (output rows)", "tw (output columns)"};
    for (int k = 0; k < 2; k++) {
        int d = k == 0 ? OPT_D_TH : OPT_D_TW, any = 0;
        for (int i = 0; i < sp->dom[d]; i++)
            any |= sp->excluded[d][i] == OPT_X_OK;
        if (!any) {
            int why = sp->excluded[d][0];
            opt_space_free(sp);
            return acc_fail(err,
                            "layer '%s' cannot run: no tile size %s gives instructions "
                            "within the ISA's fields (%s)",
                            l->name, dim_names[k],
                            why == OPT_X_WINDOW ? "field 'act_size': window above 1023"
                            : why == OPT_X_PAD  ? "field 'pad': padding above 15"
                                                : "every tiling has a tile of only padding");
        }
    }
    return 0;
}

void opt_space_free(opt_space *sp)
{
    if (!sp)
        return;
    for (int d = 0; d < OPT_DIMS; d++) {
        free(sp->excluded[d]);
        sp->excluded[d] = NULL;
    }
    opt_expr_free(sp->e);
    sp->e = NULL;
    opt_shape_free(&sp->s);
}

void opt_space_fix_tiling(opt_space *sp, const acc_tiling *t)
{
    ACC_REQUIRE(sp != NULL && t != NULL);
    const int v[4] = {t->tk, t->th, t->tw, t->tc};
    const int d[4] = {OPT_D_TK, OPT_D_TH, OPT_D_TW, OPT_D_TC};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < sp->dom[d[k]]; i++)
            if (i + 1 != v[k] && sp->excluded[d[k]][i] == OPT_X_OK)
                sp->excluded[d[k]][i] = OPT_X_FIXED;
}

void opt_space_choice(const opt_space *sp, const int *idx, opt_choice *c)
{
    ACC_REQUIRE(sp != NULL && idx != NULL && c != NULL);
    for (int d = 0; d < OPT_DIMS; d++)
        ACC_REQUIRE(idx[d] >= 0 && idx[d] < sp->dom[d]);
    memset(c, 0, sizeof(*c));
    c->t.tk = idx[OPT_D_TK] + 1;
    c->t.th = idx[OPT_D_TH] + 1;
    c->t.tw = idx[OPT_D_TW] + 1;
    c->t.tc = idx[OPT_D_TC] + 1;
    c->order = idx[OPT_D_ORDER];
    c->buffers[OPT_ACT] = idx[OPT_D_BA] + 1;
    c->buffers[OPT_WGT] = idx[OPT_D_BW] + 1;
    c->buffers[OPT_OUT] = idx[OPT_D_BO] + 1;
    c->serial = idx[OPT_D_MODE];
}

int opt_space_index(const opt_space *sp, const opt_choice *c, int *idx)
{
    ACC_REQUIRE(sp != NULL && idx != NULL && c != NULL);
    idx[OPT_D_TK] = c->t.tk - 1;
    idx[OPT_D_TH] = c->t.th - 1;
    idx[OPT_D_TW] = c->t.tw - 1;
    idx[OPT_D_TC] = c->t.tc - 1;
    idx[OPT_D_ORDER] = c->order;
    idx[OPT_D_BA] = c->buffers[OPT_ACT] - 1;
    idx[OPT_D_BW] = c->buffers[OPT_WGT] - 1;
    idx[OPT_D_BO] = c->buffers[OPT_OUT] - 1;
    idx[OPT_D_MODE] = c->serial ? 1 : 0;
    for (int d = 0; d < OPT_DIMS; d++)
        if (idx[d] < 0 || idx[d] >= sp->dom[d])
            return -1;
    return 0;
}

uint64_t opt_space_eval(const opt_space *sp, int node, const int *idx)
{
    return opt_e_eval(sp->e, node, idx);
}

int opt_space_member(const opt_space *sp, const int *idx)
{
    for (int d = 0; d < OPT_DIMS; d++)
        if (idx[d] < 0 || idx[d] >= sp->dom[d] || sp->excluded[d][idx[d]] != OPT_X_OK)
            return 0;
    return opt_e_eval(sp->e, sp->ok, idx) == 1;
}

void opt_space_canonical(const opt_space *sp, int *idx)
{
    const opt_shape *s = &sp->s;
    const int tk = idx[OPT_D_TK] + 1, th = idx[OPT_D_TH] + 1, tw = idx[OPT_D_TW] + 1;
    const int tc = idx[OPT_D_TC] + 1;
    const int64_t nk = acc_ceil_div(s->Kg, tk), ny = acc_ceil_div(s->OH, th);
    const int64_t nx = acc_ceil_div(s->OW, tw), nch = acc_ceil_div(s->Cg, tc);
    const int trivial[OPT_LOOPS] = {nk == 1, ny == 1, nx == 1};
    for (int o = 0; o < OPT_ORDER_COUNT; o++) {
        /* the first order whose non-trivial loops run in the same sequence */
        int same = 1, m = 0, seq[OPT_LOOPS], n = 0;
        for (int l = 0; l < OPT_LOOPS; l++)
            if (!trivial[opt_order_loop(idx[OPT_D_ORDER], l)])
                seq[n++] = opt_order_loop(idx[OPT_D_ORDER], l);
        for (int l = 0; l < OPT_LOOPS; l++) {
            int d = opt_order_loop(o, l);
            if (trivial[d])
                continue;
            if (m >= n || seq[m] != d)
                same = 0;
            m++;
        }
        if (same && m == n) {
            idx[OPT_D_ORDER] = o;
            break;
        }
    }
    const int64_t steps = nch * s->ns; /* per tile: chunks x kernel slices */
    const int64_t blocks[3] = {s->G * ny * nx * steps, s->G * nk * steps, s->G * nk * ny * nx};
    const int dims[3] = {OPT_D_BA, OPT_D_BW, OPT_D_BO};
    for (int k = 0; k < 3; k++)
        if (idx[dims[k]] + 1 > blocks[k])
            idx[dims[k]] = (int)blocks[k] - 1;
}
