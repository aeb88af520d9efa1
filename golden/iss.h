/* iss.h - the functional instruction-set simulator: runs a program on a
 * software scratchpad and a software external memory, instruction by
 * instruction in program order, with the semantics of docs/isa.md.  No
 * timing (the model gives it).  It tells a wrong schedule apart from wrong
 * hardware: if iss and golden agree but the RTL does not, the RTL is wrong. */
#ifndef ACC_ISS_H
#define ACC_ISS_H

#include <stdint.h>

#include "core/config.h"
#include "core/dram.h"
#include "core/isa.h"

typedef struct iss_stats {
    uint64_t instructions;
    uint64_t macs; /* multiply-accumulates performed, padding included */
    uint64_t dram_read, dram_written;
} iss_stats;

/* Runs the program to END.  Returns 0, or -1 with err naming the instruction
 * index when an access falls outside the scratchpad or the memory, or an
 * instruction is illegal.  `stats` may be NULL. */
int iss_run(const acc_program *p, const acc_config *cfg, acc_dram *mem, iss_stats *stats,
            acc_error *err);

/* iss_run with a progress hook: when progress is not NULL it is called as
 * progress(ctx, i, p->count) before instruction i, after each plane of a
 * LOAD or STORE and after each output row of a COMPUTE.  A nonzero return
 * stops the run there: -1 with err "stopped at instruction i (op) by its
 * caller" (the caller knows why, e.g. a wall-time limit); memory then holds
 * what the instructions before wrote, and part of instruction i. */
int iss_run_progress(const acc_program *p, const acc_config *cfg, acc_dram *mem, iss_stats *stats,
                     acc_progress_fn progress, void *ctx, acc_error *err);

#endif
