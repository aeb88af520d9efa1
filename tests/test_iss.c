/* test_iss.c - the functional instruction-set simulator on hand-built
 * programs: DMA block copies with strides, COMPUTE on tiny tiles whose
 * results are worked out by hand, padding, ACC chains, strides, dilation,
 * and rejected accesses.  The randomised cases compare with a direct,
 * loop-per-symbol evaluation of the formula in docs/isa.md written here. */
#include <criterion/criterion.h>
#include <string.h>

#include "golden/iss.h"

static acc_config tiny_config(void)
{
    acc_config c;
    memset(&c, 0, sizeof(c));
    strcpy(c.name, "tiny");
    c.rows = 4;
    c.cols = 4;
    c.spad_bytes = 4096;
    c.spad_banks = 8;
    c.axi_data_bits = 64;
    c.read_latency = 4;
    c.write_latency = 4;
    acc_error e;
    cr_assert_eq(acc_config_derive(&c, &e), 0, "%s", e.msg);
    return c;
}

static acc_instr dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1,
                     uint32_t n2, uint32_t ds1, uint32_t ds2, uint32_t ss1, uint32_t ss2)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){.dram = dram,
                         .spad = spad,
                         .n0 = n0,
                         .n1 = n1,
                         .n2 = n2,
                         .dram_s1 = ds1,
                         .dram_s2 = ds2,
                         .spad_s1 = ss1,
                         .spad_s2 = ss2};
    return in;
}

/* A contiguous n-byte copy. */
static acc_instr load1(uint32_t dram, uint32_t spad, uint32_t n)
{
    return dma(ACC_OP_LOAD, dram, spad, n, 1, 1, 0, 0, 0, 0);
}

static acc_instr store1(uint32_t dram, uint32_t spad, uint32_t n)
{
    return dma(ACC_OP_STORE, dram, spad, n, 1, 1, 0, 0, 0, 0);
}

static acc_instr end_instr(void)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_END;
    return in;
}

/* A COMPUTE with unit strides and dilations, no padding, dense pitches. */
static acc_instr compute(uint32_t act, uint32_t wgt, uint32_t out, uint32_t tc, uint32_t tk,
                         uint32_t th, uint32_t tw, uint32_t fh, uint32_t fw, uint32_t vh,
                         uint32_t vw)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    in.u.cp = (acc_compute){.act = act,
                            .wgt = wgt,
                            .out = out,
                            .fh = fh,
                            .fw = fw,
                            .sh = 1,
                            .sw = 1,
                            .dh = 1,
                            .dw = 1,
                            .tc = tc,
                            .tk = tk,
                            .th = th,
                            .tw = tw,
                            .act_ph = vw,
                            .act_pc = vh * vw,
                            .vh = vh,
                            .vw = vw};
    return in;
}

static void push(acc_program *p, acc_instr in)
{
    acc_program_push(p, &in);
}

static int32_t get_i32(const acc_dram *m, uint64_t a)
{
    const uint8_t *b = m->bytes + a;
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

static void put_i32(acc_dram *m, uint64_t a, int32_t v)
{
    uint32_t u = (uint32_t)v;
    for (int b = 0; b < 4; b++)
        m->bytes[a + (uint64_t)b] = (uint8_t)(u >> (8 * b));
}

static void put_i8(acc_dram *m, uint64_t a, const int8_t *v, size_t n)
{
    memcpy(m->bytes + a, v, n);
}

/* ------------------------------------------------------------ DMA */

static uint64_t lcg_next(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

/* A progress hook: records the last index and the number of calls in
 * ctx[0] and ctx[1]; asks to stop at index stop_at. */
static int stop_at = -1;
static int note_progress(void *ctx, int64_t done, int64_t total)
{
    int64_t *seen = ctx;
    (void)total;
    seen[0] = done;
    seen[1]++;
    return done == stop_at;
}

typedef struct dma_case {
    uint32_t n0, n1, n2, ds1, ds2, ss1, ss2;
} dma_case;

static const dma_case dma_cases[] = {
    {7, 1, 1, 0, 0, 0, 0},     /* one row */
    {3, 4, 2, 10, 100, 3, 12}, /* strided rows packed densely */
    {5, 3, 3, 5, 15, 8, 40},   /* dense rows spread with gaps */
    {2, 2, 2, 0, 64, 2, 4},    /* row stride 0 on the external side */
    {1, 5, 1, 13, 0, 1, 0},    /* a column gather */
};

Test(iss, load_and_store_copy_strided_blocks_byte_by_byte)
{
    acc_config cfg = tiny_config();
    for (size_t t = 0; t < sizeof(dma_cases) / sizeof(dma_cases[0]); t++) {
        const dma_case *c = &dma_cases[t];
        acc_dram m;
        acc_dram_init(&m, 4096);
        for (int a = 0; a < 1024; a++)
            m.bytes[a] = (uint8_t)(a * 7 + 3);
        acc_program p;
        acc_program_init(&p);
        /* in: 1024 + block -> spad 100 + block; out: spad block -> 2048 dense */
        push(&p, dma(ACC_OP_LOAD, 16, 100, c->n0, c->n1, c->n2, c->ds1, c->ds2, c->ss1, c->ss2));
        push(&p, dma(ACC_OP_STORE, 2048, 100, c->n0, c->n1, c->n2, c->n0, c->n0 * c->n1, c->ss1,
                     c->ss2));
        push(&p, end_instr());
        iss_stats st;
        acc_error e;
        cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), 0, "case %zu: %s", t, e.msg);
        for (uint32_t pl = 0; pl < c->n2; pl++)
            for (uint32_t r = 0; r < c->n1; r++)
                for (uint32_t b = 0; b < c->n0; b++) {
                    uint32_t src = 16 + pl * c->ds2 + r * c->ds1 + b;
                    uint32_t dst = 2048 + (pl * c->n1 + r) * c->n0 + b;
                    /* overlapping scratchpad rows: the later copy wins; the
                     * cases above have none, so every byte round-trips */
                    cr_assert_eq(m.bytes[dst], (uint8_t)(src * 7 + 3),
                                 "case %zu: plane %u row %u byte %u", t, pl, r, b);
                }
        /* nothing else written */
        uint64_t n = (uint64_t)c->n0 * c->n1 * c->n2;
        for (uint64_t a = 2048 + n; a < 4096; a++)
            cr_assert_eq(m.bytes[a], 0, "case %zu: byte %llu written", t, (unsigned long long)a);
        cr_assert_eq(st.instructions, 3);
        cr_assert_eq(st.dram_read, n);
        cr_assert_eq(st.dram_written, n);
        cr_assert_eq(st.macs, 0);
        acc_program_free(&p);
        acc_dram_free(&m);
    }
}

Test(iss, overlapping_scratchpad_rows_keep_the_later_bytes)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 256);
    for (int a = 0; a < 8; a++)
        m.bytes[a] = (uint8_t)(10 + a);
    acc_program p;
    acc_program_init(&p);
    /* rows 0..3 and 4..7 written to scratchpad 0..3 and 2..5 */
    push(&p, dma(ACC_OP_LOAD, 0, 0, 4, 2, 1, 4, 0, 2, 0));
    push(&p, store1(100, 0, 6));
    push(&p, end_instr());
    acc_error e;
    cr_assert_eq(iss_run(&p, &cfg, &m, NULL, &e), 0, "%s", e.msg);
    const uint8_t want[6] = {10, 11, 14, 15, 16, 17};
    cr_assert_arr_eq(m.bytes + 100, want, 6);
    acc_program_free(&p);
    acc_dram_free(&m);
}

/* Blocks whose rows repeat (strides of 0) or overlap, on either side: the
 * iss copies only the rows that no later row overwrites; the memory and the
 * scratchpad (stored back densely) must hold what copying every row in
 * (p, r) order leaves, worked out here byte by byte. */
Test(iss, repeated_and_overlapping_rows_leave_what_a_row_by_row_copy_leaves)
{
    acc_config cfg = tiny_config();
    uint64_t seed = 5;
    for (int t = 0; t < 3000; t++) {
        uint32_t n0 = 1 + (uint32_t)(lcg_next(&seed) % 9), n1 = 1 + (uint32_t)(lcg_next(&seed) % 6);
        uint32_t n2 = 1 + (uint32_t)(lcg_next(&seed) % 5), s[4];
        for (int k = 0; k < 4; k++) /* strides: 0 a third of the time, else 1..12 */
            s[k] = lcg_next(&seed) % 3 == 0 ? 0 : 1 + (uint32_t)(lcg_next(&seed) % 12);
        int store = t % 2;
        acc_dram m, ref;
        acc_dram_init(&m, 4096);
        for (int a = 0; a < 4096; a++)
            m.bytes[a] = (uint8_t)(a * 7 + 3 + t);
        acc_dram_init(&ref, 4096);
        memcpy(ref.bytes, m.bytes, 4096);
        uint8_t spad[4096];
        memset(spad, 0, sizeof(spad));
        acc_program p;
        acc_program_init(&p);
        if (store) { /* dense load of spad 0..399 from 0, then the block back out to 1200 */
            push(&p, load1(0, 0, 400));
            push(&p, dma(ACC_OP_STORE, 1200, 8, n0, n1, n2, s[0], s[1], s[2], s[3]));
            memcpy(spad, ref.bytes, 400);
            for (uint32_t pl = 0; pl < n2; pl++)
                for (uint32_t r = 0; r < n1; r++)
                    for (uint32_t b = 0; b < n0; b++)
                        ref.bytes[1200 + pl * s[1] + r * s[0] + b] =
                            spad[8 + pl * s[3] + r * s[2] + b];
        } else { /* the block into spad 8.., then spad 0..399 out densely to 3000 */
            push(&p, dma(ACC_OP_LOAD, 16, 8, n0, n1, n2, s[0], s[1], s[2], s[3]));
            push(&p, store1(3000, 0, 400));
            for (uint32_t pl = 0; pl < n2; pl++)
                for (uint32_t r = 0; r < n1; r++)
                    for (uint32_t b = 0; b < n0; b++)
                        spad[8 + pl * s[3] + r * s[2] + b] =
                            ref.bytes[16 + pl * s[1] + r * s[0] + b];
            memcpy(ref.bytes + 3000, spad, 400);
        }
        push(&p, end_instr());
        iss_stats st;
        acc_error e;
        cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), 0, "case %d: %s", t, e.msg);
        for (int a = 0; a < 4096; a++)
            cr_assert_eq(m.bytes[a], ref.bytes[a],
                         "case %d (%s n=%u,%u,%u strides %u,%u / %u,%u): byte %d", t,
                         store ? "store" : "load", n0, n1, n2, s[0], s[1], s[2], s[3], a);
        uint64_t n = (uint64_t)n0 * n1 * n2;
        cr_assert_eq(store ? st.dram_written : st.dram_read, store ? n : n,
                     "every byte moved is counted, also the rows not copied");
        acc_program_free(&p);
        acc_dram_free(&m);
        acc_dram_free(&ref);
    }
}

Test(iss, a_progress_hook_sees_every_instruction_and_can_stop_the_run)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 4096);
    acc_program p;
    acc_program_init(&p);
    for (int i = 0; i < 5; i++)
        push(&p, load1(64u * (uint32_t)i, 0, 64));
    push(&p, end_instr());
    int64_t seen[2] = {-1, 0}; /* the last index, the calls */
    acc_error e;
    cr_assert_eq(iss_run_progress(&p, &cfg, &m, NULL, note_progress, seen, &e), 0, "%s", e.msg);
    cr_assert_eq(seen[0], 5, "the hook saw the END, index 5");
    cr_assert_geq(seen[1], 6);
    seen[0] = -1;
    seen[1] = 0;
    stop_at = 3;
    cr_assert_eq(iss_run_progress(&p, &cfg, &m, NULL, note_progress, seen, &e), -1);
    cr_assert_str_eq(e.msg, "stopped at instruction 3 (load) by its caller");
    stop_at = -1;
    acc_program_free(&p);
    acc_dram_free(&m);
}

/* ------------------------------------------------------------ COMPUTE by hand */

/* Runs: load act (na bytes at dram 0), load wgt (nw bytes at dram 256), the
 * given compute (act at spad 0, wgt at 512, out at 1024), store nout int32 to
 * dram 2048.  Returns the stats. */
static iss_stats run_tile(const acc_config *cfg, acc_dram *m, acc_instr cp, uint32_t na,
                          uint32_t nw, uint32_t nout, int preload_out)
{
    acc_program p;
    acc_program_init(&p);
    push(&p, load1(0, 0, na));
    push(&p, load1(256, 512, nw));
    if (preload_out)
        push(&p, load1(2048, 1024, nout * 4));
    cp.u.cp.act = 0;
    cp.u.cp.wgt = 512;
    cp.u.cp.out = 1024;
    push(&p, cp);
    push(&p, store1(2048, 1024, nout * 4));
    push(&p, end_instr());
    iss_stats st;
    acc_error e;
    cr_assert_eq(iss_run(&p, cfg, m, &st, &e), 0, "%s", e.msg);
    acc_program_free(&p);
    return st;
}

Test(iss, one_by_one_compute_is_a_matrix_product)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 4096);
    /* act[c][0][x], c < 2, x < 3 */
    const int8_t act[6] = {1, 2, 3, /* c1 */ -1, 4, -128};
    /* w[c][0][0][k], k < 2 */
    const int8_t w[4] = {5, -6, /* c1 */ 7, 127};
    put_i8(&m, 0, act, 6);
    put_i8(&m, 256, w, 4);
    iss_stats st = run_tile(&cfg, &m, compute(0, 0, 0, 2, 2, 1, 3, 1, 1, 1, 3), 6, 4, 6, 0);
    /* out[k][0][x] = act[0][x]*w[0][k] + act[1][x]*w[1][k] */
    const int32_t want[6] = {1 * 5 + -1 * 7,    2 * 5 + 4 * 7,    3 * 5 + -128 * 7,
                             1 * -6 + -1 * 127, 2 * -6 + 4 * 127, 3 * -6 + -128 * 127};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(get_i32(&m, 2048 + 4 * (uint64_t)i), want[i], "element %d", i);
    cr_assert_eq(st.macs, 2 * 2 * 3);
    cr_assert_eq(st.instructions, 5);
    acc_dram_free(&m);
}

Test(iss, padding_reads_virtual_zeros_and_never_the_bytes_beside_the_tile)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 4096);
    /* a 2x2 input stored with row pitch 3: the third byte of each row is a
     * gap holding 100, which the compute must never read */
    const int8_t act[6] = {1, 2, 100, 3, 4, 100};
    /* 3x3 kernel, one channel, one filter: all ones except the centre 10 */
    const int8_t w[9] = {1, 1, 1, 1, 10, 1, 1, 1, 1};
    put_i8(&m, 0, act, 6);
    put_i8(&m, 256, w, 9);
    acc_instr cp = compute(0, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2);
    cp.u.cp.act_ph = 3;
    cp.u.cp.act_pc = 6;
    cp.u.cp.ptop = 1;
    cp.u.cp.pleft = 1;
    run_tile(&cfg, &m, cp, 6, 9, 4, 0);
    /* "same" 3x3 over [[1,2],[3,4]]: every output sees all four inputs,
     * its own with weight 10 */
    const int32_t want[4] = {10 + 2 + 3 + 4, 1 + 20 + 3 + 4, 1 + 2 + 30 + 4, 1 + 2 + 3 + 40};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(get_i32(&m, 2048 + 4 * (uint64_t)i), want[i], "element %d", i);
    acc_dram_free(&m);
}

Test(iss, strides_and_dilation_read_the_documented_positions)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 4096);
    /* a 5x5 input a[y][x] = 10*y + x, one channel */
    int8_t act[25];
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 5; x++)
            act[y * 5 + x] = (int8_t)(10 * y + x);
    /* 2x2 kernel with weights 1, 2, 3, 4 at (0,0) (0,1) (1,0) (1,1) */
    const int8_t w[4] = {1, 2, 3, 4};
    put_i8(&m, 0, act, 25);
    put_i8(&m, 256, w, 4);
    acc_instr cp = compute(0, 0, 0, 1, 1, 2, 2, 2, 2, 5, 5);
    cp.u.cp.sh = 2; /* rows 0 and 2 */
    cp.u.cp.sw = 3; /* columns 0 and 3 */
    cp.u.cp.dh = 2; /* taps at +0 and +2 rows */
    cp.u.cp.dw = 1; /* taps at +0 and +1 columns */
    run_tile(&cfg, &m, cp, 25, 4, 4, 0);
    /* out(oy, ox) = a[2oy][3ox] + 2a[2oy][3ox+1] + 3a[2oy+2][3ox] + 4a[2oy+2][3ox+1] */
    const int32_t want[4] = {
        0 + 2 * 1 + 3 * 20 + 4 * 21,   /* (0,0) */
        3 + 2 * 4 + 3 * 23 + 4 * 24,   /* (0,1) */
        20 + 2 * 21 + 3 * 40 + 4 * 41, /* (1,0) */
        23 + 2 * 24 + 3 * 43 + 4 * 44, /* (1,1) */
    };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(get_i32(&m, 2048 + 4 * (uint64_t)i), want[i], "element %d", i);
    acc_dram_free(&m);
}

Test(iss, acc_adds_to_the_partial_sum_and_wraps_like_int32)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 4096);
    const int8_t act[1] = {127};
    const int8_t w[1] = {127};
    put_i8(&m, 0, act, 1);
    put_i8(&m, 256, w, 1);
    put_i32(&m, 2048, INT32_MAX - 100);
    acc_instr cp = compute(0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    cp.u.cp.acc = 1;
    run_tile(&cfg, &m, cp, 1, 1, 1, 1);
    /* INT32_MAX - 100 + 16129 wraps to INT32_MIN + 16028 */
    cr_assert_eq(get_i32(&m, 2048), INT32_MIN + 16028);
    acc_dram_free(&m);
}

Test(iss, a_chain_of_channel_chunks_sums_every_chunk)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 4096);
    /* three channels of a 1x2 input, one filter with weights 1, 10, 100 */
    const int8_t act[6] = {1, 2, 3, 4, 5, 6};
    const int8_t w[3] = {1, 10, 100};
    put_i8(&m, 0, act, 6);
    put_i8(&m, 256, w, 3);
    m.bytes[3000] = 0x55; /* garbage the first (non-ACC) compute must ignore */
    acc_program p;
    acc_program_init(&p);
    push(&p, load1(0, 0, 6));
    push(&p, load1(256, 512, 3));
    push(&p, load1(3000, 1024, 8)); /* garbage in the output tile */
    /* chunk 0: channel 0; chunk 1: channels 1..2 */
    push(&p, compute(0, 512, 1024, 1, 1, 1, 2, 1, 1, 1, 2));
    acc_instr c2 = compute(2, 513, 1024, 2, 1, 1, 2, 1, 1, 1, 2);
    c2.u.cp.acc = 1;
    push(&p, c2);
    push(&p, store1(2048, 1024, 8));
    push(&p, end_instr());
    iss_stats st;
    acc_error e;
    cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), 0, "%s", e.msg);
    cr_assert_eq(get_i32(&m, 2048), 1 + 30 + 500);
    cr_assert_eq(get_i32(&m, 2052), 2 + 40 + 600);
    cr_assert_eq(st.macs, 2 + 4);
    cr_assert_eq(st.instructions, 7);
    cr_assert_eq(st.dram_read, 6 + 3 + 8);
    cr_assert_eq(st.dram_written, 8);
    acc_program_free(&p);
    acc_dram_free(&m);
}

/* ------------------------------------------------------------ COMPUTE vs formula */

typedef struct tile_case {
    uint32_t tc, tk, th, tw, fh, fw, sh, sw, dh, dw, vh, vw, ptop, pleft, gap_ph, gap_pc;
    int acc;
} tile_case;

/* Shapes that exercise both inner-loop orders of the simulator (few and many
 * output channels), padding on every side, strides, dilation and pitches. */
static const tile_case tile_cases[] = {
    {3, 16, 4, 5, 3, 3, 1, 1, 1, 1, 4, 5, 1, 1, 0, 0, 0},
    {2, 1, 3, 7, 3, 3, 1, 1, 1, 1, 3, 7, 1, 1, 2, 3, 1},
    {1, 3, 2, 9, 1, 1, 2, 2, 1, 1, 4, 17, 0, 0, 1, 0, 0},
    {4, 9, 3, 3, 3, 3, 2, 2, 2, 2, 7, 6, 2, 1, 0, 5, 1},
    {5, 2, 5, 2, 1, 3, 1, 3, 1, 2, 5, 8, 0, 2, 3, 1, 0},
    {2, 9, 2, 6, 5, 5, 1, 1, 1, 1, 4, 8, 2, 2, 0, 0, 1},
    {1, 1, 6, 6, 7, 7, 1, 1, 1, 1, 6, 6, 3, 3, 0, 0, 0},
};

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

Test(iss, compute_matches_the_formula_of_the_isa_document)
{
    acc_config cfg = tiny_config();
    uint64_t seed = 12345;
    for (size_t t = 0; t < sizeof(tile_cases) / sizeof(tile_cases[0]); t++) {
        const tile_case *c = &tile_cases[t];
        const uint32_t ph = c->vw + c->gap_ph, pc = ph * (c->vh - 1) + c->vw + c->gap_pc;
        const uint32_t abytes = pc * (c->tc - 1) + ph * (c->vh - 1) + c->vw;
        const uint32_t wbytes = c->tc * c->fh * c->fw * c->tk, nout = c->tk * c->th * c->tw;
        cr_assert(abytes <= 1024 && wbytes <= 512 && nout * 4 <= 2048, "case %zu too big", t);
        acc_dram m;
        acc_dram_init(&m, 16384);
        /* act image, weight image, initial partial sums */
        for (uint32_t a = 0; a < abytes; a++)
            m.bytes[a] = (uint8_t)lcg(&seed);
        for (uint32_t a = 0; a < wbytes; a++)
            m.bytes[4096 + a] = (uint8_t)lcg(&seed);
        for (uint32_t a = 0; a < nout; a++)
            put_i32(&m, 8192 + 4 * (uint64_t)a, (int32_t)(uint32_t)(lcg(&seed) * 2654435761u));
        int32_t *want = malloc(nout * sizeof(int32_t));
        for (uint32_t k = 0; k < c->tk; k++)
            for (uint32_t oy = 0; oy < c->th; oy++)
                for (uint32_t ox = 0; ox < c->tw; ox++) {
                    uint32_t o = (k * c->th + oy) * c->tw + ox;
                    uint32_t sum = c->acc ? (uint32_t)get_i32(&m, 8192 + 4 * (uint64_t)o) : 0u;
                    for (uint32_t ch = 0; ch < c->tc; ch++)
                        for (uint32_t i = 0; i < c->fh; i++)
                            for (uint32_t j = 0; j < c->fw; j++) {
                                int vy = (int)(oy * c->sh + i * c->dh) - (int)c->ptop;
                                int vx = (int)(ox * c->sw + j * c->dw) - (int)c->pleft;
                                int a = 0;
                                if (vy >= 0 && vy < (int)c->vh && vx >= 0 && vx < (int)c->vw)
                                    a = (int8_t)m.bytes[ch * pc + (uint32_t)vy * ph + (uint32_t)vx];
                                int wv =
                                    (int8_t)
                                        m.bytes[4096 + ((ch * c->fh + i) * c->fw + j) * c->tk + k];
                                sum += (uint32_t)(a * wv);
                            }
                    want[o] = (int32_t)sum;
                }
        acc_program p;
        acc_program_init(&p);
        push(&p, load1(0, 0, abytes));
        push(&p, load1(4096, 1024, wbytes));
        push(&p, load1(8192, 1536, nout * 4));
        acc_instr in;
        memset(&in, 0, sizeof(in));
        in.op = ACC_OP_COMPUTE;
        in.u.cp = (acc_compute){.act = 0,
                                .wgt = 1024,
                                .out = 1536,
                                .fh = c->fh,
                                .fw = c->fw,
                                .sh = c->sh,
                                .sw = c->sw,
                                .dh = c->dh,
                                .dw = c->dw,
                                .tc = c->tc,
                                .tk = c->tk,
                                .th = c->th,
                                .tw = c->tw,
                                .act_ph = ph,
                                .act_pc = pc,
                                .vh = c->vh,
                                .vw = c->vw,
                                .ptop = c->ptop,
                                .pleft = c->pleft,
                                .acc = c->acc};
        push(&p, in);
        push(&p, store1(12288, 1536, nout * 4));
        push(&p, end_instr());
        iss_stats st;
        acc_error e;
        cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), 0, "case %zu: %s", t, e.msg);
        for (uint32_t o = 0; o < nout; o++)
            cr_assert_eq(get_i32(&m, 12288 + 4 * (uint64_t)o), want[o], "case %zu: element %u", t,
                         o);
        cr_assert_eq(st.macs, (uint64_t)nout * c->tc * c->fh * c->fw, "case %zu", t);
        free(want);
        acc_program_free(&p);
        acc_dram_free(&m);
    }
}

/* ------------------------------------------------------------ errors */

typedef struct bad_case {
    const char *what;
    int index;          /* instruction expected in the message */
    const char *needle; /* substring of the message */
} bad_case;

/* Builds: load, compute, store, end with one defect chosen by `which`. */
static void bad_program(int which, acc_program *p)
{
    acc_program_init(p);
    acc_instr ld = load1(0, 0, 16);
    acc_instr cp = compute(0, 512, 1024, 1, 1, 1, 1, 1, 1, 1, 1);
    acc_instr st = store1(2048, 1024, 4);
    switch (which) {
    case 0:
        ld.u.dma.spad = 4090;
        break; /* block past the scratchpad */
    case 1:
        cp.u.cp.out = 4094;
        break; /* output past it */
    case 2:
        cp.u.cp.tc = 3;
        cp.u.cp.act_pc = 2100;
        break; /* activations past it */
    case 3:
        ld.u.dma.dram = 8190;
        break; /* read past the memory */
    case 4:
        st.u.dma.dram = 8189;
        break; /* write past it */
    case 5:
        cp.u.cp.fh = 0;
        break; /* illegal field */
    case 6:
        st.op = (acc_opcode)9;
        break; /* illegal opcode */
    default:
        break;
    }
    push(p, ld);
    push(p, cp);
    push(p, st);
    if (which != 7)
        push(p, end_instr());
}

Test(iss, bad_accesses_and_illegal_instructions_are_rejected_with_their_index)
{
    static const bad_case cases[] = {
        {"load past the scratchpad", 0,
         "instruction 0 (load): operand 'block' 0x00ffa..0x0100a reaches past the 4096-byte "
         "scratchpad"},
        {"output past the scratchpad", 1,
         "instruction 1 (compute): operand 'out' 0x00ffe..0x01002"},
        {"activations past the scratchpad", 1, "instruction 1 (compute): operand 'act'"},
        {"read past memory", 0,
         "instruction 0 (load): field 'dram': external bytes 0x00001ffe..0x0000200e"},
        {"write past memory", 2, "instruction 2 (store): field 'dram'"},
        {"illegal field", 1, "instruction 1 (compute): field 'fh'"},
        {"illegal opcode", 2, "instruction 2 (illegal): field 'opcode'"},
        {"no end", -1, "no END"},
    };
    acc_config cfg = tiny_config();
    for (int t = 0; t < (int)(sizeof(cases) / sizeof(cases[0])); t++) {
        acc_program p;
        bad_program(t, &p);
        acc_dram m;
        acc_dram_init(&m, 8192);
        m.bytes[2048] = 0x11;
        acc_error e;
        memset(&e, 0, sizeof(e));
        iss_stats st;
        cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), -1, "%s: accepted", cases[t].what);
        cr_assert(strstr(e.msg, cases[t].needle) != NULL, "%s: message '%s' lacks '%s'",
                  cases[t].what, e.msg, cases[t].needle);
        /* nothing executes from the failing instruction on */
        if (cases[t].index >= 0)
            cr_assert_eq(st.instructions, (uint64_t)cases[t].index, "%s", cases[t].what);
        if (cases[t].index >= 0 && cases[t].index <= 2)
            cr_assert_eq(m.bytes[2048], 0x11, "%s: the store ran", cases[t].what);
        acc_program_free(&p);
        acc_dram_free(&m);
    }
}

Test(iss, instructions_after_end_do_not_run)
{
    acc_config cfg = tiny_config();
    acc_dram m;
    acc_dram_init(&m, 256);
    m.bytes[0] = 9;
    acc_program p;
    acc_program_init(&p);
    push(&p, load1(0, 0, 1));
    push(&p, end_instr());
    push(&p, store1(100, 0, 1));
    iss_stats st;
    acc_error e;
    cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), 0, "%s", e.msg);
    cr_assert_eq(m.bytes[100], 0);
    cr_assert_eq(st.instructions, 2);
    acc_program_free(&p);
    acc_dram_free(&m);
}
