/* sc_platform.h - the SystemC platform of the "systemc" backend (C++ only;
 * the header is empty when compiled as C).  docs/systemc.md describes it.
 *
 *   acc_sc_platform        the top: an sc_clock, an sc_signal on every port of
 *     dut   Vacc_top       the Verilated accelerator (verilator --sc)
 *     mem   acc_sc_memory  the external memory on the AXI4 data and
 *                          instruction ports (the rules of axi_mem.h, run by
 *                          axi_mem.c's functions: one implementation)
 *     host  acc_sc_host    a CPU model (SC_THREAD) on the AXI4-Lite port
 *     mon   acc_sc_monitor issue / end cycle of every instruction, from the
 *                          trace port
 *
 * Sample / drive discipline: every process of the platform runs at the
 * rising edge of `clk` (SC_METHODs sensitive to clk.pos(), the host thread
 * waiting on it).  At that edge the signals still hold the values of the
 * cycle that ends, since the accelerator's own writes at the edge take effect
 * only in the next delta cycle: what a process reads there is the handshake
 * of the ending cycle, and what it writes is its output for the next cycle.
 * This is exactly the order of rtl_backend.c (drive, evaluate, commit, edge),
 * so the cycles are the same.
 *
 * The cycle that ends at the rising edge at time T is number T / period.
 * SystemC elaborates once per process: the platform is built on the first
 * run and reused; a run re-points the memory at the run's image and resets
 * the accelerator through rst_ni before it programs it. */
#ifndef ACC_COSIM_SC_PLATFORM_H
#define ACC_COSIM_SC_PLATFORM_H

#ifdef __cplusplus
extern "C" {
#endif
#include "cosim/axi_mem.h"
#include "cosim/backend.h"
#include "cosim/measure.h"

/* The backend, for the registry (backend.c) and tests: linked into
 * build/sc/<config>/ binaries only. */
extern const cosim_backend cosim_backend_systemc;
#ifdef __cplusplus
}
#endif

#ifdef __cplusplus

#include <systemc>
#include <cstdint>
#include <type_traits>

#include "Vacc_top.h" /* the Verilated SystemC model of this configuration */

#ifndef ACC_VM_AXI_DATA_BITS
#error "ACC_VM_* parameters must be defined by the build (see Makefile)"
#endif

namespace acc_sc {

/* The C++ type Verilator gives a port of W bits in SystemC mode: bool,
 * uint32_t up to 32 bits, uint64_t up to 64, sc_bv<W> beyond. */
template <int W>
using pin_t = typename std::conditional<
    W == 1, bool,
    typename std::conditional<
        (W <= 32), uint32_t,
        typename std::conditional<(W <= 64), uint64_t, sc_dt::sc_bv<W>>::type>::type>::type;

constexpr int kDataBits = ACC_VM_AXI_DATA_BITS;
constexpr int kDataBytes = kDataBits / 8;
using data_t = pin_t<kDataBits>;     /* m_axi_rdata_i, m_axi_wdata_o */
using strb_t = pin_t<kDataBits / 8>; /* m_axi_wstrb_o */
using instr_t = pin_t<256>;          /* m_axi_i_rdata_i */

/* Clock period; the time resolution is SystemC's default (1 ps). */
constexpr int kPeriodNs = 10;

/* Number of the cycle that ends at the current rising edge. */
int64_t cycle_now();

/* Everything one run needs and finds, shared by the backend, the host and
 * the monitor.  The backend fills the inputs, submits it to the host and
 * runs the kernel until the host pauses it. */
struct job {
    /* inputs */
    const acc_program *prog = nullptr;
    uint32_t prog_addr = 0;
    uint32_t spad_bytes = 0; /* what the configuration says */
    int64_t budget = INT64_MAX;
    double deadline = 0; /* acc_now_seconds() at the wall-time limit, 0: none */
    int64_t stray_beat = 0; /* cosim_stress.stray_beat: the memory's stray R beat, 0: none */
    int progress = 0;
    cosim_result *res = nullptr; /* start/end allocated, -1 filled */
    /* host */
    int regs_ok = 0;             /* the register interface answered */
    uint32_t id = 0, spad = 0;   /* ID and SPAD_BYTES registers */
    int start_ok = 0;            /* the start write was accepted */
    int64_t t0 = -1;             /* cycle of the start write's handshake */
    int readback_ok = 0;         /* the registers after the run were read */
    cosim_readout regs = {};     /* what they hold */
    int finished = 0;            /* the host is done; the kernel was paused */
    /* monitor */
    int issued = 0;              /* index + 1 of the last issued instruction */
    int irq_seen = 0;
    int timed_out = 0;
    int wall_timeout = 0;        /* the wall-time limit passed */
    int stopped = 0;             /* a Verilated assertion failed */
    int64_t stop_cycle = 0;
    int64_t last_cycle = 0;      /* the last cycle the monitor looked at (n) */
};

/* Draws the last line of the progress bar on stderr (the monitor draws the
 * others while the run goes on). */
void draw_final_progress(const job &j);

/* The external memory: AXI4 slave on the data port (AR/R, AW/W/B) and on
 * the instruction port (AR/R).  AR, AW and W are always ready; R beats and
 * B responses follow the rules of axi_mem.h, computed by axi_mem.c.  While
 * rst_n is low the queues are emptied and nothing is driven. */
SC_MODULE(acc_sc_memory)
{
    sc_core::sc_in<bool> clk, rst_n;
    /* data port, read */
    sc_core::sc_in<uint32_t> araddr, arlen, arsize, arburst;
    sc_core::sc_in<bool> arvalid;
    sc_core::sc_out<bool> arready;
    sc_core::sc_out<data_t> rdata;
    sc_core::sc_out<uint32_t> rresp;
    sc_core::sc_out<bool> rlast, rvalid;
    sc_core::sc_in<bool> rready;
    /* data port, write */
    sc_core::sc_in<uint32_t> awaddr, awlen, awsize, awburst;
    sc_core::sc_in<bool> awvalid;
    sc_core::sc_out<bool> awready;
    sc_core::sc_in<data_t> wdata;
    sc_core::sc_in<strb_t> wstrb;
    sc_core::sc_in<bool> wlast, wvalid;
    sc_core::sc_out<bool> wready;
    sc_core::sc_out<uint32_t> bresp;
    sc_core::sc_out<bool> bvalid;
    sc_core::sc_in<bool> bready;
    /* instruction port, read */
    sc_core::sc_in<uint32_t> i_araddr, i_arlen, i_arsize, i_arburst;
    sc_core::sc_in<bool> i_arvalid;
    sc_core::sc_out<bool> i_arready;
    sc_core::sc_out<instr_t> i_rdata;
    sc_core::sc_out<uint32_t> i_rresp;
    sc_core::sc_out<bool> i_rlast, i_rvalid;
    sc_core::sc_in<bool> i_rready;

    /* The memory state of axi_mem.h; its violation counters are read after a
     * run. */
    axi_rport rd, ird;
    axi_wport wr;

    SC_CTOR(acc_sc_memory);

    /* Serves `image` from now on with the given timing (bus_bytes must be
     * the bus width the model was built with).  The queues are emptied and
     * the memory ignores the ports until it has seen rst_n low, so that
     * nothing the accelerator does before its reset reaches the image.
     * `run` (may be nullptr) is the run's job: with run->stray_beat > 0 the
     * data read port drives one R beat nobody asked for in that cycle of
     * the run (counted from run->t0). */
    void attach(acc_dram *image, int bus_bytes, int read_latency, int write_latency,
                const job *run);
    /* Forgets the image (after a run; the caller may free it). */
    void detach();

  private:
    acc_dram *mem_ = nullptr;
    const job *run_ = nullptr;
    int wait_reset_ = 1;
    /* what the memory drives in the current cycle */
    int rvalid_ = 0, rlast_ = 0, rresp_ = 0, rzero_ = 1;
    int i_rvalid_ = 0, i_rlast_ = 0, i_rresp_ = 0, i_rzero_ = 1;
    int bvalid_ = 0, bresp_ = 0;
    void edge();
    void drive(int64_t cycle);
    void clear();
};

/* A CPU on the AXI4-Lite port, like a device driver: reset, check the ID and
 * scratchpad size, write PROG_ADDR and PROG_LEN, start, wait for the monitor
 * to see irq (or the budget run out), read STATUS, ERR_CODE, ERR_INDEX,
 * CYCLES and the BUSY counters, then pause the kernel (sc_pause). */
SC_MODULE(acc_sc_host)
{
    sc_core::sc_in<bool> clk;
    sc_core::sc_out<bool> rst_n;
    sc_core::sc_out<uint32_t> awaddr, wdata, wstrb, araddr;
    sc_core::sc_out<bool> awvalid, wvalid, bready, arvalid, rready;
    sc_core::sc_in<bool> awready, wready, bvalid, arready, rvalid;
    sc_core::sc_in<uint32_t> bresp, rdata, rresp;

    SC_CTOR(acc_sc_host);

    /* Hands a run to the host; it starts at the next rising edge once the
     * kernel runs.  `wake` is the event the host waits on after the start
     * (the monitor's). */
    void submit(job *j, sc_core::sc_event *wake);

  private:
    job *job_ = nullptr;
    sc_core::sc_event *wake_ = nullptr;
    void main();
    void run(job &j);
    int64_t write(uint32_t addr, uint32_t data);
    int read(uint32_t addr, uint32_t *data);
    /* cosim_host's functions (measure.h), ctx the host */
    static int64_t write_op(void *ctx, uint32_t addr, uint32_t data);
    static int read_op(void *ctx, uint32_t addr, uint32_t *data);
};

/* Watches the trace port: issue cycle s_i of every instruction, end cycle
 * e_i = 1 + the cycle of its engine's trace_done bit, irq, the cycle budget,
 * and failed assertions (checked at the falling edge, after the model has
 * evaluated the rising one).  Cycles count from the start write's handshake
 * (cycle 0), as in rtl_backend.c. */
SC_MODULE(acc_sc_monitor)
{
    sc_core::sc_in<bool> clk;
    sc_core::sc_in<bool> trace_issue, irq;
    sc_core::sc_in<uint32_t> trace_issue_idx, trace_issue_op, trace_done;
    sc_core::sc_in<uint32_t> trace_ld_idx, trace_cp_idx, trace_st_idx;

    sc_core::sc_event finished; /* notified when the run is over for the monitor */

    SC_CTOR(acc_sc_monitor);

    /* Starts watching: cycle t0 is cycle 0; the trace is read from cycle 2
     * on (the first cycle after the start write's response, as the rtl
     * backend does; no instruction issues before cycle Lr + 2). */
    void arm(job *j, VerilatedContext *ctx);

  private:
    job *job_ = nullptr;
    VerilatedContext *ctx_ = nullptr;
    void sample();
    void check_stop();
    void finish();
};

/* The whole platform. */
SC_MODULE(acc_sc_platform)
{
    sc_core::sc_clock clk;
    sc_core::sc_signal<bool> rst_n;
    /* AXI4-Lite */
    sc_core::sc_signal<uint32_t> l_awaddr, l_wdata, l_wstrb, l_araddr, l_bresp, l_rdata, l_rresp;
    sc_core::sc_signal<bool> l_awvalid, l_awready, l_wvalid, l_wready, l_bvalid, l_bready;
    sc_core::sc_signal<bool> l_arvalid, l_arready, l_rvalid, l_rready;
    /* AXI4 data */
    sc_core::sc_signal<uint32_t> araddr, arlen, arsize, arburst, rresp;
    sc_core::sc_signal<bool> arvalid, arready, rlast, rvalid, rready;
    sc_core::sc_signal<data_t> rdata, wdata;
    sc_core::sc_signal<strb_t> wstrb;
    sc_core::sc_signal<uint32_t> awaddr, awlen, awsize, awburst, bresp;
    sc_core::sc_signal<bool> awvalid, awready, wlast, wvalid, wready, bvalid, bready;
    /* AXI4 instructions */
    sc_core::sc_signal<uint32_t> i_araddr, i_arlen, i_arsize, i_arburst, i_rresp;
    sc_core::sc_signal<bool> i_arvalid, i_arready, i_rlast, i_rvalid, i_rready;
    sc_core::sc_signal<instr_t> i_rdata;
    /* trace */
    sc_core::sc_signal<bool> trace_issue, irq;
    sc_core::sc_signal<uint32_t> trace_issue_idx, trace_issue_op, trace_done;
    sc_core::sc_signal<uint32_t> trace_ld_idx, trace_cp_idx, trace_st_idx;

    Vacc_top dut;
    acc_sc_memory mem;
    acc_sc_host host;
    acc_sc_monitor mon;

    SC_CTOR(acc_sc_platform);
};

} // namespace acc_sc

#endif /* __cplusplus */
#endif
