/* model.c - the formal timing model: closed-form durations and the issue
 * rule (docs/model.md).  Every constant here is a pipeline stage of the RTL,
 * named where it is used. */
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

/* Beats of `rows` rows of n0 bytes starting at a, a + stride, ...: the
 * residue of a row's start modulo DW repeats with period DW / gcd(stride, DW),
 * so one period is counted and multiplied (the planners time hundreds of
 * thousands of DMAs while searching). */
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

int64_t model_dma_beats(const acc_dma *d, const acc_config *cfg)
{
    /* B = sum over planes p and rows r of
     *     ceil(((dram + p*s2 + r*s1) mod DW + n0) / DW), per period of planes */
    const uint64_t dw = (uint64_t)cfg->axi_bytes;
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
        int64_t b = row_run_beats(d->dram % dw + p * s2, d->dram_s1, d->n1, d->n0, dw);
        one += b;
        if (p < rem)
            part += b;
    }
    return planes < period ? one : (int64_t)full * one + part;
}

int64_t model_compute_passes(const acc_compute *c, const acc_config *cfg)
{
    int64_t groups = c->flat ? acc_ceil_div((int64_t)c->th * c->tw, cfg->rows)
                             : (int64_t)c->th * acc_ceil_div(c->tw, cfg->rows);
    return groups * acc_ceil_div(c->tk, cfg->cols);
}

int64_t model_spad_window(const acc_config *cfg)
{
    return (int64_t)(cfg->spad_banks - 1) * cfg->line_bytes + 1;
}

int model_compute_flat_reach(const acc_compute *c, const acc_config *cfg, int64_t *gap,
                             int64_t *cross, int64_t *reach)
{
    const int64_t R = cfg->rows;
    int64_t g = (int64_t)c->sh * c->act_ph - (int64_t)c->tw * c->sw;
    int64_t x = ((int64_t)c->tw + R - 2) / c->tw;
    int64_t r = x * (g > 0 ? g : 0) + (R - 1) * c->sw + 1;
    if (gap)
        *gap = g;
    if (cross)
        *cross = x;
    if (reach)
        *reach = r;
    return g >= 0 && r <= model_spad_window(cfg);
}

int model_compute_flat_ok(const acc_compute *c, const acc_config *cfg)
{
    return model_compute_flat_reach(c, cfg, NULL, NULL, NULL);
}

int64_t model_compute_steps(const acc_compute *c)
{
    return (int64_t)c->tc * c->fh * c->fw;
}

int64_t model_compute_spacing(int64_t L, const acc_config *cfg)
{
    return acc_max64(L, cfg->rows + 2 * (int64_t)cfg->cols - 1);
}

int64_t model_compute_fixed(int64_t L, const acc_config *cfg)
{
    return 1 + acc_min64(L + 1, cfg->rows + 2 * (int64_t)cfg->cols);
}

int64_t model_duration(const acc_instr *in, const acc_config *cfg)
{
    switch (in->op) {
    case ACC_OP_LOAD:
        /* issue -> AR (1) -> Lr -> B beats -> registered scratchpad write (1) */
        return cfg->read_latency + model_dma_beats(&in->u.dma, cfg) + 2;
    case ACC_OP_STORE:
        /* issue -> scratchpad read (1) -> B beats -> Lw -> B response seen (1) */
        return cfg->write_latency + model_dma_beats(&in->u.dma, cfg) + 2;
    case ACC_OP_COMPUTE: {
        /* One cycle to latch the instruction; then pass p feeds its L
         * operand steps from b_p = s + 1 + p * D, D = max(L, R + 2C - 1):
         * each PE copies its finished sum into its shadow register with
         * the last product, and the shadows drain (C column shifts, one
         * write-back cycle) while the next pass feeds.  The last pass
         * ends as a lone pass does: L steps, R-1 + C-1 skew, read (1), C
         * drain columns, write-back (1). */
        int64_t L = model_compute_steps(&in->u.cp);
        int64_t tail = L + cfg->rows + 2 * cfg->cols;
        int64_t spacing = acc_max64(L, cfg->rows + 2 * (int64_t)cfg->cols - 1);
        return 1 + (model_compute_passes(&in->u.cp, cfg) - 1) * spacing + tail;
    }
    case ACC_OP_END:
        return 1;
    }
    return 0;
}

int64_t model_first_issue(const acc_config *cfg)
{
    /* START (cycle 0) -> AR of instruction 0 (cycle 1) -> beat at 1 + Lr ->
     * fetch queue head in cycle 2 + Lr. */
    return cfg->read_latency + 2;
}

void model_timing_free(model_timing *t)
{
    free(t->start);
    free(t->end);
    memset(t, 0, sizeof(*t));
}

int model_run(const acc_program *p, const acc_config *cfg, model_timing *out, acc_error *err)
{
    memset(out, 0, sizeof(*out));
    const int n = p->count;
    int64_t *start = acc_calloc((size_t)n + 1, sizeof(int64_t));
    int64_t *end = acc_calloc((size_t)n + 1, sizeof(int64_t));
    /* end cycle of the k-th instruction of each engine, k = 1.. */
    int64_t *eng_end[ACC_ENG_COUNT];
    int eng_count[ACC_ENG_COUNT] = {0, 0, 0};
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        eng_end[e] = acc_calloc((size_t)n + 1, sizeof(int64_t));
    int64_t eng_free[ACC_ENG_COUNT] = {0, 0, 0};
    int64_t prev_issue = model_first_issue(cfg) - 1;
    int ended = 0, rc = 0;

    for (int i = 0; i < n && rc == 0; i++) {
        const acc_instr *in = &p->ins[i];
        if (ended) {
            rc = acc_fail(err, "instruction %d (%s): follows END", i, acc_op_name(in->op));
            break;
        }
        int64_t s = prev_issue + 1;
        for (int e = 0; e < ACC_ENG_COUNT; e++) {
            uint32_t w = in->wait[e];
            if (w == 0)
                continue;
            if ((int)w > eng_count[e]) {
                static const char *const names[] = {"ld", "cp", "st"};
                rc = acc_fail(err,
                              "instruction %d (%s): waits for %u %s instructions but only %d "
                              "precede it; it would never issue",
                              i, acc_op_name(in->op), w, names[e], eng_count[e]);
                break;
            }
            s = acc_max64(s, eng_end[e][w]);
        }
        if (rc)
            break;
        int eng = acc_op_engine(in->op);
        if (eng >= 0) {
            s = acc_max64(s, eng_free[eng]);
        } else { /* END waits for every engine */
            for (int e = 0; e < ACC_ENG_COUNT; e++)
                s = acc_max64(s, eng_free[e]);
            ended = 1;
        }
        int64_t d = model_duration(in, cfg);
        start[i] = s;
        end[i] = s + d;
        prev_issue = s;
        if (eng >= 0) {
            eng_free[eng] = end[i];
            eng_end[eng][++eng_count[eng]] = end[i];
            out->busy[eng] += d;
        }
        if (in->op == ACC_OP_LOAD)
            out->dram_read += (uint64_t)in->u.dma.n0 * in->u.dma.n1 * in->u.dma.n2;
        else if (in->op == ACC_OP_STORE)
            out->dram_written += (uint64_t)in->u.dma.n0 * in->u.dma.n1 * in->u.dma.n2;
        else if (in->op == ACC_OP_COMPUTE)
            out->macs += (uint64_t)in->u.cp.tk * in->u.cp.th * in->u.cp.tw *
                         (uint64_t)model_compute_steps(&in->u.cp);
        if (ended)
            out->makespan = end[i];
    }
    if (rc == 0 && !ended)
        rc = acc_fail(err, "program has no END instruction (%d instructions)", n);
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        free(eng_end[e]);
    if (rc != 0) {
        free(start);
        free(end);
        memset(out, 0, sizeof(*out));
        return -1;
    }
    out->start = start;
    out->end = end;
    out->count = n;
    return 0;
}

int64_t model_compute_bound(uint64_t macs, const acc_config *cfg)
{
    uint64_t pes = (uint64_t)cfg->rows * (uint64_t)cfg->cols;
    return model_first_issue(cfg) + (int64_t)((macs + pes - 1) / pes) + 1;
}

int64_t model_layer_bound(const acc_layer *l, const acc_config *cfg)
{
    int64_t r = acc_min64(cfg->rows, (int64_t)layer_out_h(l) * layer_out_w(l));
    int64_t c = acc_min64(cfg->cols, l->num_filter / l->groups);
    int64_t f = cfg->rows + 2 * (int64_t)cfg->cols; /* F = R + 2C */
    int64_t outputs = (int64_t)l->num_filter * layer_out_h(l) * layer_out_w(l);
    int64_t steps = acc_ceil_div((int64_t)layer_macs(l), r * c); /* S0 <= sum P*L */
    int64_t passes = acc_ceil_div(outputs, r * c);               /* Q0 <= sum P */
    /* d >= 1 + P*L + F and d >= 3 + P*(F - 1), summed over the COMPUTEs */
    int64_t busy = acc_max64(steps + 1 + f, passes * (f - 1) + 3);
    return model_first_issue(cfg) + busy + 1;
}
