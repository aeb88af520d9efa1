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

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <unistd.h>
#include <vector>

#include "cosim/vmodel_print.h"

namespace {

/* What the Verilated model has printed in this process (acc_vm_printf),
 * the first ACC_VM_PRINTED_MAX bytes; a run keeps what it printed from its
 * own start on.  One model per process: the platform's. */
std::string g_printed;

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

int sc_backend_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm,
                   acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err)
{
    cosim_result_reset(res);
    const acc_vm_params built = acc_vm_params_built();
    if (cosim_check_params(&built, cfg, "BACKEND=systemc ", err) != 0)
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
    cosim_result_measure(res, p->count);

    acc_sc::job j;
    j.prog = p;
    j.prog_addr = mm->prog;
    j.spad_bytes = cfg->spad_bytes;
    j.budget = opt->cycle_budget > 0 ? opt->cycle_budget : INT64_MAX;
    j.deadline = opt->max_seconds > 0 ? acc_now_seconds() + opt->max_seconds : 0;
    j.progress = opt->progress && isatty(2);
    j.res = res;

    /* a fresh start for the model's error flags; the memory serves this
     * run's image once the host has reset the accelerator */
    VerilatedContext *ctx = pl->dut.contextp();
    ctx->gotError(false);
    ctx->gotFinish(false);
    ctx->errorCount(0);
    j.stray_beat = opt->stress.stray_beat;
    g_printed.clear(); /* this run's messages from here on */
    pl->mem.attach(mem, cfg->axi_bytes, cfg->read_latency, cfg->write_latency, &j);
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
    std::snprintf(res->rtl_messages, sizeof(res->rtl_messages), "%s", g_printed.c_str());
    if (j.start_ok) {
        if (j.stopped) {
            char what[384];
            cosim_rtl_error_line(g_printed.c_str(), what, sizeof(what));
            rc = acc_fail(err, "an RTL assertion failed in cycle %lld: %s",
                          static_cast<long long>(j.stop_cycle),
                          what[0] ? what : "(the model printed no message)");
        }
        cosim_run_end end = {};
        end.issued = j.issued;
        end.timed_out = j.timed_out;
        end.budget = j.budget;
        end.wall_timeout = j.wall_timeout;
        end.max_seconds = opt->max_seconds;
        end.cycle = j.last_cycle;
        end.irq_seen = j.irq_seen;
        end.readout_ok = j.readback_ok;
        end.regs = j.regs;
        end.violation = cosim_axi_violation(&pl->mem.rd, &pl->mem.ird, &pl->mem.wr);
        rc = cosim_run_finish(p, &end, rc, res, err);
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

/* Everything the Verilated model prints (mk/systemc.mk compiles it with
 * VL_PRINTF=acc_vm_printf): on stdout, as Verilator's default does, and
 * kept for the run's report (cosim_result.rtl_messages).  The contract is
 * cosim/vmodel_print.h's; the rtl builds define it in cosim/vmodel.cpp. */
extern "C" int acc_vm_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int n = acc_vm_vprint(&g_printed, ACC_VM_PRINTED_MAX, fmt, ap);
    va_end(ap);
    return n;
}
