/* test_isa.c - the binary encoding of instructions (docs/isa.md): round
 * trips over the full field ranges, rejection of illegal words, bit
 * positions against bytes written by hand from the table in docs/isa.md, and
 * the scratchpad ranges an instruction touches. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/isa.h"
#include "tests/testutil.h"

static const acc_opcode all_ops[] = {ACC_OP_LOAD, ACC_OP_STORE, ACC_OP_COMPUTE, ACC_OP_END};

/* ------------------------------------------------------------ round trip */

Test(isa, random_instructions_of_every_opcode_survive_encode_and_decode)
{
    acc_rng r;
    acc_rng_seed(&r, 20240611);
    for (int i = 0; i < 8000; i++) {
        acc_instr in, back;
        tu_random_instr(&r, all_ops[i % 4], &in);
        acc_error err;
        cr_assert_eq(acc_instr_check(&in, &err), 0, "instruction %d invalid: %s", i, err.msg);
        uint8_t bytes[ACC_INSTR_BYTES], again[ACC_INSTR_BYTES];
        acc_encode(&in, bytes);
        cr_assert_eq(acc_decode(bytes, &back, &err), 0, "instruction %d: %s", i, err.msg);
        cr_assert(memcmp(&in, &back, sizeof(in)) == 0, "instruction %d (%s) decodes differently", i,
                  acc_op_name(in.op));
        acc_encode(&back, again);
        cr_assert(memcmp(bytes, again, sizeof(bytes)) == 0, "instruction %d re-encodes differently",
                  i);
    }
}

Test(isa, every_field_reaches_both_ends_of_its_range_in_the_round_trip)
{
    /* Every field at its minimum, then every field at its maximum. */
    for (int o = 0; o < 4; o++)
        for (int hi = 0; hi < 2; hi++) {
            acc_instr in, back;
            memset(&in, 0, sizeof(in));
            in.op = all_ops[o];
            uint32_t w = hi ? TU_BITS(20) : 0;
            in.wait[0] = in.wait[1] = in.wait[2] = w;
            if (in.op == ACC_OP_LOAD || in.op == ACC_OP_STORE) {
                acc_dma d = {hi ? 0xffffffffu : 0, hi ? TU_BITS(20) : 0, hi ? 4095 : 1,
                             hi ? 4095 : 1,        hi ? 4095 : 1,        hi ? TU_BITS(24) : 0,
                             hi ? TU_BITS(24) : 0, hi ? TU_BITS(20) : 0, hi ? TU_BITS(20) : 0};
                in.u.dma = d;
            } else if (in.op == ACC_OP_COMPUTE) {
                acc_compute *c = &in.u.cp;
                c->act = c->wgt = c->out = hi ? TU_BITS(20) : 0;
                c->fh = c->fw = hi ? 15 : 1;
                c->sh = c->sw = c->dh = c->dw = hi ? 7 : 1;
                c->tc = c->tk = hi ? 4095 : 1;
                c->th = c->tw = c->vh = c->vw = hi ? 1023 : 1;
                c->act_ph = hi ? 1023 : 1;
                c->act_pc = hi ? TU_BITS(20) : 0;
                c->ptop = c->pleft = hi ? 15 : 0;
                c->acc = hi;
            }
            acc_error err;
            cr_assert_eq(acc_instr_check(&in, &err), 0, "%s: %s", acc_op_name(in.op), err.msg);
            uint8_t bytes[ACC_INSTR_BYTES];
            acc_encode(&in, bytes);
            cr_assert_eq(acc_decode(bytes, &back, &err), 0, "%s: %s", acc_op_name(in.op), err.msg);
            cr_assert(memcmp(&in, &back, sizeof(in)) == 0, "%s with %s fields", acc_op_name(in.op),
                      hi ? "maximal" : "minimal");
        }
}

/* ------------------------------------------------------------ rejection */

static void set_bit(uint8_t b[ACC_INSTR_BYTES], int bit)
{
    b[bit / 8] |= (uint8_t)(1u << (bit % 8));
}
static void clear_bits(uint8_t b[ACC_INSTR_BYTES], int lsb, int width)
{
    for (int i = lsb; i < lsb + width; i++)
        b[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

/* Encodes a valid instruction of each opcode with small fields. */
static void valid_bytes(acc_opcode op, uint8_t b[ACC_INSTR_BYTES])
{
    acc_rng r;
    acc_rng_seed(&r, 7);
    acc_instr in;
    tu_random_instr(&r, op, &in);
    acc_encode(&in, b);
}

static void expect_reject(const uint8_t b[ACC_INSTR_BYTES], const char *needle, const char *what)
{
    acc_instr out;
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(acc_decode(b, &out, &err), -1, "%s was accepted", what);
    cr_assert(strstr(err.msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, err.msg,
              needle);
}

Test(isa, decode_rejects_every_illegal_opcode)
{
    int illegal[] = {0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    for (size_t i = 0; i < sizeof(illegal) / sizeof(illegal[0]); i++) {
        uint8_t b[ACC_INSTR_BYTES];
        memset(b, 0, sizeof(b));
        b[0] = (uint8_t)illegal[i];
        char what[32];
        snprintf(what, sizeof(what), "opcode %d", illegal[i]);
        expect_reject(b, "field 'opcode'", what);
    }
}

Test(isa, decode_rejects_every_nonzero_reserved_bit)
{
    struct {
        acc_opcode op;
        int lo, hi; /* reserved bits [hi:lo] */
    } cases[] = {
        {ACC_OP_LOAD, 68, 79},
        {ACC_OP_STORE, 68, 79},
        {ACC_OP_COMPUTE, 250, 255},
        {ACC_OP_END, 68, 255},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (int bit = cases[i].lo; bit <= cases[i].hi; bit++) {
            uint8_t b[ACC_INSTR_BYTES];
            valid_bytes(cases[i].op, b);
            set_bit(b, bit);
            char what[48];
            snprintf(what, sizeof(what), "%s with reserved bit %d", acc_op_name(cases[i].op), bit);
            expect_reject(b, "field 'reserved'", what);
        }
}

Test(isa, decode_rejects_undefined_flag_bits)
{
    for (int o = 0; o < 4; o++)
        for (int bit = 4; bit < 8; bit++) {
            if (all_ops[o] == ACC_OP_COMPUTE && (bit == 4 || bit == 5))
                continue; /* ACC, FLAT */
            uint8_t b[ACC_INSTR_BYTES];
            valid_bytes(all_ops[o], b);
            set_bit(b, bit);
            char what[48];
            snprintf(what, sizeof(what), "%s with flag bit %d", acc_op_name(all_ops[o]), bit);
            expect_reject(b, "field 'flags'", what);
        }
}

Test(isa, decode_rejects_zero_counts_and_strides)
{
    struct {
        acc_opcode op;
        int lsb, width;
        const char *field;
    } cases[] = {
        {ACC_OP_LOAD, 132, 12, "n0"},    {ACC_OP_STORE, 132, 12, "n0"},
        {ACC_OP_LOAD, 144, 12, "n1"},    {ACC_OP_STORE, 156, 12, "n2"},
        {ACC_OP_COMPUTE, 68, 3, "sh"},   {ACC_OP_COMPUTE, 77, 3, "dw"},
        {ACC_OP_COMPUTE, 140, 4, "fh"},  {ACC_OP_COMPUTE, 148, 12, "tc"},
        {ACC_OP_COMPUTE, 182, 10, "tw"}, {ACC_OP_COMPUTE, 232, 10, "vw"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t b[ACC_INSTR_BYTES];
        valid_bytes(cases[i].op, b);
        clear_bits(b, cases[i].lsb, cases[i].width);
        char needle[32], what[48];
        snprintf(needle, sizeof(needle), "field '%s'", cases[i].field);
        snprintf(what, sizeof(what), "%s with %s = 0", acc_op_name(cases[i].op), cases[i].field);
        expect_reject(b, needle, what);
    }
}

Test(isa, program_decode_names_the_bad_instruction_and_rejects_partial_words)
{
    uint8_t buf[3 * ACC_INSTR_BYTES];
    valid_bytes(ACC_OP_LOAD, buf);
    valid_bytes(ACC_OP_COMPUTE, buf + 32);
    valid_bytes(ACC_OP_END, buf + 64);
    acc_program p;
    acc_error err;
    cr_assert_eq(acc_program_decode(buf, sizeof(buf), "x.bin", &p, &err), 0, "%s", err.msg);
    cr_assert_eq(p.count, 3, "decoded %d instructions", p.count);
    cr_assert_eq(p.ins[2].op, ACC_OP_END, "last is not END");
    acc_program_free(&p);

    buf[64] = 0x09; /* illegal opcode in instruction 2 */
    cr_assert_eq(acc_program_decode(buf, sizeof(buf), "x.bin", &p, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "x.bin: instruction 2") != NULL, "%s", err.msg);
    cr_assert_eq(p.count, 0, "a failed decode returns instructions");

    cr_assert_eq(acc_program_decode(buf, 40, "x.bin", &p, &err), -1, "accepted 40 bytes");
    cr_assert(strstr(err.msg, "40") != NULL && strstr(err.msg, "x.bin") != NULL, "%s", err.msg);
}

/* ------------------------------------------------------------ bit positions */

/* Expected bytes written by hand from the bit table of docs/isa.md. */
static void expect_encoding(const acc_instr *in, const uint8_t want[ACC_INSTR_BYTES],
                            const char *what)
{
    uint8_t got[ACC_INSTR_BYTES];
    acc_encode(in, got);
    for (int i = 0; i < ACC_INSTR_BYTES; i++)
        cr_assert_eq(got[i], want[i], "%s: byte %d is 0x%02x, expected 0x%02x", what, i, got[i],
                     want[i]);
    acc_instr back;
    acc_error err;
    cr_assert_eq(acc_decode(want, &back, &err), 0, "%s: %s", what, err.msg);
    cr_assert(memcmp(&back, in, sizeof(back)) == 0, "%s: hand-written bytes decode differently",
              what);
}

Test(isa, end_header_bits_match_the_documented_layout)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_END;
    in.wait[ACC_ENG_LD] = 1; /* bit 8 */
    in.wait[ACC_ENG_CP] = 2; /* bit 29 */
    in.wait[ACC_ENG_ST] = 3; /* bits 48, 49 */
    uint8_t want[ACC_INSTR_BYTES] = {0x04, 0x01, 0x00, 0x20, 0x00, 0x00, 0x03};
    expect_encoding(&in, want, "end");
}

Test(isa, store_with_maximal_wait_matches_the_documented_layout)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_STORE;
    in.wait[ACC_ENG_LD] = 0xfffff;               /* bits 8..27 */
    in.wait[ACC_ENG_ST] = 1;                     /* bit 48 */
    in.u.dma.n0 = in.u.dma.n1 = in.u.dma.n2 = 1; /* bits 132, 144, 156 */
    uint8_t want[ACC_INSTR_BYTES] = {0};
    want[0] = 0x02;
    want[1] = 0xff;
    want[2] = 0xff;
    want[3] = 0x0f;
    want[6] = 0x01;
    want[16] = 0x10;
    want[18] = 0x01;
    want[19] = 0x10;
    expect_encoding(&in, want, "store");
}

Test(isa, load_fields_match_the_documented_layout)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_LOAD;
    acc_dma *d = &in.u.dma;
    d->dram = 0x12345678;  /* [111:80]  bytes 10..13 */
    d->spad = 0xabcde;     /* [131:112] bytes 14, 15 and the low nibble of 16 */
    d->n0 = 1;             /* [143:132] bit 132 */
    d->n1 = 2;             /* [155:144] bit 145 */
    d->n2 = 3;             /* [167:156] bits 156, 157 */
    d->dram_s1 = 1;        /* [191:168] bit 168 */
    d->dram_s2 = 0xffffff; /* [215:192] bytes 24..26 */
    d->spad_s1 = 0x80000;  /* [235:216] bit 235 */
    d->spad_s2 = 1;        /* [255:236] bit 236 */
    uint8_t want[ACC_INSTR_BYTES] = {
        0x01, 0,    0,    0,    0,    0,    0,    0,    0,    0,    0x78,
        0x56, 0x34, 0x12, 0xde, 0xbc, 0x1a, 0x00, 0x02, 0x30, 0x00, 0x01,
        0x00, 0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x18, 0x00, 0x00,
    };
    expect_encoding(&in, want, "load");
}

Test(isa, compute_fields_match_the_documented_layout)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    acc_compute *c = &in.u.cp;
    c->acc = 1;          /* flag bit 4 */
    c->sh = 1;           /* [70:68]  bit 68 */
    c->sw = 2;           /* [73:71]  bit 72 */
    c->dh = 3;           /* [76:74]  bits 74, 75 */
    c->dw = 4;           /* [79:77]  bit 79 */
    c->act = 0x12345;    /* [99:80] */
    c->wgt = 0x6789a;    /* [119:100] */
    c->out = 0xbcdef;    /* [139:120] */
    c->fh = 15;          /* [143:140] */
    c->fw = 1;           /* [147:144] */
    c->tc = 0xabc;       /* [159:148] */
    c->tk = 0x123;       /* [171:160] */
    c->th = 0x3ff;       /* [181:172] */
    c->tw = 1;           /* [191:182] bit 182 */
    c->act_ph = 0x2aa;   /* [201:192] */
    c->act_pc = 0x80001; /* [221:202] bits 202 and 221 */
    c->vh = 1;           /* [231:222] bit 222 */
    c->vw = 1;           /* [241:232] bit 232 */
    c->ptop = 15;        /* [245:242] */
    c->pleft = 5;        /* [249:246] bits 246, 248 */
    uint8_t want[ACC_INSTR_BYTES] = {
        0x13, 0,    0,    0,    0,    0,    0,    0,    0x10, 0x8d, 0x45,
        0x23, 0xa1, 0x89, 0x67, 0xef, 0xcd, 0xfb, 0xc1, 0xab, 0x23, 0xf1,
        0x7f, 0x00, 0xaa, 0x06, 0x00, 0x60, 0x00, 0x01, 0x7c, 0x01,
    };
    expect_encoding(&in, want, "compute");
}

Test(isa, compute_flat_is_flag_bit_5_and_independent_of_acc)
{
    for (int acc = 0; acc < 2; acc++)
        for (int flat = 0; flat < 2; flat++) {
            uint8_t b[ACC_INSTR_BYTES], again[ACC_INSTR_BYTES];
            valid_bytes(ACC_OP_COMPUTE, b);
            b[0] = (uint8_t)(0x03 | (acc ? 0x10 : 0) | (flat ? 0x20 : 0));
            acc_instr in;
            acc_error err;
            cr_assert_eq(acc_decode(b, &in, &err), 0, "acc %d flat %d: %s", acc, flat, err.msg);
            cr_assert_eq(in.u.cp.acc, acc);
            cr_assert_eq(in.u.cp.flat, flat);
            acc_encode(&in, again);
            cr_assert(memcmp(b, again, sizeof(b)) == 0, "acc %d flat %d re-encodes differently",
                      acc, flat);
        }
}

/* ------------------------------------------------------------ ranges */

Test(isa, dma_range_is_the_hull_of_the_block)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_LOAD;
    in.u.dma = (acc_dma){
        .dram = 0, .spad = 0x100, .n0 = 16, .n1 = 4, .n2 = 2, .spad_s1 = 32, .spad_s2 = 256};
    acc_range r[3];
    cr_assert_eq(acc_instr_spad_ranges(&in, r), 1, "one range");
    /* last byte: 0x100 + 1*256 + 3*32 + 15 = 623 */
    cr_assert_eq(r[0].lo, 256, "lo %llu", (unsigned long long)r[0].lo);
    cr_assert_eq(r[0].hi, 624, "hi %llu", (unsigned long long)r[0].hi);

    in.op = ACC_OP_STORE;
    in.u.dma = (acc_dma){.spad = 7, .n0 = 1, .n1 = 1, .n2 = 1, .spad_s1 = 999, .spad_s2 = 999};
    cr_assert_eq(acc_instr_spad_ranges(&in, r), 1, "one range");
    cr_assert(r[0].lo == 7 && r[0].hi == 8, "single byte: [%llu, %llu)",
              (unsigned long long)r[0].lo, (unsigned long long)r[0].hi);
}

Test(isa, dma_range_does_not_overflow_32_bits)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_LOAD;
    in.u.dma = (acc_dma){.spad = 0xfffff,
                         .n0 = 4095,
                         .n1 = 4095,
                         .n2 = 4095,
                         .spad_s1 = 0xfffff,
                         .spad_s2 = 0xfffff};
    acc_range r[3];
    acc_instr_spad_ranges(&in, r);
    /* 1048575 + 4094*1048575 + 4094*1048575 + 4095 = 1048575*8189 + 4095 */
    cr_assert_eq(r[0].hi, 8586780675ull + 4095ull, "hi %llu", (unsigned long long)r[0].hi);
}

Test(isa, compute_ranges_cover_activations_weights_and_outputs)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    acc_compute *c = &in.u.cp;
    c->act = 1000;
    c->tc = 3;
    c->act_pc = 500;
    c->vh = 4;
    c->act_ph = 20;
    c->vw = 10;
    c->wgt = 4096;
    c->fh = c->fw = 3;
    c->tk = 8;
    c->out = 8192;
    c->th = 2;
    c->tw = 5;
    c->sh = c->sw = c->dh = c->dw = 1;
    acc_range r[3];
    cr_assert_eq(acc_instr_spad_ranges(&in, r), 3, "three ranges");
    /* activations: 1000 + 2*500 + 3*20 + 10 */
    cr_assert(r[0].lo == 1000 && r[0].hi == 2070, "act [%llu, %llu)", (unsigned long long)r[0].lo,
              (unsigned long long)r[0].hi);
    /* weights: 3*3*3*8 = 216 bytes */
    cr_assert(r[1].lo == 4096 && r[1].hi == 4312, "wgt [%llu, %llu)", (unsigned long long)r[1].lo,
              (unsigned long long)r[1].hi);
    /* outputs: 8*2*5 int32 = 320 bytes */
    cr_assert(r[2].lo == 8192 && r[2].hi == 8512, "out [%llu, %llu)", (unsigned long long)r[2].lo,
              (unsigned long long)r[2].hi);
}

Test(isa, end_touches_no_scratchpad)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_END;
    acc_range r[3];
    cr_assert_eq(acc_instr_spad_ranges(&in, r), 0, "END has ranges");
}

/* ------------------------------------------------------------ checks */

Test(isa, check_rejects_pitches_that_overlap_rows_or_planes)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    acc_compute *c = &in.u.cp;
    c->fh = c->fw = c->sh = c->sw = c->dh = c->dw = 1;
    c->tc = 2;
    c->tk = c->th = c->tw = 1;
    c->vh = 3;
    c->vw = 10;
    c->act_ph = 10;
    c->act_pc = 30; /* exactly one 3x10 plane */
    acc_error err;
    cr_assert_eq(acc_instr_check(&in, &err), 0, "%s", err.msg);
    c->act_pc = 29;
    cr_assert_eq(acc_instr_check(&in, &err), -1, "overlapping planes accepted");
    cr_assert(strstr(err.msg, "field 'act_pitch'") != NULL, "%s", err.msg);
    c->act_pc = 30;
    c->act_ph = 9;
    cr_assert_eq(acc_instr_check(&in, &err), -1, "overlapping rows accepted");
    cr_assert(strstr(err.msg, "field 'act_pitch'") != NULL, "%s", err.msg);
}

Test(isa, check_rejects_a_wait_beyond_20_bits)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_END;
    in.wait[ACC_ENG_CP] = 1u << 20;
    acc_error err;
    cr_assert_eq(acc_instr_check(&in, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "field 'wait_cp'") != NULL, "%s", err.msg);
}
