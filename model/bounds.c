/* bounds.c - the timing model under a jittery memory (bounds.h,
 * docs/model.md "Bounds under a jittery memory").
 *
 * One max-plus recurrence, the nominal model's refined to one event per
 * burst and per instruction fetch, evaluated at two corners of the memory's
 * freedom: the earliest (latencies at their minimum, no gaps) and the latest
 * (latencies at their maximum, every handshake and response gap_max cycles
 * late).  Every event of the RTL is the max of earlier events plus constants
 * and memory delays, so it is monotone in each delay and the corners bound
 * every run.  Event names follow docs/model.md. */
#include "model/bounds.h"

#include <stdlib.h>
#include <string.h>

#include "model/burst.h"
#include "model/model.h"

/* The memory delays of one corner. */
typedef struct corner {
    int64_t lr;  /* AR handshake -> first R beat due */
    int64_t lw;  /* last W beat -> B due */
    int64_t law; /* AW handshake -> B due (lw_min <= ... : 1 early, lw_max late) */
    int64_t g;   /* handshake / response delay after due, 0..gap_max */
} corner;

static void corner_of(const model_jitter *j, int latest, corner *c)
{
    c->lr = latest ? j->lr_max : j->lr_min;
    c->lw = latest ? j->lw_max : j->lw_min;
    c->law = latest ? j->lw_max : 1;
    c->g = latest ? j->gap_max : 0;
}

void model_jitter_nominal(const acc_config *cfg, model_jitter *j)
{
    j->lr_min = j->lr_max = cfg->read_latency;
    j->lw_min = j->lw_max = cfg->write_latency;
    j->gap_max = 0;
}

void model_jitter_default(const acc_config *cfg, model_jitter *j)
{
    j->lr_min = cfg->read_latency;
    j->lr_max = 2 * cfg->read_latency;
    j->lw_min = cfg->write_latency;
    j->lw_max = 2 * cfg->write_latency;
    j->gap_max = MODEL_JITTER_DEFAULT_GAP;
}

int model_jitter_check(const model_jitter *j, acc_error *err)
{
    static const char *const names[] = {"lr_min", "lr_max", "lw_min", "lw_max", "gap_max"};
    const int v[] = {j->lr_min, j->lr_max, j->lw_min, j->lw_max, j->gap_max};
    for (int k = 0; k < 5; k++) {
        int lo = k == 4 ? 0 : 1;
        if (v[k] < lo || v[k] > MODEL_JITTER_MAX)
            return acc_fail(err, "jitter field '%s': %d is outside %d..%d", names[k], v[k], lo,
                            MODEL_JITTER_MAX);
    }
    if (j->lr_min > j->lr_max)
        return acc_fail(err, "jitter field 'lr_max': %d is below lr_min %d", j->lr_max, j->lr_min);
    if (j->lw_min > j->lw_max)
        return acc_fail(err, "jitter field 'lw_max': %d is below lw_min %d", j->lw_max, j->lw_min);
    return 0;
}

/* LOAD issued in cycle 0 (rtl/acc_load.sv).  Burst k (n_k beats):
 *   v_k  = max(v_0 = 1, a_{k-1} + 1, rl_{k-F} + 1)    AR valid (<= F in flight)
 *   a_k  = v_k + g                                     AR handshake
 *   r_k  = max(a_k + lr, rl_{k-1} + 1) + g             first beat
 *   rl_k = r_k + (n_k - 1)(1 + g)                      last beat
 *   d    = rl_last + 2                                 registered write, idle
 * When (F-1)(1+g) >= lr + g the window never delays a beat (docs/model.md)
 * and the beats run back to back at one per 1+g cycles from a_0 + lr + g:
 *   d = lr + g + B(1+g) + 2. */
static int64_t load_duration(const acc_dma *d, const acc_config *cfg, const corner *c)
{
    const int64_t g = c->g, f = cfg->fetch_depth;
    if ((f - 1) * (1 + g) >= c->lr + g)
        return c->lr + g + model_dma_beats(d, cfg) * (1 + g) + 2;
    int64_t *rl = acc_calloc((size_t)f, sizeof(int64_t)); /* last beats, ring of F */
    int64_t a = 0, last = 0, k = 0;
    model_burst_iter it;
    model_burst b;
    model_dma_bursts_begin(&it, d, cfg);
    while (model_dma_bursts_next(&it, &b)) {
        int64_t v = a + 1;
        if (k >= f)
            v = acc_max64(v, rl[k % f] + 1);
        a = v + g;
        int64_t first = acc_max64(a + c->lr, last + 1) + g;
        last = first + ((int64_t)b.beats - 1) * (1 + g);
        rl[k % f] = last;
        k++;
    }
    free(rl);
    return last + 2;
}

/* STORE issued in cycle 0 (rtl/acc_store.sv).  Beat k is read in c_k and
 * offered on W in c_k + 1; the read of beat k+1 waits for W beat k to be
 * taken, and the first beat of a burst also for the previous AW:
 *   c_0 = 1,  w_k = c_k + 1 + g,  aw_m = c_first(m) + 1 + g,
 *   c_{k+1} = max(w_k, aw_m if beat k+1 starts burst m+1)
 *   b_m = max(w_last(m) + lw, aw_m + law, b_{m-1} + 1) + g,  d = b_last + 1.
 * aw_m <= w_first(m) <= w_last(m) and law <= lw at both corners, and W beats
 * of consecutive bursts are >= 1+g apart, so the AW never delays a read nor
 * a response and b_m = w_last(m) + lw + g; with w_{B-1} = 1 + B(1+g):
 *   d = B(1+g) + lw + g + 2. */
static int64_t store_duration(const acc_dma *d, const acc_config *cfg, const corner *c)
{
    return model_dma_beats(d, cfg) * (1 + c->g) + c->lw + c->g + 2;
}

static int64_t corner_duration(const acc_instr *in, const acc_config *cfg, const corner *c)
{
    switch (in->op) {
    case ACC_OP_LOAD:
        return load_duration(&in->u.dma, cfg, c);
    case ACC_OP_STORE:
        return store_duration(&in->u.dma, cfg, c);
    default: /* COMPUTE and END never touch the memory */
        return model_duration(in, cfg);
    }
}

void model_duration_bounds(const acc_instr *in, const acc_config *cfg, const model_jitter *j,
                           int64_t *lo, int64_t *hi)
{
    corner c;
    corner_of(j, 0, &c);
    *lo = corner_duration(in, cfg, &c);
    corner_of(j, 1, &c);
    *hi = corner_duration(in, cfg, &c);
}

/* The issue rule with the fetch unit (rtl/acc_fetch.sv), at one corner:
 *   v_j = max(h_{j-1}, s_{j-F}) + 1     AR of instruction j valid (h_{-1} = 0:
 *                                        START in cycle 0; F entries in flight
 *                                        or queued)
 *   h_j = v_j + g                       its handshake
 *   f_j = max(h_j + lr, f_{j-1} + 1) + g   its beat
 *   s_j = max(s_{j-1} + 1, f_j + 1, e_prev(j), e_{X_n} for each wait)
 *   e_j = s_j + d_j(corner)
 * The program is known to be executable (model_run accepted it). */
static void run_corner(const acc_program *p, const acc_config *cfg, const corner *c, int64_t *start,
                       int64_t *end, int64_t *makespan)
{
    const int n = p->count;
    const int f = cfg->fetch_depth;
    int64_t *eng_end[ACC_ENG_COUNT];
    int eng_count[ACC_ENG_COUNT] = {0, 0, 0};
    int64_t eng_free[ACC_ENG_COUNT] = {0, 0, 0};
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        eng_end[e] = acc_calloc((size_t)n + 1, sizeof(int64_t));
    int64_t h = 0, fb = 0, prev = 0;
    for (int i = 0; i < n; i++) {
        const acc_instr *in = &p->ins[i];
        int64_t v = h + 1;
        if (i >= f)
            v = acc_max64(v, start[i - f] + 1);
        h = v + c->g;
        fb = acc_max64(h + c->lr, i > 0 ? fb + 1 : 0) + c->g;
        int64_t s = acc_max64(fb + 1, i > 0 ? prev + 1 : 0);
        for (int e = 0; e < ACC_ENG_COUNT; e++)
            if (in->wait[e] != 0)
                s = acc_max64(s, eng_end[e][in->wait[e]]);
        int eng = acc_op_engine(in->op);
        for (int e = 0; e < ACC_ENG_COUNT; e++)
            if (e == eng || eng < 0)
                s = acc_max64(s, eng_free[e]);
        start[i] = s;
        end[i] = s + corner_duration(in, cfg, c);
        prev = s;
        if (eng >= 0) {
            eng_free[eng] = end[i];
            eng_end[eng][++eng_count[eng]] = end[i];
        } else {
            *makespan = end[i];
            break; /* END: model_run guarantees it is the last instruction */
        }
    }
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        free(eng_end[e]);
}

void model_bounds_free(model_bounds *b)
{
    free(b->start_lo);
    free(b->start_hi);
    free(b->end_lo);
    free(b->end_hi);
    memset(b, 0, sizeof(*b));
}

int model_run_bounds(const acc_program *p, const acc_config *cfg, const model_jitter *j,
                     model_bounds *out, acc_error *err)
{
    memset(out, 0, sizeof(*out));
    if (model_jitter_check(j, err) != 0)
        return -1;
    model_timing t;
    if (model_run(p, cfg, &t, err) != 0) /* the same executability rules */
        return -1;
    model_timing_free(&t);
    const size_t n = (size_t)p->count + 1;
    out->start_lo = acc_calloc(n, sizeof(int64_t));
    out->start_hi = acc_calloc(n, sizeof(int64_t));
    out->end_lo = acc_calloc(n, sizeof(int64_t));
    out->end_hi = acc_calloc(n, sizeof(int64_t));
    out->count = p->count;
    corner c;
    corner_of(j, 0, &c);
    run_corner(p, cfg, &c, out->start_lo, out->end_lo, &out->makespan_lo);
    corner_of(j, 1, &c);
    run_corner(p, cfg, &c, out->start_hi, out->end_hi, &out->makespan_hi);
    return 0;
}
