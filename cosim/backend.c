/* backend.c - the backend registry and the iss backend (backend.h).
 *
 * The iss backend runs the program that the harness placed in the external
 * memory image (decoded from mm.prog, so the binary encoding is exercised
 * exactly as the hardware would fetch it) on the functional simulator.  It
 * measures no cycles. */
#include "cosim/backend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    (void)opt; /* waveforms, windows, budgets and progress do not apply */
    ACC_REQUIRE(p && cfg && mm && mem && res);
    double t0 = acc_now_seconds();
    memset(res, 0, sizeof(*res));
    res->measured = 0;
    res->count = p->count;
    res->cycles = -1;
    res->hw_error_index = -1;

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
    if (rc == 0)
        rc = iss_run(&fetched, cfg, mem, NULL, err);
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

void cosim_result_free(cosim_result *r)
{
    if (!r)
        return;
    free(r->start);
    free(r->end);
    r->start = r->end = NULL;
    r->count = 0;
}
