/* gtkw.h - GTKWave save file for a waveform of the accelerator.  Beside
 * <name>.fst it writes
 *   <name>.gtkw        the signals grouped by unit (issue, load, compute,
 *                      store, fetch, host registers), the waveform opened by
 *                      its absolute path on the whole span it holds;
 *   <name>.ops.txt     a translate filter showing opcodes by name;
 *   <name>.instr.txt   a translate filter showing each instruction index as
 *                      its line of the schedule (12 reads "#12 compute ...");
 *   <name>.ld.txt, <name>.cp.txt, <name>.st.txt
 *                      the same for one engine's index signal: that engine's
 *                      instructions as their lines, every other index "-".
 * Open with: gtkwave <name>.gtkw.  tests/test_gtkw.c checks the contents. */
#ifndef ACC_COSIM_GTKW_H
#define ACC_COSIM_GTKW_H

#include "core/isa.h"
#include "core/util.h"

/* Writes the six files for the waveform at fst_path (which ends in ".fst";
 * another name gets the extensions appended) and program p.  The waveform
 * must be a closed FST file (its absolute path goes into the save file, its
 * header gives the span the view opens on); the files are overwritten.
 * Returns 0, or -1 with err naming the file that could not be read,
 * resolved or written. */
int cosim_write_gtkw(const char *fst_path, const acc_program *p, acc_error *err);

#endif
