/* baseline.c - the baseline planners "serial" and "double" (docs/planner.md).
 *
 * Both walk the same loop nest, k-tile / oy-tile / ox-tile / channel chunk
 * (outer to inner), and keep an operand block resident when a later step
 * needs a block that is still in one of its buffers.  They differ in the
 * number of buffers per operand kind and in how the stream is ordered:
 *
 *   serial  one buffer per kind; instructions in loop order, each waiting for
 *           the one before it, so no two instructions overlap;
 *   double  two buffers per kind (or one, for a kind where that is faster or
 *           the only thing that fits); the per-engine instruction sequences
 *           are merged into one stream greedily, always taking the
 *           instruction that can issue first under the issue rule.
 *
 * A tiling is chosen by estimating every candidate in a coarse set from
 * closed-form engine busy times, then generating the most promising few,
 * timing them exactly under the issue rule (the same figures as model_run,
 * which checks the chosen program in debug builds) and keeping the
 * shortest. */
#include "baseline.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

enum { KIND_ACT = 0, KIND_WGT = 1, KIND_OUT = 2, KIND_COUNT = 3 };

#define PAD_MAX 15                        /* ptop, pleft */
#define DIM_MAX 1023                      /* th, tw, vh, vw, act_ph */
#define COUNT_MAX 4095                    /* tc, tk, n0, n1, n2 */
#define DRAM_STRIDE_MAX ((1u << 24) - 1u) /* dram_s1, dram_s2 */
#define SPAD_FIELD_MAX ((1u << 20) - 1u)  /* addresses, spad strides, act_pc */
#define EXACT_CANDIDATES 8                /* candidates generated and timed exactly */
#define EXACT_INSTR_BUDGET 1000000.0      /* instructions generated while searching */

/* ------------------------------------------------------------------ shape */

typedef struct shape {
    int C, H, W, K, G, Cg, Kg;
    int FH, FW, SH, SW, DH, DW, PT, PL;
    int OH, OW;
    /* real_y[o] = number of output rows before o that read at least one
     * real input row (not padding); real_x likewise for columns */
    int *real_y, *real_x;
} shape;

static int *real_prefix(int out, int stride, int filter, int dil, int padb, int in)
{
    int *p = acc_malloc(((size_t)out + 1) * sizeof(int));
    p[0] = 0;
    for (int o = 0; o < out; o++) {
        int real = 0;
        for (int i = 0; i < filter && !real; i++) {
            int64_t r = (int64_t)o * stride + (int64_t)i * dil - padb;
            real = r >= 0 && r < in;
        }
        p[o + 1] = p[o] + real;
    }
    return p;
}

static void shape_free(shape *s)
{
    free(s->real_y);
    free(s->real_x);
}

/* Fills *s from a checked layer; free with shape_free. */
static void shape_of(const acc_layer *l, shape *s)
{
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
    s->real_y = real_prefix(s->OH, s->SH, s->FH, s->DH, s->PT, s->H);
    s->real_x = real_prefix(s->OW, s->SW, s->FW, s->DW, s->PL, s->W);
}

/* The input rows (or columns) that output rows [o0, o0+on) read, clipped to
 * the real input [0, in): stored from `lo`, `n` of them, after `pad` virtual
 * zeros.  When every needed row lies in the padding, one real row is stored
 * past the end of the window (pad = window span) so that it is never read. */
typedef struct window {
    int lo, n, pad;
} window;

static window input_window(int o0, int on, int stride, int filter, int dil, int padb, int in)
{
    int64_t r0 = (int64_t)o0 * stride - padb;
    int64_t r1 = (int64_t)(o0 + on - 1) * stride + (int64_t)(filter - 1) * dil - padb;
    int64_t a = acc_max64(r0, 0), b = acc_min64(r1, (int64_t)in - 1);
    window w;
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

/* Tile `i` of size t over an extent: start and size. */
static int tile_start(int i, int t)
{
    return i * t;
}
static int tile_size(int i, int t, int extent)
{
    return (int)acc_min64(t, extent - (int64_t)i * t);
}

/* Largest stored window and largest virtual padding over all tiles of one
 * output dimension, and the first tile (if any) that reads only padding
 * (*empty = its index, else -1; `real` as in shape). */
static void dim_scan(int out, int t, int stride, int filter, int dil, int padb, int in,
                     const int *real, int *vmax, int *padmax, int *empty)
{
    int n = (int)acc_ceil_div(out, t);
    *vmax = 0;
    *padmax = 0;
    *empty = -1;
    for (int i = 0; i < n; i++) {
        int o0 = tile_start(i, t), on = tile_size(i, t, out);
        window w = input_window(o0, on, stride, filter, dil, padb, in);
        if (w.n > *vmax)
            *vmax = w.n;
        if (w.pad > *padmax)
            *padmax = w.pad;
        if (*empty < 0 && real[o0 + on] == real[o0])
            *empty = i;
    }
}

/* Buffer sizes of a tiling (each rounded to 4 bytes so int32 results stay
 * aligned) and the largest window / padding its tiles need. */
typedef struct tile_need {
    uint64_t bytes[KIND_COUNT];
    int vh, vw, ptop, pleft;
    int empty_y, empty_x; /* first tile reading only padding, or -1 */
} tile_need;

static void tile_need_of(const shape *s, const acc_tiling *t, tile_need *z)
{
    dim_scan(s->OH, t->th, s->SH, s->FH, s->DH, s->PT, s->H, s->real_y, &z->vh, &z->ptop,
             &z->empty_y);
    dim_scan(s->OW, t->tw, s->SW, s->FW, s->DW, s->PL, s->W, s->real_x, &z->vw, &z->pleft,
             &z->empty_x);
    z->bytes[KIND_ACT] = acc_align_up((uint64_t)t->tc * (uint64_t)z->vh * (uint64_t)z->vw, 4);
    z->bytes[KIND_WGT] =
        acc_align_up((uint64_t)t->tc * (uint64_t)s->FH * (uint64_t)s->FW * (uint64_t)t->tk, 4);
    z->bytes[KIND_OUT] = 4u * (uint64_t)t->tk * (uint64_t)t->th * (uint64_t)t->tw;
}

static uint64_t need_bytes(const tile_need *z, const int slots[KIND_COUNT])
{
    uint64_t b = 0;
    for (int k = 0; k < KIND_COUNT; k++)
        b += (uint64_t)slots[k] * z->bytes[k];
    return b;
}

uint64_t acc_tiling_bytes(const acc_layer *l, const acc_tiling *t, int buffers)
{
    ACC_REQUIRE(l != NULL && t != NULL);
    ACC_REQUIRE(buffers == 1 || buffers == 2);
    ACC_REQUIRE(t->tk >= 1 && t->th >= 1 && t->tw >= 1 && t->tc >= 1);
    ACC_REQUIRE(acc_layer_check(l, NULL) == 0);
    shape s;
    shape_of(l, &s);
    tile_need z;
    tile_need_of(&s, t, &z);
    const int slots[KIND_COUNT] = {buffers, buffers, buffers};
    shape_free(&s);
    return need_bytes(&z, slots);
}

/* Checks that every instruction a tiling generates fits the ISA's fields
 * (the layer's own fields were checked by acc_layer_check) and that its
 * buffers fit the scratchpad.  Returns 0 or -1 with err saying why (without
 * the "layer ... cannot run" prefix, which callers add). */
static int tiling_fits(const shape *s, const acc_config *cfg, const acc_tiling *t,
                       const int slots[KIND_COUNT], tile_need *z, acc_error *err)
{
    tile_need_of(s, t, z);
    if (t->tk > COUNT_MAX || t->tc > COUNT_MAX)
        return acc_fail(err, "field 'k'/'c': a tile of %d output and %d input channels exceeds %d",
                        t->tk, t->tc, COUNT_MAX);
    if (t->th > DIM_MAX || t->tw > DIM_MAX)
        return acc_fail(err, "field 'oh'/'ow': a %dx%d output tile exceeds %d", t->th, t->tw,
                        DIM_MAX);
    if (z->vh > DIM_MAX || z->vw > DIM_MAX)
        return acc_fail(err, "field 'act_size': a %dx%d input window exceeds %d", z->vh, z->vw,
                        DIM_MAX);
    if (z->ptop > PAD_MAX || z->pleft > PAD_MAX)
        return acc_fail(err, "field 'pad': %d,%d virtual zero rows/columns exceed %d", z->ptop,
                        z->pleft, PAD_MAX);
    if ((uint64_t)s->W > DRAM_STRIDE_MAX || (uint64_t)s->H * s->W > DRAM_STRIDE_MAX ||
        (uint64_t)s->K * s->FH * s->FW > DRAM_STRIDE_MAX ||
        4u * (uint64_t)s->OH * s->OW > DRAM_STRIDE_MAX)
        return acc_fail(err, "field 'dram_stride': a tensor plane exceeds %u bytes",
                        DRAM_STRIDE_MAX);
    uint64_t need = need_bytes(z, slots);
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

/* A tile whose outputs read only zero padding (possible when the padding is
 * wider than the filter's reach) would need a COMPUTE that reads no stored
 * row or column; the validator cannot place such a tile in the layer, so
 * tilings that have one are not used.  Returns 0 or -1 with err. */
static int tiling_has_no_padding_tile(const shape *s, const acc_tiling *t, const tile_need *z,
                                      acc_error *err)
{
    if (z->empty_y >= 0) {
        int o0 = tile_start(z->empty_y, t->th);
        return acc_fail(err,
                        "output rows %d..%d form a tile that reads only zero padding (every "
                        "COMPUTE must read a stored input row); choose another th",
                        o0, o0 + tile_size(z->empty_y, t->th, s->OH) - 1);
    }
    if (z->empty_x >= 0) {
        int o0 = tile_start(z->empty_x, t->tw);
        return acc_fail(err,
                        "output columns %d..%d form a tile that reads only zero padding "
                        "(every COMPUTE must read a stored input column); choose another tw",
                        o0, o0 + tile_size(z->empty_x, t->tw, s->OW) - 1);
    }
    return 0;
}

/* ---------------------------------------------------------- instructions */

/* An instruction with its dependencies: dep[e] = 1-based index of the
 * instruction of engine e it must wait for (0: none). */
typedef struct node {
    acc_instr in;
    int eng;
    int64_t dur; /* model_duration */
    uint32_t dep[ACC_ENG_COUNT];
} node;

typedef struct node_list {
    node *v;
    size_t n, cap;
    uint32_t count[ACC_ENG_COUNT]; /* instructions per engine so far */
} node_list;

/* Beats of the rows a_r = a + r*stride, r < rows, each n0 bytes long:
 * sum of ceil((a_r mod DW + n0) / DW).  a_r mod DW repeats with period
 * DW / gcd(stride mod DW, DW), so one period is summed and scaled. */
static int64_t row_run_beats(uint64_t a, uint64_t stride, uint64_t rows, uint64_t n0, uint64_t dw)
{
    uint64_t sm = stride % dw, g = dw;
    for (uint64_t x = sm; x != 0;) { /* g = gcd(sm, dw) */
        uint64_t r = g % x;
        g = x;
        x = r;
    }
    uint64_t period = dw / g;
    int64_t one = 0, part = 0;
    uint64_t rem = rows % period, full = rows / period;
    for (uint64_t r = 0; r < period && r < rows; r++) {
        int64_t b = (int64_t)(((a + r * sm) % dw + n0 + dw - 1) / dw);
        one += b;
        if (r < rem)
            part += b;
    }
    return rows < period ? one : (int64_t)full * one + part;
}

/* model_dma_beats, computed per period of the address pattern instead of per
 * row (the planner times hundreds of thousands of DMAs while searching).  The
 * finished program is checked against model_run in debug builds. */
static int64_t dma_beats(const acc_dma *d, uint64_t dw)
{
    uint64_t s2 = d->dram_s2 % dw, g = dw;
    for (uint64_t x = s2; x != 0;) {
        uint64_t r = g % x;
        g = x;
        x = r;
    }
    uint64_t period = dw / g, planes = d->n2;
    int64_t one = 0, part = 0;
    uint64_t rem = planes % period, full = planes / period;
    for (uint64_t p = 0; p < period && p < planes; p++) {
        int64_t b = row_run_beats(d->dram + p * s2, d->dram_s1, d->n1, d->n0, dw);
        one += b;
        if (p < rem)
            part += b;
    }
    return planes < period ? one : (int64_t)full * one + part;
}

/* Duration of an instruction: model_duration with the fast beat count. */
static int64_t duration(const acc_instr *in, const acc_config *cfg)
{
    if (in->op == ACC_OP_LOAD)
        return cfg->read_latency + dma_beats(&in->u.dma, (uint64_t)cfg->axi_bytes) + 2;
    if (in->op == ACC_OP_STORE)
        return cfg->write_latency + dma_beats(&in->u.dma, (uint64_t)cfg->axi_bytes) + 2;
    return model_duration(in, cfg);
}

/* Appends a node; returns its 1-based index on its engine. */
static uint32_t node_push(node_list *nl, const acc_config *cfg, const acc_instr *in,
                          const uint32_t dep[ACC_ENG_COUNT])
{
    if (nl->n == nl->cap) {
        nl->cap = nl->cap ? 2 * nl->cap : 256;
        nl->v = acc_realloc(nl->v, nl->cap * sizeof(*nl->v));
    }
    node *nd = &nl->v[nl->n++];
    nd->in = *in;
    nd->eng = acc_op_engine(in->op);
    assert(nd->eng >= 0);
    nd->dur = duration(in, cfg);
    assert(in->op == ACC_OP_COMPUTE || nl->n % 997 != 1 || nd->dur == model_duration(in, cfg));
    memcpy(nd->dep, dep, sizeof(nd->dep));
    return ++nl->count[nd->eng];
}

/* One buffer of one operand kind. */
typedef struct slot {
    uint32_t base;
    int64_t key;     /* block held (-1: none) */
    uint32_t load;   /* load that filled it */
    uint32_t reader; /* last compute that read it */
    uint32_t store;  /* results: last store that read it */
} slot;

typedef struct pool {
    slot s[2];
    int n;    /* buffers: 1 or 2 */
    int last; /* buffer used by the previous step */
} pool;

/* Buffer to use for block `key`: the one holding it (*hit = 1), else the one
 * the previous step did not use. */
static int pool_pick(pool *p, int64_t key, int *hit)
{
    for (int i = 0; i < p->n; i++) {
        if (p->s[i].key == key) {
            *hit = 1;
            return i;
        }
    }
    *hit = 0;
    return p->n == 1 ? 0 : 1 - p->last;
}

/* Generates the loop nest's instructions with their dependencies. */
static void gen_nodes(const shape *s, const acc_config *cfg, const acc_memmap *mm,
                      const acc_tiling *t, const tile_need *z, const int slots[KIND_COUNT],
                      node_list *nl)
{
    pool pools[KIND_COUNT];
    uint32_t base = 0;
    for (int k = 0; k < KIND_COUNT; k++) {
        memset(&pools[k], 0, sizeof(pools[k]));
        pools[k].n = slots[k];
        pools[k].last = slots[k] - 1; /* the first block goes to buffer 0 */
        for (int i = 0; i < slots[k]; i++) {
            pools[k].s[i].base = base;
            pools[k].s[i].key = -1;
            base += (uint32_t)z->bytes[k];
        }
    }
    const int nk = (int)acc_ceil_div(s->Kg, t->tk);
    const int ny = (int)acc_ceil_div(s->OH, t->th);
    const int nx = (int)acc_ceil_div(s->OW, t->tw);
    const int nch = (int)acc_ceil_div(s->Cg, t->tc);
    const uint32_t taps = (uint32_t)(s->FH * s->FW);
    int64_t tile_index = 0;

    for (int g = 0; g < s->G; g++) {
        for (int kt = 0; kt < nk; kt++) {
            const int k0 = g * s->Kg + tile_start(kt, t->tk);
            const int kn = tile_size(kt, t->tk, s->Kg);
            for (int yt = 0; yt < ny; yt++) {
                const int oy0 = tile_start(yt, t->th), ohn = tile_size(yt, t->th, s->OH);
                const window wy = input_window(oy0, ohn, s->SH, s->FH, s->DH, s->PT, s->H);
                for (int xt = 0; xt < nx; xt++) {
                    const int ox0 = tile_start(xt, t->tw), own = tile_size(xt, t->tw, s->OW);
                    const window wx = input_window(ox0, own, s->SW, s->FW, s->DW, s->PL, s->W);
                    pool *po = &pools[KIND_OUT];
                    slot *os = &po->s[tile_index % po->n];
                    uint32_t last_cp = 0;
                    for (int ch = 0; ch < nch; ch++) {
                        const int c0 = tile_start(ch, t->tc), cn = tile_size(ch, t->tc, s->Cg);
                        uint32_t dep[ACC_ENG_COUNT];
                        acc_instr in;
                        int hit;

                        /* activations: block (group, y, x, chunk) */
                        pool *pa = &pools[KIND_ACT];
                        int64_t akey = (((int64_t)g * ny + yt) * nx + xt) * nch + ch;
                        int ai = pool_pick(pa, akey, &hit);
                        slot *as = &pa->s[ai];
                        if (!hit) {
                            memset(&in, 0, sizeof(in));
                            memset(dep, 0, sizeof(dep));
                            in.op = ACC_OP_LOAD;
                            in.u.dma.dram =
                                mm->x +
                                (uint32_t)((((uint64_t)(g * s->Cg + c0) * s->H + (uint64_t)wy.lo) *
                                            s->W) +
                                           (uint64_t)wx.lo);
                            in.u.dma.spad = as->base;
                            in.u.dma.n0 = (uint32_t)wx.n;
                            in.u.dma.n1 = (uint32_t)wy.n;
                            in.u.dma.n2 = (uint32_t)cn;
                            in.u.dma.dram_s1 = (uint32_t)s->W;
                            in.u.dma.dram_s2 = (uint32_t)s->H * (uint32_t)s->W;
                            in.u.dma.spad_s1 = (uint32_t)wx.n;
                            in.u.dma.spad_s2 = (uint32_t)(wx.n * wy.n);
                            dep[ACC_ENG_CP] = as->reader;
                            as->load = node_push(nl, cfg, &in, dep);
                            as->key = akey;
                        }
                        pa->last = ai;

                        /* weights: block (k-tile, chunk) */
                        pool *pw = &pools[KIND_WGT];
                        int64_t wkey = ((int64_t)g * nk + kt) * nch + ch;
                        int wi = pool_pick(pw, wkey, &hit);
                        slot *ws = &pw->s[wi];
                        if (!hit) {
                            memset(&in, 0, sizeof(in));
                            memset(dep, 0, sizeof(dep));
                            in.op = ACC_OP_LOAD;
                            in.u.dma.dram =
                                mm->w +
                                (uint32_t)((uint64_t)c0 * taps * (uint64_t)s->K + (uint64_t)k0);
                            in.u.dma.spad = ws->base;
                            in.u.dma.n0 = (uint32_t)kn;
                            in.u.dma.n1 = taps;
                            in.u.dma.n2 = (uint32_t)cn;
                            in.u.dma.dram_s1 = (uint32_t)s->K;
                            in.u.dma.dram_s2 = taps * (uint32_t)s->K;
                            in.u.dma.spad_s1 = (uint32_t)kn;
                            in.u.dma.spad_s2 = taps * (uint32_t)kn;
                            dep[ACC_ENG_CP] = ws->reader;
                            ws->load = node_push(nl, cfg, &in, dep);
                            ws->key = wkey;
                        }
                        pw->last = wi;

                        /* compute: the first chunk overwrites the result
                         * buffer, so it waits for the store that read it */
                        memset(&in, 0, sizeof(in));
                        memset(dep, 0, sizeof(dep));
                        in.op = ACC_OP_COMPUTE;
                        acc_compute *cp = &in.u.cp;
                        cp->act = as->base;
                        cp->wgt = ws->base;
                        cp->out = os->base;
                        cp->fh = (uint32_t)s->FH;
                        cp->fw = (uint32_t)s->FW;
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
                        cp->acc = ch > 0;
                        dep[ACC_ENG_LD] = as->load > ws->load ? as->load : ws->load;
                        if (ch == 0)
                            dep[ACC_ENG_ST] = os->store;
                        last_cp = node_push(nl, cfg, &in, dep);
                        as->reader = last_cp;
                        ws->reader = last_cp;
                    }

                    /* store the finished tile */
                    uint32_t dep[ACC_ENG_COUNT] = {0, last_cp, 0};
                    acc_instr in;
                    memset(&in, 0, sizeof(in));
                    in.op = ACC_OP_STORE;
                    in.u.dma.dram =
                        mm->y + (uint32_t)(4u * (((uint64_t)k0 * s->OH + (uint64_t)oy0) * s->OW +
                                                 (uint64_t)ox0));
                    in.u.dma.spad = os->base;
                    in.u.dma.n0 = 4u * (uint32_t)own;
                    in.u.dma.n1 = (uint32_t)ohn;
                    in.u.dma.n2 = (uint32_t)kn;
                    in.u.dma.dram_s1 = 4u * (uint32_t)s->OW;
                    in.u.dma.dram_s2 = 4u * (uint32_t)s->OH * (uint32_t)s->OW;
                    in.u.dma.spad_s1 = 4u * (uint32_t)own;
                    in.u.dma.spad_s2 = 4u * (uint32_t)own * (uint32_t)ohn;
                    os->store = node_push(nl, cfg, &in, dep);
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
        acc_instr in = nl->v[i].in;
        memset(in.wait, 0, sizeof(in.wait));
        if (prev >= 0)
            in.wait[prev] = done[prev];
        acc_program_push(out, &in);
        prev = nl->v[i].eng;
        done[prev]++;
        end += nl->v[i].dur; /* issues when the one before has ended */
    }
    push_end(out);
    return end + 1;
}

/* double: merges the three per-engine sequences, each step taking the
 * instruction (among the engines' next ones whose dependencies are already
 * in the stream) that the issue rule lets issue first; ties go to compute,
 * then load, then store. */
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
    static const int order[ACC_ENG_COUNT] = {ACC_ENG_CP, ACC_ENG_LD, ACC_ENG_ST};
    for (size_t emitted = 0; emitted < nl->n; emitted++) {
        int best = -1;
        int64_t best_s = 0;
        for (int oi = 0; oi < ACC_ENG_COUNT; oi++) {
            int e = order[oi];
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
        const node *nd = &nl->v[seq[best][head[best]]];
        acc_instr in = nd->in;
        memcpy(in.wait, nd->dep, sizeof(in.wait));
        acc_program_push(out, &in);
        head[best]++;
        ends[best][head[best]] = best_s + nd->dur;
        prev_issue = best_s;
    }
    push_end(out);
    int64_t end_issue = prev_issue + 1; /* END: after every engine's last instruction */
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        end_issue = acc_max64(end_issue, ends[e][len[e]]);
        free(seq[e]);
        free(ends[e]);
    }
    return end_issue + 1;
}

/* Builds the program of one tiling and buffer choice and returns its
 * makespan, or -1 (with err) when an engine would need more instructions
 * than a wait field can count. */
static int64_t build(const shape *s, const acc_config *cfg, const acc_memmap *mm,
                     const acc_tiling *t, const tile_need *z, const int slots[KIND_COUNT],
                     int serial, acc_program *out, acc_error *err)
{
    node_list nl;
    memset(&nl, 0, sizeof(nl));
    gen_nodes(s, cfg, mm, t, z, slots, &nl);
    static const char *const eng_names[ACC_ENG_COUNT] = {"load", "compute", "store"};
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        if (nl.count[e] > ACC_WAIT_MAX) {
            free(nl.v);
            return acc_fail(err,
                            "field 'wait': the tiling needs %u %s instructions, more than "
                            "the %u a wait can count",
                            nl.count[e], eng_names[e], ACC_WAIT_MAX);
        }
    }
    acc_program_init(out);
    int64_t makespan = serial ? emit_serial(&nl, cfg, out) : emit_greedy(&nl, cfg, out);
    free(nl.v);
    return makespan;
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

/* ------------------------------------------------------------- the search */

/* Expected AXI beats of a row of n bytes at an address of unknown alignment. */
static double row_beats(const acc_config *cfg, double n)
{
    return (n + cfg->axi_bytes - 1) / cfg->axi_bytes;
}

typedef struct candidate {
    acc_tiling t;
    int slots[KIND_COUNT];
    double est;          /* estimated makespan */
    double instructions; /* exact instruction count */
    int order;           /* creation order, for deterministic ties */
} candidate;

/* Closed-form estimate of a candidate's makespan from the engines' busy
 * cycles (exact for compute, expected beats for DMA). */
static void estimate(const shape *s, const acc_config *cfg, int serial, candidate *c)
{
    const acc_tiling *t = &c->t;
    const int R = cfg->rows, C = cfg->cols;
    const int nk = (int)acc_ceil_div(s->Kg, t->tk), ny = (int)acc_ceil_div(s->OH, t->th);
    const int nx = (int)acc_ceil_div(s->OW, t->tw), nch = (int)acc_ceil_div(s->Cg, t->tc);
    const double taps = (double)s->FH * s->FW;
    double sum_kseg = 0, sum_kbeats = 0, sum_vh = 0, sum_xseg = 0, sum_vwbeats = 0, sum_ybeats = 0,
           sum_pass = 0;
    for (int i = 0; i < nk; i++) {
        int kn = tile_size(i, t->tk, s->Kg);
        sum_kseg += (double)acc_ceil_div(kn, C);
        sum_kbeats += row_beats(cfg, kn);
    }
    for (int i = 0; i < ny; i++)
        sum_vh += input_window(tile_start(i, t->th), tile_size(i, t->th, s->OH), s->SH, s->FH,
                               s->DH, s->PT, s->H)
                      .n;
    for (int i = 0; i < nx; i++) {
        int own = tile_size(i, t->tw, s->OW);
        window wx = input_window(tile_start(i, t->tw), own, s->SW, s->FW, s->DW, s->PL, s->W);
        sum_xseg += (double)acc_ceil_div(own, R);
        sum_vwbeats += row_beats(cfg, wx.n);
        sum_ybeats += row_beats(cfg, 4.0 * own);
    }
    for (int i = 0; i < nch; i++)
        sum_pass += tile_size(i, t->tc, s->Cg) * taps + R + 2.0 * C;

    const double G = s->G, lr = cfg->read_latency + 2.0, lw = cfg->write_latency + 2.0;
    const double steps = G * nk * ny * nx * nch, tiles = G * nk * ny * nx;
    double cp = steps + G * sum_kseg * s->OH * sum_xseg * sum_pass;
    double act_loads = (double)ny * nx * nch, act_rep = act_loads <= c->slots[KIND_ACT] ? 1 : nk;
    double ld_act = G * act_rep * (act_loads * lr + (double)s->Cg * sum_vh * sum_vwbeats);
    double w_rep = nch <= c->slots[KIND_WGT] ? 1 : (double)ny * nx;
    double ld_w = G * w_rep * ((double)nk * nch * lr + (double)s->Cg * taps * sum_kbeats);
    double ld = ld_act + ld_w;
    double st = tiles * lw + (double)s->K * s->OH * sum_ybeats;
    c->instructions = G * act_rep * act_loads + G * w_rep * nk * nch + steps + tiles + 1;

    if (serial) {
        c->est = ld + cp + st + c->instructions;
        return;
    }
    /* A single buffer for an operand that is reloaded every step serialises
     * loads with compute; a single result buffer serialises compute with
     * stores.  Fill: the first loads and the last store. */
    int ld_serial = (c->slots[KIND_ACT] == 1 && act_rep * act_loads >= steps) ||
                    (c->slots[KIND_WGT] == 1 && w_rep * nk * nch >= steps);
    int st_serial = c->slots[KIND_OUT] == 1;
    double lc = ld_serial ? ld + cp : (ld > cp ? ld : cp);
    double cs = st_serial ? cp + st : (cp > st ? cp : st);
    double fill = (ld / (G * act_rep * act_loads + G * w_rep * nk * nch)) * 2.0 + st / tiles;
    c->est = (lc > cs ? lc : cs) + fill;
}

typedef struct cand_list {
    candidate *v;
    int n, cap;
    int too_long; /* candidates dropped for needing too many instructions */
} cand_list;

static void cand_add(cand_list *cl, const shape *s, const acc_config *cfg, int serial,
                     const acc_tiling *t, const int slots[KIND_COUNT])
{
    for (int i = cl->n - 1; i >= 0 && i >= cl->n - 4; i--) /* th candidates often coincide */
        if (memcmp(&cl->v[i].t, t, sizeof(*t)) == 0 &&
            memcmp(cl->v[i].slots, slots, sizeof(cl->v[i].slots)) == 0)
            return;
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? 2 * cl->cap : 256;
        cl->v = acc_realloc(cl->v, (size_t)cl->cap * sizeof(*cl->v));
    }
    candidate *c = &cl->v[cl->n];
    c->t = *t;
    memcpy(c->slots, slots, sizeof(c->slots));
    c->order = cl->n;
    estimate(s, cfg, serial, c);
    if (c->instructions >= (double)ACC_WAIT_MAX) { /* some engine might overflow a wait */
        cl->too_long++;
        return;
    }
    cl->n++;
}

static int cand_cmp(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->est != y->est)
        return x->est < y->est ? -1 : 1;
    return x->order - y->order;
}

/* Tile sizes worth trying along one dimension of extent `extent`, for an
 * array side of `unit`: every multiple of unit in a geometric-ish series, the
 * whole extent, and powers of two below unit (for tight scratchpads). */
static int size_set(int extent, int unit, int limit, int *out)
{
    static const int mult[] = {1,  2,  3,  4,  5,  6,  8,   10,  12, 16,
                               20, 24, 32, 48, 64, 96, 128, 192, 256};
    int n = 0;
    if (extent > limit)
        extent = limit;
    out[n++] = extent;
    for (size_t i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
        int64_t v = (int64_t)mult[i] * unit;
        if (v >= extent)
            break;
        out[n++] = (int)v;
    }
    for (int v = 1; v < unit && v < extent; v *= 2)
        out[n++] = v;
    return n;
}

/* Channel-chunk sizes: Cg split into 1, 2, 3, 4, 6, 8, ... chunks, and 1. */
static int chunk_set(int cg, int *out)
{
    static const int parts[] = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512};
    int n = 0;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        int v = (int)acc_ceil_div(cg, parts[i]);
        if (v > COUNT_MAX)
            continue;
        if (n == 0 || out[n - 1] != v)
            out[n++] = v;
        if (v == 1)
            break;
    }
    if (out[n - 1] != 1)
        out[n++] = 1;
    return n;
}

/* The size of `n`-way equal tiles of an extent that are at most t. */
static int balanced(int extent, int t)
{
    if (t < 1)
        t = 1;
    int parts = (int)acc_ceil_div(extent, t);
    return (int)acc_ceil_div(extent, parts);
}

static void collect(const shape *s, const acc_config *cfg, int serial, cand_list *cl)
{
    static const int slot_sets[][KIND_COUNT] = {
        {2, 2, 2}, {1, 2, 2}, {2, 1, 2}, {2, 2, 1}, {1, 1, 2}, {1, 2, 1}, {2, 1, 1}, {1, 1, 1},
    };
    int nsets = serial ? 1 : (int)(sizeof(slot_sets) / sizeof(slot_sets[0]));
    int first = serial ? 7 : 0;
    int tks[64], tws[64], tcs[32];
    int ntk = size_set(s->Kg, cfg->cols, COUNT_MAX, tks);
    int ntw = size_set(s->OW, cfg->rows, DIM_MAX, tws);
    int ntc = chunk_set(s->Cg, tcs);
    int th_limit = (int)acc_min64(s->OH, DIM_MAX);
    for (int si = first; si < first + nsets; si++) {
        const int *slots = slot_sets[si];
        for (int a = 0; a < ntk; a++) {
            for (int b = 0; b < ntw; b++) {
                for (int c = 0; c < ntc; c++) {
                    acc_tiling t = {tks[a], 1, tws[b], tcs[c]};
                    tile_need z;
                    if (tiling_fits(s, cfg, &t, slots, &z, NULL) != 0)
                        continue;
                    /* largest th that fits (needs grow with th) */
                    int lo = 1, hi = th_limit;
                    while (lo < hi) {
                        t.th = (lo + hi + 1) / 2;
                        tile_need_of(s, &t, &z);
                        if (need_bytes(&z, slots) <= cfg->spad_bytes && z.vh <= DIM_MAX)
                            lo = t.th;
                        else
                            hi = t.th - 1;
                    }
                    const int ths[3] = {balanced(s->OH, lo), balanced(s->OH, lo / 2),
                                        balanced(s->OH, lo / 4)};
                    int added = 0;
                    for (int i = 0; i < 3; i++) {
                        t.th = ths[i];
                        if (tiling_fits(s, cfg, &t, slots, &z, NULL) == 0 &&
                            tiling_has_no_padding_tile(s, &t, &z, NULL) == 0) {
                            cand_add(cl, s, cfg, serial, &t, slots);
                            added = 1;
                        }
                    }
                    /* a padding-only tile at an edge: the largest th without one */
                    for (t.th = lo; !added && t.th >= 1; t.th--) {
                        if (tiling_fits(s, cfg, &t, slots, &z, NULL) == 0 &&
                            tiling_has_no_padding_tile(s, &t, &z, NULL) == 0) {
                            cand_add(cl, s, cfg, serial, &t, slots);
                            added = 1;
                        }
                    }
                }
            }
        }
    }
}

/* Generates and times one candidate; returns the makespan or -1. */
static int64_t time_candidate(const shape *s, const acc_config *cfg, const acc_memmap *mm,
                              const candidate *c, int serial, acc_program *prog)
{
    tile_need z;
    if (tiling_fits(s, cfg, &c->t, c->slots, &z, NULL) != 0)
        return -1;
    return build(s, cfg, mm, &c->t, &z, c->slots, serial, prog, NULL);
}

/* Bytes a program loads from external memory. */
static uint64_t program_reads(const acc_program *p)
{
    uint64_t b = 0;
    for (int i = 0; i < p->count; i++)
        if (p->ins[i].op == ACC_OP_LOAD)
            b += (uint64_t)p->ins[i].u.dma.n0 * p->ins[i].u.dma.n1 * p->ins[i].u.dma.n2;
    return b;
}

/* Times candidates in order (at most `max` of them, within the instruction
 * budget) and keeps the shortest program in *out (on a tie, the one that
 * reads less external memory, then the earlier).  Returns 0 when one was
 * kept. */
static int pick_best(const shape *s, const acc_config *cfg, const acc_memmap *mm,
                     const candidate *v, int n, int max, int serial, acc_program *out)
{
    int64_t best = -1;
    uint64_t best_reads = 0;
    double spent = 0;
    int tried = 0;
    for (int i = 0; i < n && tried < max; i++) {
        if (tried > 0 && spent + v[i].instructions > EXACT_INSTR_BUDGET)
            continue;
        acc_program p;
        int64_t m = time_candidate(s, cfg, mm, &v[i], serial, &p);
        if (m < 0)
            continue;
        tried++;
        spent += v[i].instructions;
        uint64_t reads = program_reads(&p);
        if (best < 0 || m < best || (m == best && reads < best_reads)) {
            if (best >= 0)
                acc_program_free(out);
            *out = p;
            best = m;
            best_reads = reads;
        } else {
            acc_program_free(&p);
        }
    }
    if (best >= 0)
        check_program(out, cfg, best);
    return best >= 0 ? 0 : -1;
}

/* acc_baseline_plan after the argument checks, on the layer's shape. */
static int plan_layer(int serial, const acc_layer *l, const shape *sp, const acc_config *cfg,
                      const acc_memmap *mm, const acc_tiling *tiling, acc_program *out,
                      acc_error *err)
{
    const shape s = *sp;
    acc_error e;

    if (tiling) {
        const acc_tiling *t = tiling;
        if (t->tk < 1 || t->tk > s.Kg || t->th < 1 || t->th > s.OH || t->tw < 1 || t->tw > s.OW ||
            t->tc < 1 || t->tc > s.Cg)
            return acc_fail(err,
                            "layer '%s': tiling tk=%d th=%d tw=%d tc=%d is outside "
                            "1..%d, 1..%d, 1..%d, 1..%d (output channels per group, output "
                            "rows, output columns, input channels per group)",
                            l->name, t->tk, t->th, t->tw, t->tc, s.Kg, s.OH, s.OW, s.Cg);
        /* serial: one buffer each; double: every buffer choice that fits,
         * two of each first */
        static const int sets[][KIND_COUNT] = {
            {2, 2, 2}, {1, 2, 2}, {2, 1, 2}, {2, 2, 1}, {1, 1, 2}, {1, 2, 1}, {2, 1, 1}, {1, 1, 1},
        };
        candidate cands[8];
        int n = 0;
        tile_need z;
        tile_need_of(&s, t, &z);
        if (tiling_has_no_padding_tile(&s, t, &z, &e) != 0)
            return acc_fail(err, "layer '%s': tiling tk=%d th=%d tw=%d tc=%d: %s", l->name, t->tk,
                            t->th, t->tw, t->tc, e.msg);
        for (int i = serial ? 7 : 0; i < 8; i++) {
            if (tiling_fits(&s, cfg, t, sets[i], &z, &e) != 0)
                continue;
            candidate *c = &cands[n];
            c->t = *t;
            memcpy(c->slots, sets[i], sizeof(c->slots));
            c->order = n;
            estimate(&s, cfg, serial, c);
            n++;
        }
        if (n == 0) /* e holds why the single-buffer choice does not fit */
            return acc_fail(err,
                            "layer '%s' cannot run on config '%s' with tiling tk=%d th=%d "
                            "tw=%d tc=%d: %s",
                            l->name, cfg->name, t->tk, t->th, t->tw, t->tc, e.msg);
        if (pick_best(&s, cfg, mm, cands, n, n, serial, out) != 0) {
            const int one[KIND_COUNT] = {1, 1, 1};
            if (build(&s, cfg, mm, t, &z, one, serial, out, &e) < 0)
                return acc_fail(err,
                                "layer '%s' cannot run on config '%s' with tiling tk=%d "
                                "th=%d tw=%d tc=%d: %s",
                                l->name, cfg->name, t->tk, t->th, t->tw, t->tc, e.msg);
            assert(0 && "a fitting tiling must build");
        }
        return 0;
    }

    /* The smallest tile, single-buffered, decides whether the layer can run. */
    const acc_tiling smallest = {1, 1, 1, 1};
    const int one[KIND_COUNT] = {1, 1, 1};
    tile_need z;
    if (tiling_fits(&s, cfg, &smallest, one, &z, &e) != 0) {
        if (need_bytes(&z, one) > cfg->spad_bytes)
            return acc_fail(err,
                            "layer '%s' cannot run on config '%s': the smallest tile needs "
                            "%llu bytes of scratchpad, the configuration has %u",
                            l->name, cfg->name, (unsigned long long)need_bytes(&z, one),
                            cfg->spad_bytes);
        return acc_fail(err,
                        "layer '%s' cannot run on config '%s': even the smallest tile "
                        "breaks a field limit: %s",
                        l->name, cfg->name, e.msg);
    }

    cand_list cl;
    memset(&cl, 0, sizeof(cl));
    collect(&s, cfg, serial, &cl);
    qsort(cl.v, (size_t)cl.n, sizeof(*cl.v), cand_cmp);
    int rc = pick_best(&s, cfg, mm, cl.v, cl.n, EXACT_CANDIDATES, serial, out);
    free(cl.v);
    if (rc != 0 && cl.n == 0 && cl.too_long == 0)
        return acc_fail(err,
                        "layer '%s' cannot run on config '%s': every tiling that fits has "
                        "a tile that reads only zero padding",
                        l->name, cfg->name);
    if (rc != 0) {
        /* every tiling needs more instructions than a wait can count */
        candidate c = {smallest, {1, 1, 1}, 0, 0, 0};
        estimate(&s, cfg, serial, &c);
        return acc_fail(err,
                        "layer '%s' cannot run on config '%s': every tiling that fits "
                        "needs more instructions than a wait field can count (%u); the "
                        "smallest needs about %.0f",
                        l->name, cfg->name, ACC_WAIT_MAX, c.instructions);
    }
    return 0;
}

int acc_baseline_plan(const char *strategy, const acc_layer *l, const acc_config *cfg,
                      const acc_memmap *mm, const acc_tiling *tiling, acc_program *out,
                      acc_error *err)
{
    ACC_REQUIRE(strategy != NULL && l != NULL && cfg != NULL && mm != NULL && out != NULL);
    acc_program_init(out);
    int serial;
    if (strcmp(strategy, "serial") == 0)
        serial = 1;
    else if (strcmp(strategy, "double") == 0)
        serial = 0;
    else
        return acc_fail(err, "unknown planner '%.64s' (planners: serial, double)", strategy);
    acc_error e;
    if (acc_layer_check(l, &e) != 0)
        return acc_fail(err, "%s", e.msg);
    shape s;
    shape_of(l, &s);
    int rc = plan_layer(serial, l, &s, cfg, mm, tiling, out, err);
    shape_free(&s);
    return rc;
}
