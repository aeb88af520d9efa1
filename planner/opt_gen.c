/* opt_gen.c - the program generator of one choice (opt_gen.h,
 * docs/planner.md).
 *
 * The loop nest: groups, then the three tile loops in the choice's order,
 * then the channel chunks, then the kernel slices.  Each step (tile, chunk,
 * slice) is one COMPUTE, preceded by the LOADs of the blocks it needs that
 * are not resident, and each tile ends with one STORE.  Every COMPUTE of a
 * tile is FLAT when FLAT is legal for all of them (opt_tile_flat: a
 * property of the x-tile).  Every operand kind has a pool of buffers; a
 * block that is still in one of its kind's buffers is not loaded again, and a new block replaces
 * the least recently used buffer (round robin for results, which are never reused).  Waits are the
 * dependencies that make the overlap safe.  The three engines' instruction sequences are then
 * merged into one stream: "serial" makes every instruction wait for the one before it; otherwise
 * the merge greedily takes the instruction that the issue rule lets issue first. */
#include "planner/opt_gen.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define PAD_MAX 15                        /* ptop, pleft */
#define DRAM_STRIDE_MAX ((1u << 24) - 1u) /* dram_s1, dram_s2 */
#define SPAD_FIELD_MAX ((1u << 20) - 1u)  /* addresses, spad strides, act_pc */

/* ----------------------------------------------------------------- orders */

static const int order_loops[OPT_ORDER_COUNT][OPT_LOOPS] = {
    {OPT_DIM_K, OPT_DIM_Y, OPT_DIM_X}, {OPT_DIM_K, OPT_DIM_X, OPT_DIM_Y},
    {OPT_DIM_Y, OPT_DIM_K, OPT_DIM_X}, {OPT_DIM_Y, OPT_DIM_X, OPT_DIM_K},
    {OPT_DIM_X, OPT_DIM_K, OPT_DIM_Y}, {OPT_DIM_X, OPT_DIM_Y, OPT_DIM_K},
};

int opt_order_loop(int order, int level)
{
    ACC_REQUIRE(order >= 0 && order < OPT_ORDER_COUNT && level >= 0 && level < OPT_LOOPS);
    return order_loops[order][level];
}

const char *opt_order_name(int order)
{
    static const char *const names[OPT_ORDER_COUNT] = {"kyx", "kxy", "ykx", "yxk", "xky", "xyk"};
    ACC_REQUIRE(order >= 0 && order < OPT_ORDER_COUNT);
    return names[order];
}

/* ------------------------------------------------------------------ shape */

void opt_shape_free(opt_shape *s)
{
    (void)s; /* nothing allocated today; callers free every shape they init */
}

/* Slice size along one axis: the fewest parts of at most kmax, all of the
 * same size but the last. */
static int slice_side(int f, int kmax)
{
    int parts = (int)acc_ceil_div(f, kmax);
    return (int)acc_ceil_div(f, parts);
}

void opt_shape_init_kmax(opt_shape *s, const acc_layer *l, int kmax)
{
    ACC_REQUIRE(s != NULL && l != NULL && kmax >= 1 && kmax <= OPT_KMAX);
    s->C = l->channels;
    s->H = l->ifmap_h;
    s->W = l->ifmap_w;
    s->K = l->num_filter;
    s->G = l->groups;
    s->Cg = l->channels / l->groups;
    s->Kg = l->num_filter / l->groups;
    s->FH = l->filter_h;
    s->FW = l->filter_w;
    s->SH = l->stride_h;
    s->SW = l->stride_w;
    s->DH = l->dil_h;
    s->DW = l->dil_w;
    s->PT = l->pad_top;
    s->PL = l->pad_left;
    s->OH = layer_out_h(l);
    s->OW = layer_out_w(l);
    s->kmax = kmax;
    s->kh = slice_side(s->FH, kmax);
    s->kw = slice_side(s->FW, kmax);
    s->nbh = (int)acc_ceil_div(s->FH, s->kh);
    s->nbw = (int)acc_ceil_div(s->FW, s->kw);
    s->ns = s->nbh * s->nbw;
}

void opt_shape_init(opt_shape *s, const acc_layer *l)
{
    opt_shape_init_kmax(s, l, OPT_KMAX);
}

opt_slice opt_shape_slice(const opt_shape *s, int k)
{
    ACC_REQUIRE(s != NULL && k >= 0 && k < s->ns);
    opt_slice v;
    v.i0 = (k / s->nbw) * s->kh;
    v.j0 = (k % s->nbw) * s->kw;
    v.fh = s->FH - v.i0 < s->kh ? s->FH - v.i0 : s->kh;
    v.fw = s->FW - v.j0 < s->kw ? s->FW - v.j0 : s->kw;
    return v;
}

uint64_t opt_shape_wgt_stride(const opt_shape *s)
{
    return opt_shape_wgt_planes(s) ? (uint64_t)s->FW * (uint64_t)s->K
                                   : (uint64_t)s->FH * (uint64_t)s->FW * (uint64_t)s->K;
}

opt_window opt_input_window(int o0, int on, int stride, int filter, int dil, int padb, int in)
{
    int64_t r0 = (int64_t)o0 * stride - padb;
    int64_t r1 = (int64_t)(o0 + on - 1) * stride + (int64_t)(filter - 1) * dil - padb;
    int64_t a = acc_max64(r0, 0), b = acc_min64(r1, (int64_t)in - 1);
    opt_window w;
    if (a <= b) {
        w.lo = (int)a;
        w.n = (int)(b - a + 1);
        w.pad = (int)(a - r0);
    } else {
        w.lo = 0;
        w.n = 1;
        w.pad = (int)(r1 - r0 + 1);
    }
    return w;
}

/* One axis of a shape: stride, dilation, padding before, input extent, and
 * band b's first tap and taps. */
typedef struct axis_geom {
    int stride, dil, padb, in, t0, taps;
} axis_geom;

static axis_geom axis_of(const opt_shape *s, int axis, int b)
{
    axis_geom g;
    if (axis == OPT_AXIS_Y) {
        ACC_REQUIRE(b >= 0 && b < s->nbh);
        g = (axis_geom){s->SH, s->DH, s->PT, s->H, b * s->kh, s->kh};
        if (s->FH - g.t0 < g.taps)
            g.taps = s->FH - g.t0;
    } else {
        ACC_REQUIRE(axis == OPT_AXIS_X && b >= 0 && b < s->nbw);
        g = (axis_geom){s->SW, s->DW, s->PL, s->W, b * s->kw, s->kw};
        if (s->FW - g.t0 < g.taps)
            g.taps = s->FW - g.t0;
    }
    return g;
}

opt_window opt_slice_window(const opt_shape *s, int axis, int o0, int on, int b)
{
    axis_geom g = axis_of(s, axis, b);
    /* the band's taps start t0 dilated steps down: as a filter of `taps`
     * taps with t0 * dil fewer padding rows before */
    return opt_input_window(o0, on, g.stride, g.taps, g.dil,
                            (int)((int64_t)g.padb - (int64_t)g.t0 * g.dil), g.in);
}

/* floor(a / b) for b > 0 */
static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int opt_slice_reads_input(const opt_shape *s, int axis, int o0, int on, int b)
{
    axis_geom g = axis_of(s, axis, b);
    for (int i = g.t0; i < g.t0 + g.taps; i++) {
        /* output o reads o * stride + off; real when 0 <= it < in */
        int64_t off = (int64_t)i * g.dil - g.padb;
        int64_t lo = acc_max64(o0, -floor_div(off, g.stride)); /* ceil(-off / stride) */
        int64_t hi = acc_min64((int64_t)o0 + on - 1, floor_div((int64_t)g.in - 1 - off, g.stride));
        if (lo <= hi)
            return 1;
    }
    return 0;
}

int opt_tile_flat(const opt_shape *s, const acc_config *cfg, int ox0, int own)
{
    ACC_REQUIRE(s != NULL && cfg != NULL && own >= 1);
    acc_compute c;
    memset(&c, 0, sizeof(c));
    c.sh = (uint32_t)s->SH;
    c.sw = (uint32_t)s->SW;
    c.th = 1;
    c.tw = (uint32_t)own;
    for (int b = 0; b < s->nbw; b++) {
        c.act_ph = (uint32_t)opt_slice_window(s, OPT_AXIS_X, ox0, own, b).n;
        if (!model_compute_flat_ok(&c, cfg))
            return 0;
    }
    return 1;
}

int64_t opt_pixel_passes(int ohn, int own, int flat, const acc_config *cfg)
{
    ACC_REQUIRE(cfg != NULL && ohn >= 0 && own >= 0);
    acc_compute c; /* the model's passes of one output channel */
    memset(&c, 0, sizeof(c));
    c.th = (uint32_t)ohn;
    c.tw = (uint32_t)own;
    c.tk = 1;
    c.flat = flat;
    return model_compute_passes(&c, cfg);
}

/* Largest stored window and largest virtual padding over all tiles and
 * bands of one output dimension, and the first tile (if any) with a band
 * that reads only padding (*empty = its index, *empty_b = the band; else
 * -1). */
static void dim_scan(const opt_shape *s, int axis, int t, int *vmax, int *padmax, int *empty,
                     int *empty_b)
{
    const int out = axis == OPT_AXIS_Y ? s->OH : s->OW;
    const int bands = axis == OPT_AXIS_Y ? s->nbh : s->nbw;
    int n = (int)acc_ceil_div(out, t);
    *vmax = 0;
    *padmax = 0;
    *empty = -1;
    *empty_b = -1;
    for (int i = 0; i < n; i++) {
        int o0 = opt_tile_start(i, t), on = opt_tile_size(i, t, out);
        for (int b = 0; b < bands; b++) {
            opt_window w = opt_slice_window(s, axis, o0, on, b);
            if (w.n > *vmax)
                *vmax = w.n;
            if (w.pad > *padmax)
                *padmax = w.pad;
            if (*empty < 0 && !opt_slice_reads_input(s, axis, o0, on, b)) {
                *empty = i;
                *empty_b = b;
            }
        }
    }
}

void opt_need_of(const opt_shape *s, const acc_tiling *t, opt_need *z)
{
    dim_scan(s, OPT_AXIS_Y, t->th, &z->vh, &z->ptop, &z->empty_y, &z->empty_yb);
    dim_scan(s, OPT_AXIS_X, t->tw, &z->vw, &z->pleft, &z->empty_x, &z->empty_xb);
    z->bytes[OPT_ACT] = acc_align_up((uint64_t)t->tc * (uint64_t)z->vh * (uint64_t)z->vw, 4);
    z->bytes[OPT_WGT] =
        acc_align_up((uint64_t)t->tc * (uint64_t)s->kh * (uint64_t)s->kw * (uint64_t)t->tk, 4);
    z->bytes[OPT_OUT] = 4u * (uint64_t)t->tk * (uint64_t)t->th * (uint64_t)t->tw;
}

uint64_t opt_need_bytes(const opt_need *z, const int buffers[OPT_KINDS])
{
    uint64_t b = 0;
    for (int k = 0; k < OPT_KINDS; k++)
        b += (uint64_t)buffers[k] * z->bytes[k];
    return b;
}

int opt_tiling_fits(const opt_shape *s, const acc_config *cfg, const acc_tiling *t,
                    const int buffers[OPT_KINDS], opt_need *z, acc_error *err)
{
    opt_need_of(s, t, z);
    if (t->tk > (int)ACC_COUNT_MAX || t->tc > (int)ACC_COUNT_MAX)
        return acc_fail(err, "field 'k'/'c': a tile of %d output and %d input channels exceeds %d",
                        t->tk, t->tc, (int)ACC_COUNT_MAX);
    if (t->th > (int)ACC_DIM_MAX || t->tw > (int)ACC_DIM_MAX)
        return acc_fail(err, "field 'oh'/'ow': a %dx%d output tile exceeds %d", t->th, t->tw,
                        (int)ACC_DIM_MAX);
    if (z->vh > (int)ACC_DIM_MAX || z->vw > (int)ACC_DIM_MAX)
        return acc_fail(err, "field 'act_size': a %dx%d input window exceeds %d", z->vh, z->vw,
                        (int)ACC_DIM_MAX);
    if (z->ptop > PAD_MAX || z->pleft > PAD_MAX)
        return acc_fail(err, "field 'pad': %d,%d virtual zero rows/columns exceed %d", z->ptop,
                        z->pleft, PAD_MAX);
    if ((uint64_t)s->W > DRAM_STRIDE_MAX || (uint64_t)s->H * s->W > DRAM_STRIDE_MAX ||
        opt_shape_wgt_stride(s) > DRAM_STRIDE_MAX || 4u * (uint64_t)s->OH * s->OW > DRAM_STRIDE_MAX)
        return acc_fail(err, "field 'dram_stride': a tensor plane exceeds %u bytes",
                        DRAM_STRIDE_MAX);
    if (opt_shape_wgt_planes(s) && s->kh < s->FH && t->tc > 1)
        return acc_fail(err,
                        "field 'c': a filter sliced in rows and columns is loaded one input "
                        "channel per chunk (tc = 1), not %d",
                        t->tc);
    if (opt_shape_wgt_planes(s) && (uint64_t)t->tc * (uint64_t)s->FH > ACC_COUNT_MAX)
        return acc_fail(err,
                        "field 'n': a weight LOAD of %d channels x %d filter rows exceeds %d "
                        "planes",
                        t->tc, s->FH, (int)ACC_COUNT_MAX);
    uint64_t need = opt_need_bytes(z, buffers);
    if (need > cfg->spad_bytes)
        return acc_fail(err, "the tile needs %llu bytes of scratchpad, the configuration has %u",
                        (unsigned long long)need, cfg->spad_bytes);
    if (need > SPAD_FIELD_MAX + 1ull)
        return acc_fail(err,
                        "field 'spad': the buffers need %llu bytes, more than 20-bit "
                        "addresses reach",
                        (unsigned long long)need);
    return 0;
}

int opt_tiling_no_padding_tile(const opt_shape *s, const acc_tiling *t, const opt_need *z,
                               acc_error *err)
{
    if (z->empty_y >= 0) {
        int o0 = opt_tile_start(z->empty_y, t->th);
        int o1 = o0 + opt_tile_size(z->empty_y, t->th, s->OH) - 1;
        if (s->nbh == 1)
            return acc_fail(err,
                            "output rows %d..%d form a tile that reads only zero padding (every "
                            "COMPUTE must read a stored input row); choose another th",
                            o0, o1);
        opt_slice v = opt_shape_slice(s, z->empty_yb * s->nbw);
        return acc_fail(err,
                        "output rows %d..%d read only zero padding through filter rows %d..%d "
                        "(a kernel slice: every COMPUTE must read a stored input row); choose "
                        "another th",
                        o0, o1, v.i0, v.i0 + v.fh - 1);
    }
    if (z->empty_x >= 0) {
        int o0 = opt_tile_start(z->empty_x, t->tw);
        int o1 = o0 + opt_tile_size(z->empty_x, t->tw, s->OW) - 1;
        if (s->nbw == 1)
            return acc_fail(err,
                            "output columns %d..%d form a tile that reads only zero padding "
                            "(every COMPUTE must read a stored input column); choose another tw",
                            o0, o1);
        opt_slice v = opt_shape_slice(s, z->empty_xb);
        return acc_fail(err,
                        "output columns %d..%d read only zero padding through filter columns "
                        "%d..%d (a kernel slice: every COMPUTE must read a stored input "
                        "column); choose another tw",
                        o0, o1, v.j0, v.j0 + v.fw - 1);
    }
    return 0;
}

/* ---------------------------------------------------------- instructions */

/* An instruction's timing facts: engine, duration, and dep[e] = 1-based
 * index of the instruction of engine e it must wait for (0: none).  The
 * instruction itself is kept (in `ins`) only when a program is wanted. */
typedef struct node {
    int64_t dur;
    uint32_t dep[ACC_ENG_COUNT];
    int eng;
} node;

typedef struct node_list {
    node *v;
    acc_instr *ins; /* NULL: timing only */
    size_t n, cap;
    uint32_t count[ACC_ENG_COUNT]; /* instructions per engine so far */
    int keep;                      /* keep the instructions */
    opt_stats st;
} node_list;

/* Duration of an instruction (model_dma_beats counts beats per period of
 * the address pattern, so timing hundreds of thousands of DMAs is cheap). */
static int64_t duration(const acc_instr *in, const acc_config *cfg)
{
    return model_duration(in, cfg);
}

/* Appends a node; returns its 1-based index on its engine. */
static uint32_t node_push(node_list *nl, const acc_config *cfg, const acc_instr *in,
                          const uint32_t dep[ACC_ENG_COUNT])
{
    if (nl->n == nl->cap) {
        nl->cap = nl->cap ? 2 * nl->cap : 256;
        nl->v = acc_realloc(nl->v, nl->cap * sizeof(*nl->v));
        if (nl->keep)
            nl->ins = acc_realloc(nl->ins, nl->cap * sizeof(*nl->ins));
    }
    node *nd = &nl->v[nl->n];
    if (nl->keep)
        nl->ins[nl->n] = *in;
    nl->n++;
    nd->eng = acc_op_engine(in->op);
    assert(nd->eng >= 0);
    nd->dur = duration(in, cfg);
    memcpy(nd->dep, dep, sizeof(nd->dep));
    nl->st.busy[nd->eng] += nd->dur;
    if (in->op != ACC_OP_COMPUTE) {
        uint64_t bytes = (uint64_t)in->u.dma.n0 * in->u.dma.n1 * in->u.dma.n2;
        if (in->op == ACC_OP_LOAD)
            nl->st.dram_read += bytes;
        else
            nl->st.dram_written += bytes;
    }
    return ++nl->count[nd->eng];
}

/* One buffer of one operand kind. */
typedef struct slot {
    uint32_t base;
    int64_t key;       /* block held (-1: none) */
    uint64_t last_use; /* pool clock of the last step that used it (0: never) */
    uint32_t load;     /* load that filled it */
    uint32_t reader;   /* last compute that read it */
    uint32_t store;    /* results: last store that read it */
} slot;

typedef struct pool {
    slot s[OPT_BUFFERS_MAX];
    int n;          /* buffers */
    uint64_t clock; /* steps that used this pool */
} pool;

/* Buffer to use for block `key`: the one holding it (*hit = 1), else the
 * least recently used one (never used first, then the lowest index).  With
 * two buffers that is the one the previous step did not use. */
static int pool_pick(pool *p, int64_t key, int *hit)
{
    int victim = 0;
    for (int i = 0; i < p->n; i++) {
        if (p->s[i].key == key) {
            *hit = 1;
            p->s[i].last_use = ++p->clock;
            return i;
        }
        if (p->s[i].last_use < p->s[victim].last_use)
            victim = i;
    }
    *hit = 0;
    p->s[victim].last_use = ++p->clock;
    return victim;
}

/* The instructions of one step: LOADs of the missing blocks, the COMPUTE. */
typedef struct step_ctx {
    const opt_shape *s;
    const acc_config *cfg;
    const acc_memmap *mm;
    const acc_tiling *t;
    pool *pools;
    node_list *nl;
    int nk, ny, nx, nch;
} step_ctx;

static uint32_t load_act(step_ctx *x, slot *as, int g, int c0, int cn, const opt_window *wy,
                         const opt_window *wx)
{
    const opt_shape *s = x->s;
    acc_instr in;
    uint32_t dep[ACC_ENG_COUNT] = {0, as->reader, 0};
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_LOAD;
    in.u.dma.dram =
        x->mm->x + (uint32_t)((((uint64_t)(g * s->Cg + c0) * s->H + (uint64_t)wy->lo) * s->W) +
                              (uint64_t)wx->lo);
    in.u.dma.spad = as->base;
    in.u.dma.n0 = (uint32_t)wx->n;
    in.u.dma.n1 = (uint32_t)wy->n;
    in.u.dma.n2 = (uint32_t)cn;
    in.u.dma.dram_s1 = (uint32_t)s->W;
    in.u.dma.dram_s2 = (uint32_t)s->H * (uint32_t)s->W;
    in.u.dma.spad_s1 = (uint32_t)wx->n;
    in.u.dma.spad_s2 = (uint32_t)(wx->n * wy->n);
    x->nl->st.loads[0]++;
    return node_push(x->nl, x->cfg, &in, dep);
}

/* The weights of slice v for chunk [c0, c0+cn) and k-tile [k0, k0+kn),
 * dense [c][i'][j'][k] in the buffer. */
static uint32_t load_wgt(step_ctx *x, slot *ws, int c0, int cn, int k0, int kn, const opt_slice *v)
{
    const opt_shape *s = x->s;
    const uint64_t K = (uint64_t)s->K;
    acc_instr in;
    uint32_t dep[ACC_ENG_COUNT] = {0, ws->reader, 0};
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_LOAD;
    /* the first tap (c0, i0, j0) of the slice, K filters per tap */
    const uint64_t tap0 =
        ((uint64_t)c0 * (uint64_t)s->FH + (uint64_t)v->i0) * (uint64_t)s->FW + (uint64_t)v->j0;
    in.u.dma.dram = x->mm->w + (uint32_t)(tap0 * K + (uint64_t)k0);
    in.u.dma.spad = ws->base;
    in.u.dma.n0 = (uint32_t)kn;
    in.u.dma.dram_s1 = (uint32_t)K;
    in.u.dma.dram_s2 = (uint32_t)opt_shape_wgt_stride(s);
    in.u.dma.spad_s1 = (uint32_t)kn;
    if (!opt_shape_wgt_planes(s)) {
        /* whole filter rows: each channel's taps are one run of rows */
        const uint32_t taps = (uint32_t)(v->fh * s->FW);
        in.u.dma.n1 = taps;
        in.u.dma.n2 = (uint32_t)cn;
        in.u.dma.spad_s2 = taps * (uint32_t)kn;
    } else {
        /* one plane per (channel, filter row): every row when only columns
         * are sliced, the slice's rows of one channel when both are */
        in.u.dma.n1 = (uint32_t)v->fw;
        in.u.dma.n2 = (uint32_t)(cn * v->fh);
        in.u.dma.spad_s2 = (uint32_t)(v->fw * kn);
    }
    x->nl->st.loads[1]++;
    return node_push(x->nl, x->cfg, &in, dep);
}

/* One tile (group g, tiles kt, yt, xt): its steps (chunk, slice) and its
 * STORE. */
static void gen_tile(step_ctx *x, int g, int kt, int yt, int xt, slot *os)
{
    const opt_shape *s = x->s;
    const acc_tiling *t = x->t;
    const int k0 = g * s->Kg + opt_tile_start(kt, t->tk);
    const int kn = opt_tile_size(kt, t->tk, s->Kg);
    const int oy0 = opt_tile_start(yt, t->th), ohn = opt_tile_size(yt, t->th, s->OH);
    const int ox0 = opt_tile_start(xt, t->tw), own = opt_tile_size(xt, t->tw, s->OW);
    const int flat = opt_tile_flat(s, x->cfg, ox0, own);
    uint32_t last_cp = 0;
    for (int ch = 0; ch < x->nch; ch++) {
        const int c0 = opt_tile_start(ch, t->tc), cn = opt_tile_size(ch, t->tc, s->Cg);
        for (int sl = 0; sl < s->ns; sl++) {
            const opt_slice v = opt_shape_slice(s, sl);
            const opt_window wy = opt_slice_window(s, OPT_AXIS_Y, oy0, ohn, sl / s->nbw);
            const opt_window wx = opt_slice_window(s, OPT_AXIS_X, ox0, own, sl % s->nbw);
            const int first = ch == 0 && sl == 0;
            int hit;

            /* activations: block (group, y, x, chunk, slice) */
            pool *pa = &x->pools[OPT_ACT];
            int64_t akey = ((((int64_t)g * x->ny + yt) * x->nx + xt) * x->nch + ch) * s->ns + sl;
            slot *as = &pa->s[pool_pick(pa, akey, &hit)];
            if (!hit) {
                as->load = load_act(x, as, g, c0, cn, &wy, &wx);
                as->key = akey;
            }

            /* weights: block (group, k-tile, chunk, slice) */
            pool *pw = &x->pools[OPT_WGT];
            int64_t wkey = (((int64_t)g * x->nk + kt) * x->nch + ch) * s->ns + sl;
            slot *ws = &pw->s[pool_pick(pw, wkey, &hit)];
            if (!hit) {
                ws->load = load_wgt(x, ws, c0, cn, k0, kn, &v);
                ws->key = wkey;
            }

            /* compute: the first step overwrites the result buffer, so it
             * waits for the store that read it; every later one accumulates */
            acc_instr in;
            uint32_t dep[ACC_ENG_COUNT] = {0, 0, 0};
            memset(&in, 0, sizeof(in));
            in.op = ACC_OP_COMPUTE;
            acc_compute *cp = &in.u.cp;
            cp->act = as->base;
            cp->wgt = ws->base;
            cp->out = os->base;
            cp->fh = (uint32_t)v.fh;
            cp->fw = (uint32_t)v.fw;
            cp->sh = (uint32_t)s->SH;
            cp->sw = (uint32_t)s->SW;
            cp->dh = (uint32_t)s->DH;
            cp->dw = (uint32_t)s->DW;
            cp->tc = (uint32_t)cn;
            cp->tk = (uint32_t)kn;
            cp->th = (uint32_t)ohn;
            cp->tw = (uint32_t)own;
            cp->act_ph = (uint32_t)wx.n;
            cp->act_pc = (uint32_t)(wx.n * wy.n);
            cp->vh = (uint32_t)wy.n;
            cp->vw = (uint32_t)wx.n;
            cp->ptop = (uint32_t)wy.pad;
            cp->pleft = (uint32_t)wx.pad;
            cp->acc = !first;
            cp->flat = flat;
            dep[ACC_ENG_LD] = as->load > ws->load ? as->load : ws->load;
            if (first)
                dep[ACC_ENG_ST] = os->store;
            last_cp = node_push(x->nl, x->cfg, &in, dep);
            as->reader = last_cp;
            ws->reader = last_cp;
        }
    }

    /* store the finished tile */
    uint32_t dep[ACC_ENG_COUNT] = {0, last_cp, 0};
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_STORE;
    in.u.dma.dram =
        x->mm->y +
        (uint32_t)(4u * (((uint64_t)k0 * s->OH + (uint64_t)oy0) * s->OW + (uint64_t)ox0));
    in.u.dma.spad = os->base;
    in.u.dma.n0 = 4u * (uint32_t)own;
    in.u.dma.n1 = (uint32_t)ohn;
    in.u.dma.n2 = (uint32_t)kn;
    in.u.dma.dram_s1 = 4u * (uint32_t)s->OW;
    in.u.dma.dram_s2 = 4u * (uint32_t)s->OH * (uint32_t)s->OW;
    in.u.dma.spad_s1 = 4u * (uint32_t)own;
    in.u.dma.spad_s2 = 4u * (uint32_t)own * (uint32_t)ohn;
    os->store = node_push(x->nl, x->cfg, &in, dep);
}

/* Generates the loop nest's instructions with their dependencies. */
static void gen_nodes(const opt_shape *s, const acc_config *cfg, const acc_memmap *mm,
                      const opt_choice *c, const opt_need *z, node_list *nl)
{
    pool pools[OPT_KINDS];
    uint32_t base = 0;
    for (int k = 0; k < OPT_KINDS; k++) {
        memset(&pools[k], 0, sizeof(pools[k]));
        pools[k].n = c->buffers[k];
        for (int i = 0; i < c->buffers[k]; i++) {
            pools[k].s[i].base = base;
            pools[k].s[i].key = -1;
            base += (uint32_t)z->bytes[k];
        }
    }
    const acc_tiling *t = &c->t;
    step_ctx x = {s,
                  cfg,
                  mm,
                  t,
                  pools,
                  nl,
                  (int)acc_ceil_div(s->Kg, t->tk),
                  (int)acc_ceil_div(s->OH, t->th),
                  (int)acc_ceil_div(s->OW, t->tw),
                  (int)acc_ceil_div(s->Cg, t->tc)};
    const int trips[OPT_LOOPS] = {x.nk, x.ny, x.nx};
    const int *lp = order_loops[c->order];
    int idx[OPT_LOOPS];
    int64_t tile_index = 0;
    for (int g = 0; g < s->G; g++) {
        for (idx[lp[0]] = 0; idx[lp[0]] < trips[lp[0]]; idx[lp[0]]++) {
            for (idx[lp[1]] = 0; idx[lp[1]] < trips[lp[1]]; idx[lp[1]]++) {
                for (idx[lp[2]] = 0; idx[lp[2]] < trips[lp[2]]; idx[lp[2]]++) {
                    pool *po = &pools[OPT_OUT];
                    slot *os = &po->s[tile_index % po->n];
                    gen_tile(&x, g, idx[OPT_DIM_K], idx[OPT_DIM_Y], idx[OPT_DIM_X], os);
                    tile_index++;
                }
            }
        }
    }
}

static void push_end(acc_program *out)
{
    acc_instr end;
    memset(&end, 0, sizeof(end));
    end.op = ACC_OP_END;
    acc_program_push(out, &end);
}

/* serial: loop order; each instruction waits for the one before it.
 * Returns the makespan (the issue rule evaluated on the fly). */
static int64_t emit_serial(const node_list *nl, const acc_config *cfg, acc_program *out)
{
    uint32_t done[ACC_ENG_COUNT] = {0, 0, 0};
    int prev = -1;
    int64_t end = model_first_issue(cfg); /* the first instruction issues at s_0 */
    for (size_t i = 0; i < nl->n; i++) {
        if (out) {
            acc_instr in = nl->ins[i];
            memset(in.wait, 0, sizeof(in.wait));
            if (prev >= 0)
                in.wait[prev] = done[prev];
            acc_program_push(out, &in);
        }
        prev = nl->v[i].eng;
        done[prev]++;
        end += nl->v[i].dur; /* issues when the one before has ended */
    }
    if (out)
        push_end(out);
    return end + 1;
}

/* Merges the three per-engine sequences, each time taking the instruction
 * (among the engines' next ones whose dependencies are already in the
 * stream) that the issue rule lets issue first; ties go to compute, then
 * load, then store. */
static int64_t emit_greedy(const node_list *nl, const acc_config *cfg, acc_program *out)
{
    size_t *seq[ACC_ENG_COUNT];
    size_t len[ACC_ENG_COUNT] = {0, 0, 0}, head[ACC_ENG_COUNT] = {0, 0, 0};
    int64_t *ends[ACC_ENG_COUNT]; /* ends[e][n]: end cycle of engine e's n-th instruction */
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        seq[e] = acc_malloc(((size_t)nl->count[e] + 1) * sizeof(size_t));
        ends[e] = acc_calloc((size_t)nl->count[e] + 1, sizeof(int64_t));
    }
    for (size_t i = 0; i < nl->n; i++) {
        int e = nl->v[i].eng;
        seq[e][len[e]++] = i;
    }
    int64_t prev_issue = model_first_issue(cfg) - 1;
    static const int pref[ACC_ENG_COUNT] = {ACC_ENG_CP, ACC_ENG_LD, ACC_ENG_ST};
    for (size_t emitted = 0; emitted < nl->n; emitted++) {
        int best = -1;
        int64_t best_s = 0;
        for (int oi = 0; oi < ACC_ENG_COUNT; oi++) {
            int e = pref[oi];
            if (head[e] == len[e])
                continue;
            const node *nd = &nl->v[seq[e][head[e]]];
            int64_t s = prev_issue + 1;
            if (head[e] > 0)
                s = acc_max64(s, ends[e][head[e]]);
            int ready = 1;
            for (int x = 0; x < ACC_ENG_COUNT; x++) {
                if (nd->dep[x] == 0)
                    continue;
                if (nd->dep[x] > head[x]) {
                    ready = 0;
                    break;
                }
                s = acc_max64(s, ends[x][nd->dep[x]]);
            }
            if (ready && (best < 0 || s < best_s)) {
                best = e;
                best_s = s;
            }
        }
        assert(best >= 0); /* dependencies point to earlier steps: never stuck */
        size_t i = seq[best][head[best]];
        if (out) {
            acc_instr in = nl->ins[i];
            memcpy(in.wait, nl->v[i].dep, sizeof(in.wait));
            acc_program_push(out, &in);
        }
        head[best]++;
        ends[best][head[best]] = best_s + nl->v[i].dur;
        prev_issue = best_s;
    }
    if (out)
        push_end(out);
    int64_t end_issue = prev_issue + 1; /* END: after every engine's last instruction */
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        end_issue = acc_max64(end_issue, ends[e][len[e]]);
        free(seq[e]);
        free(ends[e]);
    }
    return end_issue + 1;
}

/* Debug check of a finished program: every field in range, and the makespan
 * computed while emitting equals the model's. */
static void check_program(const acc_program *p, const acc_config *cfg, int64_t makespan)
{
#ifndef NDEBUG
    for (int i = 0; i < p->count; i++)
        assert(acc_instr_check(&p->ins[i], NULL) == 0);
    model_timing tm;
    int rc = model_run(p, cfg, &tm, NULL);
    assert(rc == 0 && tm.makespan == makespan);
    model_timing_free(&tm);
#else
    (void)p;
    (void)cfg;
    (void)makespan;
#endif
}

int64_t opt_build(const opt_shape *s, const acc_config *cfg, const acc_memmap *mm,
                  const opt_choice *c, acc_program *out, opt_stats *st, acc_error *err)
{
    ACC_REQUIRE(s != NULL && cfg != NULL && mm != NULL && c != NULL);
    ACC_REQUIRE(c->order >= 0 && c->order < OPT_ORDER_COUNT);
    for (int k = 0; k < OPT_KINDS; k++)
        ACC_REQUIRE(c->buffers[k] >= 1 && c->buffers[k] <= OPT_BUFFERS_MAX);
    opt_need z;
    ACC_REQUIRE(opt_tiling_fits(s, cfg, &c->t, c->buffers, &z, NULL) == 0);
    node_list nl;
    memset(&nl, 0, sizeof(nl));
    nl.keep = out != NULL;
    gen_nodes(s, cfg, mm, c, &z, &nl);
    memcpy(nl.st.count, nl.count, sizeof(nl.count));
    if (st)
        *st = nl.st;
    static const char *const eng_names[ACC_ENG_COUNT] = {"load", "compute", "store"};
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        if (nl.count[e] > ACC_WAIT_MAX) {
            free(nl.v);
            free(nl.ins);
            return acc_fail(err,
                            "field 'wait': the tiling needs %u %s instructions, more than "
                            "the %u a wait can count",
                            nl.count[e], eng_names[e], ACC_WAIT_MAX);
        }
    }
    if (out)
        acc_program_init(out);
    int64_t makespan = c->serial ? emit_serial(&nl, cfg, out) : emit_greedy(&nl, cfg, out);
    free(nl.v);
    free(nl.ins);
    if (out)
        check_program(out, cfg, makespan);
    return makespan;
}
