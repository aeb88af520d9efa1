/* gtkw.h - GTKWave save file for a waveform of the accelerator.  Beside
 * <name>.fst it writes
 *   <name>.gtkw        the signals grouped by unit (issue, load, compute,
 *                      store, fetch, scratchpad ports, host registers);
 *   <name>.ops.txt     a translate filter showing opcodes by name;
 *   <name>.instr.txt   a translate filter showing each instruction index as
 *                      its line of the schedule ("#12 compute act=...").
 * Open with: gtkwave <name>.gtkw */
#ifndef ACC_COSIM_GTKW_H
#define ACC_COSIM_GTKW_H

#include "core/isa.h"
#include "core/util.h"

/* Writes the three files for the waveform at fst_path (which ends in
 * ".fst").  Returns 0 or -1 with err. */
int cosim_write_gtkw(const char *fst_path, const acc_program *p, acc_error *err);

#endif
