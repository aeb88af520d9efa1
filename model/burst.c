/* burst.c - the bursts of a LOAD or STORE (burst.h), walked exactly as
 * rtl/acc_dma_iter.sv walks them with BurstStep = 1. */
#include "model/burst.h"

#include <string.h>

/* Beats per burst at most (AXI4 INCR) and bytes per 4 KiB page. */
#define BURST_MAX_BEATS 256u
#define PAGE_BYTES 4096u

static void load_row(model_burst_iter *it, uint32_t a)
{
    it->word = a & ~(it->dw - 1u);
    it->left = ((a & (it->dw - 1u)) + it->d.n0 + it->dw - 1u) / it->dw;
    it->row_started = 0;
}

void model_dma_bursts_begin(model_burst_iter *it, const acc_dma *d, const acc_config *cfg)
{
    memset(it, 0, sizeof(*it));
    it->d = *d;
    it->dw = (uint32_t)cfg->axi_bytes;
    it->prow = d->dram;
    load_row(it, d->dram);
    it->done = d->n0 == 0 || d->n1 == 0 || d->n2 == 0;
}

int model_dma_bursts_next(model_burst_iter *it, model_burst *b)
{
    if (it->done)
        return 0;
    /* blen = min(beats left in the row, beats to the 4 KiB boundary, 256) */
    uint32_t to4k = (PAGE_BYTES - (it->word & (PAGE_BYTES - 1u))) / it->dw;
    uint32_t n = it->left;
    if (to4k < n)
        n = to4k;
    if (n > BURST_MAX_BEATS)
        n = BURST_MAX_BEATS;
    b->addr = it->word;
    b->beats = n;
    b->plane = it->p;
    b->row = it->r;
    b->row_first = !it->row_started;
    b->row_last = n == it->left;
    it->row_started = 1;
    it->word += n * it->dw; /* wraps modulo 2^32 as the RTL's adder does */
    it->left -= n;
    if (it->left == 0) {
        if (it->r + 1u < it->d.n1) {
            it->r++;
            load_row(it, it->prow + it->r * it->d.dram_s1);
        } else if (it->p + 1u < it->d.n2) {
            it->p++;
            it->r = 0;
            it->prow += it->d.dram_s2;
            load_row(it, it->prow);
        } else {
            it->done = 1;
        }
    }
    return 1;
}

int64_t model_dma_burst_count(const acc_dma *d, const acc_config *cfg)
{
    model_burst_iter it;
    model_burst b;
    int64_t k = 0;
    model_dma_bursts_begin(&it, d, cfg);
    while (model_dma_bursts_next(&it, &b))
        k++;
    return k;
}
