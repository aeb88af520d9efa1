/* isa.c - encoding, decoding and range checks of instructions.  The bit
 * layout lives in one table per opcode class; docs/isa.md is generated from
 * the same numbers by hand and tests/test_isa.c checks both agree. */
#include "core/isa.h"

#include <stdlib.h>
#include <string.h>

/* A field: name, first bit, width, minimum legal value, and where it lives in
 * the decoded struct (byte offset of a uint32_t). */
typedef struct field {
    const char *name;
    int lsb, width;
    uint32_t min;
    size_t offset;
} field;

#define DMA_F(n, l, w, m)                                                                          \
    {                                                                                              \
#n, l, w, m, offsetof(acc_instr, u.dma) + offsetof(acc_dma, n)                             \
    }
#define CP_F(n, l, w, m)                                                                           \
    {                                                                                              \
#n, l, w, m, offsetof(acc_instr, u.cp) + offsetof(acc_compute, n)                          \
    }

static const field dma_fields[] = {
    DMA_F(dram, 80, ACC_DRAM_BITS, 0),        DMA_F(spad, 112, ACC_SPAD_BITS, 0),
    DMA_F(n0, 132, ACC_COUNT_BITS, 1),        DMA_F(n1, 144, ACC_COUNT_BITS, 1),
    DMA_F(n2, 156, ACC_COUNT_BITS, 1),        DMA_F(dram_s1, 168, ACC_DSTRIDE_BITS, 0),
    DMA_F(dram_s2, 192, ACC_DSTRIDE_BITS, 0), DMA_F(spad_s1, 216, ACC_SPAD_BITS, 0),
    DMA_F(spad_s2, 236, ACC_SPAD_BITS, 0),
};

static const field cp_fields[] = {
    CP_F(sh, 68, ACC_STEP_BITS, 1),      CP_F(sw, 71, ACC_STEP_BITS, 1),
    CP_F(dh, 74, ACC_STEP_BITS, 1),      CP_F(dw, 77, ACC_STEP_BITS, 1),
    CP_F(act, 80, ACC_SPAD_BITS, 0),     CP_F(wgt, 100, ACC_SPAD_BITS, 0),
    CP_F(out, 120, ACC_SPAD_BITS, 0),    CP_F(fh, 140, ACC_KERNEL_BITS, 1),
    CP_F(fw, 144, ACC_KERNEL_BITS, 1),   CP_F(tc, 148, ACC_COUNT_BITS, 1),
    CP_F(tk, 160, ACC_COUNT_BITS, 1),    CP_F(th, 172, ACC_DIM_BITS, 1),
    CP_F(tw, 182, ACC_DIM_BITS, 1),      CP_F(act_ph, 192, ACC_DIM_BITS, 0),
    CP_F(act_pc, 202, ACC_SPAD_BITS, 0), CP_F(vh, 222, ACC_DIM_BITS, 1),
    CP_F(vw, 232, ACC_DIM_BITS, 1),      CP_F(ptop, 242, ACC_PAD_BITS, 0),
    CP_F(pleft, 246, ACC_PAD_BITS, 0),
};
#define CP_RESERVED_LSB 250 /* [255:250] */
#define DMA_RESERVED_LSB 68 /* [79:68] for LOAD/STORE */
#define END_RESERVED_LSB 68 /* [255:68] for END */

#define NFIELDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static uint64_t get_bits(const uint8_t b[ACC_INSTR_BYTES], int lsb, int width)
{
    uint64_t v = 0;
    for (int i = 0; i < width; i++) {
        int bit = lsb + i;
        v |= (uint64_t)((b[bit / 8] >> (bit % 8)) & 1u) << i;
    }
    return v;
}

static void put_bits(uint8_t b[ACC_INSTR_BYTES], int lsb, int width, uint64_t v)
{
    for (int i = 0; i < width; i++) {
        int bit = lsb + i;
        if ((v >> i) & 1u)
            b[bit / 8] |= (uint8_t)(1u << (bit % 8));
        else
            b[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
    }
}

static uint32_t *field_ptr(acc_instr *in, const field *f)
{
    return (uint32_t *)((char *)in + f->offset);
}
static uint32_t field_get(const acc_instr *in, const field *f)
{
    return *(const uint32_t *)((const char *)in + f->offset);
}

static const field *fields_of(acc_opcode op, int *n)
{
    switch (op) {
    case ACC_OP_LOAD:
    case ACC_OP_STORE:
        *n = NFIELDS(dma_fields);
        return dma_fields;
    case ACC_OP_COMPUTE:
        *n = NFIELDS(cp_fields);
        return cp_fields;
    default:
        *n = 0;
        return NULL;
    }
}

void acc_program_init(acc_program *p)
{
    memset(p, 0, sizeof(*p));
}

void acc_program_free(acc_program *p)
{
    free(p->ins);
    memset(p, 0, sizeof(*p));
}

int acc_program_push(acc_program *p, const acc_instr *in)
{
    if (p->count == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->ins = acc_realloc(p->ins, (size_t)p->cap * sizeof(*p->ins));
    }
    p->ins[p->count] = *in;
    return p->count++;
}

int acc_op_engine(acc_opcode op)
{
    switch (op) {
    case ACC_OP_LOAD:
        return ACC_ENG_LD;
    case ACC_OP_STORE:
        return ACC_ENG_ST;
    case ACC_OP_COMPUTE:
        return ACC_ENG_CP;
    default:
        return -1;
    }
}

const char *acc_op_name(acc_opcode op)
{
    switch (op) {
    case ACC_OP_LOAD:
        return "load";
    case ACC_OP_STORE:
        return "store";
    case ACC_OP_COMPUTE:
        return "compute";
    case ACC_OP_END:
        return "end";
    default:
        return NULL;
    }
}

static const char *const wait_names[ACC_ENG_COUNT] = {"wait_ld", "wait_cp", "wait_st"};

int acc_instr_check(const acc_instr *in, acc_error *err)
{
    if (!acc_op_name(in->op))
        return acc_fail(err, "field 'opcode': %d is not an opcode", (int)in->op);
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        if (in->wait[e] > ACC_WAIT_MAX)
            return acc_fail(err, "field '%s': %u is outside 0..%u", wait_names[e], in->wait[e],
                            ACC_WAIT_MAX);
    int n;
    const field *fs = fields_of(in->op, &n);
    for (int i = 0; i < n; i++) {
        uint32_t v = field_get(in, &fs[i]);
        uint64_t max = (fs[i].width >= 32) ? 0xffffffffu : ((1u << fs[i].width) - 1u);
        if (v < fs[i].min || v > max)
            return acc_fail(err, "field '%s': %u is outside %u..%llu", fs[i].name, v, fs[i].min,
                            (unsigned long long)max);
    }
    if (in->op == ACC_OP_COMPUTE) {
        const acc_compute *c = &in->u.cp;
        if (c->act_ph < c->vw)
            return acc_fail(err,
                            "field 'act_pitch': row pitch %u is smaller than the %u stored columns",
                            c->act_ph, c->vw);
        if (c->tc > 1 && (uint64_t)c->act_pc < (uint64_t)c->act_ph * (c->vh - 1) + c->vw)
            return acc_fail(err,
                            "field 'act_pitch': channel pitch %u is smaller than one %ux%u plane",
                            c->act_pc, c->vh, c->vw);
    }
    return 0;
}

void acc_encode(const acc_instr *in, uint8_t out[ACC_INSTR_BYTES])
{
    memset(out, 0, ACC_INSTR_BYTES);
    put_bits(out, 0, 4, (uint64_t)in->op);
    uint32_t flags = 0;
    if (in->op == ACC_OP_COMPUTE)
        flags = (in->u.cp.acc ? ACC_FLAG_ACC : 0u) | (in->u.cp.flat ? ACC_FLAG_FLAT : 0u);
    put_bits(out, 4, 4, flags);
    put_bits(out, 8, 20, in->wait[ACC_ENG_LD]);
    put_bits(out, 28, 20, in->wait[ACC_ENG_CP]);
    put_bits(out, 48, 20, in->wait[ACC_ENG_ST]);
    int n;
    const field *fs = fields_of(in->op, &n);
    for (int i = 0; i < n; i++)
        put_bits(out, fs[i].lsb, fs[i].width, field_get(in, &fs[i]));
}

int acc_decode(const uint8_t b[ACC_INSTR_BYTES], acc_instr *out, acc_error *err)
{
    memset(out, 0, sizeof(*out));
    uint32_t op = (uint32_t)get_bits(b, 0, 4);
    if (!acc_op_name((acc_opcode)op))
        return acc_fail(err, "field 'opcode': %u is not an opcode", op);
    out->op = (acc_opcode)op;
    uint32_t flags = (uint32_t)get_bits(b, 4, 4);
    if (flags & ~(op == ACC_OP_COMPUTE ? ACC_FLAG_ACC | ACC_FLAG_FLAT : 0u))
        return acc_fail(err, "field 'flags': 0x%x has bits that %s does not define", flags,
                        acc_op_name(out->op));
    out->wait[ACC_ENG_LD] = (uint32_t)get_bits(b, 8, 20);
    out->wait[ACC_ENG_CP] = (uint32_t)get_bits(b, 28, 20);
    out->wait[ACC_ENG_ST] = (uint32_t)get_bits(b, 48, 20);
    int n;
    const field *fs = fields_of(out->op, &n);
    for (int i = 0; i < n; i++)
        *field_ptr(out, &fs[i]) = (uint32_t)get_bits(b, fs[i].lsb, fs[i].width);
    int reserved_lsb = op == ACC_OP_COMPUTE ? CP_RESERVED_LSB
                       : op == ACC_OP_END   ? END_RESERVED_LSB
                                            : -1;
    if (op == ACC_OP_LOAD || op == ACC_OP_STORE) {
        if (get_bits(b, DMA_RESERVED_LSB, 12) != 0)
            return acc_fail(err, "field 'reserved': bits [79:68] must be zero in %s",
                            acc_op_name(out->op));
    } else {
        for (int bit = reserved_lsb; bit < 256; bit += 64) {
            int w = 256 - bit < 64 ? 256 - bit : 64;
            if (get_bits(b, bit, w) != 0)
                return acc_fail(err, "field 'reserved': bits [255:%d] must be zero in %s",
                                reserved_lsb, acc_op_name(out->op));
        }
    }
    if (op == ACC_OP_COMPUTE) {
        out->u.cp.acc = (flags & ACC_FLAG_ACC) != 0;
        out->u.cp.flat = (flags & ACC_FLAG_FLAT) != 0;
    }
    return acc_instr_check(out, err);
}

uint8_t *acc_program_encode(const acc_program *p, size_t *len_out)
{
    size_t len = (size_t)p->count * ACC_INSTR_BYTES;
    uint8_t *buf = acc_malloc(len ? len : 1);
    for (int i = 0; i < p->count; i++)
        acc_encode(&p->ins[i], buf + (size_t)i * ACC_INSTR_BYTES);
    *len_out = len;
    return buf;
}

int acc_program_decode(const uint8_t *buf, size_t len, const char *path, acc_program *out,
                       acc_error *err)
{
    acc_program_init(out);
    if (len % ACC_INSTR_BYTES != 0)
        return acc_fail(err, "%s: length %zu is not a multiple of %d bytes (one instruction)", path,
                        len, ACC_INSTR_BYTES);
    for (size_t i = 0; i < len / ACC_INSTR_BYTES; i++) {
        acc_instr in;
        acc_error e;
        if (acc_decode(buf + i * ACC_INSTR_BYTES, &in, &e) != 0) {
            acc_program_free(out);
            return acc_fail(err, "%s: instruction %zu (byte offset %zu): %s", path, i,
                            i * ACC_INSTR_BYTES, e.msg);
        }
        acc_program_push(out, &in);
    }
    return 0;
}

int acc_instr_spad_ranges(const acc_instr *in, acc_range r[3])
{
    switch (in->op) {
    case ACC_OP_LOAD:
    case ACC_OP_STORE: {
        const acc_dma *d = &in->u.dma;
        r[0].lo = d->spad;
        r[0].hi = (uint64_t)d->spad + (uint64_t)(d->n2 - 1) * d->spad_s2 +
                  (uint64_t)(d->n1 - 1) * d->spad_s1 + d->n0;
        return 1;
    }
    case ACC_OP_COMPUTE: {
        const acc_compute *c = &in->u.cp;
        r[0].lo = c->act;
        r[0].hi = (uint64_t)c->act + (uint64_t)(c->tc - 1) * c->act_pc +
                  (uint64_t)(c->vh - 1) * c->act_ph + c->vw;
        r[1].lo = c->wgt;
        r[1].hi = (uint64_t)c->wgt + (uint64_t)c->tc * c->fh * c->fw * c->tk;
        r[2].lo = c->out;
        r[2].hi = (uint64_t)c->out + (uint64_t)c->tk * c->th * c->tw * 4u;
        return 3;
    }
    default:
        return 0;
    }
}

const char *acc_instr_operand_name(acc_opcode op, int k)
{
    static const char *const cp_names[3] = {"act", "wgt", "out"};
    if ((op == ACC_OP_LOAD || op == ACC_OP_STORE) && k == 0)
        return "block";
    if (op == ACC_OP_COMPUTE && k >= 0 && k < 3)
        return cp_names[k];
    return "";
}
