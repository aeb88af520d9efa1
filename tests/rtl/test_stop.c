/* test_stop.c - the stop paths of the Verilated accelerator (docs/rtl.md,
 * "Errors"), linked into every build's test_rtl beside test_rtl.c
 * (mk/rtl.mk).  Every program keeps engines busy when it stops: a LOAD, a
 * STORE or a fetch beat answers an error, the head is ILLEGAL, out of the
 * scratchpad or waits for what cannot happen, or the program has no END.
 * Each test pins, from the documented behaviour, the model (model_run) and
 * the iss:
 *   - ERR_CODE and ERR_INDEX;
 *   - which instructions issued (exactly the model's, with the model's issue
 *     and end cycles: the running engines drained) and RETIRED = their count;
 *   - CYCLES = the cycle after the drain, so the stop is prompt;
 *   - the BUSY counters (the issued instructions' durations);
 *   - the memory left behind: the STOREs that issued wrote their blocks, the
 *     faulting transfer and everything after it nothing;
 * then restarts the same model without a reset (cosim_rtl_run_seq) with a
 * program that stores the scratchpad regions the stopped run wrote: it must
 * run in the model's cycles, and the memory must equal the iss of the issued
 * instructions followed by that program. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/sched.h"
#include "cosim/axi_check.h"
#include "cosim/backend.h"
#include "cosim/harness.h"
#include "cosim/regmap.h"
#include "golden/iss.h"
#include "tests/testutil.h"
#include "model/model.h"

#if !defined(ACC_TEST_CONFIG) || !defined(ACC_TEST_OUT)
#error "ACC_TEST_CONFIG (the configuration file) and ACC_TEST_OUT must be defined"
#endif

extern const cosim_backend cosim_backend_rtl;

#define MEM_BYTES (256u * 1024u)
#define PROG_ADDR (192u * 1024u)  /* the stopped program */
#define PROG2_ADDR (200u * 1024u) /* the restart */
/* external memory: sources, then destinations */
#define X_OPERANDS 0x1000u
#define X_S 0x4000u
#define X_T 0x5000u
#define X_F 0x6000u
#define Y_S 0x10000u     /* STORE 3 of the busy prefix */
#define Y_LATE 0x12000u  /* a STORE that must not issue */
#define Y_FAULT 0x13000u /* the faulting STORE */
#define Y_BACK 0x20000u  /* the restart's read-back */

static acc_config cfg;
static uint32_t s_reg, t_reg, f_reg; /* scratchpad DMA regions (upper half) */
static acc_compute tile;             /* the COMPUTE of the busy prefix */
static uint32_t out_bytes;

static void setup(void)
{
    acc_error err;
    cr_assert_eq(acc_config_load(ACC_TEST_CONFIG, &cfg, &err), 0, "%s", err.msg);
    uint32_t half = cfg.spad_bytes / 2;
    s_reg = half;
    t_reg = half + 1024;
    f_reg = half + 1536;
    /* a 3x3 kernel over 4 channels, 4 output rows of R pixels and C
     * channels: 4 passes; operands below 1152, results from 1152 */
    memset(&tile, 0, sizeof(tile));
    tile.act = 0;
    tile.wgt = 512;
    tile.out = 1152;
    tile.fh = tile.fw = 3;
    tile.sh = tile.sw = tile.dh = tile.dw = 1;
    tile.tc = 4;
    tile.tk = (uint32_t)cfg.cols;
    tile.th = 4;
    tile.tw = (uint32_t)cfg.rows;
    tile.vh = 6;
    tile.vw = (uint32_t)cfg.rows + 2;
    tile.act_ph = tile.vw;
    tile.act_pc = tile.vh * tile.vw;
    out_bytes = tile.tk * tile.th * tile.tw * 4;
    cr_assert(tile.out + out_bytes <= half && f_reg + 8 <= cfg.spad_bytes, "layout");
}

TestSuite(rtl_stop, .init = setup);

static acc_instr dma(acc_opcode op, uint32_t dram, uint32_t spad, uint32_t n0)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    in.u.dma = (acc_dma){dram, spad, n0, 1, 1, 0, 0, 0, 0};
    return in;
}

static void push(acc_program *p, acc_instr in, uint32_t wld, uint32_t wcp, uint32_t wst)
{
    in.wait[ACC_ENG_LD] = wld;
    in.wait[ACC_ENG_CP] = wcp;
    in.wait[ACC_ENG_ST] = wst;
    acc_program_push(p, &in);
}

/* 0 LOAD operands, 1 LOAD S (512 bytes), 2 COMPUTE (after 0), 3 STORE of
 * `n` bytes of S (after 1): the COMPUTE is long, and so is the STORE when n
 * is 512. */
static void busy_prefix_n(acc_program *p, uint32_t n)
{
    acc_program_init(p);
    push(p, dma(ACC_OP_LOAD, X_OPERANDS, 0, tile.out), 0, 0, 0);
    push(p, dma(ACC_OP_LOAD, X_S, s_reg, 512), 0, 0, 0);
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = tile;
    push(p, cp, 1, 0, 0);
    push(p, dma(ACC_OP_STORE, Y_S, s_reg, n), 2, 0, 0);
}

static void busy_prefix(acc_program *p)
{
    busy_prefix_n(p, 512);
}

/* The restart: stores the COMPUTE's results, S and (with t) T. */
static void read_back(acc_program *r, int t)
{
    acc_program_init(r);
    /* the results as tk*th rows of tw pixels (n0 has 12 bits) */
    acc_instr res = dma(ACC_OP_STORE, Y_BACK, tile.out, tile.tw * 4);
    res.u.dma.n1 = tile.tk * tile.th;
    res.u.dma.dram_s1 = res.u.dma.spad_s1 = tile.tw * 4;
    push(r, res, 0, 0, 0);
    push(r, dma(ACC_OP_STORE, Y_BACK + 0x1000, s_reg, 512), 0, 0, 0);
    if (t)
        push(r, dma(ACC_OP_STORE, Y_BACK + 0x2000, t_reg, 512), 0, 0, 0);
    tu_push_end(r);
}

static void place(acc_dram *m, const acc_program *p, uint32_t at, int patch_index,
                  const uint8_t *patch)
{
    size_t len;
    uint8_t *bin = acc_program_encode(p, &len);
    if (patch)
        memcpy(bin + (size_t)patch_index * ACC_INSTR_BYTES, patch, ACC_INSTR_BYTES);
    if (len)
        memcpy(m->bytes + at, bin, len);
    free(bin);
}

/* What the stop must look like (docs/rtl.md, "Errors"). */
typedef struct stop_case {
    int code;        /* ERR_CODE */
    int index;       /* ERR_INDEX */
    int faulting;    /* the faulting issued transfer, -1 for a head fault */
    cosim_port port; /* injected error, COSIM_PORT_NONE for none */
    int64_t burst;   /* its burst */
    int patch_index; /* patched encoding, or NULL patch */
    const uint8_t *patch;
    int read_t;   /* the restart reads T back too */
    int64_t seen; /* > 0: the cycle an engine error is seen (a write race) */
} stop_case;

/* Runs p (then the restart) and checks everything against the model of
 * `legal` (p itself, or its issued prefix with END) and the iss.  The
 * restart is `restart`, or NULL for read_back.  late_dst (0: none) is the
 * destination of a STORE that must not issue, late_src the external bytes
 * it would have copied there. */
static void check_stop(const acc_program *p, const acc_program *legal, const acc_program *restart,
                       const stop_case *c, uint32_t late_dst, uint32_t late_src)
{
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(legal, &cfg, &t, &err), 0, "model: %s", err.msg);
    /* the issued instructions and the first cycle of the drain (D) */
    int m;
    int64_t drain;
    if (c->seen > 0) { /* issue stops in the cycle the error is seen */
        for (m = 0; m < p->count && t.start[m] < c->seen; m++)
            ;
        drain = c->seen + 1;
    } else if (c->faulting >= 0) { /* issue stops in the faulting transfer's last cycle */
        int64_t ef = t.end[c->faulting];
        for (m = 0; m < p->count && t.start[m] <= ef - 2; m++)
            ;
        drain = ef;
    } else { /* the faulty head is seen one cycle after the last issue */
        m = c->index;
        drain = (m == 0 ? (p->count ? model_first_issue(&cfg) : 1) : t.start[m - 1] + 1) + 1;
    }
    int64_t stop = drain, busy[ACC_ENG_COUNT] = {0, 0, 0};
    for (int i = 0; i < m; i++) {
        if (t.end[i] > stop)
            stop = t.end[i];
        busy[acc_op_engine(legal->ins[i].op)] += t.end[i] - t.start[i];
    }
    acc_program r;
    if (restart) {
        acc_program_init(&r);
        for (int i = 0; i < restart->count; i++)
            acc_program_push(&r, &restart->ins[i]);
    } else {
        read_back(&r, c->read_t);
    }
    model_timing t2;
    cr_assert_eq(model_run(&r, &cfg, &t2, &err), 0, "model: %s", err.msg);

    acc_dram mem, ref;
    acc_dram_init(&mem, MEM_BYTES);
    acc_dram_init(&ref, MEM_BYTES);
    tu_fill_random(&mem, 41);
    place(&mem, p, PROG_ADDR, c->patch_index, c->patch);
    place(&mem, &r, PROG2_ADDR, 0, NULL);
    memcpy(ref.bytes, mem.bytes, MEM_BYTES);

    const acc_program ps[2] = {*p, r};
    const acc_memmap mm[2] = {{.prog = PROG_ADDR, .end = PROG_ADDR},
                              {.prog = PROG2_ADDR, .end = PROG2_ADDR}};
    cosim_options o = tu_rtl_options(100000);
    o.stress.inject_port = c->port;
    o.stress.inject_burst = c->burst;
    o.stress.inject_resp = 2;
    cosim_result res[2];
    int rc = cosim_rtl_run_seq(2, ps, mm, &cfg, &mem, &o, res, &err);
    cr_assert_eq(rc, -1, "the first program did not fail");
    const cosim_result *a = &res[0];
    cr_assert_eq(a->timed_out, 0, "the accelerator hung: %s", err.msg);
    cr_assert_eq(a->axi_violation[0], '\0', "%s", a->axi_violation);
    cr_assert_eq(a->hw_error, c->code, "ERR_CODE %d, expected %d (%s)", a->hw_error, c->code,
                 err.msg);
    cr_assert_eq(a->hw_error_index, c->index, "ERR_INDEX %lld, expected %d",
                 (long long)a->hw_error_index, c->index);
    cr_assert_eq(a->retired, m, "RETIRED %lld, expected %d (the issued instructions)",
                 (long long)a->retired, m);
    for (int i = 0; i < p->count; i++) {
        if (i < m)
            cr_assert(a->start[i] == t.start[i] && a->end[i] == t.end[i],
                      "instruction %d: model [%lld, %lld), rtl [%lld, %lld)", i,
                      (long long)t.start[i], (long long)t.end[i], (long long)a->start[i],
                      (long long)a->end[i]);
        else
            cr_assert_eq(a->start[i], -1, "instruction %d issued after the stop (cycle %lld)", i,
                         (long long)a->start[i]);
    }
    cr_assert_eq(a->cycles, stop + 1,
                 "CYCLES %lld, expected %lld (drain from cycle %lld, engines idle in %lld)",
                 (long long)a->cycles, (long long)(stop + 1), (long long)drain, (long long)stop);
    for (int e = 0; e < ACC_ENG_COUNT; e++)
        cr_assert_eq(a->busy[e], busy[e], "BUSY of engine %d: %lld, expected %lld", e,
                     (long long)a->busy[e], (long long)busy[e]);

    /* the restart: no error, the model's cycles */
    const cosim_result *b = &res[1];
    cr_assert(b->measured && !b->timed_out && b->hw_error == 0,
              "the restart failed: error %d at %lld", b->hw_error, (long long)b->hw_error_index);
    for (int i = 0; i < r.count; i++)
        cr_assert(b->start[i] == t2.start[i] && b->end[i] == t2.end[i],
                  "restart, instruction %d: model [%lld, %lld), rtl [%lld, %lld)", i,
                  (long long)t2.start[i], (long long)t2.end[i], (long long)b->start[i],
                  (long long)b->end[i]);
    cr_assert_eq(b->cycles, t2.makespan, "restart: CYCLES %lld, model %lld", (long long)b->cycles,
                 (long long)t2.makespan);
    cr_assert_eq(b->retired, r.count, "restart: RETIRED %lld", (long long)b->retired);

    /* memory: the iss of the issued instructions (the faulting transfer
     * writes nothing: every beat or the response of its one burst is an
     * error) followed by the restart */
    acc_program seq;
    acc_program_init(&seq);
    for (int i = 0; i < m; i++)
        if (i != c->faulting)
            acc_program_push(&seq, &legal->ins[i]);
    for (int i = 0; i < r.count; i++)
        acc_program_push(&seq, &r.ins[i]);
    cr_assert_eq(iss_run(&seq, &cfg, &ref, NULL, &err), 0, "iss: %s", err.msg);
    for (uint64_t x = 0; x < MEM_BYTES; x++)
        cr_assert_eq(mem.bytes[x], ref.bytes[x],
                     "memory differs from the iss at 0x%05llx: rtl 0x%02x, iss 0x%02x",
                     (unsigned long long)x, mem.bytes[x], ref.bytes[x]);
    /* the test can fail: had the late STORE run, it would have written the
     * bytes at late_src to late_dst */
    if (late_dst)
        cr_assert(memcmp(mem.bytes + late_dst, mem.bytes + late_src, 8) != 0,
                  "test design: the late STORE would not change memory");
    acc_program_free(&seq);
    acc_dram_free(&mem);
    acc_dram_free(&ref);
    for (int k = 0; k < 2; k++)
        cosim_result_free(&res[k]);
    model_timing_free(&t);
    model_timing_free(&t2);
    acc_program_free(&r);
}

/* The model says the instructions `running` overlap the fault cycle f. */
static void require_busy_at(const acc_program *p, int64_t f, const int *running, int n)
{
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(p, &cfg, &t, &err), 0, "%s", err.msg);
    for (int k = 0; k < n; k++)
        cr_assert(t.start[running[k]] < f && t.end[running[k]] > f,
                  "test design: instruction %d [%lld, %lld) is not running in cycle %lld",
                  running[k], (long long)t.start[running[k]], (long long)t.end[running[k]],
                  (long long)f);
    model_timing_free(&t);
}

static int64_t fault_end(const acc_program *p, int f)
{
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(p, &cfg, &t, &err), 0, "%s", err.msg);
    int64_t e = t.end[f] - 1;
    model_timing_free(&t);
    return e;
}

static int64_t first_burst(const acc_program *p, acc_opcode op, int instr)
{
    for (int64_t n = 1;; n++) {
        int owner = axi_burst_owner(p, &cfg, op, n, NULL);
        cr_assert(owner >= 0, "no burst of instruction %d", instr);
        if (owner == instr)
            return n;
    }
}

Test(rtl_stop, a_load_error_while_a_compute_and_a_store_run_drains_them_and_issues_nothing_more)
{
    /* 4 LOAD F (one burst, faulting) while 2 COMPUTE and 3 STORE run;
     * 5 STORE F waits for it and must never issue */
    acc_program p;
    busy_prefix(&p);
    push(&p, dma(ACC_OP_LOAD, X_F, f_reg, 8), 0, 0, 0);
    push(&p, dma(ACC_OP_STORE, Y_LATE, f_reg, 8), 3, 0, 0);
    tu_push_end(&p);
    require_busy_at(&p, fault_end(&p, 4), (const int[]){2, 3}, 2);
    stop_case c = {ACC_ERR_AXI, 4, 4, COSIM_PORT_LOAD, first_burst(&p, ACC_OP_LOAD, 4), 0,
                   NULL,        0, 0};
    check_stop(&p, &p, NULL, &c, Y_LATE, X_F);
    acc_program_free(&p);
}

Test(rtl_stop, a_store_error_while_a_load_and_a_compute_run_drains_them_and_issues_nothing_more)
{
    /* 4 LOAD T (long), 5 STORE (one burst, faulting) while 2 COMPUTE and 4
     * LOAD run; 6 STORE T waits for the LOAD and must never issue; STORE 3
     * is short, so that the faulting one runs early */
    acc_program p;
    busy_prefix_n(&p, 8);
    /* LOAD T repeats its 512-byte row (strides 0) once per 64 bits of bus,
     * so that it lasts as long on every bus width */
    acc_instr long_load = dma(ACC_OP_LOAD, X_T, t_reg, 512);
    long_load.u.dma.n1 = (uint32_t)(cfg.axi_bytes >= 8 ? cfg.axi_bytes / 8 : 1);
    push(&p, long_load, 0, 0, 0);
    push(&p, dma(ACC_OP_STORE, Y_FAULT, s_reg, 8), 0, 0, 1);
    push(&p, dma(ACC_OP_STORE, Y_LATE + 0x100, t_reg, 8), 3, 0, 0);
    tu_push_end(&p);
    require_busy_at(&p, fault_end(&p, 5), (const int[]){2, 4}, 2);
    stop_case c = {ACC_ERR_AXI, 5, 5, COSIM_PORT_STORE, first_burst(&p, ACC_OP_STORE, 5), 0,
                   NULL,        1, 0};
    check_stop(&p, &p, NULL, &c, Y_LATE + 0x100, X_T);
    /* the faulting STORE wrote nothing: check_stop's iss leaves it out */
    acc_program_free(&p);
}

/* The busy prefix, then instruction 4 (`bad`, or a LOAD patched), a STORE
 * and END; the head fault at 4 is seen while 2 and 3 run. */
static void head_fault(const acc_instr *bad, int code, cosim_port port, const uint8_t *patch)
{
    acc_program p;
    busy_prefix(&p);
    acc_program legal;
    busy_prefix(&legal);
    tu_push_end(&legal);
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(&legal, &cfg, &t, &err), 0, "%s", err.msg);
    cr_assert(t.end[2] > t.start[3] + 2 && t.end[3] > t.start[3] + 2,
              "test design: the COMPUTE and the STORE do not run when the head is seen");
    model_timing_free(&t);
    acc_instr four = bad ? *bad : dma(ACC_OP_LOAD, X_F, f_reg, 8);
    acc_program_push(&p, &four);
    push(&p, dma(ACC_OP_STORE, Y_LATE, s_reg, 8), 0, 0, 0);
    tu_push_end(&p);
    stop_case c = {code, 4, -1, port, port == COSIM_PORT_FETCH ? 5 : 0, 4, patch, 0, 0};
    check_stop(&p, &legal, NULL, &c, Y_LATE, X_S);
    acc_program_free(&p);
    acc_program_free(&legal);
}

Test(rtl_stop, a_fetch_error_while_a_compute_and_a_store_run_stops_at_that_instruction)
{
    head_fault(NULL, ACC_ERR_AXI, COSIM_PORT_FETCH, NULL);
}

Test(rtl_stop, an_illegal_instruction_while_a_compute_and_a_store_run_stops_at_its_index)
{
    uint8_t bad[ACC_INSTR_BYTES];
    memset(bad, 0, sizeof(bad));
    bad[0] = 0x07; /* opcode 7 */
    head_fault(NULL, ACC_ERR_ILLEGAL, COSIM_PORT_NONE, bad);
}

Test(rtl_stop, a_block_past_the_scratchpad_while_a_compute_and_a_store_run_stops_with_spad_range)
{
    acc_instr bad = dma(ACC_OP_LOAD, X_F, cfg.spad_bytes - 4, 8);
    head_fault(&bad, ACC_ERR_SPAD_RANGE, COSIM_PORT_NONE, NULL);
}

Test(rtl_stop, an_illegal_flat_compute_while_a_compute_and_a_store_run_stops_with_illegal)
{
    /* FLAT with sh*act_ph < tw*sw (G = 7 - 8 < 0): illegal on every
     * configuration, although the same COMPUTE by rows is legal */
    acc_instr bad;
    memset(&bad, 0, sizeof(bad));
    bad.op = ACC_OP_COMPUTE;
    bad.u.cp = (acc_compute){.act = 0,
                             .wgt = 64,
                             .out = 128,
                             .fh = 1,
                             .fw = 1,
                             .sh = 1,
                             .sw = 2,
                             .dh = 1,
                             .dw = 1,
                             .tc = 1,
                             .tk = 1,
                             .th = 1,
                             .tw = 4,
                             .act_ph = 7,
                             .act_pc = 7,
                             .vh = 1,
                             .vw = 7,
                             .flat = 1};
    cr_assert(!model_compute_flat_ok(&bad.u.cp, &cfg));
    head_fault(&bad, ACC_ERR_ILLEGAL, COSIM_PORT_NONE, NULL);
}

Test(rtl_stop, an_unsatisfiable_wait_stops_with_deadlock_at_once_not_at_the_budget)
{
    acc_instr bad = dma(ACC_OP_LOAD, X_F, f_reg, 8);
    bad.wait[ACC_ENG_ST] = 2; /* one STORE precedes it */
    head_fault(&bad, ACC_ERR_DEADLOCK, COSIM_PORT_NONE, NULL);
}

Test(rtl_stop, an_unsatisfiable_first_wait_stops_with_deadlock_in_a_few_cycles)
{
    acc_program p;
    acc_program_init(&p);
    push(&p, dma(ACC_OP_LOAD, X_F, f_reg, 8), 0, 1, 0); /* no COMPUTE precedes it */
    tu_push_end(&p);
    acc_program legal;
    acc_program_init(&legal);
    tu_push_end(&legal);
    stop_case c = {ACC_ERR_DEADLOCK, 0, -1, COSIM_PORT_NONE, 0, 0, NULL, 0, 0};
    acc_program good;
    busy_prefix(&good);
    tu_push_end(&good);
    check_stop(&p, &legal, &good, &c, 0, 0);
    acc_program_free(&good);
    acc_program_free(&p);
    acc_program_free(&legal);
}

Test(rtl_stop, a_program_without_end_stops_with_no_end_after_its_stores_drain)
{
    acc_program p;
    busy_prefix(&p); /* PROG_LEN = 4: the STORE and the COMPUTE run at the stop */
    acc_program legal;
    busy_prefix(&legal);
    tu_push_end(&legal);
    stop_case c = {ACC_ERR_NO_END, 4, -1, COSIM_PORT_NONE, 0, 0, NULL, 0, 0};
    check_stop(&p, &legal, NULL, &c, 0, 0);
    acc_program_free(&p);
    acc_program_free(&legal);
}

Test(rtl_stop, an_empty_program_stops_with_no_end_at_index_zero)
{
    acc_program p;
    acc_program_init(&p);
    acc_program legal;
    acc_program_init(&legal);
    tu_push_end(&legal);
    stop_case c = {ACC_ERR_NO_END, 0, -1, COSIM_PORT_NONE, 0, 0, NULL, 0, 0};
    acc_program good;
    busy_prefix(&good);
    tu_push_end(&good);
    check_stop(&p, &legal, &good, &c, 0, 0);
    acc_program_free(&good);
    acc_program_free(&p);
    acc_program_free(&legal);
}

/* 0 LOAD F (64 bytes), 1 LOAD F again from X_S (one burst, faulting: every
 * beat answers SLVERR with data that is not X_S's), END; the restart stores
 * F.  The error beats must write nothing: F keeps what LOAD 0 put there. */
Test(rtl_stop, a_load_error_writes_none_of_its_beats_to_the_scratchpad)
{
    acc_program p;
    acc_program_init(&p);
    push(&p, dma(ACC_OP_LOAD, X_F, f_reg, 64), 0, 0, 0);
    push(&p, dma(ACC_OP_LOAD, X_S, f_reg, 64), 1, 0, 0);
    tu_push_end(&p);
    acc_program r;
    acc_program_init(&r);
    push(&r, dma(ACC_OP_STORE, Y_BACK, f_reg, 64), 0, 0, 0);
    tu_push_end(&r);
    stop_case c = {ACC_ERR_AXI, 1, 1, COSIM_PORT_LOAD, first_burst(&p, ACC_OP_LOAD, 1), 0,
                   NULL,        0, 0};
    check_stop(&p, &p, &r, &c, 0, 0);
    acc_program_free(&r);
    acc_program_free(&p);
}

/* A LOAD and a STORE (in the order `store_first`) of addresses past the
 * memory, so that both end with an AXI error; the two lengths are chosen
 * with the model so that both end in the same cycle.  The lower instruction
 * index must be reported (docs/rtl.md, "Errors"), whichever engine has it. */
static void same_cycle_errors(int store_first)
{
    const uint32_t bad = 2u * MEM_BYTES; /* past the memory: SLVERR */
    acc_program p;
    model_timing t;
    acc_error err;
    int found = 0;
    /* For each LOAD length, STORE lengths from 1 up while the STORE ends no
     * later than the LOAD (its end grows with its length): the bus width
     * and the two latencies decide which pairs meet. */
    uint32_t ld_max = cfg.spad_bytes - f_reg < 4095 ? cfg.spad_bytes - f_reg : 4095;
    uint32_t st_max = cfg.spad_bytes - s_reg < 4095 ? cfg.spad_bytes - s_reg : 4095;
    for (uint32_t ln = 1; ln <= ld_max && !found; ln++) {
        for (uint32_t n = 1; n <= st_max && !found; n++) {
            acc_instr ld = dma(ACC_OP_LOAD, bad, f_reg, ln);
            acc_instr st = dma(ACC_OP_STORE, bad + 0x1000, s_reg, n);
            acc_program_init(&p);
            push(&p, store_first ? st : ld, 0, 0, 0);
            push(&p, store_first ? ld : st, 0, 0, 0);
            tu_push_end(&p);
            cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "%s", err.msg);
            int64_t e_ld = t.end[store_first], e_st = t.end[!store_first];
            found = e_ld == e_st;
            model_timing_free(&t);
            if (!found)
                acc_program_free(&p);
            if (e_st > e_ld)
                break;
        }
    }
    cr_assert(found, "test design: no STORE length ends with the LOAD");
    cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "%s", err.msg);

    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    tu_fill_random(&mem, 43);
    place(&mem, &p, PROG_ADDR, 0, NULL);
    const acc_memmap mm = {.prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options o = tu_rtl_options(100000);
    cosim_result res;
    int rc = cosim_rtl_run_seq(1, &p, &mm, &cfg, &mem, &o, &res, &err);
    cr_assert_eq(rc, -1, "the program did not fail");
    cr_assert_eq(res.timed_out, 0, "the accelerator hung: %s", err.msg);
    cr_assert(res.end[0] == t.end[0] && res.end[1] == t.end[1],
              "both end in cycle %lld in the model; rtl: %lld and %lld", (long long)t.end[0],
              (long long)res.end[0], (long long)res.end[1]);
    cr_assert_eq(res.hw_error, ACC_ERR_AXI, "ERR_CODE %d, expected AXI_ERROR", res.hw_error);
    cr_assert_eq(res.hw_error_index, 0,
                 "ERR_INDEX %lld: the %s (index 0) and the %s (index 1) failed in the same "
                 "cycle; the lower index must be reported",
                 (long long)res.hw_error_index, store_first ? "STORE" : "LOAD",
                 store_first ? "LOAD" : "STORE");
    cr_assert_eq(res.retired, 2, "RETIRED %lld, expected 2", (long long)res.retired);
    cr_assert_eq(res.start[2], -1, "END issued after the errors");
    cosim_result_free(&res);
    acc_dram_free(&mem);
    model_timing_free(&t);
    acc_program_free(&p);
}

Test(rtl_stop, a_load_and_a_store_error_in_one_cycle_report_the_load_when_it_comes_first)
{
    same_cycle_errors(0);
}

Test(rtl_stop, a_load_and_a_store_error_in_one_cycle_report_the_store_when_it_comes_first)
{
    same_cycle_errors(1);
}

/* ---------------------------------------------------------------- write races */

/* External addresses of a race program: the operands, the racing LOAD's
 * source, the two STOREs' destinations. */
typedef struct race_ext {
    uint32_t operands, racer, store3, store4;
} race_ext;

static const race_ext race_ext_raw = {X_OPERANDS, X_S, Y_S, Y_LATE};

/* A COMPUTE of a 1x1 kernel over tc input channels (one pass: R pixels, C
 * output channels) and a LOAD that writes four bytes (a row of 4 bytes
 * repeated, scratchpad stride 0) for longer than the COMPUTE runs: the
 * COMPUTE's first result bytes, or with `below` the four bytes below them.
 * tc = Lr + 3, so the COMPUTE's last write (channel 0, pixels 0..R-1 at
 * out, in cycle e - 1) falls inside the LOAD's writes whichever issues
 * first.  Program: 0 LOAD operands, then the COMPUTE (after 0) and the
 * racing LOAD in the order `compute_first`, 3 STORE of the operands (no
 * wait), 4 STORE of the operands again after the COMPUTE, END.  *out gets
 * the results' address and *out_len their length. */
static void race_program(acc_program *p, const race_ext *x, int compute_first, int below,
                         uint32_t *out, uint32_t *out_len)
{
    const uint32_t R = (uint32_t)cfg.rows, C = (uint32_t)cfg.cols;
    const uint32_t tc = (uint32_t)cfg.read_latency + 3;
    acc_compute k;
    memset(&k, 0, sizeof(k));
    k.act = 0;
    k.wgt = (tc * R + 63) / 64 * 64;
    k.out = (k.wgt + tc * C + 63) / 64 * 64 + 4; /* 4 past a line: the bytes below share it */
    k.fh = k.fw = 1;
    k.sh = k.sw = k.dh = k.dw = 1;
    k.tc = tc;
    k.tk = C;
    k.th = 1;
    k.tw = R;
    k.vh = 1;
    k.vw = R;
    k.act_ph = R;
    k.act_pc = R;
    *out = k.out;
    *out_len = C * R * 4;
    cr_assert(k.out + *out_len <= cfg.spad_bytes / 2, "layout");
    acc_instr cp;
    memset(&cp, 0, sizeof(cp));
    cp.op = ACC_OP_COMPUTE;
    cp.u.cp = k;
    /* long enough to cover the COMPUTE: its duration plus the latency */
    acc_instr racer = dma(ACC_OP_LOAD, x->racer, below ? k.out - 4 : k.out, 4);
    racer.u.dma.n1 = tc + R + 2 * C + (uint32_t)cfg.read_latency + 8;
    acc_program_init(p);
    push(p, dma(ACC_OP_LOAD, x->operands, 0, k.wgt + tc * C), 0, 0, 0);
    if (compute_first) {
        push(p, cp, 1, 0, 0);
        push(p, racer, 0, 0, 0);
    } else {
        push(p, racer, 0, 0, 0);
        push(p, cp, 1, 0, 0);
    }
    push(p, dma(ACC_OP_STORE, x->store3, 0, 8), 0, 0, 0);
    push(p, dma(ACC_OP_STORE, x->store4, 0, 8), 0, 1, 0);
    tu_push_end(p);
    acc_error err;
    for (int i = 0; i < p->count; i++)
        cr_assert_eq(acc_instr_check(&p->ins[i], &err), 0, "instruction %d: %s", i, err.msg);
}

/* The race: SPAD_RACE at instruction 2 (the later-issued of the two
 * writers, docs/rtl.md "Errors"), seen in the COMPUTE's last busy cycle;
 * the restart stores the results but the four raced bytes. */
static void write_race(int compute_first)
{
    acc_program p;
    uint32_t out, out_len;
    race_program(&p, &race_ext_raw, compute_first, 0, &out, &out_len);
    int cp = compute_first ? 1 : 2, ld = compute_first ? 2 : 1;
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "%s", err.msg);
    int64_t f = t.end[cp] - 1;
    cr_assert(t.start[ld] + 2 + cfg.read_latency <= f && t.end[ld] - 1 > f,
              "test design: the LOAD [%lld, %lld) does not write in cycle %lld",
              (long long)t.start[ld], (long long)t.end[ld], (long long)f);
    cr_assert(t.start[3] < f && t.start[4] > f, "test design: STORE 3 [%lld] and 4 [%lld]",
              (long long)t.start[3], (long long)t.start[4]);
    model_timing_free(&t);
    acc_program r;
    acc_program_init(&r);
    push(&r, dma(ACC_OP_STORE, Y_BACK, out + 4, out_len - 4), 0, 0, 0);
    tu_push_end(&r);
    stop_case c = {ACC_ERR_SPAD_RACE, 2, -1, COSIM_PORT_NONE, 0, 0, NULL, 0, f};
    check_stop(&p, &p, &r, &c, Y_LATE, X_OPERANDS);
    acc_program_free(&r);
    acc_program_free(&p);
}

Test(rtl_stop, a_load_racing_a_running_compute_for_one_byte_stops_with_spad_race_at_the_load)
{
    write_race(1);
}

Test(rtl_stop, a_compute_racing_a_running_load_for_one_byte_stops_with_spad_race_at_the_compute)
{
    write_race(0);
}

/* The same program with the LOAD writing the four bytes just below the
 * COMPUTE's last write (the same bank word when lines are 8 bytes or
 * more): no race, the program runs to END in the model's cycles and leaves
 * the iss's memory. */
Test(rtl_stop, a_load_writing_next_to_a_compute_result_in_the_same_cycle_is_no_race)
{
    acc_program p;
    uint32_t out, out_len;
    race_program(&p, &race_ext_raw, 1, 1, &out, &out_len);
    push(&p, dma(ACC_OP_STORE, Y_BACK, out - 4, out_len + 4), 2, 1, 0);
    /* move END after the read-back */
    acc_instr end = p.ins[p.count - 2];
    p.ins[p.count - 2] = p.ins[p.count - 1];
    p.ins[p.count - 1] = end;
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(&p, &cfg, &t, &err), 0, "%s", err.msg);
    cr_assert(t.start[2] + 2 + cfg.read_latency <= t.end[1] - 1 && t.end[2] > t.end[1],
              "test design: the LOAD does not write in the COMPUTE's last cycle");

    acc_dram mem, ref;
    acc_dram_init(&mem, MEM_BYTES);
    acc_dram_init(&ref, MEM_BYTES);
    tu_fill_random(&mem, 47);
    place(&mem, &p, PROG_ADDR, 0, NULL);
    memcpy(ref.bytes, mem.bytes, MEM_BYTES);
    const acc_memmap mm = {.prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options o = tu_rtl_options(100000);
    cosim_result res;
    int rc = cosim_rtl_run_seq(1, &p, &mm, &cfg, &mem, &o, &res, &err);
    cr_assert_eq(rc, 0, "the program did not run to END: %s", err.msg);
    for (int i = 0; i < p.count; i++)
        cr_assert(res.start[i] == t.start[i] && res.end[i] == t.end[i],
                  "instruction %d: model [%lld, %lld), rtl [%lld, %lld)", i, (long long)t.start[i],
                  (long long)t.end[i], (long long)res.start[i], (long long)res.end[i]);
    cr_assert_eq(res.cycles, t.makespan);
    cr_assert_eq(iss_run(&p, &cfg, &ref, NULL, &err), 0, "iss: %s", err.msg);
    for (uint64_t x = 0; x < MEM_BYTES; x++)
        cr_assert_eq(mem.bytes[x], ref.bytes[x],
                     "memory differs from the iss at 0x%05llx: rtl 0x%02x, iss 0x%02x",
                     (unsigned long long)x, mem.bytes[x], ref.bytes[x]);
    cosim_result_free(&res);
    acc_dram_free(&mem);
    acc_dram_free(&ref);
    model_timing_free(&t);
    acc_program_free(&p);
}

/* The member `path` ("a.b") of a report, or NULL. */
static const cJSON *member(const cJSON *j, const char *path)
{
    char key[64];
    for (const char *p = path; j && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof(key), "%.*s", (int)n, p);
        j = cJSON_GetObjectItemCaseSensitive(j, key);
        p += n + (p[n] == '.');
    }
    return j;
}

/* End to end: the race program as a .sched on layer lenet_1 (LOADs from x,
 * STOREs into y) through cosim_run.  report.json carries the hardware
 * error (code, name, index), the validator's finding at that index beside
 * it, every violation in validation.list, and no RTL message (no assertion
 * failed); the summary shows the same. */
Test(rtl_stop, a_race_in_a_schedule_reaches_report_json_with_the_validators_finding)
{
    acc_layer l;
    acc_error err;
    cr_assert_eq(acc_layer_lookup("lenet_1", &l, &err), 0, "%s", err.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    const race_ext x = {mm.x, mm.x, mm.y, mm.y + 8};
    acc_program p;
    uint32_t out, out_len;
    race_program(&p, &x, 1, 0, &out, &out_len);
    char dir[256], sched[300], report[300];
    snprintf(dir, sizeof(dir), "%s/race", ACC_TEST_OUT);
    snprintf(sched, sizeof(sched), "%s/race.sched", dir);
    snprintf(report, sizeof(report), "%s/report.json", dir);
    cr_assert_eq(acc_mkdirs(dir, &err), 0, "%s", err.msg);
    acc_sched_meta meta;
    memset(&meta, 0, sizeof(meta));
    cr_assert_eq(acc_sched_save(sched, &p, &meta, "# a LOAD racing a COMPUTE\n", NULL, NULL, &err),
                 0, "%s", err.msg);

    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.layer = "lenet_1";
    rc.config = ACC_TEST_CONFIG;
    rc.seed = 3;
    rc.sched_path = sched;
    rc.out_dir = dir;
    rc.backend_impl = &cosim_backend_rtl;
    rc.opt.wave_from_instr = rc.opt.wave_to_instr = -1;
    rc.opt.wave_from_cycle = rc.opt.wave_to_cycle = -1;
    char *text = NULL;
    size_t len = 0;
    rc.summary = open_memstream(&text, &len);
    cosim_report rep;
    int r = cosim_run(&rc, &rep, &err);
    fclose(rc.summary);
    cr_assert_eq(r, 1, "the run did not fail as a check (%d): %s", r, r < 0 ? err.msg : "");

    char *json = acc_read_file(report, NULL, &err);
    cr_assert_not_null(json, "%s", err.msg);
    cJSON *j = cJSON_Parse(json);
    free(json);
    cr_assert_not_null(j, "report.json does not parse");
    cr_assert_str_eq(member(j, "status")->valuestring, "fail");
    cr_assert_eq(member(j, "hw_error.code")->valuedouble, ACC_ERR_SPAD_RACE);
    cr_assert_str_eq(member(j, "hw_error.name")->valuestring, "SPAD_RACE");
    cr_assert_eq(member(j, "hw_error.index")->valuedouble, 2);
    const cJSON *finding = member(j, "hw_error.validator");
    cr_assert(cJSON_IsString(finding), "no validator finding beside the hardware error");
    cr_assert(strstr(finding->valuestring, "instruction 2 (load): writes scratchpad") ==
                      finding->valuestring &&
                  strstr(finding->valuestring, "while instruction 1 (compute) is still writing it"),
              "%s", finding->valuestring);
    cr_assert(cJSON_IsFalse(member(j, "validation.ok")));
    const cJSON *list = member(j, "validation.list");
    int n = cJSON_GetArraySize(list), found = 0;
    cr_assert_eq(n, (int)member(j, "validation.violations")->valuedouble,
                 "validation.list has %d of the violations", n);
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(list, i);
        found |= !strcmp(member(v, "message")->valuestring, finding->valuestring) &&
                 member(v, "index")->valuedouble == 2;
    }
    cr_assert(found, "the finding is not in validation.list");
    cr_assert(cJSON_IsNull(member(j, "rtl_messages")), "an assertion failed: %s",
              member(j, "rtl_messages")->valuestring);
    cr_assert(strstr(member(j, "backend_error")->valuestring, "error code 6 (SPAD_RACE)"), "%s",
              member(j, "backend_error")->valuestring);
    cJSON_Delete(j);

    cr_assert(strstr(text, "accelerator error 6 (SPAD_RACE) at instruction 2") &&
                  strstr(text, "the validator flags it too: instruction 2 (load)"),
              "summary:\n%s", text);
    free(text);
    acc_program_free(&p);
}

/* The two-line schedule of docs/cosim.md, "Ceilings": one LOAD that moves
 * the same 4095 bytes 4095 x 4095 times (8.6e9 cycles by the model), then
 * END.  With a wall-time limit and no cycle budget the backend must stop at
 * the limit, not run for a day, and say what each engine was doing. */
Test(rtl_stop, a_run_past_the_wall_time_limit_stops_with_the_engine_state)
{
    acc_program p;
    acc_program_init(&p);
    acc_instr ld = dma(ACC_OP_LOAD, X_F, 0, 4095);
    ld.u.dma.n1 = ld.u.dma.n2 = 4095;
    push(&p, ld, 0, 0, 0);
    tu_push_end(&p);
    acc_dram mem;
    acc_dram_init(&mem, MEM_BYTES);
    tu_fill_random(&mem, 43);
    place(&mem, &p, PROG_ADDR, -1, NULL);
    const acc_memmap mm = {.prog = PROG_ADDR, .end = PROG_ADDR};
    cosim_options o = tu_rtl_options(0);
    o.max_seconds = 0.05; /* no cycle budget: only the wall-time limit can stop it */
    cosim_result res;
    acc_error err;
    int rc = cosim_rtl_run_seq(1, &p, &mm, &cfg, &mem, &o, &res, &err);
    cr_assert_eq(rc, -1, "the run ended");
    cr_assert(res.wall_timeout && !res.timed_out, "wall %d, budget %d", res.wall_timeout,
              res.timed_out);
    cr_assert(strstr(err.msg, "stopped at the wall-time limit of 0.05 s (--max-seconds to raise "
                              "it) in cycle "),
              "%s", err.msg);
    cr_assert(strstr(res.engine_state, "load engine: running instruction 0 since cycle"), "%s",
              res.engine_state);
    cr_assert_eq(res.hw_error, 0);
    cr_assert_eq(res.start[0] >= 0 && res.end[0] < 0, 1, "the LOAD issued and did not end");
    cosim_result_free(&res);
    acc_dram_free(&mem);
    acc_program_free(&p);
}
