// sc_backend.cpp - the "systemc" backend (backend.h): the Verilated
// accelerator as a SystemC module (verilator --sc) in the SystemC platform of
// sc_platform.h, driven by the same C harness (cosim_main.c, harness.c).
//
// Running the kernel from a library call.  The program's main() is the C one
// of cosim_main.c (or Criterion's in the tests); SystemC's own main() is
// never used.  The first run calls sc_elab_and_sim(), SystemC's documented
// entry (it is what SystemC's main() calls), which calls this file's
// sc_main(): it builds the platform once and runs the initialisation phase
// with sc_start(SC_ZERO_TIME), then returns.  The kernel keeps its state
// after sc_elab_and_sim returns, so every run -- the first and the later
// ones of `cosim --net` -- hands a job to the host thread and calls
// sc_start() with no time limit; the host ends it with sc_pause() when the
// run is over (sc_stop() would end the simulation for good: SystemC 2.3
// elaborates once per process).  Between runs simulated time stands still.
#include "cosim/systemc/sc_platform.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <unistd.h>

namespace {

acc_sc::acc_sc_platform *g_platform = nullptr;
bool g_in_elab = false;   // sc_main is being called by this backend
bool g_broken = false;    // a kernel error: the platform cannot run again
char g_why[512];          // why the platform is unusable

/* Builds the platform on the first call; nullptr (with g_why) when it
 * cannot be built or a kernel error made it unusable. */
acc_sc::acc_sc_platform *platform()
{
    if (g_platform && !g_broken)
        return g_platform;
    if (g_broken)
        return nullptr;
    /* no SystemC banner on stdout: the harness prints the summary there */
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    char arg0[] = "cosim";
    char *argv[] = {arg0, nullptr};
    g_in_elab = true;
    int status = sc_core::sc_elab_and_sim(1, argv);
    g_in_elab = false;
    if (status != 0 || !g_platform) {
        g_broken = true;
        if (!g_why[0])
            std::snprintf(g_why, sizeof(g_why),
                          "the SystemC platform could not be elaborated (see the message above)");
        return nullptr;
    }
    return g_platform;
}

/* What each engine is doing, for a timeout or error message (the text of
 * rtl_backend.c). */
void describe_engines(const acc_program *p, const cosim_result *r, int next_issue, char *buf,
                      size_t size)
{
    static const char *const names[ACC_ENG_COUNT] = {"load", "compute", "store"};
    size_t len = 0;
    for (int e = 0; e < ACC_ENG_COUNT; e++) {
        int running = -1;
        for (int i = 0; i < p->count && i < next_issue; i++)
            if (acc_op_engine(p->ins[i].op) == e && r->start[i] >= 0 && r->end[i] < 0)
                running = i;
        int k;
        if (running >= 0)
            k = std::snprintf(buf + len, size - len,
                              "%s engine: running instruction %d since cycle %lld; ", names[e],
                              running, static_cast<long long>(r->start[running]));
        else
            k = std::snprintf(buf + len, size - len, "%s engine: idle; ", names[e]);
        len += static_cast<size_t>(k);
        if (len >= size)
            return;
    }
    if (next_issue < p->count) {
        const acc_instr *in = &p->ins[next_issue];
        std::snprintf(buf + len, size - len,
                      "issue waits at instruction %d (%s, wait=ld:%u,cp:%u,st:%u)", next_issue,
                      acc_op_name(in->op), in->wait[0], in->wait[1], in->wait[2]);
    }
}

int check_params(const acc_config *cfg, acc_error *err)
{
    if (ACC_VM_ROWS != cfg->rows || ACC_VM_COLS != cfg->cols ||
        static_cast<uint32_t>(ACC_VM_SPAD_BYTES) != cfg->spad_bytes ||
        ACC_VM_SPAD_BANKS != cfg->spad_banks || ACC_VM_LINE_BYTES != cfg->line_bytes ||
        ACC_VM_AXI_DATA_BITS != cfg->axi_data_bits || ACC_VM_FETCH_DEPTH != cfg->fetch_depth)
        return acc_fail(err,
                        "this simulator was built for a %dx%d array with %d scratchpad bytes, "
                        "%d-bit bus; configuration '%s' asks for %dx%d, %u bytes, %d-bit "
                        "(build it with make cosim BACKEND=systemc CONFIG=%s)",
                        ACC_VM_ROWS, ACC_VM_COLS, ACC_VM_SPAD_BYTES, ACC_VM_AXI_DATA_BITS,
                        cfg->name, cfg->rows, cfg->cols, cfg->spad_bytes, cfg->axi_data_bits,
                        cfg->name);
    return 0;
}

int sc_backend_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm,
                   acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err)
{
    std::memset(res, 0, sizeof(*res));
    res->cycles = -1;
    res->hw_error_index = -1;
    if (check_params(cfg, err) != 0)
        return -1;
    if (opt->wave_path)
        return acc_fail(err, "the systemc backend writes no waveforms; use `make wave` (the rtl "
                             "backend, same RTL and cycles)");
    const double t_begin = acc_now_seconds();
    acc_sc::acc_sc_platform *pl = platform();
    if (!pl) {
        res->wall_seconds = acc_now_seconds() - t_begin;
        return acc_fail(err, "%s", g_why);
    }
    res->measured = 1;
    res->count = p->count;
    const size_t n = static_cast<size_t>(p->count ? p->count : 1);
    res->start = static_cast<int64_t *>(acc_malloc(n * sizeof(int64_t)));
    res->end = static_cast<int64_t *>(acc_malloc(n * sizeof(int64_t)));
    for (int i = 0; i < p->count; i++)
        res->start[i] = res->end[i] = -1;

    acc_sc::job j;
    j.prog = p;
    j.prog_addr = mm->prog;
    j.spad_bytes = cfg->spad_bytes;
    j.budget = opt->cycle_budget > 0 ? opt->cycle_budget : INT64_MAX;
    j.progress = opt->progress && isatty(2);
    j.res = res;

    /* a fresh start for the model's error flags; the memory serves this
     * run's image once the host has reset the accelerator */
    VerilatedContext *ctx = pl->dut.contextp();
    ctx->gotError(false);
    ctx->gotFinish(false);
    ctx->errorCount(0);
    pl->mem.attach(mem, cfg->axi_bytes, cfg->read_latency, cfg->write_latency);
    pl->mon.arm(&j, ctx);
    pl->host.submit(&j, &pl->mon.finished);
    int rc = 0;
    try {
        sc_core::sc_start();
    } catch (const std::exception &e) {
        g_broken = true;
        std::snprintf(g_why, sizeof(g_why), "SystemC kernel error: %s", e.what());
        rc = acc_fail(err, "%s", g_why);
    }
    pl->mem.detach();
    pl->mon.arm(nullptr, nullptr);
    if (rc == 0 && !j.finished) {
        g_broken = true;
        std::snprintf(g_why, sizeof(g_why),
                      "the SystemC kernel stopped before the host finished the run (status %d)",
                      static_cast<int>(sc_core::sc_get_status()));
        rc = acc_fail(err, "%s", g_why);
    }
    if (j.progress && j.start_ok)
        acc_sc::draw_final_progress(j);

    if (rc == 0 && !j.regs_ok)
        rc = acc_fail(err, "the accelerator's register interface did not answer");
    else if (rc == 0 && j.spad != cfg->spad_bytes)
        rc = acc_fail(err, "the accelerator reports %u scratchpad bytes, configuration '%s' has %u",
                      j.spad, cfg->name, cfg->spad_bytes);
    else if (rc == 0 && !j.start_ok)
        rc = acc_fail(err, "the start write was not accepted");
    if (j.start_ok) {
        if (j.stopped)
            rc = acc_fail(err, "an RTL assertion failed in cycle %lld (see the message above)",
                          static_cast<long long>(j.stop_cycle));
        const axi_rport &rd = pl->mem.rd, &ird = pl->mem.ird;
        const axi_wport &wr = pl->mem.wr;
        if (rd.violations || ird.violations || wr.violations) {
            const char *v = rd.violations ? rd.violation
                            : ird.violations ? ird.violation
                                             : wr.violation;
            if (rc == 0)
                rc = acc_fail(err, "AXI protocol violation by the accelerator: %s", v);
        }
        res->timed_out = j.timed_out;
        if (j.timed_out) {
            describe_engines(p, res, j.issued, res->engine_state, sizeof(res->engine_state));
            if (rc == 0)
                rc = acc_fail(err, "no END after %lld cycles (the budget): %s",
                              static_cast<long long>(j.budget), res->engine_state);
        } else if (j.irq_seen) {
            if (!j.readback_ok) {
                if (rc == 0)
                    rc = acc_fail(err,
                                  "the accelerator's registers could not be read after the run");
            } else {
                res->cycles = static_cast<int64_t>((static_cast<uint64_t>(j.cycles_hi) << 32) |
                                                   j.cycles_lo);
                for (int e = 0; e < ACC_ENG_COUNT; e++)
                    res->busy[e] = j.busy[e];
                if (j.status & 4u) {
                    res->hw_error = static_cast<int>(j.code);
                    res->hw_error_index = j.index;
                    describe_engines(p, res, j.issued, res->engine_state,
                                     sizeof(res->engine_state));
                    if (rc == 0)
                        rc = acc_fail(err,
                                      "the accelerator stopped with error code %u at instruction %u",
                                      j.code, j.index);
                } else if (!(j.status & 2u) && rc == 0) {
                    rc = acc_fail(err, "interrupt without done or error (status 0x%x)", j.status);
                }
            }
        }
    }
    res->wall_seconds = acc_now_seconds() - t_begin;
    return rc;
}

} // namespace

/* Called by sc_elab_and_sim() from platform() only: elaborates the platform
 * and runs the initialisation phase. */
int sc_main(int, char **)
{
    if (!g_in_elab) {
        std::fprintf(stderr, "sc_main: the systemc backend elaborates its platform itself\n");
        return 1;
    }
    /* the Verilated model takes the default context: report assertion
     * failures instead of aborting, as vmodel.cpp does */
    VerilatedContext *ctx = Verilated::defaultContextp();
    ctx->fatalOnError(false);
    ctx->assertOn(true);
    try {
        g_platform = new acc_sc::acc_sc_platform("platform");
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } catch (const std::exception &e) {
        std::snprintf(g_why, sizeof(g_why), "the SystemC platform could not be elaborated: %s",
                      e.what());
        g_platform = nullptr;
        return 1;
    }
    return 0;
}

extern "C" const cosim_backend cosim_backend_systemc = {"systemc", sc_backend_run};
