/* validate_internal.h - what crosses the files of the validator:
 * validate.c (driver, reporting, operand blocks), validate_sym.c (the
 * symbolic interpretation of LOAD, STORE and COMPUTE) and validate_timing.c
 * (hazards on the model's intervals, occupancy).  The method is described at
 * the top of validate_sym.c and validate_timing.c. */
#ifndef ACC_VALIDATE_INTERNAL_H
#define ACC_VALIDATE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"
#include "model/strided.h"
#include "model/validate.h"

enum { T_NONE = 0, T_X, T_W, T_PSUM, T_BAD };

/* What one scratchpad byte holds (20 bytes: scratchpads are up to 1 MiB).
 * A partial sum's state is that of docs/model.md, "Partial sums": the input
 * channels complete, and the chunk in progress with the kernel slices it
 * has accumulated so far. */
typedef struct vtag {
    uint32_t val;   /* T_X: offset in x; T_W: offset in w; T_PSUM: index in y */
    int32_t writer; /* instruction that wrote the byte, -1 never */
    uint32_t next;  /* T_PSUM: input channels (in the group) complete */
    uint16_t ptc;   /* T_PSUM: channels of the chunk in progress, 0 none */
    uint16_t pi;    /* T_PSUM: first kernel row of the band in progress */
    uint16_t pj;    /* T_PSUM: kernel columns of that band done */
    uint8_t kind;   /* T_* */
    uint8_t bits;   /* T_PSUM: byte of the little-endian int32 (bits 1:0),
                       whether the chain started at input channel 0 and tap
                       (0, 0) (bit 2), the band's height ph when pj > 0
                       (bits 6:3), whether the chain started at channel 0
                       (bit 7) */
} vtag;

#define TAG_BYTE(t) ((unsigned)(t)->bits & 3u)
#define TAG_OK(t) (((unsigned)(t)->bits >> 2) & 1u)
#define TAG_PH(t) (((unsigned)(t)->bits >> 3) & 15u)
#define TAG_CH0(t) (((unsigned)(t)->bits >> 7) & 1u)

static inline vtag vld_mk_tag(uint8_t kind, uint32_t val, uint32_t next, unsigned byte, unsigned ok,
                              int writer)
{
    vtag t = {val, writer, next, 0, 0, 0, kind, (uint8_t)(byte | ok << 2)};
    return t;
}

/* An operand block of the scratchpad, n2 planes x n1 rows x n0 bytes, and
 * whether the instruction reads and / or writes it. */
typedef struct blk {
    strided_blk g;
    int reads, writes;
} blk;

typedef struct vctx {
    const acc_program *p;
    const acc_memmap *mm;
    FILE *log;
    acc_validation *res;
    int list_cap; /* entries allocated in res->list */
    /* the layer */
    int64_t C, H, W, K, FH, FW, SH, SW, DH, DW, PT, PL, CG, KG, OH, OW;
    uint64_t xbytes, wbytes, ybytes, ny;
    /* symbolic state */
    uint32_t spad;
    vtag *tag;
    uint8_t *ymask;  /* bytes of each y element stored (4 bits) */
    int32_t *yfirst; /* first instruction that stored into each y element */
    /* timing (t == NULL: not checked) */
    const model_timing *t;
    int *ord;    /* 1-based position of each instruction on its engine */
    int32_t *rd; /* per byte: the reader of its value that ends last, -1 none;
                    the writer is in the tag */
    /* occupancy: sorted distinct cycles, difference array over them */
    int64_t *pts;
    int npts;
    int64_t *diff;
    int32_t run_w, run_r; /* pending run of equal live intervals */
    int64_t run_n;
    /* scratch for COMPUTE */
    uint32_t *kabs;
    size_t kabs_cap;
    int32_t *rows, *cols;
    size_t rows_cap, cols_cap;
    uint8_t *flag;
    size_t flag_cap;
    /* interval arithmetic (model/strided.h): the hazard check's operand
     * blocks, a LOAD's last writers, a STORE's rows after its first error */
    strided_scratch hz[3], paint, rest;
} vctx;

/* Reports violation `fmt` of instruction idx (-1: none): into the result's
 * list, and to the log while it holds fewer than ACC_VALIDATE_LOG_MAX. */
void vld_report(vctx *v, int idx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "load", "store", "compute", "end" or "illegal". */
const char *vld_op_name(const acc_instr *in);
/* Readable names of an element of x, w or y, and of a tag, into buf. */
void vld_desc_x(const vctx *v, uint64_t off, char *buf, size_t size);
void vld_desc_w(const vctx *v, uint64_t off, char *buf, size_t size);
void vld_desc_y(const vctx *v, uint64_t e, char *buf, size_t size);
void vld_desc_tag(const vctx *v, const vtag *t, char *buf, size_t size);

/* The symbolic half (validate_sym.c): interprets one instruction. */
void vld_sym_load(vctx *v, int i, const acc_dma *d);
void vld_sym_store(vctx *v, int i, const acc_dma *d);
void vld_sym_compute(vctx *v, int i, const acc_compute *c);

/* The timing half (validate_timing.c): occupancy set-up and totals, and the
 * hazard check of instruction i's operand blocks b[0..nb). */
void vld_live_init(vctx *v);
void vld_live_finish(vctx *v);
void vld_hazards(vctx *v, int i, const blk *b, int nb);

#endif
