/* baseline.c - the baseline planners "serial" and "double" (docs/planner.md).
 *
 * Both generate their programs with the shared generator (opt_gen.h): loop
 * order k-tile / oy-tile / ox-tile / channel chunk (outer to inner), operand
 * blocks kept resident while they are still in one of their kind's buffers.
 * They differ in the number of buffers per operand kind and in how the
 * stream is ordered:
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
 * which checks the generated programs in debug builds) and keeping the
 * shortest. */
#include "planner/baseline.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "planner/opt_gen.h"

enum { KIND_ACT = OPT_ACT, KIND_WGT = OPT_WGT, KIND_OUT = OPT_OUT, KIND_COUNT = OPT_KINDS };

#define EXACT_CANDIDATES 8           /* candidates generated and timed exactly */
#define EXACT_INSTR_BUDGET 1000000.0 /* instructions generated while searching */

typedef opt_shape shape;
typedef opt_need tile_need;
typedef opt_window window;

static int tile_start(int i, int t)
{
    return opt_tile_start(i, t);
}
static int tile_size(int i, int t, int extent)
{
    return opt_tile_size(i, t, extent);
}

uint64_t acc_tiling_bytes(const acc_layer *l, const acc_tiling *t, int buffers)
{
    ACC_REQUIRE(l != NULL && t != NULL);
    ACC_REQUIRE(buffers == 1 || buffers == 2);
    ACC_REQUIRE(t->tk >= 1 && t->th >= 1 && t->tw >= 1 && t->tc >= 1);
    ACC_REQUIRE(acc_layer_check(l, NULL) == 0);
    shape s;
    opt_shape_init(&s, l);
    tile_need z;
    opt_need_of(&s, t, &z);
    const int slots[KIND_COUNT] = {buffers, buffers, buffers};
    opt_shape_free(&s);
    return opt_need_bytes(&z, slots);
}

/* Builds the program of one tiling and buffer choice (loop order k, y, x)
 * and returns its makespan, or -1 (with err) when an engine would need more
 * instructions than a wait field can count. */
static int64_t build(const shape *s, const acc_config *cfg, const acc_memmap *mm,
                     const acc_tiling *t, const int slots[KIND_COUNT], int serial, acc_program *out,
                     acc_error *err)
{
    opt_choice c;
    memset(&c, 0, sizeof(c));
    c.t = *t;
    c.order = OPT_ORDER_KYX;
    memcpy(c.buffers, slots, sizeof(c.buffers));
    c.serial = serial;
    return opt_build(s, cfg, mm, &c, out, NULL, err);
}

/* ------------------------------------------------------------- the search */

/* Expected AXI beats of a row of n bytes at an address of unknown alignment. */
static double row_beats(const acc_config *cfg, double n)
{
    return (n + cfg->axi_bytes - 1) / cfg->axi_bytes;
}

typedef struct candidate {
    double est;          /* estimated makespan */
    double instructions; /* exact instruction count */
    acc_tiling t;
    int slots[KIND_COUNT];
    int order; /* creation order, for deterministic ties */
} candidate;

/* Closed-form estimate of a candidate's makespan from the engines' busy
 * cycles (exact for compute, expected beats for DMA). */
static void estimate(const shape *s, const acc_config *cfg, int serial, candidate *c)
{
    const acc_tiling *t = &c->t;
    const int C = cfg->cols;
    const int nk = (int)acc_ceil_div(s->Kg, t->tk), ny = (int)acc_ceil_div(s->OH, t->th);
    const int nx = (int)acc_ceil_div(s->OW, t->tw), nch = (int)acc_ceil_div(s->Cg, t->tc);
    const double taps = (double)s->FH * s->FW;
    const int ns = s->ns; /* steps per chunk: the kernel slices */
    double sum_kseg = 0, sum_kbeats = 0, sum_vh = 0, sum_vwbeats = 0, sum_ybeats = 0, sum_fixed = 0,
           sum_spacing = 0, sum_pix = 0;
    for (int i = 0; i < nk; i++) {
        int kn = tile_size(i, t->tk, s->Kg);
        sum_kseg += (double)acc_ceil_div(kn, C);
        sum_kbeats += row_beats(cfg, kn);
    }
    for (int i = 0; i < ny; i++)
        for (int b = 0; b < s->nbh; b++)
            sum_vh +=
                opt_slice_window(s, OPT_AXIS_Y, tile_start(i, t->th), tile_size(i, t->th, s->OH), b)
                    .n;
    for (int i = 0; i < nx; i++) {
        int own = tile_size(i, t->tw, s->OW);
        for (int b = 0; b < s->nbw; b++) {
            window wx = opt_slice_window(s, OPT_AXIS_X, tile_start(i, t->tw), own, b);
            sum_vwbeats += row_beats(cfg, wx.n);
        }
        sum_ybeats += row_beats(cfg, 4.0 * own);
        /* the pixel passes of the x-tile's tiles, FLAT when legal
         * (opt_tile_flat) */
        const int flat = opt_tile_flat(s, cfg, tile_start(i, t->tw), own);
        for (int j = 0; j < ny; j++)
            sum_pix += (double)opt_pixel_passes(tile_size(j, t->th, s->OH), own, flat, cfg);
    }
    /* a COMPUTE of P passes of L steps takes e(L) + P * D(L) (model.h) */
    for (int i = 0; i < nch; i++)
        for (int k = 0; k < ns; k++) {
            opt_slice sl = opt_shape_slice(s, k);
            int64_t L = (int64_t)tile_size(i, t->tc, s->Cg) * sl.fh * sl.fw;
            sum_fixed += (double)model_compute_fixed(L, cfg);
            sum_spacing += (double)model_compute_spacing(L, cfg);
        }

    const double G = s->G, lr = cfg->read_latency + 2.0, lw = cfg->write_latency + 2.0;
    const double steps = G * nk * ny * nx * nch * ns, tiles = G * nk * ny * nx;
    double cp = tiles * sum_fixed + G * sum_kseg * sum_pix * sum_spacing;
    double act_loads = (double)ny * nx * nch * ns;
    double act_rep = act_loads <= c->slots[KIND_ACT] ? 1 : nk;
    double ld_act = G * act_rep * (act_loads * lr + (double)s->Cg * sum_vh * sum_vwbeats);
    double w_rep = (double)nch * ns <= c->slots[KIND_WGT] ? 1 : (double)ny * nx;
    double ld_w = G * w_rep * ((double)nk * nch * ns * lr + (double)s->Cg * taps * sum_kbeats);
    double ld = ld_act + ld_w;
    double st = tiles * lw + (double)s->K * s->OH * sum_ybeats;
    c->instructions = G * act_rep * act_loads + G * w_rep * nk * nch * ns + steps + tiles + 1;

    if (serial) {
        c->est = ld + cp + st + c->instructions;
        return;
    }
    /* A single buffer for an operand that is reloaded every step serialises
     * loads with compute; a single result buffer serialises compute with
     * stores.  Fill: the first loads and the last store. */
    int ld_serial = (c->slots[KIND_ACT] == 1 && act_rep * act_loads >= steps) ||
                    (c->slots[KIND_WGT] == 1 && w_rep * nk * nch * ns >= steps);
    int st_serial = c->slots[KIND_OUT] == 1;
    double lc = ld_serial ? ld + cp : (ld > cp ? ld : cp);
    double cs = st_serial ? cp + st : (cp > st ? cp : st);
    double fill = (ld / (G * act_rep * act_loads + G * w_rep * nk * nch * ns)) * 2.0 + st / tiles;
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
        if (v > (int)ACC_COUNT_MAX)
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
    int ntk = size_set(s->Kg, cfg->cols, (int)ACC_COUNT_MAX, tks);
    int ntw = size_set(s->OW, cfg->rows, (int)ACC_DIM_MAX, tws);
    int ntc = chunk_set(s->Cg, tcs);
    int th_limit = (int)acc_min64(s->OH, (int)ACC_DIM_MAX);
    for (int si = first; si < first + nsets; si++) {
        const int *slots = slot_sets[si];
        for (int a = 0; a < ntk; a++) {
            for (int b = 0; b < ntw; b++) {
                for (int c = 0; c < ntc; c++) {
                    acc_tiling t = {tks[a], 1, tws[b], tcs[c]};
                    tile_need z;
                    if (opt_tiling_fits(s, cfg, &t, slots, &z, NULL) != 0)
                        continue;
                    /* largest th that fits (needs grow with th) */
                    int lo = 1, hi = th_limit;
                    while (lo < hi) {
                        t.th = (lo + hi + 1) / 2;
                        opt_need_of(s, &t, &z);
                        if (opt_need_bytes(&z, slots) <= cfg->spad_bytes &&
                            z.vh <= (int)ACC_DIM_MAX)
                            lo = t.th;
                        else
                            hi = t.th - 1;
                    }
                    const int ths[3] = {balanced(s->OH, lo), balanced(s->OH, lo / 2),
                                        balanced(s->OH, lo / 4)};
                    int added = 0;
                    for (int i = 0; i < 3; i++) {
                        t.th = ths[i];
                        if (opt_tiling_fits(s, cfg, &t, slots, &z, NULL) == 0 &&
                            opt_tiling_no_padding_tile(s, &t, &z, NULL) == 0) {
                            cand_add(cl, s, cfg, serial, &t, slots);
                            added = 1;
                        }
                    }
                    /* a padding-only tile at an edge: the largest th without one */
                    for (t.th = lo; !added && t.th >= 1; t.th--) {
                        if (opt_tiling_fits(s, cfg, &t, slots, &z, NULL) == 0 &&
                            opt_tiling_no_padding_tile(s, &t, &z, NULL) == 0) {
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
    if (opt_tiling_fits(s, cfg, &c->t, c->slots, &z, NULL) != 0)
        return -1;
    return build(s, cfg, mm, &c->t, c->slots, serial, prog, NULL);
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
                     const candidate *v, int n, int max, int serial, acc_program *out, int *best_i)
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
            *best_i = i;
        } else {
            acc_program_free(&p);
        }
    }
    return best >= 0 ? 0 : -1;
}

/* The generator's choice of a candidate (loop order k, y, x). */
static void set_choice(opt_choice *chosen, const candidate *c, int serial)
{
    if (!chosen)
        return;
    memset(chosen, 0, sizeof(*chosen));
    chosen->t = c->t;
    chosen->order = OPT_ORDER_KYX;
    memcpy(chosen->buffers, c->slots, sizeof(chosen->buffers));
    chosen->serial = serial;
}

/* acc_baseline_plan after the argument checks, on the layer's shape. */
static int plan_layer(int serial, const acc_layer *l, const shape *sp, const acc_config *cfg,
                      const acc_memmap *mm, const acc_tiling *tiling, acc_program *out,
                      opt_choice *chosen, acc_error *err)
{
    const shape s = *sp;
    acc_error e;
    int bi = -1;

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
        opt_need_of(&s, t, &z);
        if (opt_tiling_no_padding_tile(&s, t, &z, &e) != 0)
            return acc_fail(err, "layer '%s': tiling tk=%d th=%d tw=%d tc=%d: %s", l->name, t->tk,
                            t->th, t->tw, t->tc, e.msg);
        for (int i = serial ? 7 : 0; i < 8; i++) {
            if (opt_tiling_fits(&s, cfg, t, sets[i], &z, &e) != 0)
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
        if (pick_best(&s, cfg, mm, cands, n, n, serial, out, &bi) != 0) {
            const int one[KIND_COUNT] = {1, 1, 1};
            if (build(&s, cfg, mm, t, one, serial, out, &e) < 0)
                return acc_fail(err,
                                "layer '%s' cannot run on config '%s' with tiling tk=%d "
                                "th=%d tw=%d tc=%d: %s",
                                l->name, cfg->name, t->tk, t->th, t->tw, t->tc, e.msg);
            assert(0 && "a fitting tiling must build");
        }
        set_choice(chosen, &cands[bi], serial);
        return 0;
    }

    /* The smallest tile, single-buffered, decides whether the layer can run. */
    const acc_tiling smallest = {1, 1, 1, 1};
    const int one[KIND_COUNT] = {1, 1, 1};
    tile_need z;
    if (opt_tiling_fits(&s, cfg, &smallest, one, &z, &e) != 0) {
        if (opt_need_bytes(&z, one) > cfg->spad_bytes)
            return acc_fail(err,
                            "layer '%s' cannot run on config '%s': the smallest tile needs "
                            "%llu bytes of scratchpad, the configuration has %u",
                            l->name, cfg->name, (unsigned long long)opt_need_bytes(&z, one),
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
    int rc = pick_best(&s, cfg, mm, cl.v, cl.n, EXACT_CANDIDATES, serial, out, &bi);
    if (rc == 0)
        set_choice(chosen, &cl.v[bi], serial);
    free(cl.v);
    if (rc != 0 && cl.n == 0 && cl.too_long == 0)
        return acc_fail(err,
                        "layer '%s' cannot run on config '%s': every tiling that fits has "
                        "a tile that reads only zero padding",
                        l->name, cfg->name);
    if (rc != 0) {
        /* every tiling needs more instructions than a wait can count */
        candidate c = {.t = smallest, .slots = {1, 1, 1}};
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
    return acc_baseline_plan_choice(strategy, l, cfg, mm, tiling, out, NULL, err);
}

int acc_baseline_plan_choice(const char *strategy, const acc_layer *l, const acc_config *cfg,
                             const acc_memmap *mm, const acc_tiling *tiling, acc_program *out,
                             struct opt_choice *choice, acc_error *err)
{
    return acc_baseline_plan_kmax(strategy, l, cfg, mm, tiling, OPT_KMAX, out, choice, err);
}

int acc_baseline_plan_kmax(const char *strategy, const acc_layer *l, const acc_config *cfg,
                           const acc_memmap *mm, const acc_tiling *tiling, int kmax,
                           acc_program *out, struct opt_choice *choice, acc_error *err)
{
    ACC_REQUIRE(strategy != NULL && l != NULL && cfg != NULL && mm != NULL && out != NULL);
    ACC_REQUIRE(kmax >= 1 && kmax <= OPT_KMAX);
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
    opt_shape_init_kmax(&s, l, kmax);
    int rc = plan_layer(serial, l, &s, cfg, mm, tiling, out, choice, err);
    opt_shape_free(&s);
    return rc;
}
