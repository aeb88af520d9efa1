/* wavewin.h - which cycles of a run its waveform holds (the trace window of
 * cosim --wave, docs/debugging.md "Look at the step in a waveform").
 *
 * Run cycles count from the start write's handshake (cycle 0), as the
 * timing model's do.  A window in cycles (--from-cycle A --to-cycle B)
 * holds exactly cycles A..B.  A window in instructions (--from I --to J)
 * holds every cycle from COSIM_WAVE_MARGIN cycles before instruction I
 * issues to COSIM_WAVE_MARGIN cycles after the last of I..J to end ends
 * (end cycles are exclusive, so the cycles [issue(I) - 2, max end + 2)),
 * taking the timing model's cycles and the measured ones, whichever give
 * the longer window: in a run whose cycles differ from the model (a
 * failing run, stress mode) the file still holds both.  Without --from the
 * window starts with the run; without --to it lasts to the end of the run.
 * No window: every cycle from the reset on. */
#ifndef ACC_COSIM_WAVEWIN_H
#define ACC_COSIM_WAVEWIN_H

#include <stdint.h>

#include "core/isa.h"
#include "cosim/backend.h"
#include "model/model.h"

/* Cycles traced before the first instruction issues and after the last
 * one ends: the edges of both are visible. */
#define COSIM_WAVE_MARGIN 2

typedef struct cosim_wavewin {
    int64_t from, stop;  /* cycles [from, stop) known so far (INT64_MIN / INT64_MAX: open) */
    int64_t first, last; /* the instruction window (-1: none) */
    int pending;         /* instructions of first..last that have not ended */
} cosim_wavewin;

/* 1 when the options ask for a window (cycles or instructions), 0 when the
 * whole run, reset included, is traced. */
int cosim_wavewin_given(const cosim_options *o);

/* The window of one program p under options o; t holds the timing model's
 * cycles of p, or is NULL when the model cannot time it (the window then
 * follows the measured cycles only). */
void cosim_wavewin_init(cosim_wavewin *w, const cosim_options *o, const acc_program *p,
                        const model_timing *t);

/* Instruction idx issued in cycle n / ended (its exclusive end cycle is
 * `end`): the window grows to hold it.  Call before cosim_wavewin_has for
 * that cycle. */
void cosim_wavewin_issue(cosim_wavewin *w, int64_t idx, int64_t n);
void cosim_wavewin_end(cosim_wavewin *w, int64_t idx, int64_t end);

/* 1 when cycle n is traced. */
int cosim_wavewin_has(const cosim_wavewin *w, int64_t n);

#endif
