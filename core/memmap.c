/* memmap.c - the default external-memory map of one layer run
 * (docs/formats.md, "Memory map"). */
#include "core/memmap.h"

void acc_memmap64(const acc_layer *l, uint64_t *x, uint64_t *w, uint64_t *y, uint64_t *end,
                  uint64_t *prog)
{
    *x = ACC_DRAM_BASE;
    *w = acc_align_up(*x + layer_x_bytes(l), ACC_MEMMAP_ALIGN);
    *y = acc_align_up(*w + layer_w_bytes(l), ACC_MEMMAP_ALIGN);
    *end = *y + layer_y_bytes(l);
    *prog = acc_align_up(*end, ACC_MEMMAP_ALIGN);
}

void acc_memmap_default(const acc_layer *l, acc_memmap *mm)
{
    ACC_REQUIRE(l && mm);
    uint64_t x, w, y, end, prog;
    acc_memmap64(l, &x, &w, &y, &end, &prog);
    ACC_REQUIRE(prog < ACC_DRAM_LIMIT); /* holds for every checked layer */
    mm->x = (uint32_t)x;
    mm->w = (uint32_t)w;
    mm->y = (uint32_t)y;
    mm->end = (uint32_t)end;
    mm->prog = (uint32_t)prog;
}
