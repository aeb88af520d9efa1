/* dram.c - the external memory image. */
#include "core/dram.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/util.h"

void acc_dram_init(acc_dram *m, uint64_t size)
{
    ACC_REQUIRE(m != NULL);
    ACC_REQUIRE(size <= (uint64_t)SIZE_MAX);
    m->bytes = acc_calloc((size_t)(size ? size : 1), 1);
    m->size = size;
}

void acc_dram_free(acc_dram *m)
{
    if (!m)
        return;
    free(m->bytes);
    m->bytes = NULL;
    m->size = 0;
}
