// sc_platform.cpp - the SystemC platform of the "systemc" backend: memory,
// host and monitor modules and the top that wires them to the Verilated
// accelerator.  sc_platform.h describes the structure and the timing.
#include "cosim/systemc/sc_platform.h"

#include <cstdio>
#include <cstring>

#include "cosim/regmap.h"

namespace acc_sc {

using sc_core::sc_time;
using sc_core::SC_NS;

constexpr int kHostTimeout = 1000; // cycles a register access may take
constexpr int kBufBytes = kDataBytes > ACC_INSTR_BYTES ? kDataBytes : ACC_INSTR_BYTES;

int64_t cycle_now()
{
    static const uint64_t period = sc_time(kPeriodNs, SC_NS).value();
    return static_cast<int64_t>(sc_core::sc_time_stamp().value() / period);
}

// ------------------------------------------------------------ pin values

inline void to_pin(const uint8_t *b, int n, uint32_t &v)
{
    v = 0;
    for (int i = 0; i < n && i < 4; i++)
        v |= static_cast<uint32_t>(b[i]) << (8 * i);
}
inline void to_pin(const uint8_t *b, int n, uint64_t &v)
{
    v = 0;
    for (int i = 0; i < n && i < 8; i++)
        v |= static_cast<uint64_t>(b[i]) << (8 * i);
}
template <int W> void to_pin(const uint8_t *b, int n, sc_dt::sc_bv<W> &v)
{
    for (int w = 0; w < (W + 31) / 32; w++) {
        uint32_t x = 0;
        for (int k = 0; k < 4; k++) {
            int i = w * 4 + k;
            if (i < n)
                x |= static_cast<uint32_t>(b[i]) << (8 * k);
        }
        v.set_word(w, x);
    }
}
inline void from_pin(uint32_t v, uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = i < 4 ? static_cast<uint8_t>(v >> (8 * i)) : 0;
}
inline void from_pin(uint64_t v, uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = i < 8 ? static_cast<uint8_t>(v >> (8 * i)) : 0;
}
template <int W> void from_pin(const sc_dt::sc_bv<W> &v, uint8_t *b, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = static_cast<uint8_t>(v.get_word(i / 4) >> (8 * (i % 4)));
}
inline uint64_t strobe_bits(uint32_t v) { return v; }
inline uint64_t strobe_bits(uint64_t v) { return v; }

// ------------------------------------------------------------ memory

acc_sc_memory::acc_sc_memory(sc_core::sc_module_name)
{
    axi_rport_init(&rd, kDataBytes, 1);
    axi_rport_init(&ird, ACC_INSTR_BYTES, 1);
    axi_wport_init(&wr, kDataBytes, 1);
    arready.initialize(true);
    awready.initialize(true);
    wready.initialize(true);
    i_arready.initialize(true);
    SC_METHOD(edge);
    sensitive << clk.pos();
    dont_initialize();
}

void acc_sc_memory::clear()
{
    axi_rport_init(&rd, rd.bus_bytes, rd.latency);
    axi_rport_init(&ird, ird.bus_bytes, ird.latency);
    axi_wport_init(&wr, wr.bus_bytes, wr.latency);
}

void acc_sc_memory::attach(acc_dram *image, int bus_bytes, int read_latency, int write_latency,
                           const job *run)
{
    mem_ = image;
    run_ = run;
    axi_rport_init(&rd, bus_bytes, read_latency);
    axi_rport_init(&ird, ACC_INSTR_BYTES, read_latency);
    axi_wport_init(&wr, bus_bytes, write_latency);
    wait_reset_ = 1;
}

void acc_sc_memory::detach()
{
    mem_ = nullptr;
    run_ = nullptr;
    wait_reset_ = 1;
}

/* This cycle's outputs, from the port state (axi_*_drive); a signal is
 * written only when its value changes. */
void acc_sc_memory::drive(int64_t cycle)
{
    int v = 0, last = 0, resp = 0;
    uint8_t buf[kBufBytes];
    if (mem_ && !wait_reset_) {
        axi_rport_drive(&rd, cycle, mem_, &v, buf, &last, &resp);
        /* a broken interconnect (cosim_stress.stray_beat): a beat of no burst */
        if (!v && run_ && run_->stray_beat > 0 && run_->t0 >= 0 &&
            cycle == run_->t0 + run_->stray_beat) {
            v = last = 1;
            resp = 0;
            std::memset(buf, 0, sizeof(buf));
        }
    }
    if (v) {
        data_t d;
        to_pin(buf, kDataBytes, d);
        rdata.write(d);
        rzero_ = 0;
    } else if (!rzero_) {
        rdata.write(data_t());
        rzero_ = 1;
    }
    if (v != rvalid_)
        rvalid.write(v != 0);
    if (last != rlast_)
        rlast.write(last != 0);
    if (resp != rresp_)
        rresp.write(static_cast<uint32_t>(resp));
    rvalid_ = v, rlast_ = last, rresp_ = resp;

    v = last = resp = 0;
    if (mem_ && !wait_reset_)
        axi_rport_drive(&ird, cycle, mem_, &v, buf, &last, &resp);
    if (v) {
        instr_t d;
        to_pin(buf, ACC_INSTR_BYTES, d);
        i_rdata.write(d);
        i_rzero_ = 0;
    } else if (!i_rzero_) {
        i_rdata.write(instr_t());
        i_rzero_ = 1;
    }
    if (v != i_rvalid_)
        i_rvalid.write(v != 0);
    if (last != i_rlast_)
        i_rlast.write(last != 0);
    if (resp != i_rresp_)
        i_rresp.write(static_cast<uint32_t>(resp));
    i_rvalid_ = v, i_rlast_ = last, i_rresp_ = resp;

    v = resp = 0;
    if (mem_ && !wait_reset_)
        axi_wport_drive(&wr, cycle, &v, &resp);
    if (v != bvalid_)
        bvalid.write(v != 0);
    if (resp != bresp_)
        bresp.write(static_cast<uint32_t>(resp));
    bvalid_ = v, bresp_ = resp;
}

/* Rising edge ending cycle c: the cycle's handshakes reach the memory state
 * (in rtl_backend.c's order), then the outputs of cycle c + 1 are driven. */
void acc_sc_memory::edge()
{
    const int64_t c = cycle_now();
    if (!rst_n.read()) {
        wait_reset_ = 0;
        clear();
        drive(c + 1);
        return;
    }
    if (!mem_ || wait_reset_) {
        drive(c + 1);
        return;
    }
    if (arvalid.read())
        axi_rport_ar(&rd, c, araddr.read(), arlen.read(), arsize.read(), arburst.read());
    if (rvalid_ && rready.read())
        axi_rport_r_taken(&rd);
    if (i_arvalid.read())
        axi_rport_ar(&ird, c, i_araddr.read(), i_arlen.read(), i_arsize.read(), i_arburst.read());
    if (i_rvalid_ && i_rready.read())
        axi_rport_r_taken(&ird);
    if (awvalid.read())
        axi_wport_aw(&wr, c, awaddr.read(), awlen.read(), awsize.read(), awburst.read());
    if (wvalid.read()) {
        uint8_t buf[kBufBytes];
        from_pin(wdata.read(), buf, kDataBytes);
        axi_wport_w(&wr, c, mem_, buf, strobe_bits(wstrb.read()), wlast.read() ? 1 : 0);
    }
    if (bvalid_ && bready.read())
        axi_wport_b_taken(&wr);
    drive(c + 1);
}

// ------------------------------------------------------------ host

acc_sc_host::acc_sc_host(sc_core::sc_module_name)
{
    rst_n.initialize(false);
    SC_THREAD(main);
    sensitive << clk.pos();
}

void acc_sc_host::submit(job *j, sc_core::sc_event *wake)
{
    job_ = j;
    wake_ = wake;
}

void acc_sc_host::main()
{
    for (;;) {
        while (!job_)
            wait();
        job *j = job_;
        run(*j);
        job_ = nullptr;
        j->finished = 1;
        sc_core::sc_pause(); // sc_start returns at the end of this delta cycle
    }
}

/* AXI4-Lite write; returns the cycle of the handshake (AW and W both
 * accepted), or -1 on timeout or an error response. */
int64_t acc_sc_host::write(uint32_t addr, uint32_t data)
{
    bool aw = false, w = false;
    int64_t done = -1;
    for (int n = 0; n < kHostTimeout && !(aw && w); n++) {
        awaddr.write(addr & 0xffu);
        awvalid.write(!aw);
        wdata.write(data);
        wstrb.write(0xfu);
        wvalid.write(!w);
        bready.write(false);
        const bool awv = !aw, wv = !w;
        wait(); // the edge ending this cycle: the signals hold its values
        aw = aw || (awv && awready.read());
        w = w || (wv && wready.read());
        if (aw && w)
            done = cycle_now();
    }
    awvalid.write(false);
    wvalid.write(false);
    if (done < 0)
        return -1;
    for (int n = 0; n < kHostTimeout; n++) {
        bready.write(true);
        wait();
        if (bvalid.read()) {
            const uint32_t resp = bresp.read();
            bready.write(false);
            return resp == ACC_RESP_OKAY ? done : -1;
        }
    }
    return -1;
}

int acc_sc_host::read(uint32_t addr, uint32_t *data)
{
    bool ar = false;
    for (int n = 0; n < kHostTimeout && !ar; n++) {
        araddr.write(addr & 0xffu);
        arvalid.write(true);
        rready.write(false);
        wait();
        ar = arready.read();
    }
    arvalid.write(false);
    if (!ar)
        return -1;
    for (int n = 0; n < kHostTimeout; n++) {
        rready.write(true);
        wait();
        if (rvalid.read()) {
            const uint32_t v = rdata.read(), resp = rresp.read();
            rready.write(false);
            *data = v;
            return resp == ACC_RESP_OKAY ? 0 : -1;
        }
    }
    return -1;
}

int64_t acc_sc_host::write_op(void *ctx, uint32_t addr, uint32_t data)
{
    return static_cast<acc_sc_host *>(ctx)->write(addr, data);
}

int acc_sc_host::read_op(void *ctx, uint32_t addr, uint32_t *data)
{
    return static_cast<acc_sc_host *>(ctx)->read(addr, data);
}

void acc_sc_host::run(job &j)
{
    /* reset: four cycles low, one high (as rtl_backend.c) */
    rst_n.write(false);
    for (int i = 0; i < 4; i++)
        wait();
    rst_n.write(true);
    wait();

    const cosim_host host = {this, read_op, write_op};
    if (cosim_host_program(&host, j.prog_addr, static_cast<uint32_t>(j.prog->count), &j.id,
                           &j.spad) != 0)
        return;
    j.regs_ok = 1;
    if (j.spad != j.spad_bytes)
        return;
    j.t0 = write(ACC_REG_CTRL, ACC_CTRL_START);
    if (j.t0 < 0)
        return;
    j.start_ok = 1;
    /* the write returned at the edge ending cycle t0 + 1 (its B response) */
    wait(*wake_);
    if (j.timed_out || j.stopped || !j.irq_seen)
        return;
    j.readback_ok = cosim_host_read_out(&host, &j.regs) == 0;
}

// ------------------------------------------------------------ monitor

acc_sc_monitor::acc_sc_monitor(sc_core::sc_module_name)
{
    SC_METHOD(sample);
    sensitive << clk.pos();
    dont_initialize();
    SC_METHOD(check_stop);
    sensitive << clk.neg();
    dont_initialize();
}

void acc_sc_monitor::arm(job *j, VerilatedContext *ctx)
{
    job_ = j;
    ctx_ = ctx;
}

void acc_sc_monitor::finish()
{
    job_ = nullptr;
    finished.notify();
}

/* Rising edge ending cycle c: the trace of cycle n = c - t0. */
void acc_sc_monitor::sample()
{
    job *j = job_;
    if (!j || j->t0 < 0)
        return;
    const int64_t n = cycle_now() - j->t0;
    if (n < 2)
        return;
    j->last_cycle = n;
    if (n > j->budget) {
        j->timed_out = 1;
        finish();
        return;
    }
    if (j->deadline > 0 && (n & 1023) == 0 && acc_now_seconds() >= j->deadline) {
        j->wall_timeout = 1;
        finish();
        return;
    }
    const acc_program *p = j->prog;
    cosim_result *r = j->res;
    if (trace_issue.read()) {
        const uint32_t idx = trace_issue_idx.read();
        if (idx < static_cast<uint32_t>(p->count)) {
            r->start[idx] = n;
            j->issued = static_cast<int>(idx) + 1;
        }
    }
    const uint32_t done = trace_done.read();
    if (done) {
        const uint32_t idx[3] = {trace_ld_idx.read(), trace_cp_idx.read(), trace_st_idx.read()};
        for (int e = 0; e < ACC_ENG_COUNT; e++)
            if (((done >> e) & 1u) && idx[e] < static_cast<uint32_t>(p->count))
                r->end[idx[e]] = n + 1;
    }
    if (irq.read()) {
        const int last = j->issued - 1;
        if (last >= 0 && p->ins[last].op == ACC_OP_END && r->end[last] < 0)
            r->end[last] = n;
        j->irq_seen = 1;
        finish();
        return;
    }
    if (j->progress && (n & 0xffff) == 0)
        cosim_progress_draw("systemc", j->issued, p->count, n, 0);
}

/* Falling edge: the model has evaluated the rising edge ending cycle
 * last_cycle; a failed assertion there stops the run. */
void acc_sc_monitor::check_stop()
{
    job *j = job_;
    if (!j || j->t0 < 0 || !ctx_)
        return;
    if (ctx_->gotError() || ctx_->gotFinish()) {
        j->stopped = 1;
        j->stop_cycle = j->last_cycle;
        finish();
    }
}

void draw_final_progress(const job &j)
{
    cosim_progress_draw("systemc", j.issued, j.prog->count, j.last_cycle, 1);
}

// ------------------------------------------------------------ platform

acc_sc_platform::acc_sc_platform(sc_core::sc_module_name)
    : clk("clk", sc_time(kPeriodNs, SC_NS)), dut("dut"), mem("mem"), host("host"), mon("mon")
{
    /* the accelerator: a signal on every port */
    dut.clk_i(clk);
    dut.rst_ni(rst_n);
    dut.s_axil_awaddr_i(l_awaddr);
    dut.s_axil_awvalid_i(l_awvalid);
    dut.s_axil_awready_o(l_awready);
    dut.s_axil_wdata_i(l_wdata);
    dut.s_axil_wstrb_i(l_wstrb);
    dut.s_axil_wvalid_i(l_wvalid);
    dut.s_axil_wready_o(l_wready);
    dut.s_axil_bresp_o(l_bresp);
    dut.s_axil_bvalid_o(l_bvalid);
    dut.s_axil_bready_i(l_bready);
    dut.s_axil_araddr_i(l_araddr);
    dut.s_axil_arvalid_i(l_arvalid);
    dut.s_axil_arready_o(l_arready);
    dut.s_axil_rdata_o(l_rdata);
    dut.s_axil_rresp_o(l_rresp);
    dut.s_axil_rvalid_o(l_rvalid);
    dut.s_axil_rready_i(l_rready);
    dut.m_axi_araddr_o(araddr);
    dut.m_axi_arlen_o(arlen);
    dut.m_axi_arsize_o(arsize);
    dut.m_axi_arburst_o(arburst);
    dut.m_axi_arvalid_o(arvalid);
    dut.m_axi_arready_i(arready);
    dut.m_axi_rdata_i(rdata);
    dut.m_axi_rresp_i(rresp);
    dut.m_axi_rlast_i(rlast);
    dut.m_axi_rvalid_i(rvalid);
    dut.m_axi_rready_o(rready);
    dut.m_axi_awaddr_o(awaddr);
    dut.m_axi_awlen_o(awlen);
    dut.m_axi_awsize_o(awsize);
    dut.m_axi_awburst_o(awburst);
    dut.m_axi_awvalid_o(awvalid);
    dut.m_axi_awready_i(awready);
    dut.m_axi_wdata_o(wdata);
    dut.m_axi_wstrb_o(wstrb);
    dut.m_axi_wlast_o(wlast);
    dut.m_axi_wvalid_o(wvalid);
    dut.m_axi_wready_i(wready);
    dut.m_axi_bresp_i(bresp);
    dut.m_axi_bvalid_i(bvalid);
    dut.m_axi_bready_o(bready);
    dut.m_axi_i_araddr_o(i_araddr);
    dut.m_axi_i_arlen_o(i_arlen);
    dut.m_axi_i_arsize_o(i_arsize);
    dut.m_axi_i_arburst_o(i_arburst);
    dut.m_axi_i_arvalid_o(i_arvalid);
    dut.m_axi_i_arready_i(i_arready);
    dut.m_axi_i_rdata_i(i_rdata);
    dut.m_axi_i_rresp_i(i_rresp);
    dut.m_axi_i_rlast_i(i_rlast);
    dut.m_axi_i_rvalid_i(i_rvalid);
    dut.m_axi_i_rready_o(i_rready);
    dut.trace_issue_o(trace_issue);
    dut.trace_issue_idx_o(trace_issue_idx);
    dut.trace_issue_op_o(trace_issue_op);
    dut.trace_done_o(trace_done);
    dut.trace_ld_idx_o(trace_ld_idx);
    dut.trace_cp_idx_o(trace_cp_idx);
    dut.trace_st_idx_o(trace_st_idx);
    dut.irq_o(irq);

    /* the memory on the data and instruction ports */
    mem.clk(clk);
    mem.rst_n(rst_n);
    mem.araddr(araddr);
    mem.arlen(arlen);
    mem.arsize(arsize);
    mem.arburst(arburst);
    mem.arvalid(arvalid);
    mem.arready(arready);
    mem.rdata(rdata);
    mem.rresp(rresp);
    mem.rlast(rlast);
    mem.rvalid(rvalid);
    mem.rready(rready);
    mem.awaddr(awaddr);
    mem.awlen(awlen);
    mem.awsize(awsize);
    mem.awburst(awburst);
    mem.awvalid(awvalid);
    mem.awready(awready);
    mem.wdata(wdata);
    mem.wstrb(wstrb);
    mem.wlast(wlast);
    mem.wvalid(wvalid);
    mem.wready(wready);
    mem.bresp(bresp);
    mem.bvalid(bvalid);
    mem.bready(bready);
    mem.i_araddr(i_araddr);
    mem.i_arlen(i_arlen);
    mem.i_arsize(i_arsize);
    mem.i_arburst(i_arburst);
    mem.i_arvalid(i_arvalid);
    mem.i_arready(i_arready);
    mem.i_rdata(i_rdata);
    mem.i_rresp(i_rresp);
    mem.i_rlast(i_rlast);
    mem.i_rvalid(i_rvalid);
    mem.i_rready(i_rready);

    /* the host on the register port */
    host.clk(clk);
    host.rst_n(rst_n);
    host.awaddr(l_awaddr);
    host.awvalid(l_awvalid);
    host.awready(l_awready);
    host.wdata(l_wdata);
    host.wstrb(l_wstrb);
    host.wvalid(l_wvalid);
    host.wready(l_wready);
    host.bresp(l_bresp);
    host.bvalid(l_bvalid);
    host.bready(l_bready);
    host.araddr(l_araddr);
    host.arvalid(l_arvalid);
    host.arready(l_arready);
    host.rdata(l_rdata);
    host.rresp(l_rresp);
    host.rvalid(l_rvalid);
    host.rready(l_rready);

    /* the monitor on the trace port */
    mon.clk(clk);
    mon.trace_issue(trace_issue);
    mon.trace_issue_idx(trace_issue_idx);
    mon.trace_issue_op(trace_issue_op);
    mon.trace_done(trace_done);
    mon.trace_ld_idx(trace_ld_idx);
    mon.trace_cp_idx(trace_cp_idx);
    mon.trace_st_idx(trace_st_idx);
    mon.irq(irq);
}

} // namespace acc_sc
