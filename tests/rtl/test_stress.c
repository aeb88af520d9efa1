/* test_stress.c - the Verilated accelerator in stress mode (docs/cosim.md,
 * "Stress mode"), linked into every build's test_rtl beside test_rtl.c
 * (mk/rtl.mk): the memory stalls READY, jitters latencies and gaps inside a
 * model_jitter, the host reads registers at random times, and the protocol
 * checker and burst scoreboard watch every port.
 *   - the small layers, several seeds, on every configuration but default:
 *     outputs bit-exact, every instruction inside model_run_bounds;
 *   - hand-made DMA programs under several jitters: memory equal to the
 *     iss's, cycles inside the bounds, the same seed the same cycles;
 *   - a FLAT tile (FLAT, rows with ACC, FLAT with ACC) under the default
 *     jitter: memory equal to the iss's, cycles inside the bounds;
 *   - an injected SLVERR / DECERR on each port (load, store, fetch), in
 *     stress and timing mode: AXI_ERROR at the instruction whose burst got
 *     it, no hang, nothing written outside the issued STOREs. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim/backend.h"
#include "cosim/harness.h"
#include "cosim/regmap.h"
#include "golden/iss.h"
#include "tests/testutil.h"
#include "model/bounds.h"
#include "model/model.h"

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

TestSuite(rtl_stress, .init = load_config);

static acc_instr dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0, uint32_t n1,
                     uint32_t ds1, uint32_t ss1, uint32_t wait_ld)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, spad, n0, n1, 1, ds1, 0, ss1, 0};
    in.wait[ACC_ENG_LD] = wait_ld;
    return in;
}

static cosim_options stress_opt(uint64_t seed, const model_jitter *j)
{
    cosim_options o = tu_rtl_options(2000000);
    o.stress.on = 1;
    o.stress.seed = seed;
    o.stress.lr_min = j->lr_min;
    o.stress.lr_max = j->lr_max;
    o.stress.lw_min = j->lw_min;
    o.stress.lw_max = j->lw_max;
    o.stress.gap_max = j->gap_max;
    return o;
}

/* Runs p at PROG_ADDR of mem with opt; returns the backend's status. */
static int exec(const acc_program *p, acc_dram *mem, const cosim_options *opt, cosim_result *res,
                acc_error *err)
{
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    memcpy(mem->bytes + PROG_ADDR, bin, len);
    free(bin);
    acc_memmap mm = {.x = 0, .w = 0, .y = 0, .prog = PROG_ADDR, .end = PROG_ADDR};
    return cosim_backend_rtl.run(p, &cfg, &mm, mem, opt, res, err);
}

/* LOAD / STORE round trips of odd alignments and lengths, rows crossing
 * 4 KiB and longer than 256 beats: each STORE waits for its LOAD, each LOAD
 * for the STOREs before it (their blocks overlap in the scratchpad). */
static void round_trips(acc_program *p)
{
    acc_program_init(p);
    const uint32_t n0s[] = {1, 7, 64, 333, 200};
    const uint32_t drams[] = {3, 0xFF9, 0x1FF0, 0x2005, 0x3FC1};
    uint32_t half = cfg.spad_bytes / 2;
    for (int k = 0; k < 5; k++) {
        uint32_t n0 = n0s[k] < half / 2 ? n0s[k] : half / 2;
        uint32_t n1 = k == 4 ? 2 : 1;
        acc_instr ld = dma(ACC_OP_LOAD, drams[k], (uint32_t)k % 3, n0, n1, n0 + 9, n0, 0);
        ld.wait[ACC_ENG_ST] = (uint32_t)k;
        acc_instr st = dma(ACC_OP_STORE, 0x20000 + drams[k], (uint32_t)k % 3, n0, n1, n0 + 5, n0,
                           (uint32_t)k + 1);
        acc_program_push(p, &ld);
        acc_program_push(p, &st);
    }
    /* a long row (many 256-beat bursts on narrow buses) */
    uint32_t n = half < 4095 ? half : 4095; /* n0 is at most 4095 */
    acc_instr ld = dma(ACC_OP_LOAD, 0x8003, 0, n, 1, n, n, 0);
    ld.wait[ACC_ENG_ST] = 5;
    acc_instr st = dma(ACC_OP_STORE, 0x30001, 0, n, 1, n, n, 6);
    acc_program_push(p, &ld);
    acc_program_push(p, &st);
    tu_push_end(p);
}

Test(rtl_stress, dma_round_trips_match_the_iss_and_stay_inside_the_bounds)
{
    acc_program p;
    round_trips(&p);
    model_jitter js[3];
    model_jitter_default(&cfg, &js[0]);
    js[1] = (model_jitter){1, 3 * cfg.read_latency + 5, 1, 3 * cfg.write_latency + 5, 6};
    js[2] =
        (model_jitter){cfg.read_latency, cfg.read_latency, cfg.write_latency, cfg.write_latency, 0};
    acc_dram ref;
    acc_dram_init(&ref, MEM_BYTES);
    tu_fill_random(&ref, 3);
    acc_error err;
    cr_assert_eq(iss_run(&p, &cfg, &ref, NULL, &err), 0, "iss: %s", err.msg);
    int reads = 0, writes = 0; /* the stress host's accesses over the 9 runs */
    for (int j = 0; j < 3; j++) {
        model_bounds b;
        cr_assert_eq(model_run_bounds(&p, &cfg, &js[j], &b, &err), 0, "%s", err.msg);
        for (uint64_t seed = 1; seed <= 3; seed++) {
            cosim_options o = stress_opt(seed, &js[j]);
            acc_dram mem;
            acc_dram_init(&mem, MEM_BYTES);
            tu_fill_random(&mem, 3);
            cosim_result res;
            cr_assert_eq(exec(&p, &mem, &o, &res, &err), 0, "jitter %d seed %llu: %s", j,
                         (unsigned long long)seed, err.msg);
            for (int i = 0; i < p.count; i++)
                cr_assert(res.start[i] >= b.start_lo[i] && res.start[i] <= b.start_hi[i] &&
                              res.end[i] >= b.end_lo[i] && res.end[i] <= b.end_hi[i],
                          "jitter %d seed %llu, instruction %d: issue %lld in [%lld, %lld], end "
                          "%lld in [%lld, %lld]",
                          j, (unsigned long long)seed, i, (long long)res.start[i],
                          (long long)b.start_lo[i], (long long)b.start_hi[i], (long long)res.end[i],
                          (long long)b.end_lo[i], (long long)b.end_hi[i]);
            reads += res.host_reads;
            writes += res.host_writes;
            /* the program image is the same in both, the rest must be too */
            memcpy(ref.bytes + PROG_ADDR, mem.bytes + PROG_ADDR, MEM_BYTES - PROG_ADDR);
            for (uint64_t a = 0; a < MEM_BYTES; a++)
                cr_assert_eq(mem.bytes[a], ref.bytes[a],
                             "jitter %d seed %llu: memory differs from the iss at 0x%05llx: rtl "
                             "0x%02x, iss 0x%02x",
                             j, (unsigned long long)seed, (unsigned long long)a, mem.bytes[a],
                             ref.bytes[a]);
            if (seed == 1) { /* the same seed, the same run */
                cosim_result again;
                acc_dram m2;
                acc_dram_init(&m2, MEM_BYTES);
                tu_fill_random(&m2, 3);
                cr_assert_eq(exec(&p, &m2, &o, &again, &err), 0, "%s", err.msg);
                for (int i = 0; i < p.count; i++)
                    cr_assert(again.start[i] == res.start[i] && again.end[i] == res.end[i],
                              "seed 1 run twice: instruction %d differs", i);
                cosim_result_free(&again);
                acc_dram_free(&m2);
            }
            cosim_result_free(&res);
            acc_dram_free(&mem);
        }
        model_bounds_free(&b);
    }
    cr_assert(reads > 0 && writes > 0, "the host read %d and wrote %d registers during the runs",
              reads, writes);
    acc_dram_free(&ref);
    acc_program_free(&p);
}

/* A FLAT tile (a 3x3 kernel with padding on every side, tw = R-1 pixels a
 * row so that pixel groups straddle rows, tk = C+1 channels) computed FLAT,
 * by rows with ACC and FLAT with ACC, between its LOADs and its STORE. */
static void flat_program(acc_program *p)
{
    acc_program_init(p);
    acc_compute c;
    memset(&c, 0, sizeof(c));
    c.tc = 2;
    c.fh = c.fw = 3;
    c.sh = c.sw = c.dh = c.dw = 1;
    c.ptop = c.pleft = 1;
    c.th = 3;
    c.tw = cfg.rows > 2 ? (uint32_t)cfg.rows - 1 : 3;
    c.tk = (uint32_t)cfg.cols + 1;
    c.vh = c.th;
    c.vw = c.tw;
    c.act_ph = c.vw + 1; /* G = 1 */
    c.act_pc = c.act_ph * c.vh;
    c.act = 0;
    c.wgt = c.act_pc * c.tc;
    c.out = (c.wgt + 9 * c.tc * c.tk + 3) & ~3u;
    cr_assert_leq(c.out + 4 * c.tk * c.th * c.tw, cfg.spad_bytes);
    cr_assert(model_compute_flat_ok(&c, &cfg), "a G = 1 tile is legal on every configuration");
    acc_instr ld_a = dma(ACC_OP_LOAD, 0x1003, c.act, c.act_pc, c.tc, c.act_pc, c.act_pc, 0);
    acc_instr ld_w = dma(ACC_OP_LOAD, 0x5001, c.wgt, 9 * c.tk, c.tc, 9 * c.tk, 9 * c.tk, 0);
    acc_program_push(p, &ld_a);
    acc_program_push(p, &ld_w);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    for (int i = 0; i < 3; i++) {
        cp.u.cp = c;
        cp.u.cp.acc = i > 0;
        cp.u.cp.flat = i != 1;
        acc_program_push(p, &cp);
    }
    acc_instr st =
        dma(ACC_OP_STORE, 0x20002, c.out, c.tw * 4, c.tk * c.th, c.tw * 4 + 3, c.tw * 4, 0);
    acc_program_push(p, &st);
    tu_push_end(p);
    tu_serialise(p);
}

Test(rtl_stress, flat_computes_match_the_iss_and_stay_inside_the_bounds)
{
    acc_program p;
    flat_program(&p);
    model_jitter j;
    model_jitter_default(&cfg, &j);
    acc_dram ref;
    acc_dram_init(&ref, MEM_BYTES);
    tu_fill_random(&ref, 5);
    acc_error err;
    cr_assert_eq(iss_run(&p, &cfg, &ref, NULL, &err), 0, "iss: %s", err.msg);
    model_bounds b;
    cr_assert_eq(model_run_bounds(&p, &cfg, &j, &b, &err), 0, "%s", err.msg);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        cosim_options o = stress_opt(seed, &j);
        acc_dram mem;
        acc_dram_init(&mem, MEM_BYTES);
        tu_fill_random(&mem, 5);
        cosim_result res;
        cr_assert_eq(exec(&p, &mem, &o, &res, &err), 0, "seed %llu: %s", (unsigned long long)seed,
                     err.msg);
        for (int i = 0; i < p.count; i++)
            cr_assert(res.start[i] >= b.start_lo[i] && res.start[i] <= b.start_hi[i] &&
                          res.end[i] >= b.end_lo[i] && res.end[i] <= b.end_hi[i],
                      "seed %llu, instruction %d: issue %lld in [%lld, %lld], end %lld in "
                      "[%lld, %lld]",
                      (unsigned long long)seed, i, (long long)res.start[i],
                      (long long)b.start_lo[i], (long long)b.start_hi[i], (long long)res.end[i],
                      (long long)b.end_lo[i], (long long)b.end_hi[i]);
        memcpy(ref.bytes + PROG_ADDR, mem.bytes + PROG_ADDR, MEM_BYTES - PROG_ADDR);
        for (uint64_t a = 0; a < MEM_BYTES; a++)
            cr_assert_eq(mem.bytes[a], ref.bytes[a],
                         "seed %llu: memory differs from the iss at 0x%05llx: rtl 0x%02x, iss "
                         "0x%02x",
                         (unsigned long long)seed, (unsigned long long)a, mem.bytes[a],
                         ref.bytes[a]);
        cosim_result_free(&res);
        acc_dram_free(&mem);
    }
    model_bounds_free(&b);
    acc_dram_free(&ref);
    acc_program_free(&p);
}

/* An error on `port`'s burst n must stop the program at instruction `index`
 * with AXI_ERROR, in stress mode (seeds 1, 2) and in timing mode. */
static void expect_injected(const acc_program *p, cosim_port port, int64_t n, int resp, int index)
{
    model_jitter j;
    model_jitter_default(&cfg, &j);
    for (int mode = 0; mode < 3; mode++) {
        cosim_options o = stress_opt((uint64_t)mode, &j);
        o.stress.on = mode > 0;
        o.stress.inject_port = port;
        o.stress.inject_burst = n;
        o.stress.inject_resp = resp;
        o.cycle_budget = 200000;
        acc_dram mem;
        acc_dram_init(&mem, MEM_BYTES);
        cosim_result res;
        acc_error err;
        int rc = exec(p, &mem, &o, &res, &err);
        cr_assert_eq(rc, -1, "mode %d: the run did not fail", mode);
        cr_assert_eq(res.timed_out, 0, "mode %d: the accelerator hung: %s", mode, err.msg);
        cr_assert_eq(res.axi_violation[0], '\0', "mode %d: %s", mode, res.axi_violation);
        cr_assert_eq(res.hw_error, ACC_ERR_AXI, "mode %d: error code %d, expected AXI_ERROR (%s)",
                     mode, res.hw_error, err.msg);
        cr_assert_eq(res.hw_error_index, index, "mode %d: error index %lld, expected %d", mode,
                     (long long)res.hw_error_index, index);
        cosim_result_free(&res);
        acc_dram_free(&mem);
    }
}

/* LOAD (1 burst), LOAD (3 rows: 3 bursts), STORE (2 rows), STORE, END. */
static void injection_program(acc_program *p)
{
    acc_program_init(p);
    acc_instr a = dma(ACC_OP_LOAD, 0x100, 0, 8, 1, 8, 8, 0);
    acc_instr b = dma(ACC_OP_LOAD, 0x1000, 64, 8, 3, 64, 8, 0);
    acc_instr c = dma(ACC_OP_STORE, 0x10000, 64, 8, 2, 256, 8, 2);
    acc_instr d = dma(ACC_OP_STORE, 0x11000, 0, 8, 1, 8, 8, 2);
    acc_program_push(p, &a);
    acc_program_push(p, &b);
    acc_program_push(p, &c);
    acc_program_push(p, &d);
    tu_push_end(p);
}

Test(rtl_stress, a_load_burst_error_stops_with_axi_error_at_its_load)
{
    acc_program p;
    injection_program(&p);
    expect_injected(&p, COSIM_PORT_LOAD, 1, 2, 0);
    expect_injected(&p, COSIM_PORT_LOAD, 3, 3, 1);
    acc_program_free(&p);
}

Test(rtl_stress, a_store_response_error_stops_with_axi_error_at_its_store)
{
    acc_program p;
    injection_program(&p);
    expect_injected(&p, COSIM_PORT_STORE, 1, 2, 2);
    expect_injected(&p, COSIM_PORT_STORE, 2, 2, 2);
    expect_injected(&p, COSIM_PORT_STORE, 3, 3, 3);
    acc_program_free(&p);
}

Test(rtl_stress, a_fetch_error_stops_with_axi_error_at_that_instruction)
{
    acc_program p;
    injection_program(&p);
    expect_injected(&p, COSIM_PORT_FETCH, 1, 2, 0);
    expect_injected(&p, COSIM_PORT_FETCH, 3, 2, 2);
    expect_injected(&p, COSIM_PORT_FETCH, 5, 3, 4); /* the END itself */
    acc_program_free(&p);
}

/* ---------------------------------------------------------------- layers */

/* One layer through the harness in stress mode (seed) or with an error
 * injected; every check of the harness must pass. */
static void run_layer(const char *lname, uint64_t seed, cosim_port port, int64_t burst)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    char layer[128], out[256];
    snprintf(layer, sizeof(layer), "tests/rtl/layers.csv:%s", lname);
    snprintf(out, sizeof(out), "%s/stress-%s-%llu-%d", ACC_TEST_OUT, lname,
             (unsigned long long)seed, (int)port);
    rc.layer = layer;
    rc.config = ACC_TEST_CONFIG;
    rc.seed = 5;
    rc.planner = "double";
    rc.backend_impl = &cosim_backend_rtl;
    rc.out_dir = out;
    rc.opt.wave_from_instr = rc.opt.wave_to_instr = -1;
    rc.opt.wave_from_cycle = rc.opt.wave_to_cycle = -1;
    rc.opt.stress.on = 1;
    rc.opt.stress.seed = seed;
    rc.opt.stress.inject_port = port;
    rc.opt.stress.inject_burst = burst;
    cosim_report rep;
    acc_error err;
    int r = cosim_run(&rc, &rep, &err);
    cr_assert_neq(r, -1, "%s: %s", layer, err.msg);
    /* the report's failure lines name the seed */
    cr_assert(rep.pass, "%s: %s", layer, rep.nfailures ? rep.failures[0] : "fail");
    cr_assert(rep.stress && rep.bound_hi >= rep.bound_lo && rep.bound_lo > 0);
    if (port == COSIM_PORT_NONE) {
        cr_assert_eq(rep.mismatches, 0);
        cr_assert_eq(rep.out_of_bounds, 0);
    } else {
        cr_assert_eq(rep.hw_error, ACC_ERR_AXI);
        cr_assert_eq(rep.hw_error_index, rep.inject_index);
    }
}

#define STRESS_LAYER_TEST(lname)                                                                   \
    Test(rtl_stress, lname##_passes_under_three_stress_seeds)                                      \
    {                                                                                              \
        if (strcmp(cfg.name, "default") == 0)                                                      \
            cr_skip_test("default is slow to simulate; the small configurations cover it");        \
        for (uint64_t seed = 1; seed <= 3; seed++)                                                 \
            run_layer(#lname, seed, COSIM_PORT_NONE, 0);                                           \
    }
STRESS_LAYER_TEST(stride2)
STRESS_LAYER_TEST(pointwise)
STRESS_LAYER_TEST(k7s2)
STRESS_LAYER_TEST(depthwise)
STRESS_LAYER_TEST(edges)
STRESS_LAYER_TEST(asympad)
STRESS_LAYER_TEST(dilated)
STRESS_LAYER_TEST(grouped)

Test(rtl_stress, errors_injected_into_a_layer_stop_it_at_the_right_instruction)
{
    if (strcmp(cfg.name, "default") == 0)
        cr_skip_test("default is slow to simulate; the small configurations cover it");
    const struct {
        cosim_port port;
        int64_t burst;
    } cases[] = {{COSIM_PORT_LOAD, 1},  {COSIM_PORT_LOAD, 11}, {COSIM_PORT_STORE, 1},
                 {COSIM_PORT_STORE, 9}, {COSIM_PORT_FETCH, 2}, {COSIM_PORT_FETCH, 17}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_layer("edges", 7 + i, cases[i].port, cases[i].burst);
}
