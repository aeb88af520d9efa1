/* rtl_backend.c - the "rtl" backend: drives the Verilated accelerator like a
 * device driver would.  It programs the registers over AXI4-Lite, serves the
 * AXI4 ports from the external memory model (axi_mem.h), starts the run and
 * records, from the trace port, the cycle in which every instruction issues
 * and ends.  Cycle 0 is the cycle of the start write's handshake, as in
 * docs/model.md. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cosim/axi_mem.h"
#include "cosim/backend.h"
#include "cosim/gtkw.h"
#include "cosim/measure.h"
#include "cosim/regmap.h"
#include "cosim/vmodel.h"

#define HOST_TIMEOUT 1000 /* cycles a register access may take */

typedef struct rtl_sim {
    acc_vmodel *vm;
    acc_vm_in in;
    acc_vm_out out;
    axi_rport rd, ird;
    axi_wport wr;
    acc_dram *mem;
    int64_t cycle; /* cycles since the model was created */
    int dump;
} rtl_sim;

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
    in->arready = in->awready = in->wready = in->i_arready = 1;
    acc_vm_set(s->vm, in);
    acc_vm_get(s->vm, &s->out);
}

/* The cycle's handshakes reach the memory model; rising edge.  During reset
 * nothing is a handshake: the memory, like any AXI4 slave, ignores its
 * master; a VALID the master drives high (AXI4 requires ARVALID, AWVALID and
 * WVALID low during reset) is a protocol violation. */
static void sim_commit(rtl_sim *s)
{
    const acc_vm_out *o = &s->out;
    const acc_vm_in *in = &s->in;
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
    if (o->arvalid)
        axi_rport_ar(&s->rd, s->cycle, o->araddr, o->arlen, o->arsize, o->arburst);
    if (in->rvalid && o->rready)
        axi_rport_r_taken(&s->rd);
    if (o->i_arvalid)
        axi_rport_ar(&s->ird, s->cycle, o->i_araddr, o->i_arlen, o->i_arsize, o->i_arburst);
    if (in->i_rvalid && o->i_rready)
        axi_rport_r_taken(&s->ird);
    if (o->awvalid)
        axi_wport_aw(&s->wr, s->cycle, o->awaddr, o->awlen, o->awsize, o->awburst);
    if (o->wvalid)
        axi_wport_w(&s->wr, s->cycle, s->mem, o->wdata, o->wstrb, o->wlast);
    if (in->bvalid && o->bready)
        axi_wport_b_taken(&s->wr);
    acc_vm_clock(s->vm, s->dump);
    s->cycle++;
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

static int in_wave_window(const cosim_options *o, int64_t cycle, int window_open)
{
    int has_cycles = o->wave_from_cycle >= 0 || o->wave_to_cycle >= 0;
    int has_instr = o->wave_from_instr >= 0 || o->wave_to_instr >= 0;
    if (has_cycles)
        return (o->wave_from_cycle < 0 || cycle >= o->wave_from_cycle) &&
               (o->wave_to_cycle < 0 || cycle <= o->wave_to_cycle);
    if (has_instr)
        return window_open;
    return 1;
}

static int rtl_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm,
                   acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err)
{
    cosim_result_reset(res);
    acc_vm_params built;
    acc_vm_params_get(&built);
    if (cosim_check_params(&built, cfg, "", err) != 0)
        return -1;
    const char *why = NULL;
    double t_begin = acc_now_seconds();
    rtl_sim s;
    memset(&s, 0, sizeof(s));
    s.mem = mem;
    s.vm = acc_vm_new(opt->wave_path, &why);
    if (!s.vm)
        return acc_fail(err, "cannot start the RTL model: %s", why ? why : "unknown reason");
    axi_rport_init(&s.rd, cfg->axi_bytes, cfg->read_latency);
    axi_rport_init(&s.ird, ACC_INSTR_BYTES, cfg->read_latency);
    axi_wport_init(&s.wr, cfg->axi_bytes, cfg->write_latency);
    cosim_result_measure(res, p->count);

    int has_window = opt->wave_from_instr >= 0 || opt->wave_to_instr >= 0 ||
                     opt->wave_from_cycle >= 0 || opt->wave_to_cycle >= 0;
    s.dump = opt->wave_path && !has_window;
    /* Reset: acc_vm_new gave rst_ni its falling edge (the asynchronous reset
     * acts at once); it stays low for four clock edges, the host's VALIDs
     * low, and is released away from the clock edge. */
    s.in.rst_n = 0;
    for (int i = 0; i < 4; i++) {
        sim_eval(&s);
        sim_commit(&s);
    }
    s.in.rst_n = 1;
    sim_eval(&s);
    sim_commit(&s);

    int rc = 0;
    const cosim_host host = {&s, host_read, host_write};
    uint32_t id = 0, spad = 0;
    if (cosim_host_program(&host, mm->prog, (uint32_t)p->count, &id, &spad) != 0) {
        rc = acc_fail(err, "the accelerator's register interface did not answer");
        goto out;
    }
    if (spad != cfg->spad_bytes) {
        rc = acc_fail(err, "the accelerator reports %u scratchpad bytes, configuration '%s' has %u",
                      spad, cfg->name, cfg->spad_bytes);
        goto out;
    }

    /* Start: cycle 0 is the start write's handshake cycle. */
    s.dump = opt->wave_path && (!has_window || in_wave_window(opt, 0, opt->wave_from_instr < 0));
    int64_t t0 = host_write(&s, ACC_REG_CTRL, ACC_CTRL_START);
    if (t0 < 0) {
        rc = acc_fail(err, "the start write was not accepted");
        goto out;
    }
    int64_t budget = opt->cycle_budget > 0 ? opt->cycle_budget : INT64_MAX;
    int issued = 0, window_open = opt->wave_from_instr < 0, irq_seen = 0;
    int progress = opt->progress && isatty(2);
    int64_t n;
    /* host_write ran past cycle 0 to collect the B response; those cycles are
     * already simulated: the trace signals of cycles 1.. are read below from
     * the first cycle not yet seen.  No instruction can issue before
     * cycle Lr + 2, which is later than the write response. */
    for (;;) {
        n = s.cycle - t0;
        if (n > budget) {
            res->timed_out = 1;
            break;
        }
        s.dump = opt->wave_path && in_wave_window(opt, n, window_open);
        sim_eval(&s);
        const acc_vm_out *o = &s.out;
        if (o->trace_issue) {
            uint32_t idx = o->trace_issue_idx;
            if (idx < (uint32_t)p->count) {
                res->start[idx] = n;
                issued = (int)idx + 1;
                if ((int64_t)idx == opt->wave_from_instr) {
                    window_open = 1;
                    s.dump = opt->wave_path != NULL;
                }
            }
        }
        for (int e = 0; e < ACC_ENG_COUNT; e++) {
            if (!((o->trace_done >> e) & 1u))
                continue;
            uint32_t idx = o->trace_idx[e];
            if (idx < (uint32_t)p->count)
                res->end[idx] = n + 1;
            if ((int64_t)idx == opt->wave_to_instr)
                window_open = 0;
        }
        if (o->irq) {
            if (issued > 0 && p->ins[issued - 1].op == ACC_OP_END && res->end[issued - 1] < 0)
                res->end[issued - 1] = n;
            irq_seen = 1;
            sim_commit(&s);
            break;
        }
        sim_commit(&s);
        if (acc_vm_stopped(s.vm)) {
            rc = acc_fail(err, "an RTL assertion failed in cycle %lld (see the message above)",
                          (long long)n);
            break;
        }
        if (progress && (n & 0xffff) == 0)
            cosim_progress_draw("rtl", issued, p->count, n, 0);
    }
    if (progress)
        cosim_progress_draw("rtl", issued, p->count, s.cycle - t0, 1);
    s.dump = 0;

    /* the violations of the run, before the read-out's cycles */
    cosim_run_end end = {.issued = issued,
                         .timed_out = res->timed_out,
                         .budget = budget,
                         .irq_seen = irq_seen,
                         .violation = cosim_axi_violation(&s.rd, &s.ird, &s.wr)};
    if (irq_seen && !res->timed_out)
        end.readout_ok = cosim_host_read_out(&host, &end.regs) == 0;
    rc = cosim_run_finish(p, &end, rc, res, err);
out:
    acc_vm_free(s.vm); /* closes the waveform */
    if (opt->wave_path) {
        acc_error gerr;
        if (cosim_write_gtkw(opt->wave_path, p, &gerr) != 0 && rc == 0)
            rc = acc_fail(err, "%s", gerr.msg);
    }
    res->wall_seconds = acc_now_seconds() - t_begin;
    return rc;
}

const cosim_backend cosim_backend_rtl = {"rtl", rtl_run};
