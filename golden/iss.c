/* iss.c - the functional instruction-set simulator (docs/isa.md).
 *
 * The scratchpad is a zero-initialised byte array of cfg->spad_bytes; the
 * external memory is the caller's acc_dram.  Instructions run one at a time
 * in program order; waits are ignored (they only matter for timing, which
 * the model gives, and the validator proves the program order is what the
 * overlapped hardware computes).
 *
 * A LOAD (STORE) whose scratchpad (external) strides are 0 rewrites the
 * same bytes: only the rows that are written last are copied (the last row
 * of each plane when the row stride is 0, the last plane when the plane
 * stride is 0), which leaves exactly what copying every row leaves.
 *
 * COMPUTE is evaluated one output row at a time: the row's results are
 * accumulated in a uint32_t buffer (wrap-around arithmetic, exactly int32
 * two's complement) and then written back.  A COMPUTE whose result tile
 * overlaps its own operands has no defined meaning (the hardware reads and
 * writes in pass order); the validator rejects such programs. */
#include "golden/iss.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The state of one run. */
typedef struct iss {
    uint8_t *spad;
    uint32_t spad_bytes;
    acc_dram *mem;
    iss_stats st;
    uint32_t *rowbuf; /* tw*tk accumulators of one output row */
    size_t rowbuf_cap;
    acc_progress_fn progress; /* may be NULL */
    void *ctx;
    int index, count; /* the running instruction, for progress */
    int stopped;      /* progress asked to stop */
} iss;

/* Reports progress; 1 when the run must stop. */
static int tick(iss *s)
{
    if (s->progress && !s->stopped && s->progress(s->ctx, s->index, s->count) != 0)
        s->stopped = 1;
    return s->stopped;
}

static const char *op_name(const acc_instr *in)
{
    const char *n = acc_op_name(in->op);
    return n ? n : "illegal";
}

/* Byte hull [lo, hi) of a DMA block on the external-memory side. */
static void dram_hull(const acc_dma *d, uint64_t *lo, uint64_t *hi)
{
    *lo = d->dram;
    *hi = (uint64_t)d->dram + (uint64_t)(d->n2 - 1) * d->dram_s2 +
          (uint64_t)(d->n1 - 1) * d->dram_s1 + d->n0;
}

static void run_dma(iss *s, const acc_dma *d, int to_spad)
{
    /* the destination's strides decide which rows are overwritten */
    uint32_t ds1 = to_spad ? d->spad_s1 : d->dram_s1, ds2 = to_spad ? d->spad_s2 : d->dram_s2;
    uint32_t p0 = ds2 == 0 ? d->n2 - 1 : 0, r0 = ds1 == 0 ? d->n1 - 1 : 0;
    for (uint32_t p = p0; p < d->n2 && !tick(s); p++) {
        for (uint32_t r = r0; r < d->n1; r++) {
            uint64_t ext = (uint64_t)d->dram + (uint64_t)p * d->dram_s2 + (uint64_t)r * d->dram_s1;
            uint64_t loc = (uint64_t)d->spad + (uint64_t)p * d->spad_s2 + (uint64_t)r * d->spad_s1;
            if (to_spad)
                memcpy(s->spad + loc, s->mem->bytes + ext, d->n0);
            else
                memcpy(s->mem->bytes + ext, s->spad + loc, d->n0);
        }
    }
    uint64_t bytes = (uint64_t)d->n0 * d->n1 * d->n2;
    if (to_spad)
        s->st.dram_read += bytes;
    else
        s->st.dram_written += bytes;
}

/* Range of output columns ox in [0, tw) whose virtual column
 * vx = ox*sw + off lies in [0, vw): [*lo, *hi). */
static void col_range(int64_t off, int64_t sw, int64_t vw, int64_t tw, int64_t *lo, int64_t *hi)
{
    /* ox*sw + off >= 0  <=>  ox >= ceil(-off / sw) */
    int64_t a = off >= 0 ? 0 : (-off + sw - 1) / sw;
    /* ox*sw + off <= vw - 1  <=>  ox <= floor((vw - 1 - off) / sw) */
    int64_t num = vw - 1 - off;
    int64_t b = num < 0 ? 0 : num / sw + 1;
    if (b > tw)
        b = tw;
    *lo = a;
    *hi = b > a ? b : a;
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* One output row oy of a COMPUTE with the output channel innermost:
 * buf[ox*tk + k] += A * W(c, i, j, k) over contiguous weights. */
static void row_k_inner(const iss *s, const acc_compute *c, int64_t oy, uint32_t *buf)
{
    const int64_t tk = c->tk, tw = c->tw, sw = c->sw;
    for (int64_t ch = 0; ch < c->tc; ch++) {
        for (int64_t i = 0; i < c->fh; i++) {
            int64_t vy = oy * c->sh + i * c->dh - (int64_t)c->ptop;
            if (vy < 0 || vy >= c->vh)
                continue;
            const int8_t *arow = (const int8_t *)s->spad + c->act + ch * c->act_pc + vy * c->act_ph;
            for (int64_t j = 0; j < c->fw; j++) {
                const int8_t *wk =
                    (const int8_t *)s->spad + c->wgt + ((ch * c->fh + i) * c->fw + j) * tk;
                int64_t off = j * c->dw - (int64_t)c->pleft, lo, hi;
                col_range(off, sw, c->vw, tw, &lo, &hi);
                for (int64_t ox = lo; ox < hi; ox++) {
                    int32_t a = arow[ox * sw + off];
                    if (a == 0)
                        continue;
                    uint32_t *acc = buf + ox * tk;
                    for (int64_t k = 0; k < tk; k++)
                        acc[k] += (uint32_t)(a * (int32_t)wk[k]);
                }
            }
        }
    }
}

/* The same with the output column innermost: buf[k*tw + ox], for tiles with
 * few output channels (depthwise layers). */
static void row_ox_inner(const iss *s, const acc_compute *c, int64_t oy, uint32_t *buf)
{
    const int64_t tk = c->tk, tw = c->tw, sw = c->sw;
    for (int64_t ch = 0; ch < c->tc; ch++) {
        for (int64_t i = 0; i < c->fh; i++) {
            int64_t vy = oy * c->sh + i * c->dh - (int64_t)c->ptop;
            if (vy < 0 || vy >= c->vh)
                continue;
            const int8_t *arow = (const int8_t *)s->spad + c->act + ch * c->act_pc + vy * c->act_ph;
            for (int64_t j = 0; j < c->fw; j++) {
                const int8_t *wk =
                    (const int8_t *)s->spad + c->wgt + ((ch * c->fh + i) * c->fw + j) * tk;
                int64_t off = j * c->dw - (int64_t)c->pleft, lo, hi;
                col_range(off, sw, c->vw, tw, &lo, &hi);
                const int8_t *a0 = arow + off;
                for (int64_t k = 0; k < tk; k++) {
                    int32_t w = wk[k];
                    if (w == 0)
                        continue;
                    uint32_t *acc = buf + k * tw;
                    for (int64_t ox = lo; ox < hi; ox++)
                        acc[ox] += (uint32_t)((int32_t)a0[ox * sw] * w);
                }
            }
        }
    }
}

static void run_compute(iss *s, const acc_compute *c)
{
    const size_t tk = c->tk, th = c->th, tw = c->tw;
    const size_t need = tk * tw;
    assert(need > 0); /* tk, tw >= 1 (acc_instr_check) */
    if (need > s->rowbuf_cap) {
        free(s->rowbuf);
        s->rowbuf = acc_malloc(need * sizeof(uint32_t));
        s->rowbuf_cap = need;
    }
    uint32_t *buf = s->rowbuf;
    const int k_inner = tk >= 8 || tk >= tw;
    for (size_t oy = 0; oy < th && !tick(s); oy++) {
        memset(buf, 0, need * sizeof(uint32_t));
        if (k_inner)
            row_k_inner(s, c, (int64_t)oy, buf);
        else
            row_ox_inner(s, c, (int64_t)oy, buf);
        for (size_t k = 0; k < tk; k++) {
            uint8_t *o = s->spad + c->out + ((k * th + oy) * tw) * 4;
            for (size_t ox = 0; ox < tw; ox++, o += 4) {
                uint32_t v = k_inner ? buf[ox * tk + k] : buf[k * tw + ox];
                if (c->acc)
                    v += load_le32(o);
                store_le32(o, v);
            }
        }
    }
    s->st.macs += (uint64_t)tk * th * tw * c->tc * c->fh * c->fw;
}

/* Checks the instruction's fields and every access it makes; 0 or -1. */
static int check_access(const iss *s, int idx, const acc_instr *in, acc_error *err)
{
    acc_error e;
    if (acc_instr_check(in, &e) != 0)
        return acc_fail(err, "instruction %d (%s): %s", idx, op_name(in), e.msg);
    acc_range r[3];
    int n = acc_instr_spad_ranges(in, r);
    for (int k = 0; k < n; k++) {
        if (r[k].hi > s->spad_bytes)
            return acc_fail(err,
                            "instruction %d (%s): operand '%s' 0x%05llx..0x%05llx reaches past the "
                            "%u-byte scratchpad",
                            idx, op_name(in), acc_instr_operand_name(in->op, k),
                            (unsigned long long)r[k].lo, (unsigned long long)r[k].hi,
                            s->spad_bytes);
    }
    if (in->op == ACC_OP_LOAD || in->op == ACC_OP_STORE) {
        uint64_t lo, hi;
        dram_hull(&in->u.dma, &lo, &hi);
        if (hi > s->mem->size)
            return acc_fail(err,
                            "instruction %d (%s): field 'dram': external bytes 0x%08llx..0x%08llx "
                            "reach past the %llu-byte memory",
                            idx, op_name(in), (unsigned long long)lo, (unsigned long long)hi,
                            (unsigned long long)s->mem->size);
    }
    return 0;
}

int iss_run(const acc_program *p, const acc_config *cfg, acc_dram *mem, iss_stats *stats,
            acc_error *err)
{
    return iss_run_progress(p, cfg, mem, stats, NULL, NULL, err);
}

int iss_run_progress(const acc_program *p, const acc_config *cfg, acc_dram *mem, iss_stats *stats,
                     acc_progress_fn progress, void *ctx, acc_error *err)
{
    ACC_REQUIRE(p != NULL && cfg != NULL && mem != NULL);
    iss s;
    memset(&s, 0, sizeof(s));
    s.progress = progress;
    s.ctx = ctx;
    s.count = p->count;
    s.spad_bytes = cfg->spad_bytes;
    s.spad = acc_calloc(cfg->spad_bytes ? cfg->spad_bytes : 1, 1);
    s.mem = mem;
    int rc = -1, ended = 0;
    for (int i = 0; i < p->count; i++) {
        const acc_instr *in = &p->ins[i];
        s.index = i;
        if (tick(&s)) {
            acc_fail(err, "stopped at instruction %d (%s) by its caller", i, op_name(in));
            goto out;
        }
        if (check_access(&s, i, in, err) != 0)
            goto out;
        s.st.instructions++;
        switch (in->op) {
        case ACC_OP_LOAD:
            run_dma(&s, &in->u.dma, 1);
            break;
        case ACC_OP_STORE:
            run_dma(&s, &in->u.dma, 0);
            break;
        case ACC_OP_COMPUTE:
            run_compute(&s, &in->u.cp);
            break;
        case ACC_OP_END:
            ended = 1;
            break;
        }
        if (s.stopped) {
            acc_fail(err, "stopped at instruction %d (%s) by its caller", i, op_name(in));
            goto out;
        }
        if (ended)
            break;
    }
    if (!ended) {
        acc_fail(err, "program has no END instruction (%d instructions)", p->count);
        goto out;
    }
    rc = 0;
out:
    if (stats)
        *stats = s.st;
    free(s.spad);
    free(s.rowbuf);
    return rc;
}
