/* memmap.h - the external-memory map of one layer run: where the harness
 * places each tensor and the program (docs/formats.md, "Memory map"). */
#ifndef ACC_MEMMAP_H
#define ACC_MEMMAP_H

#include <stdint.h>

#include "core/layer.h"

/* Every base is 4 KiB aligned; x first at ACC_DRAM_BASE.  The tensors of a
 * run must end below ACC_DRAM_LIMIT so that the program and the 32-bit
 * address space fit (acc_layer_check enforces it). */
#define ACC_DRAM_BASE 0x00010000u
#define ACC_DRAM_LIMIT 0x80000000ull
#define ACC_MEMMAP_ALIGN 4096u

typedef struct acc_memmap {
    uint32_t x, w, y, prog; /* byte addresses */
    uint32_t end;           /* first byte after y (program goes at prog) */
} acc_memmap;

/* The default map: x at ACC_DRAM_BASE, then w, y and the program, each
 * aligned to ACC_MEMMAP_ALIGN.  Precondition: acc_layer_check(l) == 0. */
void acc_memmap_default(const acc_layer *l, acc_memmap *mm);

/* The same addresses in 64 bits, for any layer whose shapes are defined
 * (used by the check to see an overflow before it happens). */
void acc_memmap64(const acc_layer *l, uint64_t *x, uint64_t *w, uint64_t *y, uint64_t *end,
                  uint64_t *prog);

#endif
