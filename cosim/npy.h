/* npy.h - NumPy .npy files (format version 1.0) for the harness's tensors:
 * int8 and int32 arrays, C order, any rank up to COSIM_NPY_MAX_DIMS.
 *
 * File layout (NumPy's "format.rst", version 1.0):
 *   "\x93NUMPY" 0x01 0x00, a little-endian uint16 HEADER_LEN, then HEADER_LEN
 *   bytes of ASCII: a Python dict literal
 *     {'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }
 *   padded with spaces and ended with '\n' so that 10 + HEADER_LEN is a
 *   multiple of 64; then the raw data, little-endian, C order.
 * int8 is written as '|i1'; the reader also accepts '<i1' and 'i1'.  The
 * reader accepts versions 1.0 and 2.0 (a uint32 HEADER_LEN); anything else
 * (big-endian, another dtype, Fortran order, short or long data) is rejected
 * with a message naming the file and the field. */
#ifndef ACC_COSIM_NPY_H
#define ACC_COSIM_NPY_H

#include <stddef.h>
#include <stdint.h>

#include "core/memmap.h"
#include "core/util.h"

#define COSIM_NPY_MAX_DIMS 32

/* Size cap of a .npy file (docs/formats.md, "Input size limits"): the
 * external memory (ACC_DRAM_LIMIT, 2 GiB), which holds every tensor of a
 * run, plus 64 KiB of header. */
#define COSIM_NPY_FILE_MAX ((size_t)ACC_DRAM_LIMIT + ((size_t)64 << 10))

typedef enum cosim_npy_dtype {
    COSIM_NPY_I8 = 1, /* '|i1' */
    COSIM_NPY_I32 = 4 /* '<i4' (value = item size in bytes) */
} cosim_npy_dtype;

/* An array read from a file.  Owns `data` (count items of dtype, C order). */
typedef struct cosim_npy {
    cosim_npy_dtype dtype;
    int ndim;
    uint64_t shape[COSIM_NPY_MAX_DIMS];
    uint64_t count; /* product of shape (1 for rank 0) */
    void *data;     /* int8_t * or int32_t * (host order) */
} cosim_npy;

void cosim_npy_free(cosim_npy *a);

/* Writes the complete header of an array (magic, version, length, padded
 * dict) into buf.  Returns the header length (a multiple of 64), or 0 when
 * `size` is too small (512 bytes always suffice for rank <= 32).
 * Precondition: 0 <= ndim <= COSIM_NPY_MAX_DIMS. */
size_t cosim_npy_header(cosim_npy_dtype dtype, int ndim, const uint64_t *shape, char *buf,
                        size_t size);

/* Saves an array atomically (acc_write_file).  `data` holds the product of
 * shape items of dtype in host order.  Returns 0 or -1 with err. */
int cosim_npy_save(const char *path, cosim_npy_dtype dtype, int ndim, const uint64_t *shape,
                   const void *data, acc_error *err);

/* Parses a whole .npy image; `path` names it in messages.  On success fills
 * *out (caller frees with cosim_npy_free) and returns 0; otherwise returns -1
 * with err ("x.npy: field 'descr': '<f4' is not an int8 or int32 type") and
 * *out untouched. */
int cosim_npy_parse(const uint8_t *buf, size_t len, const char *path, cosim_npy *out,
                    acc_error *err);

/* Reads and parses a file.  0 or -1 with err. */
int cosim_npy_load(const char *path, cosim_npy *out, acc_error *err);

/* Formats a shape as "[2, 3, 4]" into buf; returns buf. */
char *cosim_npy_shape_str(int ndim, const uint64_t *shape, char *buf, size_t size);

#endif
