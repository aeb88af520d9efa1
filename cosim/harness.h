/* harness.h - one co-simulation run, callable from the `cosim` program and
 * from tests: resolve the layer and configuration, plan (or load) a
 * schedule, validate it, time it with the model, build operands and the
 * external-memory image, run a backend, check the three equalities and
 * write the report.  docs/cosim.md describes the flow step by step, with
 * the same step numbers as the comments in harness.c. */
#ifndef ACC_COSIM_HARNESS_H
#define ACC_COSIM_HARNESS_H

#include <stdint.h>
#include <stdio.h>

#include "core/catalog.h"
#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "cosim/backend.h"
#include "cosim/report.h"

/* ---------------------------------------------------------------- backends */

/* Planners are chosen by name from planner/registry.h (plan_lookup). */

/* Looks a backend up like cosim_backend_find, but explains a failure in err:
 * an unknown name lists the backends, a known backend that is not linked
 * into this binary says how to build one that has it ("backend 'rtl' is not
 * built into this binary; use `make cosim BACKEND=rtl`"). */
const cosim_backend *cosim_backend_require(const char *name, acc_error *err);

/* ---------------------------------------------------------------- one run */

/* The ceilings of a run (docs/cosim.md, "Ceilings"), defaults of the
 * fields below.  A schedule that moves more bytes, or that the timing model
 * says runs longer, is refused before anything runs or is written; a
 * backend that runs longer than the wall-time limit is stopped (the run
 * fails and its report says so). */
#define COSIM_MAX_BYTES_DEFAULT ((uint64_t)1 << 32) /* bytes moved by LOADs and STOREs */
#define COSIM_MAX_CYCLES_DEFAULT ((int64_t)1 << 32) /* the model's end of any instruction */
#define COSIM_MAX_SECONDS_DEFAULT 3600.0            /* wall time of the backend */

/* What to run.  Zero-initialise, then set at least `layer`.  Strings are
 * borrowed for the duration of the call. */
typedef struct cosim_run_config {
    const char *layer;      /* "resnet_3" or "path.csv:row" (required) */
    const char *config;     /* configuration name or .ini path; NULL = "default" */
    uint64_t seed;          /* operand seed (ignored with x_path/w_path) */
    const char *backend;    /* NULL = "iss" */
    const char *planner;    /* a name or alias of planner/registry.h; NULL = PLAN_DEFAULT
                               ("sat", through its schedule cache); ignored with
                               sched_path */
    const char *sched_path; /* run this .sched instead of planning */
    const char *x_path;     /* operands from .npy files (both or neither) */
    const char *w_path;
    int dump;                          /* write x.npy, w.npy, y_golden.npy, y_sim.npy */
    int write_cycles;                  /* write cycles.csv: every instruction's cycles */
    const char *out_dir;               /* NULL = build/cosim/<layer> */
    cosim_options opt;                 /* backend options; opt.cycle_budget 0 = default;
                                          opt.max_seconds is set from max_seconds below */
    uint64_t max_bytes;                /* 0 = COSIM_MAX_BYTES_DEFAULT, UINT64_MAX = none */
    int64_t max_cycles;                /* 0 = COSIM_MAX_CYCLES_DEFAULT, INT64_MAX = none */
    double max_seconds;                /* 0 = COSIM_MAX_SECONDS_DEFAULT, < 0 = none */
    FILE *summary;                     /* readable summary, NULL = none */
    FILE *log;                         /* validation violations and notes, NULL = none */
    const cosim_backend *backend_impl; /* tests: run this, not the backend named `backend` */
    int jobs; /* cosim_run_net: layers run at once, each in a worker process;
                 0 or 1 = one after another in this process */
} cosim_run_config;

/* Default cycle budget of a measured backend: 2 * makespan + 100000. */
int64_t cosim_default_budget(int64_t makespan);

/* Runs one layer.  The output folder is locked (<dir>/.lock, for this
 * process) from the moment it is known until the call returns, and its
 * report.json holds a "running" marker meanwhile (docs/cosim.md, "The
 * output folder").  Returns 0 when every check passed, 1 when a check
 * failed (in both cases *rep is filled and report.json, schedule.sched and
 * any dumps are written), or -1 with err when the run could not happen at
 * all (bad layer, configuration, schedule, operand file, unplannable layer,
 * unknown backend or planner, unwritable output directory, an output folder
 * in use by another process, a schedule past the bytes or cycles ceiling:
 * the message names the file and line, or the planner, and the
 * instruction); then no report.json is left in the folder (an earlier
 * run's is removed too), and a folder in use is not touched.  Phases that
 * run longer than a second draw a progress line on stderr when
 * rc->opt.progress and stderr is a terminal. */
int cosim_run(const cosim_run_config *rc, cosim_report *rep, acc_error *err);

/* Runs every layer of a catalog network (acc_catalog_net) with the settings
 * of `base` (whose layer, sched_path, x_path, w_path and opt.wave_path must
 * be NULL).  Each layer writes into <root>/<layer>/ where root is
 * base->out_dir or "build/cosim"; the table goes to base->summary and the
 * summary JSON to <root>/net_<net>.json.  Before the first layer runs, every
 * layer's folder is locked and gets a "running" report.json, and the summary
 * a "running" marker; the locks are held until the call returns.  With
 * base->jobs > 1 the layers run in up to that many worker processes
 * (cosim/pool.h, fork without exec: base->backend_impl works there too),
 * each line "[k/n] layer STATUS seconds" goes to base->log as a layer ends,
 * and the table, in layer order, to base->summary when all have ended; a
 * worker that dies without a result is an error row naming the signal or
 * status; the table's text and the summary JSON are those of a run with
 * jobs 1 (net_<net>.json holds no timings).  Returns 0
 * when every layer passed, 1 when any failed or could not run, -1 with err
 * when the network, the configuration or the backend is unknown or a
 * layer's folder is in use by another process (then no file is written). */
int cosim_run_net(const char *net, const cosim_run_config *base, acc_error *err);

#endif
