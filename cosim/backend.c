/* backend.c - the backend registry and the iss backend (backend.h).
 *
 * The iss backend runs the program that the harness placed in the external
 * memory image (decoded from mm.prog, so the binary encoding is exercised
 * exactly as the hardware would fetch it) on the functional simulator.  It
 * measures no cycles; it draws a progress line when the run takes more than
 * a second and stops at the wall-time limit (cosim_options.max_seconds). */
#include "cosim/backend.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cosim/measure.h"

#ifdef ACC_WITH_RTL
extern const cosim_backend cosim_backend_rtl;
#endif
#ifdef ACC_WITH_SYSTEMC
extern const cosim_backend cosim_backend_systemc;
#endif

static int iss_backend_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm,
                           acc_dram *mem, const cosim_options *opt, cosim_result *res,
                           acc_error *err)
{
    /* waveforms, windows and cycle budgets do not apply */
    ACC_REQUIRE(p && cfg && mm && mem && opt && res);
    double t0 = acc_now_seconds();
    cosim_result_reset(res);
    res->count = p->count;

    size_t len = (size_t)p->count * ACC_INSTR_BYTES;
    if ((uint64_t)mm->prog + len > mem->size) {
        res->wall_seconds = acc_now_seconds() - t0;
        return acc_fail(err,
                        "iss: the program (%zu bytes at 0x%08x) lies outside the %llu-byte "
                        "external memory",
                        len, mm->prog, (unsigned long long)mem->size);
    }
    acc_program fetched;
    acc_program_init(&fetched);
    int rc = acc_program_decode(mem->bytes + mm->prog, len, "external memory", &fetched, err);
    if (rc == 0) {
        cosim_meter m;
        cosim_meter_start(&m, "iss", "instructions", opt->progress && isatty(2), opt->max_seconds);
        rc = iss_run_progress(&fetched, cfg, mem, NULL, cosim_meter_progress, &m, err);
        if (rc == 0)
            m.done = m.total; /* the line ends complete */
        cosim_meter_end(&m);
        if (m.expired) {
            res->wall_timeout = 1;
            acc_fail(err,
                     "stopped at the wall-time limit of %g s (--max-seconds to raise it) at "
                     "instruction %lld of %d",
                     opt->max_seconds, (long long)m.done, fetched.count);
        }
    }
    acc_program_free(&fetched);
    res->wall_seconds = acc_now_seconds() - t0;
    return rc;
}

static const cosim_backend cosim_backend_iss = {"iss", iss_backend_run};

static const cosim_backend *const registry[] = {
    &cosim_backend_iss,
#ifdef ACC_WITH_RTL
    &cosim_backend_rtl,
#endif
#ifdef ACC_WITH_SYSTEMC
    &cosim_backend_systemc,
#endif
};

const cosim_backend *cosim_backend_find(const char *name)
{
    ACC_REQUIRE(name);
    for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
        if (!strcmp(registry[i]->name, name))
            return registry[i];
    return NULL;
}

void cosim_result_reset(cosim_result *r)
{
    ACC_REQUIRE(r);
    memset(r, 0, sizeof(*r));
    r->cycles = -1;
    r->hw_error_index = -1;
    r->retired = -1;
}

void cosim_result_measure(cosim_result *r, int count)
{
    ACC_REQUIRE(r && count >= 0);
    size_t n = (size_t)(count ? count : 1);
    r->measured = 1;
    r->count = count;
    r->start = acc_malloc(n * sizeof(int64_t));
    r->end = acc_malloc(n * sizeof(int64_t));
    for (int i = 0; i < count; i++)
        r->start[i] = r->end[i] = -1;
}

void cosim_result_free(cosim_result *r)
{
    if (!r)
        return;
    free(r->start);
    free(r->end);
    r->start = r->end = NULL;
    r->count = 0;
}
