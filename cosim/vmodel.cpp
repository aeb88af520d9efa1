// vmodel.cpp - the one C++ file: wraps the Verilated acc_top behind the C
// API of vmodel.h.  Compiled once per configuration, against that
// configuration's Verilator output (build/rtl/<config>/obj).
#include "cosim/vmodel.h"
#include "cosim/vmodel_print.h"

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "Vacc_top.h"
#include "Vacc_top___024root.h"
#include "verilated.h"
#include "cosim/vpins.hpp"
#ifdef ACC_VM_TRACE
#include "verilated_fst_c.h"
#endif
#ifdef ACC_VM_COVERAGE
#include <unistd.h>

#include "verilated_cov.h"
#endif

#ifndef ACC_VM_ROWS
#error "ACC_VM_* parameters must be defined by the build (see Makefile)"
#endif

struct acc_vmodel {
    VerilatedContext *ctx;
    Vacc_top *top;
#ifdef ACC_VM_TRACE
    VerilatedFstC *fst;
#endif
    uint64_t time;
    acc_vm_in applied; // the inputs of the last evaluation
    bool at_edge;      // the last evaluation was a rising edge (acc_vm_clock)
    std::string printed; // what the model printed (acc_vm_printed)
};

// The model being evaluated on this thread: what Verilator prints goes into
// its `printed` (acc_vm_printf).  Set around every call into the model.
static thread_local acc_vmodel *t_printing;

namespace {
// Makes m the model that printing goes to for one call into it.
class printing_scope {
  public:
    explicit printing_scope(acc_vmodel *m) : saved_(t_printing) { t_printing = m; }
    ~printing_scope() { t_printing = saved_; }
    printing_scope(const printing_scope &) = delete;
    printing_scope &operator=(const printing_scope &) = delete;

  private:
    acc_vmodel *saved_;
};
} // namespace

template <typename T> static uint64_t as_u64(const T &v) { return static_cast<uint64_t>(v); }
template <std::size_t N> static uint64_t as_u64(const VlWide<N> &v)
{
    return static_cast<uint64_t>(v[0]) | (N > 1 ? static_cast<uint64_t>(v[1]) << 32 : 0);
}

/* 1 when `w` is "<prefix><decimal in lo..hi>". */
static bool is_numeric_arg(const std::string &w, const char *prefix, long lo, long hi)
{
    const std::size_t n = std::strlen(prefix);
    if (w.compare(0, n, prefix) != 0 || w.size() == n || w.size() > n + 10)
        return false;
    for (std::size_t i = n; i < w.size(); i++)
        if (!std::isdigit(static_cast<unsigned char>(w[i])))
            return false;
    const long v = std::strtol(w.c_str() + n, nullptr, 10);
    return v >= lo && v <= hi;
}

/* Passes the plusargs of $ACC_VM_PLUSARGS (blank-separated, e.g.
 * "+verilator+seed+7 +verilator+rand+reset+2") to the context, before the
 * model is constructed: the initial values of a --x-initial unique build are
 * drawn in the constructor.  Every word must be a plusarg; of Verilator's
 * own, only +verilator+seed+N (1..2^31-1) and +verilator+rand+reset+N (0..2)
 * are accepted (Verilator aborts the process on a malformed one, so they are
 * checked here first).  Returns 0, or -1 with *why set. */
static int apply_plusargs(VerilatedContext *ctx, const char **why)
{
    static std::string message; // *why points into it

    const char *env = std::getenv("ACC_VM_PLUSARGS");
    if (!env || !*env)
        return 0;
    std::vector<std::string> words;
    std::string word;
    for (const char *c = env;; c++) {
        if (*c && !std::isspace(static_cast<unsigned char>(*c))) {
            word += *c;
            continue;
        }
        if (!word.empty())
            words.push_back(word);
        word.clear();
        if (!*c)
            break;
    }
    std::vector<const char *> argv;
    argv.push_back("cosim"); // argv[0], as a program's command line has
    for (const std::string &w : words) {
        const bool ok = w.size() > 1 && w[0] == '+' &&
                        (w.compare(0, 11, "+verilator+") != 0 ||
                         is_numeric_arg(w, "+verilator+seed+", 1, 2147483647L) ||
                         is_numeric_arg(w, "+verilator+rand+reset+", 0, 2));
        if (!ok) {
            message = "ACC_VM_PLUSARGS: '" + w +
                      "' is not +verilator+seed+N (N 1..2147483647), +verilator+rand+reset+N "
                      "(N 0..2) or a plusarg of the design";
            if (why)
                *why = message.c_str();
            return -1;
        }
        argv.push_back(w.c_str());
    }
    ctx->commandArgs(static_cast<int>(argv.size()), argv.data());
    return 0;
}

#ifdef ACC_VM_COVERAGE
/* Coverage builds (mk/coverage.mk, --coverage): writes the context's
 * coverage counts to "$ACC_VM_COVERAGE_FILE-<pid>-<n>.dat", n numbering the
 * models of this process, so parallel test workers and successive models
 * never share a file.  Nothing is written when the variable is unset. */
static void write_coverage(VerilatedContext *ctx)
{
    static unsigned seq; // models written by this process
    const char *prefix = std::getenv("ACC_VM_COVERAGE_FILE");
    if (!prefix || !*prefix)
        return;
    const std::string path = std::string(prefix) + "-" + std::to_string(getpid()) + "-" +
                             std::to_string(seq++) + ".dat";
    ctx->coveragep()->write(path.c_str());
}
#endif

extern "C" {

int acc_vm_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n =
        acc_vm_vprint(t_printing ? &t_printing->printed : nullptr, ACC_VM_PRINTED_MAX, fmt, ap);
    va_end(ap);
    return n;
}

const char *acc_vm_printed(const acc_vmodel *m) { return m->printed.c_str(); }

int acc_vm_can_trace(void)
{
#ifdef ACC_VM_TRACE
    return 1;
#else
    return 0;
#endif
}

void acc_vm_params_get(acc_vm_params *p)
{
    *p = acc_vm_params_built();
}

acc_vmodel *acc_vm_new(const char *fst_path, const char **why)
{
#ifndef ACC_VM_TRACE
    if (fst_path) {
        if (why)
            *why = "this binary was built without waveform support (use make wave)";
        return nullptr;
    }
#endif
    acc_vmodel *m = new acc_vmodel();
    m->ctx = new VerilatedContext;
    m->ctx->fatalOnError(false);
    m->ctx->assertOn(true);
    if (apply_plusargs(m->ctx, why) != 0) {
        delete m->ctx;
        delete m;
        return nullptr;
    }
#ifdef ACC_VM_TRACE
    m->fst = nullptr;
    if (fst_path)
        m->ctx->traceEverOn(true);
#endif
    const printing_scope printing(m);
    m->top = new Vacc_top{m->ctx, "acc"};
#ifdef ACC_VM_TRACE
    if (fst_path) {
        m->fst = new VerilatedFstC;
        m->top->trace(m->fst, 99);
        m->fst->open(fst_path);
    }
#endif
    m->time = 0;
    m->at_edge = false;
    // The reset must have an edge: with a randomised initial state
    // (--x-initial unique) rst_ni may start at 0, and an asynchronous reset
    // that never sees a falling edge never happens.  Settle with reset
    // released and the clock low, then assert it; the caller clocks the
    // model with rst_n = 0 for a few cycles and releases it (rtl_backend.c).
    m->top->clk_i = 0;
    m->top->rst_ni = 1;
    m->top->eval();
    m->top->rst_ni = 0;
    m->top->eval();
    return m;
}

void acc_vm_free(acc_vmodel *m)
{
    if (!m)
        return;
    {
        const printing_scope printing(m);
        m->top->final();
    }
#ifdef ACC_VM_COVERAGE
    write_coverage(m->ctx);
#endif
#ifdef ACC_VM_TRACE
    if (m->fst) {
        m->fst->close();
        delete m->fst;
    }
#endif
    delete m->top;
    delete m->ctx;
    delete m;
}

int acc_vm_stopped(const acc_vmodel *m) { return m->ctx->gotError() || m->ctx->gotFinish(); }

/* The low phase of a cycle whose inputs are those of the edge just
 * evaluated needs no evaluation: the model's state is already what it would
 * compute.  Verilator 5 evaluates the logic that reads inputs (the `ico`
 * region) on every eval() and again after an edge wherever it also reads
 * registers, and nothing in the design is sensitive to the falling clock
 * edge; so with equal inputs the low-phase eval() recomputes the values the
 * edge left and copies the assertions' sampled values, which the next edge
 * takes afresh before any use.  What it does record is the clock's level
 * for the next edge's trigger, set here instead.  docs/rtl.md, "Simulation
 * speed". */
static bool low_phase_settled(acc_vmodel *m, const acc_vm_in *in)
{
#if defined(ACC_VM_TRACE) || defined(ACC_VM_COVERAGE)
    (void)m;
    (void)in;
    return false; // every evaluation is traced or counted
#else
    if (!m->at_edge || std::memcmp(in, &m->applied, sizeof(*in)) != 0)
        return false;
    m->top->rootp->__Vtrigrprev__TOP__clk_i = 0;
    return true;
#endif
}

void acc_vm_set(acc_vmodel *m, const acc_vm_in *in)
{
    const bool settled = low_phase_settled(m, in);
    m->at_edge = false;
    if (settled)
        return;
    std::memcpy(&m->applied, in, sizeof(*in));
    Vacc_top *t = m->top;
    const int dw = ACC_VM_AXI_DATA_BITS / 8;
    t->rst_ni = in->rst_n ? 1 : 0;
    t->s_axil_awaddr_i = in->l_awaddr & 0xffu;
    t->s_axil_awvalid_i = in->l_awvalid;
    t->s_axil_wdata_i = in->l_wdata;
    t->s_axil_wstrb_i = in->l_wstrb & 0xfu;
    t->s_axil_wvalid_i = in->l_wvalid;
    t->s_axil_bready_i = in->l_bready;
    t->s_axil_araddr_i = in->l_araddr & 0xffu;
    t->s_axil_arvalid_i = in->l_arvalid;
    t->s_axil_rready_i = in->l_rready;
    t->m_axi_arready_i = in->arready;
    acc_put_bytes(t->m_axi_rdata_i, in->rdata, dw);
    t->m_axi_rresp_i = in->rresp & 3;
    t->m_axi_rlast_i = in->rlast;
    t->m_axi_rvalid_i = in->rvalid;
    t->m_axi_awready_i = in->awready;
    t->m_axi_wready_i = in->wready;
    t->m_axi_bresp_i = in->bresp & 3;
    t->m_axi_bvalid_i = in->bvalid;
    t->m_axi_i_arready_i = in->i_arready;
    acc_put_bytes(t->m_axi_i_rdata_i, in->i_rdata, 32);
    t->m_axi_i_rresp_i = in->i_rresp & 3;
    t->m_axi_i_rlast_i = in->i_rlast;
    t->m_axi_i_rvalid_i = in->i_rvalid;
    const printing_scope printing(m);
    t->eval();
}

void acc_vm_get(acc_vmodel *m, acc_vm_out *o)
{
    Vacc_top *t = m->top;
    const int dw = ACC_VM_AXI_DATA_BITS / 8;
    o->l_awready = t->s_axil_awready_o;
    o->l_wready = t->s_axil_wready_o;
    o->l_bvalid = t->s_axil_bvalid_o;
    o->l_bresp = t->s_axil_bresp_o;
    o->l_arready = t->s_axil_arready_o;
    o->l_rvalid = t->s_axil_rvalid_o;
    o->l_rresp = t->s_axil_rresp_o;
    o->l_rdata = t->s_axil_rdata_o;
    o->araddr = t->m_axi_araddr_o;
    o->arlen = t->m_axi_arlen_o;
    o->arsize = t->m_axi_arsize_o;
    o->arburst = t->m_axi_arburst_o;
    o->arvalid = t->m_axi_arvalid_o;
    o->rready = t->m_axi_rready_o;
    o->awaddr = t->m_axi_awaddr_o;
    o->awlen = t->m_axi_awlen_o;
    o->awsize = t->m_axi_awsize_o;
    o->awburst = t->m_axi_awburst_o;
    o->awvalid = t->m_axi_awvalid_o;
    o->wvalid = t->m_axi_wvalid_o;
    o->wlast = t->m_axi_wlast_o;
    o->bready = t->m_axi_bready_o;
    acc_get_bytes(t->m_axi_wdata_o, o->wdata, dw);
    o->wstrb = as_u64(t->m_axi_wstrb_o);
    o->i_araddr = t->m_axi_i_araddr_o;
    o->i_arlen = t->m_axi_i_arlen_o;
    o->i_arsize = t->m_axi_i_arsize_o;
    o->i_arburst = t->m_axi_i_arburst_o;
    o->i_arvalid = t->m_axi_i_arvalid_o;
    o->i_rready = t->m_axi_i_rready_o;
    o->trace_issue = t->trace_issue_o;
    o->trace_issue_idx = t->trace_issue_idx_o;
    o->trace_issue_op = t->trace_issue_op_o;
    o->trace_done = t->trace_done_o;
    o->trace_idx[0] = t->trace_ld_idx_o;
    o->trace_idx[1] = t->trace_cp_idx_o;
    o->trace_idx[2] = t->trace_st_idx_o;
    o->irq = t->irq_o;
}

/* Waveform time: with the traced build's timescale (1ns/100ps, so 10 FST
 * time units per cycle) the model's cycle n (counted from acc_vm_new)
 * starts at n ns.  A dumped cycle is written twice: its low phase, as the
 * last acc_vm_set evaluated it, at n.1 ns and its rising edge at n.5 ns.
 * A cycle is thus in the waveform whole or not at all, and whether it is
 * can be decided after its low phase was seen. */
void acc_vm_clock(acc_vmodel *m, int dump)
{
    // Rising edge: registers update.  The clock returns low without an
    // evaluation of its own: the next acc_vm_set() evaluates the low phase
    // together with the next cycle's inputs (two evaluations per cycle).
    Vacc_top *t = m->top;
    const printing_scope printing(m);
#ifdef ACC_VM_TRACE
    if (m->fst && dump)
        m->fst->dump(m->time * 10 + 1);
#endif
    t->clk_i = 1;
    t->eval();
    m->at_edge = true;
    m->ctx->timeInc(1);
#ifdef ACC_VM_TRACE
    if (m->fst && dump)
        m->fst->dump(m->time * 10 + 5);
#else
    (void)dump;
#endif
    t->clk_i = 0;
    m->time++;
}

} // extern "C"
