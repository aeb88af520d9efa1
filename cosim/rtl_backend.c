/* rtl_backend.c - the "rtl" backend: drives the Verilated accelerator like a
 * device driver would.  It programs the registers over AXI4-Lite, serves the
 * AXI4 ports from the external memory model (axi_mem.h), starts the run and
 * records, from the trace port, the cycle in which every instruction issues
 * and ends.  Cycle 0 is the cycle of the start write's handshake, as in
 * docs/model.md.  Every cycle the protocol checker (axi_check.h) watches the
 * three AXI4 ports and the AXI4-Lite port, and the burst scoreboard the
 * LOAD and STORE bursts.  In stress mode (cosim_options.stress) the memory
 * jitters and stalls, and a host probe reads registers at random times
 * during the run. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cosim/axi_check.h"
#include "cosim/axi_mem.h"
#include "cosim/backend.h"
#include "cosim/gtkw.h"
#include "cosim/measure.h"
#include "cosim/regmap.h"
#include "cosim/vmodel.h"
#include "cosim/wavewin.h"
#include "model/model.h"

#define HOST_TIMEOUT 1000 /* cycles a register access may take */

typedef struct rtl_sim {
    acc_vmodel *vm;
    acc_vm_in in;
    acc_vm_out out;
    axi_rport rd, ird;
    axi_wport wr;
    acc_dram *mem;
    int64_t cycle; /* cycles since the model was created */
    int64_t base;  /* the start write's cycle once known (checker messages count from it) */
    int dump;
    axi_check ck_rd, ck_ird, ck_wr, ck_lite;
    axi_scoreboard sb_ld, sb_st;
} rtl_sim;

/* The stress host: at random times during the run, reads a register (an
 * AXI4-Lite read with a random RREADY delay) and checks what it reads, or
 * writes one that must not disturb the run (docs/cosim.md, "Stress mode"):
 * a start (ignored while busy), PROG_ADDR or PROG_LEN (latched at start;
 * the probe writes the programmed value back at its next access or after
 * the run), or a read-only register (ignored). */
typedef struct host_probe {
    int on;
    acc_rng rng;
    int phase;       /* 0 idle, 1 AR offered, 2 waiting for R, 3 AW+W offered, 4 waiting for B */
    int64_t next_at; /* run cycle of the next access */
    uint32_t addr;
    uint32_t wdata;
    uint32_t last_cycles;
    int reads, writes;
    uint32_t prog_addr, prog_len; /* what the run was started with */
    uint32_t issued;              /* instructions issued so far */
    int dirty;                    /* PROG_ADDR (1) or PROG_LEN (2) holds a stray value */
    char error[256];
} host_probe;

/* Memory outputs for this cycle, DUT inputs applied, DUT outputs read.
 * While reset is asserted the memory drives every VALID low (AXI4: a slave
 * drives RVALID and BVALID low during reset; its READYs are don't-care). */
static void sim_eval(rtl_sim *s)
{
    acc_vm_in *in = &s->in;
    if (in->rst_n) {
        axi_rport_drive(&s->rd, s->cycle, s->mem, &in->rvalid, in->rdata, &in->rlast, &in->rresp);
        axi_rport_drive(&s->ird, s->cycle, s->mem, &in->i_rvalid, in->i_rdata, &in->i_rlast,
                        &in->i_rresp);
        axi_wport_drive(&s->wr, s->cycle, &in->bvalid, &in->bresp);
    } else {
        in->rvalid = in->rlast = in->rresp = in->i_rvalid = in->i_rlast = in->i_rresp = 0;
        in->bvalid = in->bresp = 0;
    }
    in->arready = axi_rport_arready(&s->rd);
    in->i_arready = axi_rport_arready(&s->ird);
    in->awready = axi_wport_awready(&s->wr);
    in->wready = axi_wport_wready(&s->wr);
    acc_vm_set(s->vm, in);
    acc_vm_get(s->vm, &s->out);
}

/* The protocol checker sees every pin of the cycle. */
static void sim_check(rtl_sim *s)
{
    const acc_vm_out *o = &s->out;
    const acc_vm_in *in = &s->in;
    int64_t c = s->cycle - s->base;
    const axi_rd_pins rd = {o->arvalid,
                            in->arready,
                            o->araddr,
                            o->arlen,
                            o->arsize,
                            o->arburst,
                            in->rvalid,
                            o->rready,
                            in->rlast,
                            in->rresp,
                            in->rvalid ? axi_check_hash(in->rdata, s->rd.bus_bytes) : 0};
    const axi_rd_pins ird = {o->i_arvalid,
                             in->i_arready,
                             o->i_araddr,
                             o->i_arlen,
                             o->i_arsize,
                             o->i_arburst,
                             in->i_rvalid,
                             o->i_rready,
                             in->i_rlast,
                             in->i_rresp,
                             in->i_rvalid ? axi_check_hash(in->i_rdata, s->ird.bus_bytes) : 0};
    const axi_wr_pins wr = {o->awvalid,
                            in->awready,
                            o->awaddr,
                            o->awlen,
                            o->awsize,
                            o->awburst,
                            o->wvalid,
                            in->wready,
                            o->wlast,
                            o->wvalid ? o->wstrb : 0,
                            o->wvalid ? axi_check_hash(o->wdata, s->wr.bus_bytes) : 0,
                            in->bvalid,
                            o->bready,
                            in->bresp};
    const axi_lite_pins lite = {
        in->l_awvalid, o->l_awready, in->l_wvalid, o->l_wready,  o->l_bvalid,  in->l_bready,
        in->l_arvalid, o->l_arready, o->l_rvalid,  in->l_rready, in->l_awaddr, in->l_wdata,
        in->l_wstrb,   in->l_araddr, o->l_rdata,   o->l_bresp,   o->l_rresp};
    axi_check_rd(&s->ck_rd, c, in->rst_n, &rd);
    axi_check_rd(&s->ck_ird, c, in->rst_n, &ird);
    axi_check_wr(&s->ck_wr, c, in->rst_n, &wr);
    axi_check_lite(&s->ck_lite, c, in->rst_n, &lite);
}

/* The cycle's handshakes reach the memory model and the scoreboard; rising
 * edge.  During reset nothing is a handshake: the memory, like any AXI4
 * slave, ignores its master; a VALID the master drives high (AXI4 requires
 * ARVALID, AWVALID and WVALID low during reset) is a protocol violation. */
static void sim_commit(rtl_sim *s)
{
    const acc_vm_out *o = &s->out;
    const acc_vm_in *in = &s->in;
    sim_check(s);
    if (!in->rst_n) {
        if (o->arvalid)
            axi_rport_valid_in_reset(&s->rd, "ARVALID", o->araddr);
        if (o->i_arvalid)
            axi_rport_valid_in_reset(&s->ird, "ARVALID", o->i_araddr);
        if (o->awvalid)
            axi_wport_valid_in_reset(&s->wr, "AWVALID", o->awaddr);
        if (o->wvalid)
            axi_wport_valid_in_reset(&s->wr, "WVALID", 0);
        acc_vm_clock(s->vm, s->dump);
        s->cycle++;
        return;
    }
    int64_t c = s->cycle - s->base;
    int ar = o->arvalid && in->arready, iar = o->i_arvalid && in->i_arready;
    int aw = o->awvalid && in->awready, w = o->wvalid && in->wready;
    if (ar) {
        axi_rport_ar(&s->rd, s->cycle, o->araddr, o->arlen, o->arsize, o->arburst);
        axi_scoreboard_burst(&s->sb_ld, c, o->araddr, o->arlen);
    }
    if (in->rvalid && o->rready)
        axi_rport_r_taken(&s->rd);
    if (iar)
        axi_rport_ar(&s->ird, s->cycle, o->i_araddr, o->i_arlen, o->i_arsize, o->i_arburst);
    if (in->i_rvalid && o->i_rready)
        axi_rport_r_taken(&s->ird);
    if (aw) {
        axi_wport_aw(&s->wr, s->cycle, o->awaddr, o->awlen, o->awsize, o->awburst);
        axi_scoreboard_burst(&s->sb_st, c, o->awaddr, o->awlen);
    }
    if (w)
        axi_wport_w(&s->wr, s->cycle, s->mem, o->wdata, o->wstrb, o->wlast);
    if (in->bvalid && o->bready)
        axi_wport_b_taken(&s->wr);
    axi_rport_ready_step(&s->rd, o->arvalid, ar);
    axi_rport_ready_step(&s->ird, o->i_arvalid, iar);
    axi_wport_ready_step(&s->wr, o->awvalid, aw, o->wvalid, w);
    acc_vm_clock(s->vm, s->dump);
    s->cycle++;
}

/* The first violation of the run: the memory's own, then the checker's
 * (data read, fetch, write, registers), then the scoreboard's; NULL when
 * there is none. */
static const char *sim_violation(const rtl_sim *s)
{
    const char *v = cosim_axi_violation(&s->rd, &s->ird, &s->wr);
    if (v)
        return v;
    const axi_check *ck[] = {&s->ck_rd, &s->ck_ird, &s->ck_wr, &s->ck_lite};
    for (size_t i = 0; i < sizeof(ck) / sizeof(ck[0]); i++)
        if (ck[i]->violations)
            return ck[i]->first;
    if (s->sb_ld.violations)
        return s->sb_ld.first;
    if (s->sb_st.violations)
        return s->sb_st.first;
    return NULL;
}

/* ---------------------------------------------------------------- host probe */

static const uint32_t probe_regs[] = {ACC_REG_STATUS,  ACC_REG_CYCLES_LO, ACC_REG_CYCLES_HI,
                                      ACC_REG_BUSY_LD, ACC_REG_BUSY_CP,   ACC_REG_BUSY_ST,
                                      ACC_REG_RETIRED, ACC_REG_ID,        ACC_REG_ERR_CODE};

/* Registers the probe writes during a run, none of which may change it. */
static const uint32_t probe_wregs[] = {ACC_REG_CTRL,     ACC_REG_PROG_ADDR, ACC_REG_PROG_LEN,
                                       ACC_REG_STATUS,   ACC_REG_CYCLES_LO, ACC_REG_RETIRED,
                                       ACC_REG_ERR_CODE, ACC_REG_ID};

/* The next access: the write that restores a dirty PROG_ADDR / PROG_LEN,
 * else a read half of the time and a write otherwise. */
static void probe_choose(host_probe *h)
{
    if (h->dirty) {
        h->addr = h->dirty == 1 ? ACC_REG_PROG_ADDR : ACC_REG_PROG_LEN;
        h->wdata = h->dirty == 1 ? h->prog_addr : h->prog_len;
        h->phase = 3;
        return;
    }
    uint64_t x = acc_rng_next(&h->rng);
    if (x & 1u) {
        h->addr = probe_regs[(x >> 1) % (sizeof(probe_regs) / sizeof(probe_regs[0]))];
        h->phase = 1;
        return;
    }
    h->addr = probe_wregs[(x >> 1) % (sizeof(probe_wregs) / sizeof(probe_wregs[0]))];
    uint32_t y = (uint32_t)(x >> 32);
    if (h->addr == ACC_REG_CTRL) /* a start */
        h->wdata = ACC_CTRL_START;
    else if (h->addr == ACC_REG_PROG_ADDR) /* a plausible program: a few instructions on */
        h->wdata = h->prog_addr + ACC_INSTR_BYTES * (1 + y % 16u);
    else if (h->addr == ACC_REG_PROG_LEN) /* a program that ends about here */
        h->wdata = h->issued + y % 4u < h->prog_len ? h->issued + y % 4u : h->prog_len;
    else /* a read-only register */
        h->wdata = y;
    h->phase = 3;
}

/* The probe's AXI4-Lite inputs for run cycle n (before sim_eval). */
static void probe_drive(host_probe *h, rtl_sim *s, int64_t n)
{
    if (!h->on)
        return;
    if (h->phase == 0 && n >= h->next_at)
        probe_choose(h);
    s->in.l_araddr = h->addr;
    s->in.l_arvalid = h->phase == 1;
    s->in.l_rready = h->phase == 2 && (acc_rng_next(&h->rng) & 1u);
    s->in.l_awaddr = h->addr;
    s->in.l_wdata = h->wdata;
    s->in.l_wstrb = 0xf;
    s->in.l_awvalid = s->in.l_wvalid = h->phase == 3;
    s->in.l_bready = h->phase == 4 && (acc_rng_next(&h->rng) & 1u);
}

/* After sim_eval: a write offered in the cycle the run ends is withdrawn
 * (a start in that cycle would be a legal restart, not a stray write).  The
 * register port takes AW and W in the first cycle they are offered (no B is
 * pending: the probe takes each B before its next access), so the VALIDs
 * were never seen high before.  Returns 1 when the inputs changed and the
 * cycle must be evaluated again. */
static int probe_withdraw(host_probe *h, rtl_sim *s)
{
    if (!h->on || h->phase != 3 || !s->out.irq)
        return 0;
    h->phase = 0;
    s->in.l_awvalid = s->in.l_wvalid = 0;
    return 1;
}

/* After sim_eval: the probe's handshakes; `running` when irq has not been
 * seen (only then must STATUS read busy).  A stray PROG_ADDR / PROG_LEN
 * value marks the register dirty until the probe writes it back. */
static void probe_observe(host_probe *h, rtl_sim *s, int64_t n, int running)
{
    if (!h->on)
        return;
    const acc_vm_out *o = &s->out;
    if (h->phase == 1 && o->l_arready) {
        h->phase = 2;
        return;
    }
    if (h->phase == 3) {
        if (!o->l_awready || !o->l_wready) {
            snprintf(h->error, sizeof(h->error),
                     "host write of 0x%02x in cycle %lld: AW and W not taken at once", h->addr,
                     (long long)n);
            h->phase = 0;
            return;
        }
        if (h->addr == ACC_REG_PROG_ADDR || h->addr == ACC_REG_PROG_LEN) {
            uint32_t want = h->addr == ACC_REG_PROG_ADDR ? h->prog_addr : h->prog_len;
            h->dirty = h->wdata == want ? 0 : h->addr == ACC_REG_PROG_ADDR ? 1 : 2;
        }
        h->phase = 4;
        return;
    }
    if (h->phase == 4) {
        if (!o->l_bvalid || !s->in.l_bready)
            return;
        h->writes++;
        h->phase = 0;
        h->next_at = n + 16 + (int64_t)(acc_rng_next(&h->rng) % 400u);
        if (!h->error[0] && o->l_bresp != ACC_RESP_OKAY)
            snprintf(h->error, sizeof(h->error),
                     "host write of 0x%08x to 0x%02x in cycle %lld answered %d", h->wdata, h->addr,
                     (long long)n, o->l_bresp);
        return;
    }
    if (h->phase != 2 || !o->l_rvalid || !s->in.l_rready)
        return;
    uint32_t v = o->l_rdata;
    h->reads++;
    h->phase = 0;
    h->next_at = n + 16 + (int64_t)(acc_rng_next(&h->rng) % 400u);
    if (h->error[0] || !running)
        return;
    if (o->l_rresp != ACC_RESP_OKAY)
        snprintf(h->error, sizeof(h->error), "host read of 0x%02x in cycle %lld answered %d",
                 h->addr, (long long)n, o->l_rresp);
    else if (h->addr == ACC_REG_ID && v != ACC_ID_VALUE)
        snprintf(h->error, sizeof(h->error), "host read of ID in cycle %lld gave 0x%08x",
                 (long long)n, v);
    else if (h->addr == ACC_REG_STATUS && !(v & ACC_STATUS_BUSY))
        snprintf(h->error, sizeof(h->error),
                 "host read of STATUS in cycle %lld gave 0x%x, not busy during the run",
                 (long long)n, v);
    else if (h->addr == ACC_REG_CYCLES_LO && (v < h->last_cycles || (int64_t)v > n))
        snprintf(h->error, sizeof(h->error),
                 "host read of CYCLES_LO in cycle %lld gave %u (earlier read %u)", (long long)n, v,
                 h->last_cycles);
    if (h->addr == ACC_REG_CYCLES_LO)
        h->last_cycles = v;
}

/* AXI4-Lite write (cosim_host's write, ctx the rtl_sim); returns the cycle
 * in which the write's handshake completed (AW and W both accepted), or -1
 * on timeout / error response. */
static int64_t host_write(void *ctx, uint32_t addr, uint32_t data)
{
    rtl_sim *s = ctx;
    int aw = 0, w = 0;
    int64_t done = -1;
    for (int n = 0; n < HOST_TIMEOUT && !(aw && w); n++) {
        s->in.l_awaddr = addr;
        s->in.l_awvalid = !aw;
        s->in.l_wdata = data;
        s->in.l_wstrb = 0xf;
        s->in.l_wvalid = !w;
        s->in.l_bready = 0;
        sim_eval(s);
        aw |= s->in.l_awvalid && s->out.l_awready;
        w |= s->in.l_wvalid && s->out.l_wready;
        if (aw && w)
            done = s->cycle;
        sim_commit(s);
    }
    s->in.l_awvalid = s->in.l_wvalid = 0;
    if (done < 0)
        return -1;
    for (int n = 0; n < HOST_TIMEOUT; n++) {
        s->in.l_bready = 1;
        sim_eval(s);
        int got = s->out.l_bvalid;
        int resp = s->out.l_bresp;
        sim_commit(s);
        if (got) {
            s->in.l_bready = 0;
            return resp == ACC_RESP_OKAY ? done : -1;
        }
    }
    return -1;
}

/* AXI4-Lite read (cosim_host's read, ctx the rtl_sim): 0, or -1 on timeout
 * / error response. */
static int host_read(void *ctx, uint32_t addr, uint32_t *data)
{
    rtl_sim *s = ctx;
    int ar = 0;
    for (int n = 0; n < HOST_TIMEOUT && !ar; n++) {
        s->in.l_araddr = addr;
        s->in.l_arvalid = 1;
        s->in.l_rready = 0;
        sim_eval(s);
        ar = s->out.l_arready;
        sim_commit(s);
    }
    s->in.l_arvalid = 0;
    if (!ar)
        return -1;
    for (int n = 0; n < HOST_TIMEOUT; n++) {
        s->in.l_rready = 1;
        sim_eval(s);
        int got = s->out.l_rvalid;
        uint32_t v = s->out.l_rdata;
        int resp = s->out.l_rresp;
        sim_commit(s);
        if (got) {
            s->in.l_rready = 0;
            *data = v;
            return resp == ACC_RESP_OKAY ? 0 : -1;
        }
    }
    return -1;
}

/* Stress mode and error injection on the memory's ports; the probe. */
static void setup_stress(rtl_sim *s, const cosim_stress *st, host_probe *h)
{
    if (st->on) {
        axi_rport_stress(&s->rd, st->seed * 4 + 1, st->lr_min, st->lr_max, st->gap_max);
        axi_rport_stress(&s->ird, st->seed * 4 + 2, st->lr_min, st->lr_max, st->gap_max);
        axi_wport_stress(&s->wr, st->seed * 4 + 3, st->lw_min, st->lw_max, st->gap_max);
        h->on = 1;
        acc_rng_seed(&h->rng, st->seed * 4 + 4);
        h->next_at = 1 + (int64_t)(acc_rng_next(&h->rng) % 64u);
    }
    if (st->inject_port == COSIM_PORT_LOAD)
        axi_rport_inject(&s->rd, st->inject_burst, st->inject_resp);
    else if (st->inject_port == COSIM_PORT_FETCH)
        axi_rport_inject(&s->ird, st->inject_burst, st->inject_resp);
    else if (st->inject_port == COSIM_PORT_STORE)
        axi_wport_inject(&s->wr, st->inject_burst, st->inject_resp);
}

/* Creates the model, its memory ports, checkers and stress set-up, and
 * resets it.  Returns the simulation (free with sim_close), or NULL with err
 * filled. */
static rtl_sim *sim_open(const acc_config *cfg, acc_dram *mem, const cosim_options *opt,
                         host_probe *probe, acc_error *err)
{
    acc_vm_params built;
    acc_vm_params_get(&built);
    if (cosim_check_params(&built, cfg, "", err) != 0)
        return NULL;
    const char *why = NULL;
    rtl_sim *s = acc_calloc(1, sizeof(*s));
    memset(probe, 0, sizeof(*probe));
    s->mem = mem;
    s->vm = acc_vm_new(opt->wave_path, &why);
    if (!s->vm) {
        free(s);
        acc_fail(err, "cannot start the RTL model: %s", why ? why : "unknown reason");
        return NULL;
    }
    axi_rport_init(&s->rd, cfg->axi_bytes, cfg->read_latency);
    axi_rport_init(&s->ird, ACC_INSTR_BYTES, cfg->read_latency);
    axi_wport_init(&s->wr, cfg->axi_bytes, cfg->write_latency);
    setup_stress(s, &opt->stress, probe);
    axi_check_init(&s->ck_rd, "data read port", cfg->axi_bytes, cfg->fetch_depth);
    axi_check_init(&s->ck_ird, "instruction fetch port", ACC_INSTR_BYTES, cfg->fetch_depth);
    axi_check_init(&s->ck_wr, "data write port", cfg->axi_bytes, AXI_CHECK_QUEUE / 2);
    axi_check_init(&s->ck_lite, "register port (AXI4-Lite)", 4, 1);

    s->dump = opt->wave_path && !cosim_wavewin_given(opt);
    /* Reset: acc_vm_new gave rst_ni its falling edge (the asynchronous reset
     * acts at once); it stays low for four clock edges, the host's VALIDs
     * low, and is released away from the clock edge. */
    s->in.rst_n = 0;
    for (int i = 0; i < 4; i++) {
        sim_eval(s);
        sim_commit(s);
    }
    s->in.rst_n = 1;
    sim_eval(s);
    sim_commit(s);
    return s;
}

/* One program on the (reset or stopped) model: program the registers,
 * start, measure until irq or the budget, read the registers out.  Returns
 * 0 when the program ran to END, -1 otherwise (err says why). */
static int sim_run_one(rtl_sim *s, host_probe *probe, const acc_program *p, const acc_config *cfg,
                       const acc_memmap *mm, const cosim_options *opt, cosim_result *res,
                       acc_error *err)
{
    cosim_result_reset(res);
    const size_t printed_before = strlen(acc_vm_printed(s->vm));
    axi_scoreboard_init(&s->sb_ld, "data read port", p, cfg, ACC_OP_LOAD);
    axi_scoreboard_init(&s->sb_st, "data write port", p, cfg, ACC_OP_STORE);
    cosim_result_measure(res, p->count);
    probe->reads = probe->writes = probe->dirty = 0;
    probe->last_cycles = 0;
    probe->prog_addr = mm->prog;
    probe->prog_len = (uint32_t)p->count;
    if (probe->on)
        probe->next_at = 1 + (int64_t)(acc_rng_next(&probe->rng) % 64u);
    /* the trace window, from the timing model's cycles and the measured ones */
    cosim_wavewin win;
    model_timing mt;
    acc_error merr;
    int timed = opt->wave_path && model_run(p, cfg, &mt, &merr) == 0;
    cosim_wavewin_init(&win, opt, p, timed ? &mt : NULL);
    if (timed)
        model_timing_free(&mt);

    const cosim_host host = {s, host_read, host_write};
    uint32_t id = 0, spad = 0;
    if (cosim_host_program(&host, mm->prog, (uint32_t)p->count, &id, &spad) != 0)
        return acc_fail(err, "the accelerator's register interface did not answer");
    if (spad != cfg->spad_bytes)
        return acc_fail(err,
                        "the accelerator reports %u scratchpad bytes, configuration '%s' has %u",
                        spad, cfg->name, cfg->spad_bytes);

    /* Start: cycle 0 is the start write's handshake cycle. */
    s->dump = opt->wave_path && cosim_wavewin_has(&win, 0);
    int64_t t0 = host_write(s, ACC_REG_CTRL, ACC_CTRL_START);
    if (t0 < 0)
        return acc_fail(err, "the start write was not accepted");
    s->base = t0;
    int rc = 0;
    int64_t budget = opt->cycle_budget > 0 ? opt->cycle_budget : INT64_MAX;
    double deadline = opt->max_seconds > 0 ? acc_now_seconds() + opt->max_seconds : 0;
    int issued = 0, irq_seen = 0;
    int progress = opt->progress && isatty(2);
    int64_t n;
    /* host_write ran past cycle 0 to collect the B response; those cycles are
     * already simulated: the trace signals of cycles 1.. are read below from
     * the first cycle not yet seen.  No instruction can issue before
     * cycle Lr + 2, which is later than the write response. */
    for (;;) {
        n = s->cycle - t0;
        if (n > budget) {
            res->timed_out = 1;
            break;
        }
        if (deadline > 0 && (n & 1023) == 0 && acc_now_seconds() >= deadline) {
            res->wall_timeout = 1;
            break;
        }
        probe->issued = (uint32_t)issued;
        probe_drive(probe, s, n);
        sim_eval(s);
        if (probe_withdraw(probe, s))
            sim_eval(s);
        const acc_vm_out *o = &s->out;
        if (o->trace_issue) {
            uint32_t idx = o->trace_issue_idx;
            if (idx < (uint32_t)p->count) {
                res->start[idx] = n;
                issued = (int)idx + 1;
                cosim_wavewin_issue(&win, idx, n);
            }
        }
        for (int e = 0; e < ACC_ENG_COUNT; e++) {
            if (!((o->trace_done >> e) & 1u))
                continue;
            uint32_t idx = o->trace_idx[e];
            if (idx < (uint32_t)p->count) {
                if (res->end[idx] < 0)
                    cosim_wavewin_end(&win, idx, n + 1);
                res->end[idx] = n + 1;
            }
        }
        /* the cycle is traced or not once its issue and ends are known */
        s->dump = opt->wave_path && cosim_wavewin_has(&win, n);
        probe_observe(probe, s, n, !o->irq);
        if (o->irq) {
            if (issued > 0 && p->ins[issued - 1].op == ACC_OP_END && res->end[issued - 1] < 0) {
                res->end[issued - 1] = n;
                cosim_wavewin_end(&win, issued - 1, n);
            }
            irq_seen = 1;
            sim_commit(s);
            break;
        }
        sim_commit(s);
        if (acc_vm_stopped(s->vm)) {
            char what[384];
            cosim_rtl_error_line(acc_vm_printed(s->vm) + printed_before, what, sizeof(what));
            rc = acc_fail(err, "an RTL assertion failed in cycle %lld: %s", (long long)n,
                          what[0] ? what : "(the model printed no message)");
            break;
        }
        if (progress && (n & 0xffff) == 0)
            cosim_progress_draw("rtl", issued, p->count, n, 0);
    }
    if (progress)
        cosim_progress_draw("rtl", issued, p->count, s->cycle - t0, 1);
    s->dump = 0;
    /* a probe read still in flight ends before the read-out */
    for (int k = 0; probe->phase != 0 && k < HOST_TIMEOUT; k++) {
        probe_drive(probe, s, s->cycle - t0);
        sim_eval(s);
        probe_observe(probe, s, s->cycle - t0, 0);
        sim_commit(s);
    }
    s->in.l_arvalid = s->in.l_awvalid = s->in.l_wvalid = 0;
    s->in.l_rready = s->in.l_bready = 0;
    /* a stray PROG_ADDR / PROG_LEN gets the programmed value back */
    if (probe->dirty && !res->timed_out && !res->wall_timeout &&
        host_write(s, probe->dirty == 1 ? ACC_REG_PROG_ADDR : ACC_REG_PROG_LEN,
                   probe->dirty == 1 ? probe->prog_addr : probe->prog_len) < 0 &&
        !probe->error[0])
        snprintf(probe->error, sizeof(probe->error),
                 "host write restoring PROG_%s after the run was not accepted",
                 probe->dirty == 1 ? "ADDR" : "LEN");
    res->host_reads = probe->reads;
    res->host_writes = probe->writes;
    snprintf(res->rtl_messages, sizeof(res->rtl_messages), "%s",
             acc_vm_printed(s->vm) + printed_before);

    cosim_run_end end = {.issued = issued,
                         .timed_out = res->timed_out,
                         .budget = budget,
                         .wall_timeout = res->wall_timeout,
                         .max_seconds = opt->max_seconds,
                         .cycle = s->cycle - t0,
                         .irq_seen = irq_seen};
    if (irq_seen && !res->timed_out) {
        uint32_t retired = 0;
        end.readout_ok = cosim_host_read_out(&host, &end.regs) == 0 &&
                         host_read(s, ACC_REG_RETIRED, &retired) == 0;
        if (end.readout_ok)
            res->retired = retired;
    }
    if (end.readout_ok && (end.regs.status & ACC_STATUS_DONE) &&
        !(end.regs.status & ACC_STATUS_ERROR)) {
        axi_scoreboard_finish(&s->sb_ld, s->cycle - t0);
        axi_scoreboard_finish(&s->sb_st, s->cycle - t0);
    }
    end.violation = sim_violation(s);
    if (!end.violation && probe->error[0])
        end.violation = probe->error;
    if (end.violation)
        snprintf(res->axi_violation, sizeof(res->axi_violation), "%s", end.violation);
    return cosim_run_finish(p, &end, rc, res, err);
}

/* ---------------------------------------------------------------- the waveform */

/* The waveform of a run is traced into a temporary file beside its final
 * name and renamed when the model closes it, so that a run that is
 * interrupted leaves no waveform that looks like the run's.  Verilator's FST
 * writer also keeps "<file>.hier" while it writes; both are tracked for the
 * signal handlers (acc_tmp_track). */
typedef struct wave_file {
    char *tmp, *hier; /* NULL: no waveform */
    int slot[2];
} wave_file;

/* Names and tracks the temporary files of a waveform to `path` (NULL:
 * none). */
static void wave_begin(wave_file *w, const char *path)
{
    memset(w, 0, sizeof(*w));
    w->slot[0] = w->slot[1] = -1;
    if (!path)
        return;
    w->tmp = acc_tmp_name(path);
    size_t n = strlen(w->tmp) + 8;
    w->hier = acc_malloc(n);
    snprintf(w->hier, n, "%s.hier", w->tmp);
    w->slot[0] = acc_tmp_track(w->tmp);
    w->slot[1] = acc_tmp_track(w->hier);
}

/* After the model closed the waveform (or never opened it: keep = 0):
 * renames it to `path` when keep, else removes it; the temporaries are
 * forgotten.  0, or -1 with err when the rename fails. */
static int wave_end(wave_file *w, const char *path, int keep, acc_error *err)
{
    int rc = 0;
    if (!w->tmp)
        return 0;
    if (keep && rename(w->tmp, path) != 0) {
        rc = acc_fail(err, "%s: cannot rename the waveform %s into place: %s", path, w->tmp,
                      strerror(errno));
        keep = 0;
    }
    if (!keep)
        remove(w->tmp);
    remove(w->hier); /* the writer removes it at close; not when it never opened */
    acc_tmp_forget(w->slot[0]);
    acc_tmp_forget(w->slot[1]);
    free(w->tmp);
    free(w->hier);
    w->tmp = w->hier = NULL;
    return rc;
}

/* Programs p[0..n-1] on one model (see cosim_rtl_run_seq). */
static int rtl_run_list(int n, const acc_program *p, const acc_memmap *mm, const acc_config *cfg,
                        acc_dram *mem, const cosim_options *opt_in, cosim_result *res,
                        acc_error *err)
{
    double t_begin = acc_now_seconds();
    for (int k = 0; k < n; k++)
        cosim_result_reset(&res[k]);
    wave_file wave;
    wave_begin(&wave, opt_in->wave_path);
    cosim_options traced = *opt_in; /* the model writes the temporary file */
    traced.wave_path = wave.tmp;
    const cosim_options *opt = &traced;
    host_probe probe;
    rtl_sim *s = sim_open(cfg, mem, opt, &probe, err);
    if (!s) {
        wave_end(&wave, NULL, 0, NULL);
        return -1;
    }
    int rc = 0;
    for (int k = 0; k < n; k++) {
        acc_error e1;
        int r = sim_run_one(s, &probe, &p[k], cfg, &mm[k], opt, &res[k], &e1);
        if (r != 0 && rc == 0) {
            rc = -1;
            *err = e1;
        }
        /* a stopped accelerator takes the next start; anything else ends
         * the sequence */
        if (r != 0 && !(res[k].hw_error && !res[k].timed_out && !res[k].axi_violation[0]))
            break;
    }
    acc_vm_free(s->vm); /* closes the waveform */
    free(s);
    if (opt_in->wave_path) {
        acc_error gerr;
        if (wave_end(&wave, opt_in->wave_path, 1, &gerr) != 0 && rc == 0)
            rc = acc_fail(err, "%s", gerr.msg);
        if (cosim_write_gtkw(opt_in->wave_path, &p[0], &gerr) != 0 && rc == 0)
            rc = acc_fail(err, "%s", gerr.msg);
    }
    double wall = acc_now_seconds() - t_begin;
    for (int k = 0; k < n; k++)
        res[k].wall_seconds = wall / n;
    return rc;
}

int cosim_rtl_run_seq(int n, const acc_program *p, const acc_memmap *mm, const acc_config *cfg,
                      acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err)
{
    ACC_REQUIRE(n >= 1 && p && mm && cfg && mem && opt && res);
    return rtl_run_list(n, p, mm, cfg, mem, opt, res, err);
}

static int rtl_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm, acc_dram *mem,
                   const cosim_options *opt, cosim_result *res, acc_error *err)
{
    return rtl_run_list(1, p, mm, cfg, mem, opt, res, err);
}

const cosim_backend cosim_backend_rtl = {"rtl", rtl_run};
