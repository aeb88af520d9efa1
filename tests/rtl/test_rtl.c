/* test_rtl.c - the Verilated accelerator, through the harness's rtl backend.
 * Compiled once per configuration against that configuration's model
 * (build/rtl/<build>/test_rtl); ACC_TEST_CONFIG is its configuration file
 * and ACC_TEST_OUT the directory of the layer tests' reports (mk/rtl.mk).
 * The same source serves every build of a configuration (plain, -xrand).
 *
 * Unit tests run hand-made programs on a raw memory image and compare
 *   - every instruction's issue/end cycle, the CYCLES and BUSY registers
 *     with the timing model (model_run), and
 *   - the memory after the run with the functional simulator (iss) on the
 *     same program,
 * so the DMA (bursts, alignment, 4 KiB crossings), the array and its feeder
 * (padding, strides, dilation, ACC, int32 wrap) and the controller are each
 * checked against an independent reference.  Error paths check the error
 * code and index.  Layer tests run whole layers through cosim_run. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim/backend.h"
#include "cosim/harness.h"
#include "cosim/regmap.h"
#include "cosim/vmodel.h"
#include "golden/iss.h"
#include "tests/testutil.h"
#include "model/model.h"
#include "core/sched.h"

#if !defined(ACC_TEST_CONFIG) || !defined(ACC_TEST_OUT)
#error "ACC_TEST_CONFIG (the configuration file) and ACC_TEST_OUT must be defined"
#endif

extern const cosim_backend cosim_backend_rtl;

#define MEM_BYTES (256u * 1024u)
#define PROG_ADDR (192u * 1024u)

static acc_config cfg;

static void load_config(void)
{
    acc_error err;
    cr_assert_eq(acc_config_load(ACC_TEST_CONFIG, &cfg, &err), 0, "%s", err.msg);
}

TestSuite(rtl_dma, .init = load_config);
TestSuite(rtl_array, .init = load_config);
TestSuite(rtl_ctrl, .init = load_config);
TestSuite(rtl_errors, .init = load_config);
TestSuite(rtl_layers, .init = load_config);
TestSuite(rtl_model, .init = load_config);
TestSuite(rtl_flat, .init = load_config);

static acc_instr mk_dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1,
                        uint32_t n2, uint32_t ds1, uint32_t ds2, uint32_t ss1, uint32_t ss2)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, spad, n0, n1, n2, ds1, ds2, ss1, ss2};
    return in;
}

/* Runs p on the RTL with the program placed at PROG_ADDR in mem.  Returns
 * the backend's status; res is filled. */
static int rtl_exec(const acc_program *p, acc_dram *mem, cosim_result *res, acc_error *err)
{
    for (int i = 0; i < p->count; i++) /* the test's own programs must be encodable */
        cr_assert_eq(acc_instr_check(&p->ins[i], err), 0, "test program, instruction %d: %s", i,
                     err->msg);
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    cr_assert(PROG_ADDR + len <= mem->size);
    memcpy(mem->bytes + PROG_ADDR, bin, len);
    free(bin);
    acc_memmap mm = {.x = 0, .w = 0, .y = 0, .prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options opt = tu_rtl_options(2000000);
    return cosim_backend_rtl.run(p, &cfg, &mm, mem, &opt, res, err);
}

/* A COMPUTE's pass count written out from docs/model.md, independently of
 * model/: th * ceil(tw/R) * ceil(tk/C) passes by rows, ceil(th*tw/R) *
 * ceil(tk/C) with FLAT (R flattened pixels a pass). */
static int64_t compute_passes(const acc_compute *c)
{
    int64_t R = cfg.rows, C = cfg.cols;
    int64_t groups =
        c->flat ? ((int64_t)c->th * c->tw + R - 1) / R : (int64_t)c->th * ((c->tw + R - 1) / R);
    return groups * ((c->tk + C - 1) / C);
}

/* A COMPUTE's duration written out from docs/model.md, independently of
 * model/: P passes spaced D = max(L, R+2C-1) apart, the last one ending
 * L + R + 2C cycles after its start, one issue cycle before the first. */
static int64_t compute_closed_form(const acc_compute *c)
{
    int64_t R = cfg.rows, C = cfg.cols;
    int64_t L = (int64_t)c->tc * c->fh * c->fw;
    int64_t P = compute_passes(c);
    int64_t D = L > R + 2 * C - 1 ? L : R + 2 * C - 1;
    return 1 + (P - 1) * D + L + R + 2 * C;
}

/* The pass count of a COMPUTE that the RTL took d cycles for: d inverted
 * through the closed form. */
static int64_t measured_passes(const acc_compute *c, int64_t d)
{
    int64_t R = cfg.rows, C = cfg.cols;
    int64_t L = (int64_t)c->tc * c->fh * c->fw;
    int64_t D = L > R + 2 * C - 1 ? L : R + 2 * C - 1;
    int64_t rest = d - 1 - L - R - 2 * C;
    return rest % D == 0 ? rest / D + 1 : -1;
}

/* The heart: RTL == model (cycles, every instruction) and RTL == iss
 * (memory, every byte); every COMPUTE also takes its closed-form time. */
static void check_against_references(const acc_program *p, uint64_t seed)
{
    acc_dram rtl_mem, iss_mem;
    acc_dram_init(&rtl_mem, MEM_BYTES);
    acc_dram_init(&iss_mem, MEM_BYTES);
    tu_fill_random(&rtl_mem, seed);
    tu_fill_random(&iss_mem, seed);
    cosim_result res;
    acc_error err;
    int rc = rtl_exec(p, &rtl_mem, &res, &err);
    cr_assert_eq(rc, 0, "rtl: %s", err.msg);
    model_timing t;
    cr_assert_eq(model_run(p, &cfg, &t, &err), 0, "model: %s", err.msg);
    for (int i = 0; i < p->count; i++) {
        char text[512];
        acc_sched_format_instr(&p->ins[i], text, sizeof(text));
        cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                  "instruction %d (%s): model [%lld, %lld), rtl [%lld, %lld)", i, text,
                  (long long)t.start[i], (long long)t.end[i], (long long)res.start[i],
                  (long long)res.end[i]);
    }
    cr_assert_eq(res.cycles, t.makespan, "CYCLES register %lld, model makespan %lld",
                 (long long)res.cycles, (long long)t.makespan);
    for (int i = 0; i < p->count; i++)
        if (p->ins[i].op == ACC_OP_COMPUTE) {
            const acc_compute *c = &p->ins[i].u.cp;
            int64_t d = res.end[i] - res.start[i];
            cr_assert_eq(measured_passes(c, d), compute_passes(c),
                         "COMPUTE %d%s: rtl %lld cycles (%lld passes), %lld passes expected", i,
                         c->flat ? " (flat)" : "", (long long)d, (long long)measured_passes(c, d),
                         (long long)compute_passes(c));
            cr_assert_eq(d, compute_closed_form(c), "COMPUTE %d: rtl %lld cycles, closed form %lld",
                         i, (long long)d, (long long)compute_closed_form(c));
        }
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        cr_assert_eq(res.busy[e], t.busy[e], "engine %d busy counter %lld, model %lld", e,
                     (long long)res.busy[e], (long long)t.busy[e]);
    /* the iss writes the program image too, so the images stay comparable */
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    memcpy(iss_mem.bytes + PROG_ADDR, bin, len);
    free(bin);
    cr_assert_eq(iss_run(p, &cfg, &iss_mem, NULL, &err), 0, "iss: %s", err.msg);
    for (uint64_t a = 0; a < MEM_BYTES; a++)
        cr_assert_eq(rtl_mem.bytes[a], iss_mem.bytes[a],
                     "memory differs at 0x%05llx: rtl 0x%02x, iss 0x%02x", (unsigned long long)a,
                     rtl_mem.bytes[a], iss_mem.bytes[a]);
    model_timing_free(&t);
    cosim_result_free(&res);
    acc_dram_free(&rtl_mem);
    acc_dram_free(&iss_mem);
}

/* ---------------------------------------------------------------- DMA */

Test(rtl_dma, blocks_of_every_alignment_round_trip_in_model_cycles)
{
    /* Rows of 1..37 bytes from every offset within two bus words, with
     * strides that put rows anywhere; each LOAD is stored back elsewhere. */
    acc_program p;
    acc_program_init(&p);
    uint32_t spad = 0;
    const uint32_t dst = 96u * 1024u;
    for (uint32_t off = 0; off < 2u * (uint32_t)cfg.axi_bytes; off += 3) {
        uint32_t n0 = 1 + (off * 7) % 37, n1 = 1 + off % 3, n2 = 1 + off % 2;
        uint32_t ds1 = n0 + off % 5, ds2 = ds1 * n1 + 9;
        uint32_t src = 1024 + off * 997;
        acc_instr ld = mk_dma(ACC_OP_LOAD, src, spad, n0, n1, n2, ds1, ds2, n0, n0 * n1);
        acc_instr st = mk_dma(ACC_OP_STORE, dst + off * 1013, spad, n0, n1, n2, ds1 + 1,
                              (ds1 + 1) * n1 + 3, n0, n0 * n1);
        acc_program_push(&p, &ld);
        acc_program_push(&p, &st);
        spad = (spad + n0 * n1 * n2 + 5) % (cfg.spad_bytes / 2);
    }
    tu_push_end(&p);
    tu_serialise(&p);
    check_against_references(&p, 11);
    acc_program_free(&p);
}

Test(rtl_dma, rows_crossing_4k_boundaries_and_long_rows_split_into_legal_bursts)
{
    acc_program p;
    acc_program_init(&p);
    /* a 3000-byte row starting 5 bytes before a 4 KiB boundary: > 256 beats
     * on a 64-bit bus and a boundary inside the row */
    uint32_t n0 = cfg.spad_bytes < 3000 ? cfg.spad_bytes / 2 : 3000;
    acc_instr ld = mk_dma(ACC_OP_LOAD, 3 * 4096 - 5, 0, n0, 1, 1, 0, 0, 0, 0);
    acc_instr st = mk_dma(ACC_OP_STORE, 9 * 4096 - 3, 0, n0, 1, 1, 0, 0, 0, 0);
    /* many short rows straddling boundaries */
    acc_instr ld2 = mk_dma(ACC_OP_LOAD, 4096 - 2, 0, 5, 6, 1, 4096, 0, 5, 0);
    acc_instr st2 = mk_dma(ACC_OP_STORE, 20 * 4096 - 1, 0, 5, 6, 1, 4096, 0, 5, 0);
    acc_program_push(&p, &ld);
    acc_program_push(&p, &st);
    acc_program_push(&p, &ld2);
    acc_program_push(&p, &st2);
    tu_push_end(&p);
    tu_serialise(&p);
    check_against_references(&p, 12);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- array */

/* A random COMPUTE with its operands loaded from memory and its results
 * stored back, optionally followed by an accumulating second COMPUTE. */
static void random_tile_program(acc_program *p, acc_rng *r, uint32_t spad_limit)
{
#define RND(lo, hi) ((uint32_t)((lo) + acc_rng_next(r) % (uint64_t)((hi) - (lo) + 1)))
    acc_compute c;
retry:
    memset(&c, 0, sizeof(c));
    c.fh = RND(1, 3);
    c.fw = RND(1, 3);
    c.sh = RND(1, 3);
    c.sw = RND(1, 3);
    c.dh = RND(1, 2);
    c.dw = RND(1, 2);
    c.tc = RND(1, 4);
    c.tk = RND(1, 2 * (uint32_t)cfg.cols + 1);
    c.th = RND(1, 3);
    c.tw = RND(1, 2 * (uint32_t)cfg.rows + 1);
    uint32_t need_h = (c.th - 1) * c.sh + (c.fh - 1) * c.dh + 1;
    uint32_t need_w = (c.tw - 1) * c.sw + (c.fw - 1) * c.dw + 1;
    c.ptop = RND(0, 2);
    c.pleft = RND(0, 2);
    c.vh = RND(1, need_h);
    c.vw = RND(1, need_w);
    c.act_ph = c.vw + RND(0, 3);
    c.act_pc = c.act_ph * c.vh + RND(0, 5);
    uint32_t act_bytes = c.act_pc * c.tc;
    uint32_t wgt_bytes = c.tc * c.fh * c.fw * c.tk;
    uint32_t out_bytes = c.tk * c.th * c.tw * 4;
    c.act = 0;
    c.wgt = act_bytes + RND(0, 7);
    c.out = (c.wgt + wgt_bytes + 3) & ~3u;
    if (c.out + out_bytes > spad_limit)
        goto retry; /* deterministic: the next draw of the same stream */
    /* blocks as rows, so that every n0 stays within its 12-bit field */
    acc_instr ld_a =
        mk_dma(ACC_OP_LOAD, 4096 + RND(0, 64), c.act, c.act_pc, c.tc, 1, c.act_pc, 0, c.act_pc, 0);
    uint32_t wrow = c.fh * c.fw * c.tk;
    acc_instr ld_w =
        mk_dma(ACC_OP_LOAD, 32768 + RND(0, 64), c.wgt, wrow, c.tc, 1, wrow, 0, wrow, 0);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = c;
    acc_instr st = mk_dma(ACC_OP_STORE, 65536 + RND(0, 64), c.out, c.tw * 4, c.tk * c.th, 1,
                          c.tw * 4, 0, c.tw * 4, 0);
    acc_error err;
    cr_assert_eq(acc_instr_check(&ld_a, &err), 0, "generator: %s", err.msg);
    cr_assert_eq(acc_instr_check(&ld_w, &err), 0, "generator: %s", err.msg);
    cr_assert_eq(acc_instr_check(&cp, &err), 0, "generator: %s", err.msg);
    cr_assert_eq(acc_instr_check(&st, &err), 0, "generator: %s", err.msg);
    tu_random_flat(r, &cp.u.cp, &cfg);
    acc_program_push(p, &ld_a);
    acc_program_push(p, &ld_w);
    acc_program_push(p, &cp);
    if (RND(0, 1)) {
        cp.u.cp.acc = 1;
        tu_random_flat(r, &cp.u.cp, &cfg); /* a FLAT and a row pass may share a chain */
        acc_program_push(p, &cp);
    }
    acc_program_push(p, &st);
#undef RND
}

Test(rtl_array, random_tiles_match_the_iss_bit_for_bit_and_the_model_cycle_for_cycle)
{
    /* padding on any side, strides and dilations up to 3 and 2, edge
     * passes in both directions (tw, tk up to 2R+1, 2C+1), ACC chains */
    acc_rng r;
    acc_rng_seed(&r, 2026);
    for (int n = 0; n < 12; n++) {
        acc_program p;
        acc_program_init(&p);
        random_tile_program(&p, &r, cfg.spad_bytes);
        tu_push_end(&p);
        tu_serialise(&p);
        check_against_references(&p, 100 + (uint64_t)n);
        acc_program_free(&p);
    }
}

Test(rtl_array, extreme_operands_wrap_like_int32)
{
    /* All activations and weights -128: every product is 16384.  A 1x1 tile
     * of 256 channels adds 2^22 per COMPUTE; 513 of them in one ACC chain
     * sum to 2^31 + 2^22, which wraps to -2143289344. */
    acc_program p;
    acc_program_init(&p);
    acc_compute c;
    memset(&c, 0, sizeof(c));
    c.fh = c.fw = c.sh = c.sw = c.dh = c.dw = 1;
    c.tc = 256;
    c.tk = 1;
    c.th = 1;
    c.tw = 1;
    c.vh = c.vw = 1;
    c.act_ph = 1;
    c.act_pc = 1;
    c.act = 0;
    c.wgt = 256;
    c.out = 512;
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 512, 1, 1, 0, 0, 0, 0); /* act and wgt */
    acc_program_push(&p, &ld);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = c;
    for (int i = 0; i < 513; i++) {
        cp.u.cp.acc = i > 0;
        acc_program_push(&p, &cp);
    }
    acc_instr st = mk_dma(ACC_OP_STORE, 8192, 512, 4, 1, 1, 0, 0, 0, 0);
    acc_program_push(&p, &st);
    tu_push_end(&p);
    tu_serialise(&p);
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    memset(mem.bytes, 0x80, 512); /* -128 */
    cosim_result res;
    acc_error err;
    cr_assert_eq(rtl_exec(&p, &mem, &res, &err), 0, "%s", err.msg);
    int32_t got;
    memcpy(&got, mem.bytes + 8192, 4);
    cr_assert_eq(got, (int32_t)-2143289344, "got %d", got);
    cosim_result_free(&res);
    acc_dram_free(&mem);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- overlapped drain */

/* A multi-pass COMPUTE tile: tc input channels, an fh x fw kernel (stride 1,
 * padding 1 on every side when the kernel is larger than 1x1), th output
 * rows, tw pixels and tk channels per row.  Activations at scratchpad
 * address base, weights after them, outputs after the weights. */
static acc_compute overlap_tile(uint32_t base, uint32_t tc, uint32_t fh, uint32_t fw, uint32_t th,
                                uint32_t tw, uint32_t tk)
{
    acc_compute c;
    memset(&c, 0, sizeof(c));
    c.tc = tc;
    c.fh = fh;
    c.fw = fw;
    c.sh = c.sw = c.dh = c.dw = 1;
    c.th = th;
    c.tw = tw;
    c.tk = tk;
    c.ptop = c.pleft = fh > 1 ? 1 : 0;
    c.vh = th + fh - 1 - 2 * c.ptop;
    c.vw = tw + fw - 1 - 2 * c.pleft;
    c.act_ph = c.vw;
    c.act_pc = c.vh * c.vw;
    c.act = base;
    c.wgt = base + c.act_pc * tc;
    c.out = (c.wgt + tc * fh * fw * tk + 3) & ~3u;
    cr_assert_leq(c.out + 4 * tk * th * tw, cfg.spad_bytes, "tile does not fit the scratchpad");
    return c;
}

/* LOADs of a tile's activations (from dram) and weights (from dram + 32 KiB),
 * one row per input channel. */
static void push_tile_loads(acc_program *p, const acc_compute *c, uint32_t dram)
{
    uint32_t wrow = c->fh * c->fw * c->tk;
    acc_instr ld_a =
        mk_dma(ACC_OP_LOAD, dram, c->act, c->act_pc, c->tc, 1, c->act_pc, 0, c->act_pc, 0);
    acc_instr ld_w = mk_dma(ACC_OP_LOAD, dram + 32768, c->wgt, wrow, c->tc, 1, wrow, 0, wrow, 0);
    acc_program_push(p, &ld_a);
    acc_program_push(p, &ld_w);
}

/* LOADs of c's activations and weights (and extra's), then `chain`
 * COMPUTEs of c (the first without ACC, the others with it) back to back,
 * then a STORE of the outputs.  With extra, a second tile is computed right
 * after the chain (a COMPUTE of another shape immediately after a
 * COMPUTE). */
static void push_overlap_program(acc_program *p, const acc_compute *c, int chain,
                                 const acc_compute *extra)
{
    push_tile_loads(p, c, 4096);
    if (extra)
        push_tile_loads(p, extra, 20480);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = *c;
    for (int i = 0; i < chain; i++) {
        cp.u.cp.acc = i > 0;
        acc_program_push(p, &cp);
    }
    if (extra) {
        cp.u.cp = *extra;
        acc_program_push(p, &cp);
    }
    acc_instr st = mk_dma(ACC_OP_STORE, 81920, c->out, c->tw * 4, c->tk * c->th, 1, c->tw * 4, 0,
                          c->tw * 4, 0);
    acc_program_push(p, &st);
    if (extra) {
        st = mk_dma(ACC_OP_STORE, 122880, extra->out, extra->tw * 4, extra->tk * extra->th, 1,
                    extra->tw * 4, 0, extra->tw * 4, 0);
        acc_program_push(p, &st);
    }
    tu_push_end(p);
    tu_serialise(p);
}

/* Runs a chain of `chain` COMPUTEs of c against the model, the closed form
 * and the iss. */
static void check_overlap(const acc_compute *c, int chain, uint64_t seed)
{
    acc_program p;
    acc_program_init(&p);
    push_overlap_program(&p, c, chain, NULL);
    check_against_references(&p, seed);
    acc_program_free(&p);
}

static uint32_t drain_span(void) /* R + 2C - 1, the shortest pass spacing */
{
    return (uint32_t)(cfg.rows + 2 * cfg.cols - 1);
}

Test(rtl_array, passes_shorter_than_the_drain_are_spaced_by_the_drain)
{
    /* L = R+2C-2 and a 3x3 kernel of L = 9: D = R+2C-1 > L; two output
     * rows, two pixel and two channel segments, the second of each partial */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute c = overlap_tile(0, drain_span() - 1, 1, 1, 2, R + 1, C + 1);
    check_overlap(&c, 1, 11);
    c = overlap_tile(0, 1, 3, 3, 2, R + 1, C + 1);
    cr_assert_lt(9, drain_span());
    check_overlap(&c, 1, 12);
}

Test(rtl_array, passes_as_long_as_the_drain_hand_the_drain_over_in_one_cycle)
{
    /* L = R+2C-1 = D: a pass's drain state is loaded in the cycle of the
     * previous pass's last shift */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute c = overlap_tile(0, drain_span(), 1, 1, 2, R + 1, C + 1);
    check_overlap(&c, 1, 13);
}

Test(rtl_array, passes_longer_than_the_drain_feed_back_to_back)
{
    /* L = R+2C and L = 2(R+2C)+1 (D = L: the next pass's first step
     * follows the last step in the next cycle), and a 3x3 kernel with
     * padding over enough channels to outlast the drain */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute c = overlap_tile(0, drain_span() + 1, 1, 1, 2, R + 1, C + 1);
    check_overlap(&c, 1, 14);
    c = overlap_tile(0, 2 * drain_span() + 3, 1, 1, 1, R + 1, C + 1);
    check_overlap(&c, 1, 15);
    c = overlap_tile(0, drain_span() / 9 + 1, 3, 3, 2, 2 * R + 1, C + 1);
    cr_assert_gt(c.tc * 9, drain_span());
    check_overlap(&c, 1, 16);
}

Test(rtl_array, one_step_passes_tag_first_and_last_on_the_same_step)
{
    /* L = 1: every PE's only product goes to the accumulator and the
     * shadow at once; with full and partial segments */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute c = overlap_tile(0, 1, 1, 1, 3, 2 * R + 1, 2 * C + 1);
    check_overlap(&c, 1, 17);
    c = overlap_tile(0, 1, 1, 1, 2, R, C);
    check_overlap(&c, 2, 18);
}

Test(rtl_array, acc_chains_read_partial_sums_while_the_next_pass_feeds)
{
    /* ACC drains (partial-sum reads on their own port) overlap the next
     * pass's weight reads; edge passes in both directions; short and long
     * passes */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute c = overlap_tile(0, 2, 1, 1, 2, R + 1, 2 * C - 1);
    check_overlap(&c, 3, 19);
    c = overlap_tile(0, drain_span() + 2, 1, 1, 2, 2 * R - 1, C + 1);
    check_overlap(&c, 3, 20);
    c = overlap_tile(0, 2, 3, 3, 2, R + 1, C + 1);
    check_overlap(&c, 2, 21);
}

Test(rtl_array, a_compute_right_after_a_compute_starts_from_a_clean_drain)
{
    /* a long-pass ACC chain, then at once a one-step COMPUTE of another
     * shape into other outputs, both against the iss; and a one-step chain
     * followed by a long-pass tile */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute a = overlap_tile(0, drain_span() + 3, 1, 1, 1, R + 1, C + 1);
    acc_compute b = overlap_tile(a.out + 4 * a.tk * a.th * a.tw, 1, 1, 1, 2, R - (R > 1), C + 1);
    acc_program p;
    acc_program_init(&p);
    push_overlap_program(&p, &a, 2, &b);
    check_against_references(&p, 22);
    acc_program_free(&p);
    acc_program_init(&p);
    acc_compute a2 = overlap_tile(0, 1, 1, 1, 2, R + 1, C + 1);
    acc_compute b2 =
        overlap_tile(a2.out + 4 * a2.tk * a2.th * a2.tw, drain_span() + 1, 1, 1, 1, R, C);
    push_overlap_program(&p, &a2, 2, &b2);
    check_against_references(&p, 23);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- FLAT passes */

#define CEIL_DIV(a, b) (((a) + (b)-1) / (b))

/* A FLAT tile: tc input channels, an f x f kernel of stride s and dilation
 * d, `pad` rows and columns of padding on every side, th x tw output pixels
 * of tk channels.  The stored rows are `extra` bytes longer than the tile
 * (act_ph = vw + extra), which sets G = s*act_ph - tw*s.  Activations at
 * scratchpad address base, weights after them, outputs after the weights. */
static acc_compute flat_tile(uint32_t base, uint32_t tc, uint32_t f, uint32_t s, uint32_t d,
                             uint32_t pad, uint32_t th, uint32_t tw, uint32_t tk, uint32_t extra)
{
    acc_compute c;
    memset(&c, 0, sizeof(c));
    c.tc = tc;
    c.fh = c.fw = f;
    c.sh = c.sw = s;
    c.dh = c.dw = d;
    c.th = th;
    c.tw = tw;
    c.tk = tk;
    c.ptop = c.pleft = pad;
    uint32_t need_h = (th - 1) * s + (f - 1) * d + 1, need_w = (tw - 1) * s + (f - 1) * d + 1;
    cr_assert(need_h > 2 * pad && need_w > 2 * pad, "test design: padding wider than the tile");
    c.vh = need_h - 2 * pad; /* as much padding below and right as above and left */
    c.vw = need_w - 2 * pad;
    c.act_ph = c.vw + extra;
    c.act_pc = c.act_ph * c.vh;
    c.act = base;
    c.wgt = base + c.act_pc * tc;
    c.out = (c.wgt + tc * f * f * tk + 3) & ~3u;
    c.flat = 1;
    cr_assert_leq(c.out + 4 * tk * th * tw, cfg.spad_bytes, "tile does not fit the scratchpad");
    return c;
}

/* The hand formula of a FLAT COMPUTE's passes: ceil(th*tw/R) pixel groups
 * of ceil(tk/C) k-segments each. */
static int64_t flat_passes(uint32_t th, uint32_t tw, uint32_t tk)
{
    return CEIL_DIV((int64_t)th * tw, cfg.rows) * CEIL_DIV((int64_t)tk, cfg.cols);
}

/* Runs the COMPUTEs cs[0..n-1] (the operands of cs[0], each with its own
 * flags) back to back after the LOADs of cs[0]'s operands, then a STORE of
 * its outputs, against the model, the closed form and the iss; passes[i]
 * is cs[i]'s expected pass count.  Returns 1 when every FLAT COMPUTE of
 * the chain is legal on the configuration and so ran, else 0. */
static int check_flat_chain(const acc_compute *cs, int n, const int64_t *passes, uint64_t seed)
{
    for (int i = 0; i < n; i++)
        if (cs[i].flat && !model_compute_flat_ok(&cs[i], &cfg))
            return 0;
    acc_program p;
    acc_program_init(&p);
    push_tile_loads(&p, &cs[0], 4096);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    for (int i = 0; i < n; i++) {
        cr_assert_eq(compute_passes(&cs[i]), passes[i], "COMPUTE %d: %lld passes, expected %lld", i,
                     (long long)compute_passes(&cs[i]), (long long)passes[i]);
        cp.u.cp = cs[i];
        acc_program_push(&p, &cp);
    }
    const acc_compute *c = &cs[0];
    acc_instr st = mk_dma(ACC_OP_STORE, 81920, c->out, c->tw * 4, c->tk * c->th, 1, c->tw * 4, 0,
                          c->tw * 4, 0);
    acc_program_push(&p, &st);
    tu_push_end(&p);
    tu_serialise(&p);
    check_against_references(&p, seed);
    acc_program_free(&p);
    return 1;
}

/* One FLAT COMPUTE (c must have flat set) with its pass count. */
static int check_flat(const acc_compute *c, int64_t passes, uint64_t seed)
{
    cr_assert(c->flat);
    return check_flat_chain(c, 1, &passes, seed);
}

/* The smallest t >= 2 that does not divide R. */
static uint32_t non_divisor(void)
{
    uint32_t t = 2;
    while ((uint32_t)cfg.rows % t == 0)
        t++;
    return t;
}

Test(rtl_flat, passes_cross_several_output_rows_when_tw_is_below_r)
{
    /* tw = R/4 (1 below 4 rows): a pass's lanes cross floor((tw+R-2)/tw)
     * >= 2 row boundaries from R = 3 on; 1x1 and 3x3 with padding, G = 1 */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    uint32_t tw = R >= 4 ? R / 4 : 1, th = 2 * R / tw + 1;
    if (R >= 3)
        cr_assert_geq((tw + R - 2) / tw, 2, "test design: lanes cross fewer than two rows");
    acc_compute c = flat_tile(0, 2, 1, 1, 1, 0, th, tw, C, 1);
    int ran = check_flat(&c, flat_passes(th, tw, C), 31);
    c = flat_tile(0, 2, 3, 1, 1, 1, th, tw, C, 1);
    ran += check_flat(&c, flat_passes(th, tw, C), 32);
    cr_assert_eq(ran, 2, "a G = 1 tile is legal on every configuration");
}

Test(rtl_flat, one_pixel_wide_tiles_put_a_row_in_every_lane)
{
    /* tw = 1: lane r is output row oy_a + r (X = R-1 rows crossed);
     * th = 2R+1 pixels: 3 pixel groups, the last of one pixel; two
     * k-segments: 6 passes on every configuration */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    acc_compute c = flat_tile(0, 2, 1, 1, 1, 0, 2 * R + 1, 1, C + 1, 2);
    cr_assert_eq(flat_passes(2 * R + 1, 1, C + 1), 6);
    cr_assert(check_flat(&c, 6, 33), "a G = 2 tile is legal on every configuration");
    c = flat_tile(0, 1, 3, 1, 1, 1, 2 * R + 1, 1, C + 1, 0);
    cr_assert(check_flat(&c, 6, 34));
}

Test(rtl_flat, tiles_whose_width_does_not_divide_r_start_groups_anywhere_in_a_row)
{
    /* tw the smallest non-divisor of R, th = R+1 rows: pixel groups start
     * at every column; 3x3 kernel without padding (G = 2) */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    uint32_t tw = non_divisor(), th = R + 1;
    acc_compute c = flat_tile(0, 1, 3, 1, 1, 0, th, tw, C, 0);
    cr_assert(check_flat(&c, flat_passes(th, tw, C), 35));
    c = flat_tile(0, 3, 1, 1, 1, 0, th, tw, 2 * C - 1, 1);
    cr_assert(check_flat(&c, flat_passes(th, tw, 2 * C - 1), 36));
}

Test(rtl_flat, a_tile_of_fewer_pixels_than_rows_takes_one_pass_per_k_segment)
{
    /* th*tw < R: one pixel group, its last lanes past the tile's end */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    if (R < 2)
        cr_skip_test("one row: every tile has at least R pixels");
    acc_compute c = flat_tile(0, 2, 1, 1, 1, 0, 1, R - 1, C, 1);
    cr_assert(check_flat(&c, 1, 37));
    if (R >= 3) {
        uint32_t tw = (R - 1) / 2;
        cr_assert_lt(2 * tw, R);
        c = flat_tile(0, 2, 3, 1, 1, 1, 2, tw, 2 * C, 0);
        cr_assert(check_flat(&c, 2, 38));
    }
}

Test(rtl_flat, the_last_pixel_group_is_partial_and_k_segments_run_inside_a_group)
{
    /* th = 2, tw = R+1: 2R+2 pixels, 3 groups, the last of 2 pixels
     * (R >= 3); tk = 2C+1: 3 k-segments a group, 9 passes */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    uint32_t th = R >= 3 ? 2 : 3, tw = R + 1;
    if (R == 1)
        cr_skip_test("one row: every pixel group is full");
    cr_assert_neq((th * tw) % R, 0, "test design: the last group is full");
    acc_compute c = flat_tile(0, 2, 1, 1, 1, 0, th, tw, C, 2);
    cr_assert(check_flat(&c, flat_passes(th, tw, C), 39));
    c = flat_tile(0, 1, 3, 1, 1, 1, th, tw, 2 * C + 1, 0);
    if (R >= 3)
        cr_assert_eq(flat_passes(th, tw, 2 * C + 1), 9);
    cr_assert(check_flat(&c, flat_passes(th, tw, 2 * C + 1), 40));
}

Test(rtl_flat, padding_on_every_side_with_stride_2_and_dilation_2)
{
    /* a 3x3 kernel of dilation 2 and stride 2: pad 2 (G = 2, legal
     * everywhere) and pad 1 (G = 8, where it fits the window); lanes whose
     * taps fall on padding in every direction */
    uint32_t C = (uint32_t)cfg.cols;
    acc_compute c = flat_tile(0, 2, 3, 2, 2, 2, 3, 2, C + 1, 0);
    cr_assert(check_flat(&c, flat_passes(3, 2, C + 1), 41), "a G = 2 tile is legal everywhere");
    /* pad 1, tw = 3: vw = 7, G = 2*7 - 3*2 = 8, X = floor((3+R-2)/3):
     * legal where X*8 + 2(R-1) + 1 <= W (every shipped configuration) */
    c = flat_tile(0, 2, 3, 2, 2, 1, 3, 3, C, 0);
    int64_t R = cfg.rows, reach = (3 + R - 2) / 3 * 8 + 2 * (R - 1) + 1;
    cr_assert_eq(check_flat(&c, flat_passes(3, 3, C), 42), reach <= model_spad_window(&cfg),
                 "reach %lld, window %lld", (long long)reach, (long long)model_spad_window(&cfg));
}

Test(rtl_flat, acc_chains_of_flat_computes_accumulate_every_pixel_once)
{
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    uint32_t tw = R / 2 + 1, th = 3;
    acc_compute cs[3];
    int64_t ps[3];
    for (int i = 0; i < 3; i++) {
        cs[i] = flat_tile(0, 2, 3, 1, 1, 1, th, tw, C + 1, 0);
        cs[i].acc = i > 0;
        ps[i] = flat_passes(th, tw, C + 1);
    }
    cr_assert(check_flat_chain(cs, 3, ps, 43));
}

Test(rtl_flat, flat_and_row_computes_back_to_back_share_one_accumulation)
{
    /* FLAT, row, FLAT, row on one tile (each after the first with ACC):
     * the engine changes pass order between two instructions */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    uint32_t tw = non_divisor(), th = R / tw + 2;
    acc_compute cs[4];
    int64_t ps[4];
    for (int i = 0; i < 4; i++) {
        cs[i] = flat_tile(0, 1, 3, 1, 1, 1, th, tw, 2 * C - 1, 1);
        cs[i].acc = i > 0;
        cs[i].flat = i % 2 == 0;
        ps[i] = cs[i].flat ? flat_passes(th, tw, 2 * C - 1)
                           : (int64_t)th * CEIL_DIV(tw, R) * CEIL_DIV(2 * C - 1, C);
    }
    cr_assert(check_flat_chain(cs, 4, ps, 44));
    /* a row COMPUTE of another shape right after a FLAT one, and back */
    acc_compute a = flat_tile(0, 2, 1, 1, 1, 0, 2, R + 1, C, 1);
    acc_compute b = overlap_tile(a.out + 4 * a.tk * a.th * a.tw, 1, 3, 3, 2, R + 1, C);
    acc_program p;
    acc_program_init(&p);
    push_overlap_program(&p, &a, 1, &b);
    check_against_references(&p, 45);
    acc_program_free(&p);
    a.flat = 0;
    b.flat = 1;
    cr_assert(model_compute_flat_ok(&b, &cfg), "a G = 2 tile is legal on every configuration");
    acc_program_init(&p);
    push_overlap_program(&p, &a, 1, &b);
    check_against_references(&p, 46);
    acc_program_free(&p);
}

Test(rtl_flat, random_flat_tiles_match_the_iss_and_the_model)
{
    /* random tiles (as random_tile_program) with FLAT wherever it is legal:
     * at least some of them FLAT on every configuration */
    acc_rng r;
    acc_rng_seed(&r, 4242);
    int flat = 0;
    for (int n = 0; n < 10; n++) {
        acc_program p;
        acc_program_init(&p);
        random_tile_program(&p, &r, cfg.spad_bytes);
        for (int i = 0; i < p.count; i++)
            if (p.ins[i].op == ACC_OP_COMPUTE && !p.ins[i].u.cp.flat &&
                model_compute_flat_ok(&p.ins[i].u.cp, &cfg))
                p.ins[i].u.cp.flat = 1;
        for (int i = 0; i < p.count; i++)
            flat += p.ins[i].op == ACC_OP_COMPUTE && p.ins[i].u.cp.flat;
        tu_push_end(&p);
        tu_serialise(&p);
        check_against_references(&p, 200 + (uint64_t)n);
        acc_program_free(&p);
    }
    cr_assert_geq(flat, 3, "only %d FLAT COMPUTEs among the random tiles", flat);
}

/* ---------------------------------------------------------------- controller */

Test(rtl_ctrl, random_overlapping_programs_issue_and_end_exactly_as_the_model_says)
{
    /* Timing does not depend on data, so any mix of engines and waits must
     * match the model cycle for cycle, including programs whose waits let
     * DMA and compute overlap (their data races make the memory contents
     * order-dependent, so only cycles are compared here). */
    acc_rng r;
    acc_rng_seed(&r, 77);
    for (int n = 0; n < 6; n++) {
        acc_program p;
        acc_program_init(&p);
        int count[ACC_ENG_COUNT] = {0, 0, 0};
        for (int i = 0; i < 40; i++) {
            acc_instr in;
            uint32_t kind = (uint32_t)(acc_rng_next(&r) % 3);
            if (kind == 2) {
                acc_program tmp;
                acc_program_init(&tmp);
                random_tile_program(&tmp, &r, cfg.spad_bytes / 2);
                in = tmp.ins[2]; /* the COMPUTE */
                acc_program_free(&tmp);
            } else {
                uint32_t n0 = 1 + (uint32_t)(acc_rng_next(&r) % 40);
                uint32_t n1 = 1 + (uint32_t)(acc_rng_next(&r) % 4);
                /* DMA blocks live in the upper half of the scratchpad, compute
                 * tiles in the lower half: a LOAD and a COMPUTE never write one
                 * byte in the same cycle (a schedule error the RTL asserts on) */
                in = mk_dma(kind ? ACC_OP_STORE : ACC_OP_LOAD,
                            (kind ? 65536u : 0u) + (uint32_t)(acc_rng_next(&r) % 20000),
                            cfg.spad_bytes / 2, n0, n1, 1, n0 + (uint32_t)(acc_rng_next(&r) % 9), 0,
                            n0, 0);
            }
            for (int e = 0; e < ACC_ENG_COUNT; e++)
                in.wait[e] = count[e] ? (uint32_t)(acc_rng_next(&r) % (uint64_t)(count[e] + 1)) : 0;
            acc_program_push(&p, &in);
            count[acc_op_engine(in.op)]++;
        }
        tu_push_end(&p);
        acc_dram mem;
        acc_dram_init(&mem, MEM_BYTES);
        cosim_result res;
        acc_error err;
        cr_assert_eq(rtl_exec(&p, &mem, &res, &err), 0, "%s", err.msg);
        model_timing t;
        cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "%s", err.msg);
        for (int i = 0; i < p.count; i++)
            cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                      "program %d, instruction %d: model [%lld, %lld), rtl [%lld, %lld)", n, i,
                      (long long)t.start[i], (long long)t.end[i], (long long)res.start[i],
                      (long long)res.end[i]);
        cr_assert_eq(res.cycles, t.makespan);
        model_timing_free(&t);
        cosim_result_free(&res);
        acc_dram_free(&mem);
        acc_program_free(&p);
    }
}

/* ---------------------------------------------------------------- errors */

/* Runs p (after an optional patch of the encoded image) and expects the
 * accelerator to stop with `code` at `index`, without hanging. */
static void expect_error(acc_program *p, int patch_index, const uint8_t *patch, int code, int index)
{
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    if (patch)
        memcpy(bin + (size_t)patch_index * ACC_INSTR_BYTES, patch, ACC_INSTR_BYTES);
    memcpy(mem.bytes + PROG_ADDR, bin, len);
    free(bin);
    acc_memmap mm = {.x = 0, .w = 0, .y = 0, .prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options opt = tu_rtl_options(200000);
    cosim_result res;
    acc_error err;
    int rc = cosim_backend_rtl.run(p, &cfg, &mm, &mem, &opt, &res, &err);
    cr_assert_eq(rc, -1, "the run did not fail");
    cr_assert_eq(res.timed_out, 0, "the accelerator hung: %s", err.msg);
    cr_assert_eq(res.hw_error, code, "error code %d, expected %d (%s)", res.hw_error, code,
                 err.msg);
    cr_assert_eq(res.hw_error_index, index, "error index %lld, expected %d",
                 (long long)res.hw_error_index, index);
    cosim_result_free(&res);
    acc_dram_free(&mem);
}

/* A memory that sends an R beat nobody asked for breaks the accelerator's
 * assertion LoadBeatExpected (rtl/acc_load.sv): the model stops, and what
 * Verilator printed about it is kept for the report (acc_vm_printed), not
 * only printed on stdout.  Before the beat the model has printed nothing. */
Test(rtl_model, a_failed_assertion_stops_the_model_and_keeps_its_message)
{
    const char *why = NULL;
    acc_vmodel *m = acc_vm_new(NULL, &why);
    cr_assert_not_null(m, "acc_vm_new: %s", why ? why : "?");
    acc_vm_in in;
    acc_vm_out out;
    memset(&in, 0, sizeof(in));
    in.arready = in.awready = in.wready = in.i_arready = 1;
    for (int i = 0; i < 6; i++) { /* four cycles in reset, two after */
        in.rst_n = i >= 4;
        acc_vm_set(m, &in);
        acc_vm_get(m, &out);
        acc_vm_clock(m, 0);
    }
    cr_assert_eq(acc_vm_stopped(m), 0, "stopped before the stray beat: %s", acc_vm_printed(m));
    cr_assert_str_eq(acc_vm_printed(m), "");
    in.rvalid = in.rlast = 1; /* no LOAD runs: no beat is expected */
    acc_vm_set(m, &in);
    acc_vm_get(m, &out);
    acc_vm_clock(m, 0);
    cr_assert_eq(acc_vm_stopped(m), 1, "the stray beat went unnoticed");
    const char *text = acc_vm_printed(m);
    cr_assert(strstr(text, "%Error: acc_load.sv:") != NULL &&
                  strstr(text, "Assertion failed in acc.acc_top.u_load.LoadBeatExpected") != NULL,
              "the message does not name the assertion: '%s'", text);
    acc_vm_free(m);
}

Test(rtl_errors, an_illegal_opcode_stops_with_illegal_at_its_index)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 1, 0, 0, 0, 0);
    acc_program_push(&p, &ld);
    acc_program_push(&p, &ld);
    tu_push_end(&p);
    uint8_t bad[ACC_INSTR_BYTES];
    memset(bad, 0, sizeof(bad));
    bad[0] = 0x07; /* opcode 7 */
    expect_error(&p, 1, bad, 1, 1);
    acc_program_free(&p);
}

Test(rtl_errors, a_nonzero_reserved_bit_is_illegal)
{
    acc_program p;
    acc_program_init(&p);
    tu_push_end(&p);
    uint8_t bad[ACC_INSTR_BYTES];
    memset(bad, 0, sizeof(bad));
    bad[0] = ACC_OP_END;
    bad[31] = 0x80; /* bit 255 */
    expect_error(&p, 0, bad, 1, 0);
    acc_program_free(&p);
}

/* A FLAT COMPUTE that the legality rule rejects on this configuration
 * (model_compute_flat_ok), legal in every other respect: with G < 0 (a
 * row's window starting before the previous row's: stride 2 across, 1
 * down, rows packed), or, with more than one row, with a gap G larger than
 * the window. */
static acc_compute illegal_flat(int negative_gap)
{
    acc_compute c;
    memset(&c, 0, sizeof(c));
    c.fh = c.fw = c.dh = c.dw = 1;
    c.tc = c.tk = c.th = 1;
    c.sh = 1;
    c.sw = negative_gap ? 2 : 1;
    c.tw = negative_gap ? 4 : 1;
    c.vh = 1;
    c.vw = (c.tw - 1) * c.sw + 1;
    c.act_ph = negative_gap ? c.vw : 900; /* G = -1, or 899 */
    c.act_pc = c.act_ph;
    c.act = 0;
    c.wgt = 1024;
    c.out = 1028;
    c.flat = 1;
    return c;
}

Test(rtl_errors, an_illegal_flat_compute_stops_with_illegal_at_its_index)
{
    for (int neg = 1; neg >= 0; neg--) {
        acc_compute c = illegal_flat(neg);
        if (!neg && cfg.rows < 2)
            continue; /* one row: no row boundary inside a pass, any G >= 0 is legal */
        int64_t gap, cross, reach;
        cr_assert(!model_compute_flat_reach(&c, &cfg, &gap, &cross, &reach),
                  "test design: FLAT is legal (G %lld, X %lld, reach %lld)", (long long)gap,
                  (long long)cross, (long long)reach);
        acc_program p;
        acc_program_init(&p);
        acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 1, 0, 0, 0, 0);
        acc_program_push(&p, &ld);
        acc_instr cp;
        memset(&cp, 0, sizeof(cp));
        cp.op = ACC_OP_COMPUTE;
        cp.u.cp = c;
        cp.u.cp.flat = 0; /* the same instruction by rows runs */
        acc_program_push(&p, &cp);
        cp.u.cp.flat = 1;
        acc_program_push(&p, &cp);
        tu_push_end(&p);
        acc_error err;
        for (int i = 0; i < p.count; i++)
            cr_assert_eq(acc_instr_check(&p.ins[i], &err), 0, "%s", err.msg);
        expect_error(&p, 0, NULL, ACC_ERR_ILLEGAL, 2);
        acc_program_free(&p);
    }
}

Test(rtl_errors, a_flat_pass_reaching_the_whole_window_runs_and_one_gap_byte_more_is_illegal)
{
    /* The widest legal gap G for X = 1 (tw = R) and X = 2 (tw = R-2) row
     * boundaries a pass: the lanes read up to window byte W-1, against the
     * iss and the model; one byte more of G (act_ph + 1) is ILLEGAL. */
    uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    if (R < 2)
        cr_skip_test("one row: no row boundary inside a pass");
    int64_t W = model_spad_window(&cfg);
    for (uint32_t x = 1; x <= 2; x++) {
        if (x == 2 && R < 3)
            continue;
        uint32_t tw = x == 1 ? R : R - 2, th = 3;
        cr_assert_eq((tw + R - 2) / tw, x, "test design: X");
        uint32_t gmax = (uint32_t)((W - 1 - (R - 1)) / x);
        acc_compute c = flat_tile(0, 1, 1, 1, 1, 0, th, tw, C, gmax); /* G = act_ph - tw */
        int64_t gap, cross, reach;
        cr_assert(model_compute_flat_reach(&c, &cfg, &gap, &cross, &reach));
        cr_assert(gap == gmax && cross == x && reach <= W && reach + x > W,
                  "test design: G %lld, X %lld, reach %lld of %lld", (long long)gap,
                  (long long)cross, (long long)reach, (long long)W);
        cr_assert(check_flat(&c, flat_passes(th, tw, C), 47 + x));
        c = flat_tile(0, 1, 1, 1, 1, 0, th, tw, C, gmax + 1);
        cr_assert(!model_compute_flat_ok(&c, &cfg));
        acc_program p;
        acc_program_init(&p);
        acc_instr cp;
        memset(&cp, 0, sizeof(cp));
        cp.op = ACC_OP_COMPUTE;
        cp.u.cp = c;
        cp.u.cp.flat = 0;
        acc_program_push(&p, &cp);
        cp.u.cp.flat = 1;
        acc_program_push(&p, &cp);
        tu_push_end(&p);
        expect_error(&p, 0, NULL, ACC_ERR_ILLEGAL, 1);
        acc_program_free(&p);
    }
}

Test(rtl_errors, a_block_past_the_scratchpad_stops_with_spad_range)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ok = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 1, 0, 0, 0, 0);
    acc_instr bad = mk_dma(ACC_OP_LOAD, 0, cfg.spad_bytes - 4, 8, 1, 1, 0, 0, 0, 0);
    acc_program_push(&p, &ok);
    acc_program_push(&p, &bad);
    tu_push_end(&p);
    expect_error(&p, 0, NULL, 2, 1);
    acc_program_free(&p);
}

Test(rtl_errors, a_compute_reading_past_the_scratchpad_stops_with_spad_range)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = (acc_compute){.act = 0,
                            .wgt = cfg.spad_bytes - 2,
                            .out = 0,
                            .fh = 1,
                            .fw = 1,
                            .sh = 1,
                            .sw = 1,
                            .dh = 1,
                            .dw = 1,
                            .tc = 1,
                            .tk = 4,
                            .th = 1,
                            .tw = 1,
                            .act_ph = 1,
                            .act_pc = 1,
                            .vh = 1,
                            .vw = 1};
    acc_program_push(&p, &cp);
    tu_push_end(&p);
    expect_error(&p, 0, NULL, 2, 0);
    acc_program_free(&p);
}

Test(rtl_errors, a_wait_no_earlier_instruction_satisfies_stops_with_deadlock)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 1, 0, 0, 0, 0);
    ld.wait[ACC_ENG_ST] = 1; /* no STORE precedes it */
    acc_program_push(&p, &ld);
    tu_push_end(&p);
    expect_error(&p, 0, NULL, 3, 0);
    acc_program_free(&p);
}

Test(rtl_errors, a_read_outside_memory_stops_with_axi_error)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, MEM_BYTES + 64, 0, 8, 1, 1, 0, 0, 0, 0);
    acc_program_push(&p, &ld);
    tu_push_end(&p);
    expect_error(&p, 0, NULL, 4, 0);
    acc_program_free(&p);
}

Test(rtl_errors, a_program_without_end_stops_with_no_end)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = mk_dma(ACC_OP_LOAD, 0, 0, 8, 1, 1, 0, 0, 0, 0);
    acc_program_push(&p, &ld);
    acc_program_push(&p, &ld);
    expect_error(&p, 0, NULL, 5, 2);
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- layers */

/* Runs a layer through the whole harness (plan, validate, model, rtl,
 * golden) and requires every check to pass. */
static void run_layer(const char *layer, const char *planner)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.layer = layer;
    rc.config = ACC_TEST_CONFIG;
    rc.seed = 5;
    rc.planner = planner;
    rc.backend_impl = &cosim_backend_rtl;
    char out[256];
    snprintf(out, sizeof(out), "%s/%s", ACC_TEST_OUT,
             strchr(layer, ':') ? strchr(layer, ':') + 1 : layer);
    rc.out_dir = out;
    rc.opt.wave_from_instr = rc.opt.wave_to_instr = -1;
    rc.opt.wave_from_cycle = rc.opt.wave_to_cycle = -1;
    cosim_report rep;
    acc_error err;
    int rc_ = cosim_run(&rc, &rep, &err);
    cr_assert_neq(rc_, -1, "%s: %s", layer, err.msg);
    cr_assert(rep.pass, "%s: %s", layer, rep.nfailures ? rep.failures[0] : "fail");
    cr_assert_eq(rep.mismatches, 0);
    cr_assert_eq(rep.cycle_mismatches, 0);
    cr_assert_eq(rep.measured_cycles, rep.model_cycles);
}

/* The small layers run on every configuration but default (whose array is
 * slow to simulate; it runs ResNet-18 layers instead): on small, and on the
 * non-square ones, where a tile's rows and columns differ. */
#define SMALL_LAYER_TEST(lname)                                                                    \
    Test(rtl_layers, lname##_on_both_planners)                                                     \
    {                                                                                              \
        if (strcmp(cfg.name, "default") == 0)                                                      \
            cr_skip_test("default runs ResNet-18 layers instead");                                 \
        run_layer("tests/rtl/layers.csv:" #lname, "double");                                       \
        run_layer("tests/rtl/layers.csv:" #lname, "serial");                                       \
    }
SMALL_LAYER_TEST(stride2)
SMALL_LAYER_TEST(pointwise)
SMALL_LAYER_TEST(k7s2)
SMALL_LAYER_TEST(depthwise)
SMALL_LAYER_TEST(edges)
SMALL_LAYER_TEST(asympad)
SMALL_LAYER_TEST(dilated)
SMALL_LAYER_TEST(grouped)
/* filters larger than the COMPUTE's 15 taps: kernel slices that accumulate
 * (rows; columns, the 1 x K matrix-product form; both) */
SMALL_LAYER_TEST(kslice_tall)
SMALL_LAYER_TEST(kslice_gemm)
SMALL_LAYER_TEST(kslice_both)

Test(rtl_layers, resnet18_layers_on_the_default_configuration)
{
    if (strcmp(cfg.name, "default") != 0)
        cr_skip_test("ResNet-18 layers run on the default configuration");
    /* the three shapes of downsampling, a 3x3 of the last stage and the
     * classifier */
    const char *layers[] = {"resnet_6", "resnet_8", "resnet_13", "resnet_21"};
    for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++)
        run_layer(layers[i], "double");
}
