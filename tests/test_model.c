/* test_model.c - the timing model against cycle counts worked out by hand
 * from docs/model.md. */
#include <criterion/criterion.h>
#include <string.h>

#include "model/model.h"

static acc_config cfg4(void)
{
    acc_config c;
    memset(&c, 0, sizeof(c));
    strcpy(c.name, "hand");
    c.rows = 4;
    c.cols = 4;
    c.spad_bytes = 4096;
    c.spad_banks = 8;
    c.axi_data_bits = 64;
    c.axi_bytes = 8;
    c.line_bytes = 4;
    c.read_latency = 10;
    c.write_latency = 7;
    c.fetch_depth = 16;
    return c;
}

static acc_instr dma(acc_opcode op, uint32_t dram, uint32_t n0, uint32_t n1, uint32_t n2,
                     uint32_t s1, uint32_t s2)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){.dram = dram,
                         .spad = 0,
                         .n0 = n0,
                         .n1 = n1,
                         .n2 = n2,
                         .dram_s1 = s1,
                         .dram_s2 = s2,
                         .spad_s1 = n0,
                         .spad_s2 = n0 * n1};
    return in;
}

static acc_instr compute(uint32_t tc, uint32_t tk, uint32_t th, uint32_t tw, uint32_t fh,
                         uint32_t fw)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    in.u.cp = (acc_compute){.fh = fh,
                            .fw = fw,
                            .sh = 1,
                            .sw = 1,
                            .dh = 1,
                            .dw = 1,
                            .tc = tc,
                            .tk = tk,
                            .th = th,
                            .tw = tw,
                            .act_ph = 64,
                            .act_pc = 4096,
                            .vh = 1,
                            .vw = 1};
    return in;
}

Test(model, dma_beats_count_the_bus_words_each_row_spans)
{
    acc_config c = cfg4();
    /* row 0 at 3: bytes 3..12 span words 0 and 1; row 1 at 19: 19..28, words 2, 3 */
    acc_instr a = dma(ACC_OP_LOAD, 3, 10, 2, 1, 16, 0);
    cr_assert_eq(model_dma_beats(&a.u.dma, &c), 4);
    /* aligned 16-byte rows: 2 beats each, 3 rows x 2 planes */
    acc_instr b = dma(ACC_OP_LOAD, 64, 16, 3, 2, 32, 256);
    cr_assert_eq(model_dma_beats(&b.u.dma, &c), 12);
    /* one byte at the end of a word: 1 beat */
    acc_instr d = dma(ACC_OP_STORE, 7, 1, 1, 1, 0, 0);
    cr_assert_eq(model_dma_beats(&d.u.dma, &c), 1);
}

Test(model, durations_follow_the_documented_formulas)
{
    acc_config c = cfg4();
    acc_instr ld = dma(ACC_OP_LOAD, 3, 10, 2, 1, 16, 0);
    cr_assert_eq(model_duration(&ld, &c), 10 + 4 + 2);
    acc_instr st = dma(ACC_OP_STORE, 3, 10, 2, 1, 16, 0);
    cr_assert_eq(model_duration(&st, &c), 7 + 4 + 2);
    /* tc 2, 3x3: L = 18; tw 6 -> 2 segments, tk 5 -> 2 segments, th 3:
     * P = 12 passes, each 18 cycles after the one before (L > R + 2C - 1
     * = 11); the last takes 18 + 4 + 8 */
    acc_instr cp = compute(2, 5, 3, 6, 3, 3);
    cr_assert_eq(model_duration(&cp, &c), 1 + 11 * 18 + 30);
    acc_instr end = {.op = ACC_OP_END};
    cr_assert_eq(model_duration(&end, &c), 1);
}

/* The three cases of the pass spacing D = max(L, R + 2C - 1) on the 4x4
 * array (R + 2C - 1 = 11), and lone passes, which overlap nothing. */
Test(model, passes_of_a_compute_follow_each_other_every_max_of_l_and_the_drain)
{
    acc_config c = cfg4();
    /* L = 1 * 2 * 2 = 4 < 11: th 2, tw 6 -> 2 segments, tk 5 -> 2: P = 8;
     * seven passes 11 cycles apart, the last 4 + 4 + 8 = 16 long */
    acc_instr a = compute(1, 5, 2, 6, 2, 2);
    cr_assert_eq(model_duration(&a, &c), 1 + 7 * 11 + 16);
    cr_assert_eq(model_duration(&a, &c), 94);
    /* L = 11 = R + 2C - 1: th 3, tw 4, tk 4: P = 3; both terms of the max */
    acc_instr b = compute(11, 4, 3, 4, 1, 1);
    cr_assert_eq(model_duration(&b, &c), 1 + 2 * 11 + 23);
    cr_assert_eq(model_duration(&b, &c), 46);
    /* L = 3 * 3 * 3 = 27 > 11: th 2, tw 5 -> 2, tk 4: P = 4, back to back */
    acc_instr d = compute(3, 4, 2, 5, 3, 3);
    cr_assert_eq(model_duration(&d, &c), 1 + 3 * 27 + 39);
    cr_assert_eq(model_duration(&d, &c), 121);
    /* one pass: L + R + 2C after the latch cycle, whatever L */
    acc_instr e = compute(1, 4, 1, 4, 1, 1);
    cr_assert_eq(model_duration(&e, &c), 1 + 1 + 12);
    acc_instr f = compute(3, 3, 1, 2, 3, 3);
    cr_assert_eq(model_duration(&f, &c), 1 + 27 + 12);
}

/* FLAT: the tile's th*tw pixels flattened row-major, R per pass. */
Test(model, flat_passes_take_r_pixels_of_the_flattened_tile)
{
    acc_config c = cfg4(); /* R = C = 4 */
    /* th 3, tw 6: 18 pixels -> 5 groups (row passes: 3 rows x 2 segments);
     * tk 5 -> 2 k-segments: P = 10 (12 without FLAT) */
    acc_instr a = compute(1, 5, 3, 6, 2, 2);
    cr_assert_eq(model_compute_passes(&a.u.cp, &c), 12);
    a.u.cp.flat = 1;
    cr_assert_eq(model_compute_passes(&a.u.cp, &c), 10);
    /* L = 4 < 11: nine passes 11 cycles apart, the last 4 + 4 + 8 */
    cr_assert_eq(model_duration(&a, &c), 1 + 9 * 11 + 16);
    /* one output column (tw 1), 9 rows: 3 passes instead of 9 */
    acc_instr b = compute(2, 4, 9, 1, 3, 3);
    b.u.cp.flat = 1;
    cr_assert_eq(model_compute_passes(&b.u.cp, &c), 3);
    cr_assert_eq(model_duration(&b, &c), 1 + 2 * 18 + 18 + 12);
    /* fewer pixels than rows: one pass per k-segment */
    acc_instr d = compute(1, 9, 1, 3, 1, 1);
    d.u.cp.flat = 1;
    cr_assert_eq(model_compute_passes(&d.u.cp, &c), 3);
    /* tw a multiple of R: FLAT and row passes coincide */
    acc_instr e = compute(1, 4, 3, 8, 1, 1);
    int64_t row = model_compute_passes(&e.u.cp, &c);
    e.u.cp.flat = 1;
    cr_assert_eq(model_compute_passes(&e.u.cp, &c), row);
    cr_assert_eq(row, 6);
}

/* FLAT is legal when G = sh*act_ph - tw*sw >= 0 and
 * X*G + (R-1)*sw + 1 <= W, X = floor((tw + R - 2) / tw); cfg4 has
 * W = (8 - 1) * 4 + 1 = 29 bytes. */
Test(model, flat_is_legal_when_a_pass_fits_the_scratchpad_port)
{
    acc_config c = cfg4();
    cr_assert_eq(model_spad_window(&c), 29);
    int64_t g, x, reach;
    /* tw 6, act_ph 8: G 2, X 1, reach 2 + 3 + 1 = 6 */
    acc_instr a = compute(1, 4, 3, 6, 3, 3);
    a.u.cp.act_ph = 8;
    cr_assert(model_compute_flat_reach(&a.u.cp, &c, &g, &x, &reach));
    cr_assert(g == 2 && x == 1 && reach == 6, "G %lld X %lld reach %lld", (long long)g,
              (long long)x, (long long)reach);
    /* tw 1: a pass crosses X = 3 rows; act_ph 9: 3*8 + 4 = 28 fits,
     * act_ph 10: 3*9 + 4 = 31 does not */
    acc_instr b = compute(1, 4, 8, 1, 2, 2);
    b.u.cp.act_ph = 9;
    cr_assert(model_compute_flat_ok(&b.u.cp, &c));
    b.u.cp.act_ph = 10;
    cr_assert(!model_compute_flat_reach(&b.u.cp, &c, &g, &x, &reach));
    cr_assert(g == 9 && x == 3 && reach == 31);
    /* the boundary: tw 2, sw 2 (X 2): act_ph 15 reaches exactly 2*11 + 3*2 + 1 = 29 */
    acc_instr d = compute(1, 4, 4, 2, 1, 1);
    d.u.cp.sw = 2;
    d.u.cp.act_ph = 15;
    cr_assert(model_compute_flat_reach(&d.u.cp, &c, &g, &x, &reach));
    cr_assert(g == 11 && x == 2 && reach == 29);
    d.u.cp.act_ph = 16;
    cr_assert(!model_compute_flat_ok(&d.u.cp, &c));
    /* a row's window before the previous one's end: tw 4, sw 2, act_ph 7 */
    acc_instr e = compute(1, 4, 2, 4, 1, 1);
    e.u.cp.sw = 2;
    e.u.cp.act_ph = 7;
    cr_assert(!model_compute_flat_reach(&e.u.cp, &c, &g, NULL, NULL));
    cr_assert_eq(g, -1);
    /* stride 2 in both directions doubles G: sh 2, act_ph 8, tw 6 -> G 10 */
    acc_instr f = compute(1, 4, 3, 6, 1, 1);
    f.u.cp.sh = 2;
    f.u.cp.act_ph = 8;
    cr_assert(model_compute_flat_reach(&f.u.cp, &c, &g, &x, &reach));
    cr_assert(g == 10 && x == 1 && reach == 14);
    /* one row of PEs: a pass is one pixel, it crosses nothing */
    c.rows = 1;
    b.u.cp.act_ph = 1000;
    cr_assert(model_compute_flat_reach(&b.u.cp, &c, &g, &x, &reach));
    cr_assert(x == 0 && reach == 1);
}

Test(model, a_compute_is_its_fixed_cycles_plus_its_passes_times_the_spacing)
{
    /* model_compute_fixed and _spacing, which the planners sum over their
     * steps, regroup model_duration exactly, on arrays where R + 2C - 1 is
     * below, at and above L */
    acc_config c = cfg4();
    const int sides[][2] = {{1, 1}, {4, 4}, {2, 7}, {16, 16}};
    for (size_t k = 0; k < sizeof(sides) / sizeof(sides[0]); k++) {
        c.rows = sides[k][0];
        c.cols = sides[k][1];
        for (uint32_t tc = 1; tc <= 60; tc += 7)
            for (uint32_t th = 1; th <= 3; th++)
                for (uint32_t tk = 1; tk <= 40; tk += 13) {
                    acc_instr in = compute(tc, tk, th, 19, 1, 1);
                    int64_t L = model_compute_steps(&in.u.cp);
                    int64_t P = model_compute_passes(&in.u.cp, &c);
                    cr_assert_eq(model_duration(&in, &c),
                                 model_compute_fixed(L, &c) + P * model_compute_spacing(L, &c),
                                 "%dx%d, L %lld, P %lld", c.rows, c.cols, (long long)L,
                                 (long long)P);
                }
    }
    c = cfg4(); /* F = 12: e(L) = 1 + min(L + 1, 12), D(L) = max(L, 11) */
    cr_assert_eq(model_compute_fixed(1, &c), 3);
    cr_assert_eq(model_compute_spacing(1, &c), 11);
    cr_assert_eq(model_compute_fixed(11, &c), 13);
    cr_assert_eq(model_compute_spacing(11, &c), 11);
    cr_assert_eq(model_compute_fixed(30, &c), 13);
    cr_assert_eq(model_compute_spacing(30, &c), 30);
}

Test(model, issue_rule_overlaps_engines_and_honours_waits)
{
    acc_config c = cfg4();
    acc_program p;
    acc_program_init(&p);
    acc_instr l1 = dma(ACC_OP_LOAD, 0, 8, 1, 1, 0, 0);  /* 1 beat: d = 13 */
    acc_instr l2 = dma(ACC_OP_LOAD, 0, 16, 1, 1, 0, 0); /* 2 beats: d = 14 */
    acc_instr cp = compute(1, 4, 1, 4, 1, 1);           /* P = 1, L = 1: d = 1 + 13 = 14 */
    cp.wait[ACC_ENG_LD] = 1;
    acc_instr st = dma(ACC_OP_STORE, 0, 16, 1, 1, 0, 0); /* d = 7 + 2 + 2 = 11 */
    st.wait[ACC_ENG_CP] = 1;
    acc_instr end = {.op = ACC_OP_END};
    acc_program_push(&p, &l1);
    acc_program_push(&p, &cp);
    acc_program_push(&p, &l2);
    acc_program_push(&p, &st);
    acc_program_push(&p, &end);
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(&p, &c, &t, &err), 0, "%s", err.msg);
    /* s0 = Lr + 2 = 12; l1 [12, 25) */
    cr_assert_eq(t.start[0], 12);
    cr_assert_eq(t.end[0], 25);
    /* compute waits for load #1: [25, 39) */
    cr_assert_eq(t.start[1], 25);
    cr_assert_eq(t.end[1], 39);
    /* l2 issues after the compute issued (in order) and after l1 ended: 26 */
    cr_assert_eq(t.start[2], 26);
    cr_assert_eq(t.end[2], 40);
    /* store waits for compute #1: [39, 50) */
    cr_assert_eq(t.start[3], 39);
    cr_assert_eq(t.end[3], 50);
    /* END after every engine: [50, 51) */
    cr_assert_eq(t.start[4], 50);
    cr_assert_eq(t.makespan, 51);
    cr_assert_eq(t.busy[ACC_ENG_LD], 27);
    cr_assert_eq(t.dram_read, 24);
    cr_assert_eq(t.dram_written, 16);
    model_timing_free(&t);
    acc_program_free(&p);
}

Test(model, rejects_a_wait_that_no_earlier_instruction_can_satisfy)
{
    acc_config c = cfg4();
    acc_program p;
    acc_program_init(&p);
    acc_instr cp = compute(1, 4, 1, 4, 1, 1);
    cp.wait[ACC_ENG_LD] = 1;
    acc_instr end = {.op = ACC_OP_END};
    acc_program_push(&p, &cp);
    acc_program_push(&p, &end);
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(&p, &c, &t, &err), -1);
    cr_assert(strstr(err.msg, "instruction 0") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "never issue") != NULL, "%s", err.msg);
    acc_program_free(&p);
}

Test(model, rejects_programs_without_end_or_with_code_after_it)
{
    acc_config c = cfg4();
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = dma(ACC_OP_LOAD, 0, 8, 1, 1, 0, 0);
    acc_program_push(&p, &ld);
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(&p, &c, &t, &err), -1);
    cr_assert(strstr(err.msg, "no END") != NULL, "%s", err.msg);
    acc_instr end = {.op = ACC_OP_END};
    acc_program_push(&p, &end);
    acc_program_push(&p, &ld);
    cr_assert_eq(model_run(&p, &c, &t, &err), -1);
    cr_assert(strstr(err.msg, "follows END") != NULL, "%s", err.msg);
    acc_program_free(&p);
}

static acc_layer conv1x1(int h, int w, int c, int k)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    strcpy(l.name, "hand");
    l.ifmap_h = h;
    l.ifmap_w = w;
    l.filter_h = l.filter_w = 1;
    l.channels = c;
    l.num_filter = k;
    l.stride_h = l.stride_w = 1;
    l.dil_h = l.dil_w = 1;
    l.groups = 1;
    return l;
}

Test(model, layer_bound_counts_useful_macs_per_step_and_the_drain_per_pass)
{
    acc_config c = cfg4(); /* 4x4, Lr 10: s0 = 12; F = R + 2C = 12 */
    /* OH = 5, OW = 3: a FLAT pass takes pixels of several rows, so
     * r = min(R, OH*OW) = 4, c = 4; MACs = 6*5*3*2 = 180 -> S0 = 12 steps;
     * outputs 90 -> Q0 = 6 passes.  Steps: 12 + 1 + 12 = 25; passes:
     * 6 * 11 + 3 = 69, the larger: 12 + 69 + 1 */
    acc_layer l = conv1x1(5, 3, 2, 6);
    cr_assert_eq(model_layer_bound(&l, &c), 82);
    /* no schedule can beat it: the single COMPUTE doing everything in one
     * instruction has L = 2, P = 5 rows * 1 * 2 k-segments = 10 passes,
     * d = 1 + 9 * 11 + 2 + 12 = 114; with FLAT, ceil(15/4) * 2 = 8 passes,
     * d = 1 + 7 * 11 + 2 + 12 = 92 */
    acc_instr cp = compute(2, 6, 5, 3, 1, 1);
    cr_assert_eq(model_duration(&cp, &c), 114);
    cr_assert_geq(model_first_issue(&c) + model_duration(&cp, &c) + 1, model_layer_bound(&l, &c));
    cp.u.cp.flat = 1;
    cr_assert_eq(model_duration(&cp, &c), 92);
    cr_assert_geq(model_first_issue(&c) + model_duration(&cp, &c) + 1, model_layer_bound(&l, &c));
}

Test(model, layer_bound_is_the_compute_engine_time_of_one_perfect_compute)
{
    acc_config c = cfg4();
    /* 4x4 outputs of 4 filters over 64 channels: r = c = 4; MACs 4096 ->
     * S0 = 256; outputs 64 -> Q0 = 4.  Steps: 256 + 13 = 269; passes:
     * 4 * 11 + 3 = 47: 12 + 269 + 1 */
    acc_layer l = conv1x1(4, 4, 64, 4);
    cr_assert_eq(model_layer_bound(&l, &c), 282);
    /* one COMPUTE of everything: L = 64, P = 4, d = 1 + 3 * 64 + 64 + 12 = 269,
     * exactly the bound's compute time */
    acc_instr cp = compute(64, 4, 4, 4, 1, 1);
    cr_assert_eq(model_duration(&cp, &c), 269);
    cr_assert_eq(model_first_issue(&c) + model_duration(&cp, &c) + 1, model_layer_bound(&l, &c));
}

Test(model, dma_beats_equal_a_row_by_row_count_for_any_strides)
{
    /* model_dma_beats sums one period of the address pattern; count every
     * row here instead, for random shapes, strides and bus widths. */
    acc_config c = cfg4();
    acc_rng r;
    acc_rng_seed(&r, 99);
    for (int n = 0; n < 3000; n++) {
        c.axi_bytes = 4 << (int)(acc_rng_next(&r) % 5); /* 4..64 bytes */
        acc_instr in =
            dma(ACC_OP_LOAD, (uint32_t)acc_rng_next(&r), 1 + (uint32_t)(acc_rng_next(&r) % 300),
                1 + (uint32_t)(acc_rng_next(&r) % 40), 1 + (uint32_t)(acc_rng_next(&r) % 40),
                (uint32_t)(acc_rng_next(&r) % 5000), (uint32_t)(acc_rng_next(&r) % 100000));
        const acc_dma *d = &in.u.dma;
        int64_t expect = 0;
        for (uint64_t p = 0; p < d->n2; p++)
            for (uint64_t row = 0; row < d->n1; row++) {
                uint64_t a = (uint64_t)d->dram + p * d->dram_s2 + row * d->dram_s1;
                uint64_t first = a / (uint64_t)c.axi_bytes;
                uint64_t last = (a + d->n0 - 1) / (uint64_t)c.axi_bytes;
                expect += (int64_t)(last - first + 1); /* bus words the row touches */
            }
        cr_assert_eq(model_dma_beats(d, &c), expect, "case %d: n=%u,%u,%u strides %u,%u dw %d", n,
                     d->n0, d->n1, d->n2, d->dram_s1, d->dram_s2, c.axi_bytes);
    }
}
