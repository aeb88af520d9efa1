/* burst.h - the AXI bursts of a LOAD or STORE, in the order the DMA engines
 * issue them (docs/model.md, "Bursts"; rtl/acc_dma_iter.sv).
 *
 * A block is n2 planes x n1 rows x n0 bytes; row (p, r) starts at external
 * address a = dram + p*dram_s2 + r*dram_s1 (32-bit arithmetic, as in the
 * RTL) and spans ceil(((a mod DW) + n0) / DW) DW-byte words from
 * a & ~(DW-1) on.  Rows are walked plane by plane, row by row; each row is
 * cut into INCR bursts at every 4 KiB boundary and after 256 beats.  One
 * burst is one AR (LOAD) or one AW (STORE).  The sum of the beats of all
 * bursts is model_dma_beats.
 *
 * The timing bounds (bounds.h) walk these bursts; the harness's burst
 * scoreboard checks the RTL's AR/AW stream against them. */
#ifndef ACC_MODEL_BURST_H
#define ACC_MODEL_BURST_H

#include <stdint.h>

#include "core/config.h"
#include "core/isa.h"

/* One burst. */
typedef struct model_burst {
    uint32_t addr;  /* AxADDR: DW-aligned address of the first beat */
    uint32_t beats; /* AxLEN + 1, 1..256; never crosses a 4 KiB boundary */
    uint32_t plane; /* p of the row the burst belongs to, 0..n2-1 */
    uint32_t row;   /* r, 0..n1-1 */
    int row_first;  /* 1 for the first burst of its row */
    int row_last;   /* 1 for the last burst of its row */
} model_burst;

/* Walker state; treat as opaque (fields are private). */
typedef struct model_burst_iter {
    acc_dma d;
    uint32_t dw;   /* bus bytes */
    uint32_t p, r; /* current row */
    uint32_t prow; /* external address of the plane's row 0 */
    uint32_t word; /* next burst's aligned address */
    uint32_t left; /* beats left in the row */
    int row_started, done;
} model_burst_iter;

/* Starts a walk over the bursts of d on cfg's bus (cfg->axi_bytes).
 * Precondition: d passes acc_instr_check (n0, n1, n2 >= 1). */
void model_dma_bursts_begin(model_burst_iter *it, const acc_dma *d, const acc_config *cfg);

/* Writes the next burst to *b and returns 1, or returns 0 when the block has
 * no more bursts (then *b is unchanged). */
int model_dma_bursts_next(model_burst_iter *it, model_burst *b);

/* Number of bursts of d (one walk; O(bursts)). */
int64_t model_dma_burst_count(const acc_dma *d, const acc_config *cfg);

#endif
