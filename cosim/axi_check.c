/* axi_check.c - AXI4 / AXI4-Lite protocol checker and burst scoreboard
 * (axi_check.h). */
#include "cosim/axi_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define Q AXI_CHECK_QUEUE

static int fail(axi_check *c, int64_t cycle, const char *rule, int *bad)
{
    if (*bad)
        return -1; /* one violation per cycle is counted */
    *bad = 1;
    if (c->violations++ == 0)
        snprintf(c->first, sizeof(c->first), "axi check: %s, rule %s, cycle %" PRId64, c->port,
                 rule, cycle);
    return -1;
}

void axi_check_init(axi_check *c, const char *port, int bus_bytes, int max_outstanding)
{
    ACC_REQUIRE(c && port && bus_bytes > 0 && max_outstanding >= 1 && max_outstanding <= Q);
    memset(c, 0, sizeof(*c));
    c->port = port;
    c->bus_bytes = bus_bytes;
    c->max_outstanding = max_outstanding;
}

uint64_t axi_check_hash(const uint8_t *bytes, int n)
{
    uint64_t h = 1469598103934665603ull;
    for (int i = 0; i < n; i++) {
        h ^= bytes[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* AxBURST, AxSIZE and the 4 KiB rule of one address. */
static void check_addr(axi_check *c, int64_t cycle, uint32_t addr, uint32_t len, uint32_t size,
                       uint32_t burst, const char *ch, int *bad)
{
    char rule[96];
    if (burst != 1u) {
        snprintf(rule, sizeof(rule), "%sBURST is INCR", ch);
        fail(c, cycle, rule, bad);
        return;
    }
    if (size > 7u || (1u << size) > (uint32_t)c->bus_bytes) {
        snprintf(rule, sizeof(rule), "%sSIZE at most the bus width", ch);
        fail(c, cycle, rule, bad);
        return;
    }
    uint32_t step = 1u << size;
    uint64_t first = addr & ~(uint64_t)(step - 1u);
    uint64_t last = first + (uint64_t)len * step + step - 1u;
    if (len > 255u || (first >> 12) != (last >> 12))
        fail(c, cycle, "no burst across a 4 KiB boundary", bad);
}

int axi_check_rd(axi_check *c, int64_t cycle, int rst_n, const axi_rd_pins *p)
{
    ACC_REQUIRE(c && p);
    int bad = 0;
    if (!rst_n) {
        if (p->arvalid)
            fail(c, cycle, "ARVALID low during reset", &bad);
        c->have_prev = 0;
        return bad ? -1 : 0;
    }
    const axi_rd_pins *q = &c->prev.rd;
    if (c->have_prev && q->arvalid && !q->arready) {
        if (!p->arvalid)
            fail(c, cycle, "ARVALID held until ARREADY", &bad);
        else if (p->araddr != q->araddr || p->arlen != q->arlen || p->arsize != q->arsize ||
                 p->arburst != q->arburst)
            fail(c, cycle, "AR payload stable while ARREADY is low", &bad);
    }
    if (c->have_prev && q->rvalid && !q->rready) {
        if (!p->rvalid)
            fail(c, cycle, "RVALID held until RREADY", &bad);
        else if (p->rdata_hash != q->rdata_hash || p->rresp != q->rresp || p->rlast != q->rlast)
            fail(c, cycle, "R payload stable while RREADY is low", &bad);
    }
    int64_t outstanding = c->addr_done - c->resp_done;
    if (p->arvalid) {
        check_addr(c, cycle, p->araddr, p->arlen, p->arsize, p->arburst, "AR", &bad);
        if (p->arready && outstanding >= c->max_outstanding)
            fail(c, cycle, "outstanding bursts within the limit", &bad);
    }
    if (p->rvalid && outstanding == 0)
        fail(c, cycle, "RVALID only for an outstanding burst", &bad);
    if (p->rvalid && p->rready && outstanding > 0) {
        int last = c->beat == c->lens[c->resp_done % Q];
        if (p->rlast != last)
            fail(c, cycle, "RLAST on the last beat of the burst", &bad);
        c->beat++;
        if (last) {
            c->beat = 0;
            c->resp_done++;
        }
    }
    if (p->arvalid && p->arready)
        c->lens[c->addr_done++ % Q] = p->arlen;
    c->prev.rd = *p;
    c->have_prev = 1;
    return bad ? -1 : 0;
}

int axi_check_wr(axi_check *c, int64_t cycle, int rst_n, const axi_wr_pins *p)
{
    ACC_REQUIRE(c && p);
    int bad = 0;
    if (!rst_n) {
        if (p->awvalid)
            fail(c, cycle, "AWVALID low during reset", &bad);
        if (p->wvalid)
            fail(c, cycle, "WVALID low during reset", &bad);
        c->have_prev = 0;
        return bad ? -1 : 0;
    }
    const axi_wr_pins *q = &c->prev.wr;
    if (c->have_prev && q->awvalid && !q->awready) {
        if (!p->awvalid)
            fail(c, cycle, "AWVALID held until AWREADY", &bad);
        else if (p->awaddr != q->awaddr || p->awlen != q->awlen || p->awsize != q->awsize ||
                 p->awburst != q->awburst)
            fail(c, cycle, "AW payload stable while AWREADY is low", &bad);
    }
    if (c->have_prev && q->wvalid && !q->wready) {
        if (!p->wvalid)
            fail(c, cycle, "WVALID held until WREADY", &bad);
        else if (p->wdata_hash != q->wdata_hash || p->wstrb != q->wstrb || p->wlast != q->wlast)
            fail(c, cycle, "W payload stable while WREADY is low", &bad);
    }
    if (c->have_prev && q->bvalid && !q->bready) {
        if (!p->bvalid)
            fail(c, cycle, "BVALID held until BREADY", &bad);
        else if (p->bresp != q->bresp)
            fail(c, cycle, "BRESP stable while BREADY is low", &bad);
    }
    /* B answers burst resp_done: its AW and its last W came in earlier cycles */
    if (p->bvalid && (c->resp_done >= c->addr_done || c->resp_done >= c->w_cur))
        fail(c, cycle, "BVALID only after the burst's AW and last W", &bad);
    int64_t outstanding = c->addr_done - c->resp_done;
    if (p->awvalid) {
        check_addr(c, cycle, p->awaddr, p->awlen, p->awsize, p->awburst, "AW", &bad);
        if (p->awready && outstanding >= c->max_outstanding)
            fail(c, cycle, "outstanding bursts within the limit", &bad);
    }
    if (p->bvalid && p->bready && c->resp_done < c->addr_done)
        c->resp_done++;
    if (p->awvalid && p->awready) {
        int64_t k = c->addr_done++;
        c->lens[k % Q] = p->awlen;
        if (k < c->w_cur && c->ahead[k % Q] != p->awlen + 1u)
            fail(c, cycle, "WLAST on the last beat of the burst", &bad);
    }
    if (p->wvalid && p->wready) {
        int known = c->w_cur < c->addr_done;
        if (known) {
            int last = c->beat == c->lens[c->w_cur % Q];
            if (p->wlast != last)
                fail(c, cycle, "WLAST on the last beat of the burst", &bad);
        } else if (c->beat >= 255u && !p->wlast) {
            fail(c, cycle, "WLAST on the last beat of the burst", &bad);
        } else if (c->w_cur - c->addr_done >= Q / 2) {
            fail(c, cycle, "outstanding bursts within the limit", &bad);
        }
        c->beat++;
        if (p->wlast) {
            if (!known)
                c->ahead[c->w_cur % Q] = c->beat;
            c->beat = 0;
            c->w_cur++;
        }
    }
    c->prev.wr = *p;
    c->have_prev = 1;
    return bad ? -1 : 0;
}

int axi_check_lite(axi_check *c, int64_t cycle, int rst_n, const axi_lite_pins *p)
{
    ACC_REQUIRE(c && p);
    int bad = 0;
    if (!rst_n) {
        if (p->awvalid || p->wvalid || p->arvalid)
            fail(c, cycle, "host VALIDs low during reset", &bad);
        c->have_prev = 0;
        return bad ? -1 : 0;
    }
    const axi_lite_pins *q = &c->prev.lite;
    if (c->have_prev) {
        if (q->awvalid && !q->awready && (!p->awvalid || p->awaddr != q->awaddr))
            fail(c, cycle, "AWVALID held until AWREADY, address stable", &bad);
        if (q->wvalid && !q->wready && (!p->wvalid || p->wdata != q->wdata || p->wstrb != q->wstrb))
            fail(c, cycle, "WVALID held until WREADY, data stable", &bad);
        if (q->arvalid && !q->arready && (!p->arvalid || p->araddr != q->araddr))
            fail(c, cycle, "ARVALID held until ARREADY, address stable", &bad);
        if (q->bvalid && !q->bready && (!p->bvalid || p->bresp != q->bresp))
            fail(c, cycle, "BVALID held until BREADY, response stable", &bad);
        if (q->rvalid && !q->rready && (!p->rvalid || p->rdata != q->rdata || p->rresp != q->rresp))
            fail(c, cycle, "RVALID held until RREADY, data stable", &bad);
    }
    if (p->bvalid && (c->lite_aw == 0 || c->lite_w == 0))
        fail(c, cycle, "BVALID only after an accepted AW and W", &bad);
    if (p->rvalid && c->lite_ar == 0)
        fail(c, cycle, "RVALID only after an accepted AR", &bad);
    if (p->bvalid && p->bready && c->lite_aw > 0 && c->lite_w > 0) {
        c->lite_aw--;
        c->lite_w--;
    }
    if (p->rvalid && p->rready && c->lite_ar > 0)
        c->lite_ar--;
    c->lite_aw += p->awvalid && p->awready;
    c->lite_w += p->wvalid && p->wready;
    c->lite_ar += p->arvalid && p->arready;
    c->prev.lite = *p;
    c->have_prev = 1;
    return bad ? -1 : 0;
}

/* ---------------------------------------------------------------- scoreboard */

/* Moves to the next burst of kind op, from instruction s->instr on. */
static void sb_advance(axi_scoreboard *s)
{
    for (;;) {
        if (s->instr < s->prog->count && model_dma_bursts_next(&s->it, &s->next)) {
            s->has_next = 1;
            return;
        }
        int i = s->instr + 1;
        while (i < s->prog->count && s->prog->ins[i].op != s->op)
            i++;
        s->instr = i;
        s->burst = 0;
        if (i >= s->prog->count) {
            s->has_next = 0;
            return;
        }
        model_dma_bursts_begin(&s->it, &s->prog->ins[i].u.dma, s->cfg);
    }
}

void axi_scoreboard_init(axi_scoreboard *s, const char *port, const acc_program *p,
                         const acc_config *cfg, acc_opcode op)
{
    ACC_REQUIRE(s && port && p && cfg && (op == ACC_OP_LOAD || op == ACC_OP_STORE));
    memset(s, 0, sizeof(*s));
    s->port = port;
    s->prog = p;
    s->cfg = cfg;
    s->op = op;
    s->instr = -1;
    /* an empty walk of instruction -1 moves to the first of kind op */
    s->it.done = 1;
    sb_advance(s);
}

static int sb_fail(axi_scoreboard *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sb_fail(axi_scoreboard *s, const char *fmt, ...)
{
    if (s->violations++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->first, sizeof(s->first), fmt, ap);
        va_end(ap);
    }
    return -1;
}

int axi_scoreboard_burst(axi_scoreboard *s, int64_t cycle, uint32_t addr, uint32_t len)
{
    ACC_REQUIRE(s);
    s->seen++;
    if (!s->has_next)
        return sb_fail(s,
                       "burst scoreboard: %s, cycle %" PRId64 ": burst 0x%08x with %u beats, "
                       "but the program's %ss have no more bursts",
                       s->port, cycle, addr, len + 1u, acc_op_name(s->op));
    s->burst++;
    int rc = 0;
    if (addr != s->next.addr || len + 1u != s->next.beats)
        rc = sb_fail(s,
                     "burst scoreboard: %s, cycle %" PRId64 ": burst %" PRId64
                     " of instruction %d (%s) must be 0x%08x with %u beats, the accelerator "
                     "issued 0x%08x with %u beats",
                     s->port, cycle, s->burst, s->instr, acc_op_name(s->op), s->next.addr,
                     s->next.beats, addr, len + 1u);
    sb_advance(s);
    return rc;
}

int axi_scoreboard_finish(axi_scoreboard *s, int64_t cycle)
{
    ACC_REQUIRE(s);
    if (!s->has_next)
        return 0;
    return sb_fail(s,
                   "burst scoreboard: %s, cycle %" PRId64 ": the run ended with burst %" PRId64
                   " of instruction %d (%s) never issued (0x%08x, %u beats)",
                   s->port, cycle, s->burst + 1, s->instr, acc_op_name(s->op), s->next.addr,
                   s->next.beats);
}

int axi_burst_owner(const acc_program *p, const acc_config *cfg, acc_opcode op, int64_t n,
                    int64_t *total)
{
    ACC_REQUIRE(p && cfg);
    int64_t k = 0;
    int owner = -1;
    for (int i = 0; i < p->count; i++) {
        if (p->ins[i].op != op)
            continue;
        int64_t c = model_dma_burst_count(&p->ins[i].u.dma, cfg);
        if (owner < 0 && n > k && n <= k + c)
            owner = i;
        k += c;
    }
    if (total)
        *total = k;
    return owner;
}
