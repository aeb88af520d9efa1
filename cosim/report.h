/* report.h - the outcome of one co-simulation run: report.json (cJSON) and
 * the readable summary printed on stdout; and the per-network table of
 * `cosim --net`.  The fields of report.json are documented in docs/cosim.md.
 * The harness (harness.c) fills a cosim_report; this module only formats. */
#ifndef ACC_COSIM_REPORT_H
#define ACC_COSIM_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/isa.h"
#include "core/layer.h"
#include "core/util.h"
#include "model/validate.h"

#define COSIM_PATH_MAX 1024
#define COSIM_MAX_FAILURES 8

/* Everything a run found.  Fields marked "-1 = none" are written as JSON null. */
typedef struct cosim_report {
    acc_layer layer;   /* the layer (name and shape) */
    acc_config config; /* the configuration */
    char backend[32];
    uint64_t seed;
    char inputs[16]; /* "seed" or "npy" (x and w from --x/--w) */
    int pass;        /* 1 when every check passed */
    int nfailures;   /* one line per failed check (the first few) */
    char failures[COSIM_MAX_FAILURES][160];

    /* outputs */
    uint64_t elements, mismatches;
    int has_first_mismatch;
    int k, oy, ox;
    int32_t expected, actual;

    /* cycles */
    int64_t model_cycles;    /* model makespan, -1 = model could not run the program */
    int measured;            /* the backend measured cycles */
    int64_t measured_cycles; /* -1 = none */
    int64_t cycle_budget;    /* -1 = none */
    int timed_out;
    int instr_count;
    int cycle_mismatches;
    int has_first_cycle_mismatch;
    int cm_index;
    acc_opcode cm_kind;
    int64_t cm_pred_start, cm_pred_end, cm_meas_start, cm_meas_end;

    /* work */
    uint64_t macs;                    /* useful MACs of the layer */
    uint64_t dram_read, dram_written; /* bytes moved by the program's LOADs / STOREs */
    double utilisation;               /* macs / (R*C*cycles), measured cycles if any */

    /* schedule */
    char planner[ACC_NAME_MAX];        /* planner name, or the .sched's .planner, or "file" */
    char sched_source[COSIM_PATH_MAX]; /* --sched input, "" when planned */
    int64_t claimed_makespan;          /* what the planner claims, -1 = no claim */
    char sched_path[COSIM_PATH_MAX];   /* the schedule that ran, written beside the report */

    /* validation */
    int valid;
    int violations;
    int first_violation_index;
    char first_violation[512];
    uint64_t peak_live_bytes;
    /* every violation (validation.list of report.json): borrowed from the
     * run's acc_validation while cosim_run writes the report, NULL otherwise
     * (the report outlives the validation) */
    const acc_violation *violation_list;
    int violation_listed; /* entries of violation_list */

    /* stress mode (docs/cosim.md, "Stress mode") */
    int stress;                 /* 1: the run was in stress mode */
    uint64_t stress_seed;       /* its seed */
    int jitter[5];              /* lr_min, lr_max, lw_min, lw_max, gap_max */
    int64_t bound_lo, bound_hi; /* makespan bounds under that jitter, -1 = none */
    int out_of_bounds;          /* instructions whose issue or end lies outside the bounds */
    int oob_index;              /* the first of them, -1 = none */
    acc_opcode oob_kind;
    int64_t oob_start_lo, oob_start_hi, oob_end_lo, oob_end_hi, oob_start, oob_end;
    int host_reads;          /* register reads at random times during the run */
    int host_writes;         /* register writes at random times during the run */
    char inject_port[8];     /* "load", "store", "fetch"; "" = no injected error */
    int64_t inject_burst;    /* the burst that answered the error (from 1) */
    int inject_resp;         /* 2 SLVERR, 3 DECERR */
    int64_t inject_index;    /* the instruction that must report AXI_ERROR */
    uint64_t stray_bytes;    /* bytes changed outside the issued STOREs' blocks */
    int64_t first_stray;     /* the first such address, -1 = none */
    char axi_violation[512]; /* protocol checker / scoreboard, "" = none */

    /* backend */
    int hw_error; /* accelerator ERR_CODE, 0 = none */
    int64_t hw_error_index;
    char hw_error_validator[512]; /* the validator's first violation at hw_error_index, "" = none */
    char backend_error[512];      /* "" = the backend ran to END */
    char rtl_messages[2048]; /* what the simulated RTL printed (a failed assertion), "" = none */
    char engine_state[512];
    double backend_seconds;
    double wall_seconds;

    /* ceilings (docs/cosim.md, "Ceilings") */
    uint64_t max_bytes; /* bytes the schedule may move, UINT64_MAX = none */
    int64_t max_cycles; /* cycles the model may give, INT64_MAX = none */
    double max_seconds; /* wall-time limit of the backend, 0 = none */
    int wall_timed_out; /* the backend stopped at that limit */

    /* files */
    char out_dir[COSIM_PATH_MAX];
    char report_path[COSIM_PATH_MAX];
    int dumped; /* x.npy, w.npy, y_golden.npy, y_sim.npy written */
} cosim_report;

/* Zero-fills a report and sets every "-1 = none" field to -1. */
void cosim_report_init(cosim_report *r);

/* Appends a one-line failure reason (printf style) and clears r->pass. */
void cosim_report_fail(cosim_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Name of an accelerator error code ("SPAD_RANGE"), "NONE" for 0, "UNKNOWN". */
const char *cosim_hw_error_name(int code);

/* Renders report.json; returns a NUL-terminated string the caller frees
 * with free().  Installs cJSON's allocation hooks first (acc_json_init,
 * core/json.h), as cosim_net_save does. */
char *cosim_report_json(const cosim_report *r);

/* Writes report.json to r->report_path atomically.  0 or -1 with err. */
int cosim_report_save(const cosim_report *r, acc_error *err);

/* Writes the marker of a run in progress to `path` (a report.json)
 * atomically: only `layer` (the given name: the run may not have resolved
 * its layer yet), `config` (likewise), `backend`, `seed`, `status`
 * "running" and `pid` (this process).  A run writes it as soon as it holds
 * its output folder, so that a run that is interrupted leaves no earlier
 * report that claims a pass (docs/cosim.md, "The output folder").
 * 0 or -1 with err. */
int cosim_report_save_running(const char *path, const char *layer, const char *config,
                              const char *backend, uint64_t seed, acc_error *err);

/* Prints the readable summary (several lines, ends with the verdict line
 * and, on failure, the first mismatch and a debugging hint). */
void cosim_report_print(FILE *f, const cosim_report *r);

/* One-line layer shape, "56x56x64->64 3x3/1" (HxWxC->K FHxFW/stride). */
char *cosim_layer_shape_str(const acc_layer *l, char *buf, size_t size);

/* --- the per-network table --------------------------------------------- */

/* One row: a finished run, or a run that could not start (error != ""). */
typedef struct cosim_net_row {
    cosim_report rep;
    char error[512];
} cosim_net_row;

/* Prints the table header, one row, and the total line. */
void cosim_net_print_header(FILE *f);
void cosim_net_print_row(FILE *f, const cosim_net_row *row);
void cosim_net_print_total(FILE *f, const cosim_net_row *rows, int n);

/* Writes <path> (net_<net>.json) atomically: network, configuration,
 * backend, seed, status, per-layer rows and totals.  0 or -1 with err. */
int cosim_net_save(const char *path, const char *net, const cosim_net_row *rows, int n,
                   acc_error *err);

/* Writes the marker of a network run in progress to <path> atomically:
 * `net`, `config`, `backend`, `seed`, `status` "running" and `pid`; the
 * summary of cosim_net_save replaces it at the end.  0 or -1 with err. */
int cosim_net_save_running(const char *path, const char *net, const char *config,
                           const char *backend, uint64_t seed, acc_error *err);

#endif
