/* backend.h - what every execution backend of the co-simulation harness
 * provides.  A backend runs a program on a prepared external-memory image
 * (program at mm.prog, x at mm.x, w at mm.w; y is written at mm.y) and, when
 * it is cycle-accurate, measures each instruction's issue and end cycles.
 *
 *   iss     functional simulator (golden/iss.h), no cycles measured
 *   rtl     the Verilated SystemVerilog accelerator (cosim/rtl_backend.c)
 *   systemc the same RTL in a SystemC platform (cosim/systemc/)
 * The two measuring backends share cosim/measure.h.
 */
#ifndef ACC_COSIM_BACKEND_H
#define ACC_COSIM_BACKEND_H

#include <stdint.h>

#include "golden/iss.h"
#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "core/memmap.h"

/* Ports an error can be injected on (stress mode). */
typedef enum cosim_port {
    COSIM_PORT_NONE = 0,
    COSIM_PORT_LOAD,  /* data read port: LOAD bursts */
    COSIM_PORT_STORE, /* data write port: STORE bursts */
    COSIM_PORT_FETCH  /* instruction port: one burst per instruction */
} cosim_port;

/* Stress mode (docs/cosim.md, "Stress mode"): the memory and the host drive
 * the accelerator like a hostile interconnect, from `seed`, inside the
 * jitter bounds (model/bounds.h's contract).  on = 0: timing mode.  Only the
 * rtl backend honours it; inject_port works in both modes. */
typedef struct cosim_stress {
    int on;
    uint64_t seed;
    int lr_min, lr_max, lw_min, lw_max, gap_max; /* a model_jitter */
    cosim_port inject_port;                      /* COSIM_PORT_NONE: no injected error */
    int64_t inject_burst; /* the burst of that port (from 1) that answers inject_resp */
    int inject_resp;      /* 2 SLVERR, 3 DECERR */
    /* A broken interconnect, for tests: in cycle stray_beat of the run
     * (>= 3; cycle 0 is the start write) the data read port drives one R
     * beat (RLAST, OKAY) that no AR asked for, which the accelerator's
     * assertion LoadBeatExpected catches when no LOAD is in flight.  0:
     * never.  Only the systemc backend honours it (tests/rtl/test_systemc.c);
     * the rtl backend's tests drive their model's pins directly. */
    int64_t stray_beat;
} cosim_stress;

/* Options a cycle-accurate backend honours; zero-initialised = defaults. */
typedef struct cosim_options {
    const char *wave_path;   /* FST file to write, or NULL for none */
    int64_t wave_from_instr; /* trace window in instruction indices, -1 = open */
    int64_t wave_to_instr;
    int64_t wave_from_cycle; /* or in cycles, -1 = open */
    int64_t wave_to_cycle;
    int64_t cycle_budget; /* stop and fail after this many cycles (0: none) */
    double max_seconds;   /* stop and fail after this much wall time, in seconds, of the run of
                             one program (0: none); every backend honours it */
    int progress;         /* draw a progress bar on stderr (measuring backends, the iss) */
    cosim_stress stress;  /* stress mode and error injection (rtl backend) */
} cosim_options;

/* What a backend measured.  start/end are per instruction (count entries),
 * -1 where an instruction never issued / never ended; NULL for a backend that
 * does not measure cycles. */
typedef struct cosim_result {
    int measured; /* 1 when cycles were measured */
    int64_t *start, *end;
    int count;
    int64_t cycles;              /* total cycles (the CYCLES register), -1 if none */
    int64_t busy[ACC_ENG_COUNT]; /* per-engine busy counters */
    int hw_error;                /* accelerator ERR_CODE (0 = none) */
    int64_t hw_error_index;      /* ERR_INDEX */
    int64_t retired;             /* RETIRED after the run (rtl backend), -1 if not read */
    int timed_out;               /* cycle budget exhausted */
    int wall_timeout;            /* stopped at the wall-time limit (cosim_options.max_seconds) */
    char engine_state[512];      /* on timeout or error: what each engine was doing */
    char axi_violation[512];     /* first protocol checker / scoreboard violation, "" = none */
    char rtl_messages[2048];     /* what the simulated RTL printed during the run (a failed
                                    assertion's message), cut to fit; "" = nothing */
    int host_reads;              /* register reads of the stress host during the run */
    int host_writes;             /* and its register writes (none may change the run) */
    double wall_seconds;         /* time spent in the backend */
} cosim_result;

/* Sets *r to "nothing measured yet": zeroes, no arrays, cycles and
 * hw_error_index -1.  Every backend's run starts with it; r must not own
 * arrays (free them first). */
void cosim_result_reset(cosim_result *r);

/* Makes *r a measurement of `count` instructions: measured = 1, start and
 * end allocated (at least one entry each) and filled with -1.  r must not
 * own arrays; cosim_result_free frees them. */
void cosim_result_measure(cosim_result *r, int count);

/* Frees start and end (r may be NULL) and sets count to 0. */
void cosim_result_free(cosim_result *r);

/* A backend: name and run function.  run returns 0 when the program ran to
 * END, -1 otherwise (err says why; *res is still filled as far as known). */
typedef struct cosim_backend {
    const char *name;
    int (*run)(const acc_program *p, const acc_config *cfg, const acc_memmap *mm, acc_dram *mem,
               const cosim_options *opt, cosim_result *res, acc_error *err);
} cosim_backend;

/* Looks a backend up by name; NULL when unknown or not built into this
 * binary (the rtl backend is linked only into the per-configuration binaries
 * that the Makefile builds with Verilator). */
const cosim_backend *cosim_backend_find(const char *name);

/* The rtl backend only (defined where cosim_backend_rtl is linked): runs
 * programs p[0..n-1] one after another on one Verilated model, as a driver
 * restarts the accelerator: one reset before the first; for each program
 * the host writes PROG_ADDR = mm[k].prog and PROG_LEN = p[k].count and
 * starts it after the previous program stopped (done or error), without a
 * reset.  The scratchpad and `mem` carry over from one program to the next;
 * opt applies to every program (an injected burst counts the port's bursts
 * from the reset on).  res[k] (n entries, freed by the caller) is program
 * k's measurement, its cycle 0 its own start write.  An accelerator error
 * (ERR_CODE) does not end the sequence; a timeout, a protocol violation, a
 * failed assertion or register access does, and the later res[k] stay
 * "nothing measured".  Returns 0 when every program ran to END, -1 with err
 * describing the first that did not.  n >= 1. */
int cosim_rtl_run_seq(int n, const acc_program *p, const acc_memmap *mm, const acc_config *cfg,
                      acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err);

#endif
