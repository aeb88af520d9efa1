/* testutil.h - helpers shared by several test files. */
#ifndef ACC_TESTUTIL_H
#define ACC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/dram.h"
#include "cosim/backend.h"
#include "core/isa.h"
#include "core/layer.h"

/* The largest value of a w-bit field. */
#define TU_BITS(w) ((uint32_t)(((uint64_t)1 << (w)) - 1))

/* A value in [lo, hi]: the ends a quarter of the time each, else uniform. */
uint32_t tu_draw(acc_rng *r, uint32_t lo, uint32_t hi);

/* A random instruction of opcode `op` that passes acc_instr_check, every
 * field drawn over its documented range (docs/isa.md); each wait is zero a
 * third of the time.  A COMPUTE's flags (acc, flat) are drawn apart; FLAT's
 * legality depends on a configuration and is not considered here. */
void tu_random_instr(acc_rng *r, acc_opcode op, acc_instr *in);

/* Sets c->flat half of the time when FLAT is legal for c on cfg
 * (model_compute_flat_ok), else clears it; one draw of r either way, so a
 * generator's stream does not depend on the configuration. */
void tu_random_flat(acc_rng *r, acc_compute *c, const acc_config *cfg);

/* A test's scratch directory: tu_tmpdir_make creates a fresh
 * /tmp/acc_test_XXXXXX (its path in tu_tmpdir), tu_tmpdir_remove deletes it
 * with its contents; both fit a TestSuite's .init and .fini. */
extern char tu_tmpdir[64];
void tu_tmpdir_make(void);
void tu_tmpdir_remove(void);

/* tu_tmpdir/file, in one of 8 buffers used in turn: copy a path kept longer. */
char *tu_tmp(const char *file);

/* Directory of the tools: $ACC_BIN, else build/bin. */
const char *tu_bin_dir(void);

/* Runs a shell command with stderr merged into stdout; the first size-1
 * bytes of its output go to out (NUL-terminated), the rest is drained.
 * Fails the test if the command dies of a signal; returns its exit status. */
int tu_run(const char *cmd, char *out, size_t size);

/* A LOAD or STORE (op) with every field given; no waits. */
acc_instr tu_dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1, uint32_t n2,
                 uint32_t ds1, uint32_t ds2, uint32_t ss1, uint32_t ss2);

/* Backend options of the RTL tests: no waveform window, the given cycle
 * budget (0: none), everything else zero (timing mode). */
cosim_options tu_rtl_options(int64_t budget);

/* Appends an END with no waits to p. */
void tu_push_end(acc_program *p);

/* Makes every instruction of p wait for the one before it (no hazards at
 * all): instruction i waits for the engine count that instruction i-1
 * reached on its own engine. */
void tu_serialise(acc_program *p);

/* The FLAT tests' layer: hw x hw x 2 input, 3x3 filters, 4 of them,
 * stride 2, padding 1 on every side, named "flat". */
acc_layer tu_flat_layer(int hw);

/* Fills the whole of m with bytes of acc_rng seeded with `seed`. */
void tu_fill_random(acc_dram *m, uint64_t seed);

#endif
