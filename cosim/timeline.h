/* timeline.h - the SVG timeline of one run, timeline.svg beside report.json:
 * one lane per engine (load, compute, store) and one for END, each
 * instruction a bar from issue to end coloured by kind, the backend's
 * measured times filled and the model's predicted times outlined, the first
 * mismatching instruction marked in red, and the scratchpad occupancy as an
 * area chart below.  Bars narrower than COSIM_TL_THIN_PX that lie less than
 * a pixel apart on one lane are drawn as one bar, so the file stays small
 * however long the schedule is.  How to read it: docs/regress.md, "Reading
 * the index and the timelines". */
#ifndef ACC_COSIM_TIMELINE_H
#define ACC_COSIM_TIMELINE_H

#include <stdint.h>

#include "core/isa.h"
#include "core/util.h"
#include "cosim/backend.h"
#include "cosim/report.h"
#include "model/model.h"
#include "model/validate.h"

/* Geometry of the drawing, in SVG pixels. */
#define COSIM_TL_WIDTH 1280  /* the whole picture */
#define COSIM_TL_LEFT 96     /* left of the time axis (lane names) */
#define COSIM_TL_PLOT 1152   /* width of the time axis */
#define COSIM_TL_THIN_PX 2.0 /* a bar narrower than this may be merged */

/* `mark` of cosim_timeline: mark the first instruction whose measured issue
 * or end differs from the predicted one (what report.json calls
 * instructions.first_cycle_mismatch). */
#define COSIM_TL_MARK_MISMATCH (-2)

/* What one timeline shows.  Arrays are borrowed, `count` entries each
 * (meas_*: meas_count entries; an instruction past them, or with -1, never
 * issued or ended).  Strings may be NULL. */
typedef struct cosim_timeline {
    const char *layer, *config, *backend, *planner;
    const char *verdict;                  /* "PASS" or "FAIL" */
    const acc_program *prog;              /* the instructions (their kinds) */
    const int64_t *pred_start, *pred_end; /* the model's; NULL = it cannot time the program */
    const int64_t *meas_start, *meas_end; /* the backend's; NULL = nothing measured */
    int meas_count;
    const uint64_t *live_end; /* live scratchpad bytes in cycle pred_end[i]
                                 (acc_validation.live_end); NULL = no chart */
    uint64_t spad_bytes;      /* scratchpad capacity, the chart's top (0: its peak) */
    int mark;                 /* the instruction to mark in red: COSIM_TL_MARK_MISMATCH,
                                 an index, or -1 for none */
    const char *mark_label;   /* what the mark means when it is an index (e.g. "first
                                 outside the bounds"); NULL = "marked" */
} cosim_timeline;

/* The first instruction whose measured issue or end differs from the
 * predicted one, or -1 (also when either side is missing). */
int cosim_timeline_first_mismatch(const cosim_timeline *t);

/* Renders the SVG; returns a NUL-terminated string the caller frees, or
 * NULL when no instruction has a time (nothing to draw).
 * Precondition: t->prog is set. */
char *cosim_timeline_svg(const cosim_timeline *t);

/* Writes cosim_timeline_svg(t) to `path` atomically (acc_write_file); when
 * there is nothing to draw it writes nothing and removes an earlier file of
 * that name.  0 or -1 with err. */
int cosim_timeline_save(const char *path, const cosim_timeline *t, acc_error *err);

/* The timeline of a finished run: <rep->out_dir>/timeline.svg from its
 * report, program, the model's timing (NULL: none), the backend's result
 * and the validation (NULL: none).  The mark is the first cycle mismatch in
 * timing mode, the first instruction outside the bounds in stress mode,
 * the instruction that reported the injected error with --inject.
 * 0 or -1 with err. */
int cosim_timeline_save_run(const cosim_report *rep, const acc_program *p, const model_timing *t,
                            const cosim_result *res, const acc_validation *v, acc_error *err);

#endif
