/* isa.h - the accelerator's instruction set: decoded form, fixed-width
 * binary encoding (what the RTL fetches) and field ranges.  The normative
 * description, with the bit layout and semantics, is docs/isa.md; the text
 * form (.sched) lives in sched.h.
 *
 * Every instruction is 256 bits (32 bytes, four little-endian 64-bit words;
 * bit b of the instruction is bit b%64 of word b/64).  Common header:
 *   [3:0]   opcode   1 LOAD, 2 STORE, 3 COMPUTE, 4 END (0 and 5..15 illegal)
 *   [7:4]   flags    bit 4 = ACC, bit 5 = FLAT (COMPUTE only); other flag bits
 *                    must be 0
 *   [27:8]  wait_ld  start only after >= wait_ld LOADs have completed
 *   [47:28] wait_cp  ... COMPUTEs ...
 *   [67:48] wait_st  ... STOREs ...
 * The per-opcode operand fields follow (see the ACC_F_* table in isa.c). */
#ifndef ACC_ISA_H
#define ACC_ISA_H

#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define ACC_INSTR_BYTES 32
#define ACC_INSTR_WORDS 4

typedef enum acc_opcode {
    ACC_OP_LOAD = 1,    /* external memory -> scratchpad (DMA read engine)  */
    ACC_OP_STORE = 2,   /* scratchpad -> external memory (DMA write engine) */
    ACC_OP_COMPUTE = 3, /* one convolution tile on the systolic array       */
    ACC_OP_END = 4      /* wait for every engine, then stop                 */
} acc_opcode;

/* The engines.  LOAD runs on ACC_ENG_LD, COMPUTE on ACC_ENG_CP, STORE on
 * ACC_ENG_ST; END on none (it waits for all three). */
typedef enum acc_engine {
    ACC_ENG_LD = 0,
    ACC_ENG_CP = 1,
    ACC_ENG_ST = 2,
    ACC_ENG_COUNT = 3
} acc_engine;

/* Field widths and the ranges that follow from them (docs/isa.md): the one
 * definition that the encoder, the layer check, the generator, the baselines
 * and the optimizer's search space all use. */
#define ACC_WAIT_BITS 20    /* wait_ld, wait_cp, wait_st */
#define ACC_COUNT_BITS 12   /* n0, n1, n2, tc, tk */
#define ACC_DIM_BITS 10     /* th, tw, vh, vw, act_ph */
#define ACC_KERNEL_BITS 4   /* fh, fw */
#define ACC_PAD_BITS 4      /* ptop, pleft */
#define ACC_STEP_BITS 3     /* sh, sw, dh, dw */
#define ACC_SPAD_BITS 20    /* scratchpad addresses and strides, act_pc */
#define ACC_DRAM_BITS 32    /* external addresses */
#define ACC_DSTRIDE_BITS 24 /* dram_s1, dram_s2 */
#define ACC_FIELD_MAX(bits) ((uint32_t)(((uint64_t)1 << (bits)) - 1u))
#define ACC_WAIT_MAX ACC_FIELD_MAX(ACC_WAIT_BITS)     /* 1048575 */
#define ACC_COUNT_MAX ACC_FIELD_MAX(ACC_COUNT_BITS)   /* 4095 */
#define ACC_DIM_MAX ACC_FIELD_MAX(ACC_DIM_BITS)       /* 1023 */
#define ACC_KERNEL_MAX ACC_FIELD_MAX(ACC_KERNEL_BITS) /* 15 */
#define ACC_PAD_MAX ACC_FIELD_MAX(ACC_PAD_BITS)       /* 15 */
#define ACC_STEP_MAX ACC_FIELD_MAX(ACC_STEP_BITS)     /* 7 */

/* LOAD / STORE: a 3-D block of n2 planes x n1 rows x n0 bytes.
 * Byte (p, r, b) lives at dram + p*dram_s2 + r*dram_s1 + b in external
 * memory and at spad + p*spad_s2 + r*spad_s1 + b in the scratchpad.
 * LOAD copies external -> scratchpad, STORE scratchpad -> external. */
typedef struct acc_dma {
    uint32_t dram;             /* 32 bits */
    uint32_t spad;             /* 20 bits */
    uint32_t n0, n1, n2;       /* 12 bits each, 1..4095 */
    uint32_t dram_s1, dram_s2; /* 24 bits each */
    uint32_t spad_s1, spad_s2; /* 20 bits each */
} acc_dma;

/* COMPUTE: for k < tk, oy < th, ox < tw:
 *   out[k][oy][ox] = (ACC ? out[k][oy][ox] : 0)
 *                  + sum_{c < tc, i < fh, j < fw} A(c, vy, vx) * W(c, i, j, k)
 * with vy = oy*sh + i*dh - ptop, vx = ox*sw + j*dw - pleft and
 *   A(c, vy, vx) = int8 at act + c*act_pc + vy*act_ph + vx
 *                  when 0 <= vy < vh and 0 <= vx < vw, else 0 (padding);
 *   W(c, i, j, k) = int8 at wgt + ((c*fh + i)*fw + j)*tk + k;
 *   out[k][oy][ox] = int32 little-endian at out + ((k*th + oy)*tw + ox)*4. */
typedef struct acc_compute {
    uint32_t act, wgt, out;  /* scratchpad byte addresses, 20 bits each */
    uint32_t fh, fw;         /* 4 bits, 1..15 */
    uint32_t sh, sw, dh, dw; /* 3 bits, 1..7 (in the header's [79:68]) */
    uint32_t tc, tk;         /* 12 bits, 1..4095 */
    uint32_t th, tw;         /* 10 bits, 1..1023 */
    uint32_t act_ph;         /* 10 bits: row pitch of the activation tile */
    uint32_t act_pc;         /* 20 bits: channel pitch of the activation tile */
    uint32_t vh, vw;         /* 10 bits, 1..1023: stored rows/cols */
    uint32_t ptop, pleft;    /* 4 bits, 0..15: virtual zero rows/cols before */
    int acc;                 /* ACC flag */
    int flat;                /* FLAT flag: passes over the flattened pixels */
} acc_compute;

/* The flag bits of the header's [7:4] field, as values of that field. */
#define ACC_FLAG_ACC 1u  /* bit 4 */
#define ACC_FLAG_FLAT 2u /* bit 5 */

typedef struct acc_instr {
    acc_opcode op;
    uint32_t wait[ACC_ENG_COUNT]; /* wait_ld, wait_cp, wait_st (20 bits) */
    union {
        acc_dma dma;    /* LOAD, STORE */
        acc_compute cp; /* COMPUTE */
    } u;
} acc_instr;

/* A program: an instruction stream, owned array. */
typedef struct acc_program {
    acc_instr *ins;
    int count;
    int cap;
} acc_program;

void acc_program_init(acc_program *p);
void acc_program_free(acc_program *p);
/* Appends a copy of *in and returns its index. */
int acc_program_push(acc_program *p, const acc_instr *in);

/* Engine that executes an opcode (END: -1). */
int acc_op_engine(acc_opcode op);
/* "load", "store", "compute", "end"; NULL for an illegal opcode. */
const char *acc_op_name(acc_opcode op);

/* Checks every field of an instruction against its range (docs/isa.md).
 * Returns 0 or -1 with err naming the field ("field 'n0': 0 is outside 1..4095").
 * Configuration-dependent checks (scratchpad bounds) are the validator's. */
int acc_instr_check(const acc_instr *in, acc_error *err);

/* Encodes a checked instruction into 32 bytes (little-endian words).
 * Precondition: acc_instr_check(in) == 0. */
void acc_encode(const acc_instr *in, uint8_t out[ACC_INSTR_BYTES]);

/* Decodes 32 bytes.  Returns 0, or -1 with err for an illegal opcode,
 * non-zero reserved bits or an out-of-range field. */
int acc_decode(const uint8_t in[ACC_INSTR_BYTES], acc_instr *out, acc_error *err);

/* Size cap of a binary program file (docs/formats.md, "Input size
 * limits"): 128 MiB, 4 Mi instructions, more than the 20-bit wait counts of
 * three engines can order. */
#define ACC_PROGRAM_FILE_MAX ((size_t)128 << 20)

/* Whole binary images (.bin: the raw instruction stream, count*32 bytes).
 * acc_program_encode returns a malloc'd buffer of count*32 bytes.
 * acc_program_decode fails (naming the instruction index and field) when the
 * length is not a multiple of 32 or any instruction does not decode. */
uint8_t *acc_program_encode(const acc_program *p, size_t *len_out);
int acc_program_decode(const uint8_t *buf, size_t len, const char *path, acc_program *out,
                       acc_error *err);

/* Scratchpad byte ranges an instruction touches, for bounds checks:
 * the inclusive-exclusive [lo, hi) hull of each operand.  For COMPUTE,
 * ranges[0] = activations (stored tile), [1] = weights, [2] = outputs;
 * for LOAD/STORE ranges[0] is the block.  Returns the number of ranges. */
typedef struct acc_range {
    uint64_t lo, hi;
} acc_range;
int acc_instr_spad_ranges(const acc_instr *in, acc_range ranges[3]);
/* The name of range k of acc_instr_spad_ranges in messages: "block" for
 * LOAD/STORE; "act", "wgt", "out" for COMPUTE; "" otherwise. */
const char *acc_instr_operand_name(acc_opcode op, int k);

#endif
