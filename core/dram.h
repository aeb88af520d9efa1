/* dram.h - the external memory image: the bytes every backend (iss, rtl,
 * systemc) and the harness read and write at byte addresses. */
#ifndef ACC_DRAM_H
#define ACC_DRAM_H

#include <stdint.h>

/* A byte-addressed external memory image, [0, size).  Owns its bytes. */
typedef struct acc_dram {
    uint8_t *bytes;
    uint64_t size;
} acc_dram;

/* Allocates a zero-filled image of `size` bytes (exits like acc_malloc when
 * memory runs out).  Free with acc_dram_free, which accepts NULL and leaves
 * the image empty. */
void acc_dram_init(acc_dram *m, uint64_t size);
void acc_dram_free(acc_dram *m);

#endif
