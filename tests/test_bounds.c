/* test_bounds.c - the timing bounds under a jittery memory (model/bounds.h)
 * and the burst walker they use (model/burst.h).
 *
 * Besides hand-computed figures, the bounds are checked against a
 * cycle-by-cycle re-enactment of the RTL's handshake logic (fetch queue,
 * issue, the LOAD engine's AR/R walkers with F bursts in flight, the STORE
 * engine's read/W/AW/B pipeline; rtl/acc_fetch.sv, acc_ctrl.sv, acc_load.sv,
 * acc_store.sv) driven by a memory that keeps the jitter contract of
 * bounds.h: random within the contract, always earliest, always latest.
 * The re-enactment never uses the recurrence under test; the earliest and
 * latest memories must reproduce the lower and upper bounds exactly (the
 * bounds are attained), a random memory must stay inside them, and the
 * nominal memory must reproduce model_run. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/memmap.h"
#include "core/sched.h"
#include "model/bounds.h"
#include "model/burst.h"
#include "model/model.h"
#include "planner/baseline.h"
#include "tests/testutil.h"

/* ------------------------------------------------------------ helpers */

/* DW = 8, Lr = 10, Lw = 7, F = 16 (as in test_model.c). */
static acc_config cfg_hand(void)
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

/* DW = 4, Lr = 2, Lw = 3, F = 4: a shallow fetch queue and burst window
 * that a jittery read latency outruns. */
static acc_config cfg_shallow(void)
{
    acc_config c = cfg_hand();
    strcpy(c.name, "shallow");
    c.axi_data_bits = 32;
    c.axi_bytes = 4;
    c.read_latency = 2;
    c.write_latency = 3;
    c.fetch_depth = 4;
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

static acc_instr end_instr(void)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_END;
    return in;
}

static uint32_t below(acc_rng *r, uint32_t n)
{
    return (uint32_t)(acc_rng_next(r) % n);
}

/* A random executable program: the waits of tu_random_instr reduced to what
 * the instructions before can satisfy; END last.  `small` keeps DMAs and
 * COMPUTEs short enough for the cycle-by-cycle re-enactment. */
static void random_program(acc_rng *r, int small, acc_program *p)
{
    acc_program_init(p);
    int n = 1 + (int)below(r, small ? 10 : 30);
    int count[ACC_ENG_COUNT] = {0, 0, 0};
    for (int i = 0; i < n; i++) {
        acc_instr in;
        acc_opcode op = (acc_opcode)(ACC_OP_LOAD + (int)below(r, 3));
        tu_random_instr(r, op, &in);
        if (small && op != ACC_OP_COMPUTE) {
            acc_dma *d = &in.u.dma;
            /* rows near 4 KiB boundaries half of the time */
            d->dram = below(r, 2) ? 4096u * (1u + below(r, 64)) - below(r, 40) : d->dram;
            /* a third of them short rows: many small bursts */
            d->n0 = below(r, 3) ? 1 + below(r, 700) : 1 + below(r, 8);
            d->n1 = d->n0 > 8 ? 1 + below(r, 4) : 1 + below(r, 12);
            d->n2 = 1 + below(r, 2);
        } else if (small) {
            acc_compute *c = &in.u.cp;
            c->tc = 1 + below(r, 3);
            c->tk = 1 + below(r, 5);
            c->th = 1 + below(r, 2);
            c->tw = 1 + below(r, 5);
            c->fh = c->fw = 1 + below(r, 2);
        }
        for (int e = 0; e < ACC_ENG_COUNT; e++)
            in.wait[e] = in.wait[e] % (uint32_t)(count[e] + 1);
        count[acc_op_engine(op)]++;
        acc_program_push(p, &in);
    }
    acc_instr e = end_instr();
    e.wait[0] = below(r, 2) ? (uint32_t)count[0] : 0;
    acc_program_push(p, &e);
}

static void bounds_ok(const acc_program *p, const acc_config *c, const model_jitter *j,
                      model_bounds *b)
{
    acc_error err;
    cr_assert_eq(model_run_bounds(p, c, j, b, &err), 0, "%s", err.msg);
}

/* ------------------------------------------------------------ bursts */

Test(bounds, a_row_is_cut_at_4_kib_boundaries_and_after_256_beats)
{
    acc_config c = cfg_hand(); /* DW 8 */
    /* bytes 4090..4103: words 4088 and 4096, on both sides of 4 KiB */
    acc_instr a = dma(ACC_OP_LOAD, 4090, 14, 1, 1, 0, 0);
    model_burst_iter it;
    model_burst b;
    model_dma_bursts_begin(&it, &a.u.dma, &c);
    cr_assert(model_dma_bursts_next(&it, &b));
    cr_assert(b.addr == 4088 && b.beats == 1 && b.row_first && !b.row_last);
    cr_assert(model_dma_bursts_next(&it, &b));
    cr_assert(b.addr == 4096 && b.beats == 1 && !b.row_first && b.row_last);
    cr_assert(!model_dma_bursts_next(&it, &b));
    /* 3000 aligned bytes from 0x10000: 375 beats, 256 then 119 (one page) */
    acc_instr l = dma(ACC_OP_STORE, 0x10000, 3000, 1, 1, 0, 0);
    model_dma_bursts_begin(&it, &l.u.dma, &c);
    cr_assert(model_dma_bursts_next(&it, &b));
    cr_assert(b.addr == 0x10000 && b.beats == 256);
    cr_assert(model_dma_bursts_next(&it, &b));
    cr_assert(b.addr == 0x10000 + 256 * 8 && b.beats == 119);
    cr_assert(!model_dma_bursts_next(&it, &b));
    /* two rows of 8 bytes at stride 4092 from 0: word 0; then 4092..4099
     * spans words 4088 and 4096, two bursts; planes restart at dram_s2 */
    acc_instr r = dma(ACC_OP_LOAD, 0, 8, 2, 2, 4092, 64);
    uint32_t want[][4] = {
        {0, 1, 0, 0}, {4088, 1, 0, 1}, {4096, 1, 0, 1}, {64, 1, 1, 0}, {4152, 2, 1, 1}};
    model_dma_bursts_begin(&it, &r.u.dma, &c);
    for (int k = 0; k < 5; k++) {
        cr_assert(model_dma_bursts_next(&it, &b), "burst %d missing", k);
        cr_assert(b.addr == want[k][0] && b.beats == want[k][1] && b.plane == want[k][2] &&
                      b.row == want[k][3],
                  "burst %d: %u+%u (plane %u row %u)", k, b.addr, b.beats, b.plane, b.row);
    }
    cr_assert(!model_dma_bursts_next(&it, &b));
    cr_assert_eq(model_dma_burst_count(&r.u.dma, &c), 5);
}

Test(bounds, the_bursts_of_random_dmas_hold_model_dma_beats_beats_and_stay_legal)
{
    static const char *const names[] = {"small", "default", "large"};
    acc_rng r;
    acc_rng_seed(&r, 7);
    for (int k = 0; k < 600; k++) {
        acc_config c;
        acc_error err;
        cr_assert_eq(acc_config_load(names[k % 3], &c, &err), 0, "%s", err.msg);
        acc_instr in;
        tu_random_instr(&r, k % 2 ? ACC_OP_LOAD : ACC_OP_STORE, &in);
        if (k % 100 != 0) { /* a few blocks of up to 4095 x 4095 rows, the rest smaller */
            in.u.dma.n1 = 1 + in.u.dma.n1 % 40;
            in.u.dma.n2 = 1 + in.u.dma.n2 % 40;
        }
        const uint32_t dw = (uint32_t)c.axi_bytes;
        model_burst_iter it;
        model_burst b;
        int64_t beats = 0;
        uint32_t next = 0;
        model_dma_bursts_begin(&it, &in.u.dma, &c);
        while (model_dma_bursts_next(&it, &b)) {
            beats += b.beats;
            cr_assert(b.beats >= 1 && b.beats <= 256);
            cr_assert_eq(b.addr % dw, 0);
            cr_assert_eq(b.addr / 4096, (uint32_t)(b.addr + b.beats * dw - 1) / 4096,
                         "burst at 0x%x of %u beats crosses 4 KiB", b.addr, b.beats);
            if (b.row_first) {
                uint32_t a = in.u.dma.dram + b.plane * in.u.dma.dram_s2 + b.row * in.u.dma.dram_s1;
                cr_assert_eq(b.addr, a & ~(dw - 1));
            } else {
                cr_assert_eq(b.addr, next, "burst does not continue its row");
            }
            next = b.addr + b.beats * dw;
        }
        cr_assert_eq(beats, model_dma_beats(&in.u.dma, &c), "DMA %d", k);
    }
}

/* ------------------------------------------------------------ jitter */

Test(bounds, jitter_check_names_the_field_out_of_range)
{
    acc_config c = cfg_hand();
    model_jitter j;
    acc_error err;
    model_jitter_nominal(&c, &j);
    cr_assert(j.lr_min == 10 && j.lr_max == 10 && j.lw_min == 7 && j.lw_max == 7 && j.gap_max == 0);
    cr_assert_eq(model_jitter_check(&j, &err), 0);
    model_jitter_default(&c, &j);
    cr_assert(j.lr_min == 10 && j.lr_max == 20 && j.lw_min == 7 && j.lw_max == 14 &&
              j.gap_max == 2);
    model_jitter bad = j;
    bad.lr_max = 9;
    cr_assert_eq(model_jitter_check(&bad, &err), -1);
    cr_assert(strstr(err.msg, "'lr_max'"), "%s", err.msg);
    bad = j;
    bad.lw_min = 0;
    cr_assert_eq(model_jitter_check(&bad, &err), -1);
    cr_assert(strstr(err.msg, "'lw_min'"), "%s", err.msg);
    bad = j;
    bad.gap_max = -1;
    cr_assert_eq(model_jitter_check(&bad, &err), -1);
    cr_assert(strstr(err.msg, "'gap_max'"), "%s", err.msg);
    bad = j;
    bad.lw_max = MODEL_JITTER_MAX + 1;
    cr_assert_eq(model_jitter_check(&bad, &err), -1);
    cr_assert(strstr(err.msg, "'lw_max'"), "%s", err.msg);

    acc_program p;
    model_bounds b;
    acc_program_init(&p);
    acc_instr l = dma(ACC_OP_LOAD, 0, 8, 1, 1, 0, 0);
    acc_program_push(&p, &l);
    cr_assert_eq(model_run_bounds(&p, &c, &j, &b, &err), -1, "a program without END");
    cr_assert(strstr(err.msg, "no END"), "%s", err.msg);
    acc_instr e = end_instr();
    e.wait[ACC_ENG_ST] = 1;
    acc_program_push(&p, &e);
    cr_assert_eq(model_run_bounds(&p, &c, &j, &b, &err), -1, "a wait nothing satisfies");
    cr_assert(strstr(err.msg, "never issue"), "%s", err.msg);
    acc_program_free(&p);
}

/* ------------------------------------------------------------ hand examples */

Test(bounds, a_load_of_two_bursts_a_store_and_end_have_the_bounds_worked_out_by_hand)
{
    /* DW 8, F 16; jitter lr 8..12, lw 5..9, gap 1.
     *   0 LOAD  16 bytes at 4088: words 4088 | 4096, two 1-beat bursts, B = 2
     *   1 STORE 24 bytes at 0x2000 (wait_ld 1): one 3-beat burst, B = 3
     *   2 END
     * Latest corner (lr 12, lw 9, g 1):
     *   fetch: AR h = 2, 4, 6 (valid 1, 3, 5; one g each); beats
     *          f0 = 2+12+1 = 15, f1 = max(4+12, 16)+1 = 17, f2 = max(18, 18)+1 = 19.
     *   LOAD s0 = f0+1 = 16.  Relative to s0: AR a0 = 1+1 = 2, beat 2+12+1 = 15;
     *          AR a1 = 3+1 = 4, beat max(16, 16)+1 = 17; last write 18, d = 19,
     *          e0 = 35.
     *   STORE s1 = max(f1+1 = 18, e0 = 35) = 35.  Reads 1, 3, 5; W beats 3, 5, 7
     *          (one g each); B 7+9+1 = 17; d = 18, e1 = 53.
     *   END  s2 = max(f2+1 = 20, 53) = 53, e2 = makespan = 54.
     * Earliest corner (lr 8, lw 5, g 0):
     *   fetch beats 9, 10, 11; LOAD s0 = 10, d = 8+2+2 = 12, e0 = 22;
     *   STORE s1 = 22, d = 3+5+2 = 10, e1 = 32; END s2 = 32, e2 = 33. */
    acc_config c = cfg_hand();
    acc_program p;
    acc_program_init(&p);
    acc_instr l = dma(ACC_OP_LOAD, 4088, 16, 1, 1, 0, 0);
    acc_instr s = dma(ACC_OP_STORE, 0x2000, 24, 1, 1, 0, 0);
    s.wait[ACC_ENG_LD] = 1;
    acc_instr e = end_instr();
    acc_program_push(&p, &l);
    acc_program_push(&p, &s);
    acc_program_push(&p, &e);
    model_jitter j = {.lr_min = 8, .lr_max = 12, .lw_min = 5, .lw_max = 9, .gap_max = 1};
    model_bounds b;
    bounds_ok(&p, &c, &j, &b);
    const int64_t s_hi[] = {16, 35, 53}, e_hi[] = {35, 53, 54};
    const int64_t s_lo[] = {10, 22, 32}, e_lo[] = {22, 32, 33};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(b.start_hi[i], s_hi[i], "instruction %d: latest issue", i);
        cr_assert_eq(b.end_hi[i], e_hi[i], "instruction %d: latest end", i);
        cr_assert_eq(b.start_lo[i], s_lo[i], "instruction %d: earliest issue", i);
        cr_assert_eq(b.end_lo[i], e_lo[i], "instruction %d: earliest end", i);
    }
    cr_assert_eq(b.makespan_hi, 54);
    cr_assert_eq(b.makespan_lo, 33);
    model_bounds_free(&b);
    acc_program_free(&p);
}

Test(bounds, a_read_latency_beyond_the_burst_window_stalls_the_ars_of_a_load)
{
    /* F = 4, lr 2..10, no gaps.  Six rows of 4 aligned bytes, 64 apart: six
     * 1-beat bursts.  Latest, relative to the issue: ARs 1, 2, 3, 4 (window
     * full), beats 11, 12, 13, 14; AR 4 waits for the first burst's end:
     * max(5, 11+1) = 12, beat max(22, 15) = 22; AR 5 at max(13, 12+1) = 13,
     * beat max(23, 23) = 23; last write 24, d = 25 (10+6+2 = 18 if the
     * window were unbounded).  Earliest (lr 2): 2+6+2 = 10. */
    acc_config c = cfg_shallow();
    acc_instr l = dma(ACC_OP_LOAD, 0x100, 4, 6, 1, 64, 0);
    model_jitter j = {.lr_min = 2, .lr_max = 10, .lw_min = 3, .lw_max = 3, .gap_max = 0};
    int64_t lo, hi;
    model_duration_bounds(&l, &c, &j, &lo, &hi);
    cr_assert_eq(lo, 10);
    cr_assert_eq(hi, 25);
}

/* ------------------------------------------------------------ nominal */

static void assert_nominal_is_model_run(const acc_program *p, const acc_config *c, const char *what)
{
    model_timing t;
    acc_error err;
    cr_assert_eq(model_run(p, c, &t, &err), 0, "%s: %s", what, err.msg);
    model_jitter j;
    model_jitter_nominal(c, &j);
    model_bounds b;
    bounds_ok(p, c, &j, &b);
    cr_assert_eq(b.count, t.count);
    for (int i = 0; i < t.count; i++) {
        cr_assert(b.start_lo[i] == t.start[i] && b.start_hi[i] == t.start[i],
                  "%s, instruction %d: issue %lld..%lld, model_run %lld", what, i,
                  (long long)b.start_lo[i], (long long)b.start_hi[i], (long long)t.start[i]);
        cr_assert(b.end_lo[i] == t.end[i] && b.end_hi[i] == t.end[i],
                  "%s, instruction %d: end %lld..%lld, model_run %lld", what, i,
                  (long long)b.end_lo[i], (long long)b.end_hi[i], (long long)t.end[i]);
    }
    cr_assert(b.makespan_lo == t.makespan && b.makespan_hi == t.makespan, "%s", what);
    model_bounds_free(&b);
    model_timing_free(&t);
}

Test(bounds, nominal_jitter_gives_model_runs_cycles_on_random_programs)
{
    static const char *const names[] = {"small", "default", "large", "tall", "wide"};
    acc_rng r;
    acc_rng_seed(&r, 11);
    for (int k = 0; k < 200; k++) {
        acc_config c;
        acc_error err;
        cr_assert_eq(acc_config_load(names[k % 5], &c, &err), 0, "%s", err.msg);
        acc_program p;
        random_program(&r, 0, &p);
        char what[128];
        snprintf(what, sizeof(what), "program %d on %s", k, c.name);
        assert_nominal_is_model_run(&p, &c, what);
        acc_program_free(&p);
    }
}

Test(bounds, nominal_jitter_gives_model_runs_cycles_on_baseline_schedules_of_catalog_layers)
{
    static const char *const layers[] = {"lenet_1", "lenet_2", "resnet_2", "mobilenet_2",
                                         "alexnet_2"};
    static const char *const strategies[] = {"serial", "double"};
    acc_config c;
    acc_error err;
    cr_assert_eq(acc_config_load("default", &c, &err), 0, "%s", err.msg);
    for (int k = 0; k < 5; k++) {
        acc_layer l;
        cr_assert_eq(acc_layer_lookup(layers[k], &l, &err), 0, "%s", err.msg);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        for (int s = 0; s < 2; s++) {
            acc_program p;
            cr_assert_eq(acc_baseline_plan(strategies[s], &l, &c, &mm, NULL, &p, &err), 0, "%s: %s",
                         layers[k], err.msg);
            char what[128];
            snprintf(what, sizeof(what), "%s (%s)", layers[k], strategies[s]);
            assert_nominal_is_model_run(&p, &c, what);
            /* and the default jitter brackets it */
            model_jitter j;
            model_jitter_default(&c, &j);
            model_bounds b;
            model_timing t;
            bounds_ok(&p, &c, &j, &b);
            cr_assert_eq(model_run(&p, &c, &t, &err), 0);
            cr_assert(b.makespan_lo <= t.makespan && t.makespan < b.makespan_hi, "%s", what);
            model_bounds_free(&b);
            model_timing_free(&t);
            acc_program_free(&p);
        }
    }
}

/* ------------------------------------------------------------ order and monotonicity */

static model_jitter random_jitter(acc_rng *r, const acc_config *c)
{
    model_jitter j;
    j.lr_min = 1 + (int)below(r, (uint32_t)c->read_latency);
    j.lr_max = j.lr_min + (int)below(r, 40);
    j.lw_min = 1 + (int)below(r, (uint32_t)c->write_latency);
    j.lw_max = j.lw_min + (int)below(r, 40);
    j.gap_max = (int)below(r, 4);
    return j;
}

static void assert_bracketed(const model_bounds *in, const model_bounds *out, const char *what)
{
    for (int i = 0; i < in->count; i++) {
        cr_assert(out->start_lo[i] <= in->start_lo[i] && in->start_hi[i] <= out->start_hi[i],
                  "%s, instruction %d: issue bounds tightened", what, i);
        cr_assert(out->end_lo[i] <= in->end_lo[i] && in->end_hi[i] <= out->end_hi[i],
                  "%s, instruction %d: end bounds tightened", what, i);
    }
    cr_assert(out->makespan_lo <= in->makespan_lo && in->makespan_hi <= out->makespan_hi, "%s",
              what);
}

Test(bounds, the_nominal_cycles_lie_inside_the_bounds_of_any_jitter_that_contains_them)
{
    acc_config c = cfg_hand();
    acc_rng r;
    acc_rng_seed(&r, 3);
    for (int k = 0; k < 200; k++) {
        acc_program p;
        random_program(&r, k % 2, &p);
        model_jitter j = random_jitter(&r, &c);
        if (k % 2 == 0 && j.lr_max > c.fetch_depth - 2) /* large DMAs: keep O(1) per LOAD */
            j.lr_max = c.fetch_depth - 2;
        if (j.lr_max < c.read_latency)
            j.lr_max = c.read_latency;
        if (j.lw_max < c.write_latency)
            j.lw_max = c.write_latency;
        model_jitter nom;
        model_jitter_nominal(&c, &nom);
        model_bounds b, n;
        bounds_ok(&p, &c, &j, &b);
        bounds_ok(&p, &c, &nom, &n);
        char what[32];
        snprintf(what, sizeof(what), "program %d", k);
        assert_bracketed(&n, &b, what);
        for (int i = 0; i < b.count; i++)
            cr_assert(b.start_lo[i] <= b.start_hi[i] && b.end_lo[i] <= b.end_hi[i] &&
                      b.start_lo[i] < b.end_lo[i]);
        model_bounds_free(&b);
        model_bounds_free(&n);
        acc_program_free(&p);
    }
}

Test(bounds, widening_any_jitter_range_never_tightens_a_bound)
{
    acc_rng r;
    acc_rng_seed(&r, 5);
    for (int k = 0; k < 300; k++) {
        acc_config c = k % 2 ? cfg_hand() : cfg_shallow();
        acc_program p;
        random_program(&r, 1, &p);
        model_jitter j = random_jitter(&r, &c), w = j;
        switch (k % 5) { /* widen one end of one range */
        case 0:
            w.lr_min = 1 + (int)below(&r, (uint32_t)j.lr_min);
            break;
        case 1:
            w.lr_max += 1 + (int)below(&r, 30);
            break;
        case 2:
            w.lw_min = 1 + (int)below(&r, (uint32_t)j.lw_min);
            break;
        case 3:
            w.lw_max += 1 + (int)below(&r, 30);
            break;
        default:
            w.gap_max += 1 + (int)below(&r, 3);
            break;
        }
        model_bounds b, wb;
        bounds_ok(&p, &c, &j, &b);
        bounds_ok(&p, &c, &w, &wb);
        char what[48];
        snprintf(what, sizeof(what), "program %d, widening %d", k, k % 5);
        assert_bracketed(&b, &wb, what);
        model_bounds_free(&b);
        model_bounds_free(&wb);
        acc_program_free(&p);
    }
}

Test(bounds, the_worst_case_makespan_grows_with_the_maximum_read_latency)
{
    acc_config c = cfg_hand();
    acc_program p;
    acc_program_init(&p);
    acc_instr l = dma(ACC_OP_LOAD, 0x1000, 64, 4, 1, 256, 0);
    acc_instr e = end_instr();
    acc_program_push(&p, &l);
    acc_program_push(&p, &e);
    model_jitter j;
    model_jitter_nominal(&c, &j);
    int64_t prev = 0;
    for (int lr = c.read_latency; lr <= 80; lr += 7) {
        j.lr_max = lr;
        model_bounds b;
        bounds_ok(&p, &c, &j, &b);
        cr_assert_gt(b.makespan_hi, prev, "lr_max %d", lr);
        prev = b.makespan_hi;
        model_bounds_free(&b);
    }
    acc_program_free(&p);
}

/* ------------------------------------------------------------ the RTL re-enacted */

typedef enum mem_mode { MEM_RANDOM, MEM_EARLY, MEM_LATE } mem_mode;

typedef struct mem {
    mem_mode mode;
    model_jitter j;
    acc_rng rng;
} mem;

static int pick(mem *m, int lo, int hi)
{
    if (m->mode == MEM_EARLY)
        return lo;
    if (m->mode == MEM_LATE)
        return hi;
    return lo + (int)below(&m->rng, (uint32_t)(hi - lo + 1));
}

/* A VALID/READY channel on the memory side: READY comes 0..gap_max cycles
 * after VALID rises. */
typedef struct chan {
    int active;
    int64_t ready_at;
} chan;

static int chan_ready(chan *ch, mem *m, int valid, int64_t t)
{
    if (!valid)
        return 0;
    if (!ch->active) {
        ch->active = 1;
        ch->ready_at = t + pick(m, 0, m->j.gap_max);
    }
    return t >= ch->ready_at;
}

/* In-order read data: bursts (AR cycle, latency, beats) and the next beat's
 * cycle, chosen once it is due. */
#define SIM_Q 4096
typedef struct rport {
    int64_t a[SIM_Q];
    int lat[SIM_Q], beats[SIM_Q];
    int head, count, beat;
    int64_t last, next; /* last beat's cycle; next beat's cycle (-1: not chosen) */
} rport;

static void rport_ar(rport *p, mem *m, int64_t t, int beats)
{
    cr_assert_lt(p->count, SIM_Q);
    int k = (p->head + p->count++) % SIM_Q;
    p->a[k] = t;
    p->lat[k] = pick(m, m->j.lr_min, m->j.lr_max);
    p->beats[k] = beats;
}

/* RVALID in cycle t (RREADY is always 1, so a valid beat is taken). */
static int rport_beat(rport *p, mem *m, int64_t t, int *last)
{
    if (p->count == 0)
        return 0;
    if (p->next < 0) {
        int64_t due = p->last + 1;
        if (p->beat == 0 && p->a[p->head] + p->lat[p->head] > due)
            due = p->a[p->head] + p->lat[p->head];
        cr_assert_geq(due, t);
        p->next = due + pick(m, 0, m->j.gap_max);
    }
    if (p->next != t)
        return 0;
    p->last = t;
    p->next = -1;
    *last = ++p->beat == p->beats[p->head];
    if (*last) {
        p->beat = 0;
        p->head = (p->head + 1) % SIM_Q;
        p->count--;
    }
    return 1;
}

typedef struct sim_out {
    int64_t *s, *e;
} sim_out;

/* Runs p cycle by cycle; fills s[i], e[i]. */
static void simulate(const acc_program *p, const acc_config *c, mem *m, sim_out *o)
{
    const int n = p->count, f = c->fetch_depth;
    static rport fport, dport;
    memset(&fport, 0, sizeof(fport));
    memset(&dport, 0, sizeof(dport));
    fport.last = dport.last = -1;
    fport.next = dport.next = -1;
    chan f_ar = {0, 0}, d_ar = {0, 0}, d_aw = {0, 0}, d_w = {0, 0};
    /* fetch (acc_fetch) */
    int arv = n > 0, next = 0, infl = 0, cnt = 0;
    /* controller */
    int idx = 0;
    int cmp[ACC_ENG_COUNT] = {0, 0, 0};
    /* load (acc_load) */
    int ld_busy = 0, ld_idx = 0, ld_k = 0, ld_nb = 0, ld_beat = 0, ld_nbeats = 0, ld_out = 0;
    int ld_wv = 0, ld_wlast = 0;
    static int ld_blen[1 << 16];
    /* store (acc_store) */
    int st_busy = 0, st_idx = 0, st_k = 0, st_nbeats = 0, st_wv = 0, st_wfinal = 0;
    int st_wdone = 0, st_awv = 0, st_awcnt = 0, st_bcnt = 0;
    static int st_first[1 << 20], st_blen[1 << 16];
    int st_nb = 0;
    /* the write port: AW / last-W cycles per burst, B chosen when due */
    static int64_t aw_at[1 << 16], wl_at[1 << 16];
    int m_aw = 0, m_w = 0, w_in_burst = 0, m_b = 0;
    int64_t b_last = -1, b_next = -1;
    /* compute */
    int cp_busy = 0, cp_idx = 0;
    int64_t cp_done_at = 0;

    for (int64_t t = 1;; t++) {
        cr_assert_lt(t, 10000000, "the re-enacted run does not end");
        /* memory outputs of cycle t */
        int f_last, d_last;
        int f_beat = rport_beat(&fport, m, t, &f_last);
        int d_beat = rport_beat(&dport, m, t, &d_last);
        int bvalid = 0;
        if (m_b < m_aw && m_b < m_w) {
            if (b_next < 0) {
                int64_t due = acc_max64(wl_at[m_b] + pick(m, m->j.lw_min, m->j.lw_max),
                                        aw_at[m_b] + pick(m, 1, m->j.lw_max));
                due = acc_max64(due, b_last + 1);
                cr_assert_geq(due, t);
                b_next = due + pick(m, 0, m->j.gap_max);
            }
            bvalid = b_next == t;
        }
        /* fetch AR */
        int f_arready = chan_ready(&f_ar, m, arv, t);
        /* load engine */
        int ld_arvalid = ld_busy && ld_k < ld_nb && ld_out < f;
        int ld_arready = chan_ready(&d_ar, m, ld_arvalid, t);
        int ld_ar_adv = ld_arvalid && ld_arready;
        int r_adv = ld_busy && d_beat;
        if (d_beat)
            cr_assert(ld_busy && ld_beat < ld_nbeats, "a beat nobody asked for");
        int ld_done = ld_wv && ld_wlast;
        /* store engine */
        int it_valid = st_busy && st_k < st_nbeats;
        int it_first = it_valid && st_first[st_k];
        int wready = chan_ready(&d_w, m, st_wv, t);
        int awready = chan_ready(&d_aw, m, st_awv, t);
        int rd_adv = it_valid && (!st_wv || wready) && (!it_first || !st_awv || awready);
        int last_b = bvalid && st_wdone && !st_awv && st_bcnt + 1 == st_awcnt;
        int st_done = st_busy && last_b;
        /* compute engine */
        int cp_done = cp_busy && t == cp_done_at;
        /* controller */
        int issue = 0;
        const acc_instr *in = idx < n ? &p->ins[idx] : NULL;
        if (cnt > 0 && in) {
            int busy[ACC_ENG_COUNT] = {ld_busy, cp_busy, st_busy};
            int met = 1, free_ = 1;
            for (int e = 0; e < ACC_ENG_COUNT; e++)
                met &= (int)in->wait[e] <= cmp[e];
            int eng = acc_op_engine(in->op);
            for (int e = 0; e < ACC_ENG_COUNT; e++)
                if (e == eng || eng < 0)
                    free_ &= !busy[e];
            issue = met && free_;
        }
        /* events */
        if (ld_done)
            o->e[ld_idx] = t + 1;
        if (st_done)
            o->e[st_idx] = t + 1;
        if (cp_done)
            o->e[cp_idx] = t + 1;
        if (issue) {
            o->s[idx] = t;
            if (in->op == ACC_OP_END) {
                o->e[idx] = t + 1;
                return;
            }
        }
        /* ---- next state (the _d logic) ---- */
        /* memory: handshakes of cycle t */
        if (arv && f_arready)
            rport_ar(&fport, m, t, 1);
        if (ld_ar_adv)
            rport_ar(&dport, m, t, ld_blen[ld_k]);
        if (st_wv && wready) {
            if (++w_in_burst == st_blen[m_w]) {
                wl_at[m_w++] = t;
                w_in_burst = 0;
            }
            d_w.active = 0;
        }
        if (st_awv && awready) {
            aw_at[m_aw++] = t;
            d_aw.active = 0;
        }
        if (bvalid) {
            b_last = t;
            b_next = -1;
            m_b++;
        }
        if (arv && f_arready)
            f_ar.active = 0;
        if (ld_ar_adv)
            d_ar.active = 0;
        /* fetch */
        int ar_hs = arv && f_arready;
        next += ar_hs;
        infl += ar_hs - f_beat;
        cnt += f_beat - issue;
        if (!(arv && !f_arready))
            arv = next < n && infl + cnt < f;
        /* load */
        ld_out += ld_ar_adv - (r_adv && d_last);
        ld_k += ld_ar_adv;
        int wv_d = 0, wlast_d = 0;
        if (r_adv) {
            wv_d = 1;
            wlast_d = ++ld_beat == ld_nbeats;
        }
        if (ld_done)
            ld_busy = 0;
        ld_wv = wv_d;
        ld_wlast = wlast_d;
        /* store */
        if (st_wv && wready) {
            st_wv = 0;
            if (st_wfinal)
                st_wdone = 1;
        }
        if (st_awv && awready) {
            st_awv = 0;
            st_awcnt++;
        }
        if (rd_adv) {
            st_wv = 1;
            st_wfinal = st_k + 1 == st_nbeats;
            if (it_first)
                st_awv = 1;
            st_k++;
        }
        if (bvalid)
            st_bcnt++;
        if (last_b)
            st_busy = 0;
        /* compute */
        if (cp_done)
            cp_busy = 0;
        /* completions, then issue */
        cmp[ACC_ENG_LD] += ld_done;
        cmp[ACC_ENG_CP] += cp_done;
        cmp[ACC_ENG_ST] += st_done;
        if (issue) {
            model_burst_iter it;
            model_burst b;
            switch (in->op) {
            case ACC_OP_LOAD:
                ld_busy = 1;
                ld_idx = idx;
                ld_k = ld_nb = ld_beat = ld_nbeats = 0;
                model_dma_bursts_begin(&it, &in->u.dma, c);
                while (model_dma_bursts_next(&it, &b)) {
                    cr_assert_lt(ld_nb, 1 << 16);
                    ld_blen[ld_nb++] = (int)b.beats;
                    ld_nbeats += (int)b.beats;
                }
                break;
            case ACC_OP_STORE:
                st_busy = 1;
                st_idx = idx;
                st_k = st_nbeats = st_nb = 0;
                st_wdone = st_awcnt = st_bcnt = 0;
                m_aw = m_w = m_b = w_in_burst = 0;
                model_dma_bursts_begin(&it, &in->u.dma, c);
                while (model_dma_bursts_next(&it, &b)) {
                    cr_assert_lt(st_nb, 1 << 16);
                    st_blen[st_nb++] = (int)b.beats;
                    for (uint32_t k = 0; k < b.beats; k++) {
                        cr_assert_lt(st_nbeats, 1 << 20);
                        st_first[st_nbeats++] = k == 0;
                    }
                }
                break;
            default:
                cp_busy = 1;
                cp_idx = idx;
                cp_done_at = t + model_duration(in, c) - 1;
                break;
            }
            idx++;
        }
    }
}

/* Re-enacts p against a memory in `mode` and checks the cycles against the
 * bounds: inside them (random), equal to the lower (earliest memory) or the
 * upper (latest memory) bound. */
static void check_against_rtl(const acc_program *p, const acc_config *c, const model_jitter *j,
                              mem_mode mode, uint64_t seed, const char *what)
{
    model_bounds b;
    bounds_ok(p, c, j, &b);
    mem m = {.mode = mode, .j = *j};
    acc_rng_seed(&m.rng, seed);
    sim_out o = {acc_calloc((size_t)p->count, sizeof(int64_t)),
                 acc_calloc((size_t)p->count, sizeof(int64_t))};
    simulate(p, c, &m, &o);
    for (int i = 0; i < p->count; i++) {
        const int64_t s = o.s[i], e = o.e[i];
        if (mode == MEM_EARLY)
            cr_assert(s == b.start_lo[i] && e == b.end_lo[i],
                      "%s, instruction %d (%s): earliest memory gives %lld..%lld, lower bounds "
                      "%lld..%lld",
                      what, i, acc_op_name(p->ins[i].op), (long long)s, (long long)e,
                      (long long)b.start_lo[i], (long long)b.end_lo[i]);
        else if (mode == MEM_LATE)
            cr_assert(s == b.start_hi[i] && e == b.end_hi[i],
                      "%s, instruction %d (%s): latest memory gives %lld..%lld, upper bounds "
                      "%lld..%lld",
                      what, i, acc_op_name(p->ins[i].op), (long long)s, (long long)e,
                      (long long)b.start_hi[i], (long long)b.end_hi[i]);
        else
            cr_assert(b.start_lo[i] <= s && s <= b.start_hi[i] && b.end_lo[i] <= e &&
                          e <= b.end_hi[i],
                      "%s, instruction %d (%s): measured issue %lld end %lld, bounds "
                      "%lld..%lld and %lld..%lld",
                      what, i, acc_op_name(p->ins[i].op), (long long)s, (long long)e,
                      (long long)b.start_lo[i], (long long)b.start_hi[i], (long long)b.end_lo[i],
                      (long long)b.end_hi[i]);
    }
    free(o.s);
    free(o.e);
    model_bounds_free(&b);
}

Test(bounds, the_re_enacted_rtl_with_the_nominal_memory_gives_model_runs_cycles)
{
    /* checks the re-enactment itself against the exact model */
    acc_rng r;
    acc_rng_seed(&r, 17);
    for (int k = 0; k < 60; k++) {
        acc_config c = k % 2 ? cfg_hand() : cfg_shallow();
        acc_program p;
        random_program(&r, 1, &p);
        model_timing t;
        acc_error err;
        cr_assert_eq(model_run(&p, &c, &t, &err), 0, "%s", err.msg);
        model_jitter j;
        model_jitter_nominal(&c, &j);
        mem m = {.mode = MEM_RANDOM, .j = j};
        acc_rng_seed(&m.rng, (uint64_t)k);
        sim_out o = {acc_calloc((size_t)p.count, sizeof(int64_t)),
                     acc_calloc((size_t)p.count, sizeof(int64_t))};
        simulate(&p, &c, &m, &o);
        for (int i = 0; i < p.count; i++)
            cr_assert(o.s[i] == t.start[i] && o.e[i] == t.end[i],
                      "program %d, instruction %d: re-enacted %lld..%lld, model %lld..%lld", k, i,
                      (long long)o.s[i], (long long)o.e[i], (long long)t.start[i],
                      (long long)t.end[i]);
        free(o.s);
        free(o.e);
        model_timing_free(&t);
        acc_program_free(&p);
    }
}

Test(bounds, the_earliest_and_the_latest_memory_attain_the_bounds_exactly)
{
    acc_rng r;
    acc_rng_seed(&r, 19);
    int windowed = 0;
    for (int k = 0; k < 240; k++) {
        acc_config c = k % 2 ? cfg_hand() : cfg_shallow();
        acc_program p;
        random_program(&r, 1, &p);
        if (k % 3 == 0) /* no waits: instructions issue as fast as fetch allows */
            for (int i = 0; i < p.count; i++)
                memset(p.ins[i].wait, 0, sizeof(p.ins[i].wait));
        model_jitter j = random_jitter(&r, &c);
        char what[32];
        snprintf(what, sizeof(what), "program %d", k);
        check_against_rtl(&p, &c, &j, MEM_EARLY, 0, what);
        check_against_rtl(&p, &c, &j, MEM_LATE, 0, what);
        /* count the programs whose latest run the F-entry fetch queue or
         * burst window lengthens: the test must reach those paths */
        acc_config deep = c;
        deep.fetch_depth = 1 << 20;
        model_bounds b, bd;
        bounds_ok(&p, &c, &j, &b);
        bounds_ok(&p, &deep, &j, &bd);
        windowed += b.makespan_hi > bd.makespan_hi;
        model_bounds_free(&b);
        model_bounds_free(&bd);
        acc_program_free(&p);
    }
    cr_assert_geq(windowed, 10, "only %d programs feel the window", windowed);
}

Test(bounds, every_cycle_under_a_random_jittery_memory_lies_inside_the_bounds)
{
    acc_rng r;
    acc_rng_seed(&r, 23);
    for (int k = 0; k < 300; k++) {
        acc_config c = k % 2 ? cfg_hand() : cfg_shallow();
        acc_program p;
        random_program(&r, 1, &p);
        model_jitter j = random_jitter(&r, &c);
        char what[32];
        snprintf(what, sizeof(what), "program %d", k);
        check_against_rtl(&p, &c, &j, MEM_RANDOM, (uint64_t)k, what);
        acc_program_free(&p);
    }
}

Test(bounds, a_slow_instruction_port_delays_issue_once_f_instructions_are_in_flight)
{
    /* F = 4 and reads of up to 40 cycles: four instructions per read round
     * trip, fewer than short COMPUTEs and STOREs on two engines could take.
     * The latest memory must still reproduce the upper bounds, which must
     * be later than with an unbounded fetch queue. */
    acc_config c = cfg_shallow();
    acc_program p;
    acc_program_init(&p);
    for (int i = 0; i < 16; i++) {
        acc_instr in;
        if (i % 2) {
            in = dma(ACC_OP_STORE, 0x400 + 64 * (uint32_t)i, 4, 1, 1, 0, 0);
        } else {
            memset(&in, 0, sizeof(in));
            in.op = ACC_OP_COMPUTE;
            in.u.cp = (acc_compute){.fh = 1,
                                    .fw = 1,
                                    .sh = 1,
                                    .sw = 1,
                                    .dh = 1,
                                    .dw = 1,
                                    .tc = 1,
                                    .tk = 1,
                                    .th = 1,
                                    .tw = 1,
                                    .act_ph = 1,
                                    .act_pc = 1,
                                    .vh = 1,
                                    .vw = 1};
        }
        acc_program_push(&p, &in);
    }
    acc_instr e = end_instr();
    acc_program_push(&p, &e);
    model_jitter j = {.lr_min = 2, .lr_max = 40, .lw_min = 1, .lw_max = 3, .gap_max = 1};
    check_against_rtl(&p, &c, &j, MEM_LATE, 0, "latest");
    check_against_rtl(&p, &c, &j, MEM_EARLY, 0, "earliest");
    for (uint64_t seed = 1; seed <= 20; seed++)
        check_against_rtl(&p, &c, &j, MEM_RANDOM, seed, "random");
    acc_config deep = c;
    deep.fetch_depth = 1 << 20;
    model_bounds b, bd;
    bounds_ok(&p, &c, &j, &b);
    bounds_ok(&p, &deep, &j, &bd);
    cr_assert_gt(b.makespan_hi, bd.makespan_hi, "the fetch queue never delayed an issue");
    model_bounds_free(&b);
    model_bounds_free(&bd);
    acc_program_free(&p);
}

/* ------------------------------------------------------------ the plan tool */

static double json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "JSON field '%s' missing or not a number", key);
    return v->valuedouble;
}

Test(bounds, the_plan_tool_reports_the_worst_case_makespan_of_its_schedule_under_the_default_jitter)
{
    char dir[] = "/tmp/test_bounds_XXXXXX";
    cr_assert(mkdtemp(dir) != NULL);
    char cmd[1024], out[8192], path[512];
    snprintf(cmd, sizeof(cmd),
             "%s/plan --layer lenet_2 --config small --planner double --out-dir %s", tu_bin_dir(),
             dir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    cr_assert(strstr(out, "worst case"), "summary: %s", out);

    snprintf(path, sizeof(path), "%s/lenet_2.sched", dir);
    acc_program p;
    acc_sched_meta meta;
    acc_error e;
    cr_assert_eq(acc_sched_load(path, &p, &meta, &e), 0, "%s", e.msg);
    acc_config c;
    cr_assert_eq(acc_config_load("small", &c, &e), 0, "%s", e.msg);
    model_jitter j;
    model_jitter_default(&c, &j);
    model_bounds b;
    bounds_ok(&p, &c, &j, &b);

    snprintf(path, sizeof(path), "%s/lenet_2.json", dir);
    char *text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    cJSON *root = cJSON_Parse(text);
    cr_assert(root != NULL, "bad JSON: %s", text);
    cr_assert_eq((int64_t)json_num(root, "makespan_worst"), b.makespan_hi);
    cr_assert_gt(b.makespan_hi, (int64_t)json_num(root, "makespan"));
    const cJSON *jj = cJSON_GetObjectItemCaseSensitive(root, "jitter");
    cr_assert((int)json_num(jj, "lr_min") == c.read_latency &&
              (int)json_num(jj, "lr_max") == 2 * c.read_latency &&
              (int)json_num(jj, "lw_min") == c.write_latency &&
              (int)json_num(jj, "lw_max") == 2 * c.write_latency &&
              (int)json_num(jj, "gap_max") == 2);
    cJSON_Delete(root);
    free(text);
    model_bounds_free(&b);
    acc_program_free(&p);
    snprintf(path, sizeof(path), "%s/lenet_2.sched", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lenet_2.json", dir);
    unlink(path);
    rmdir(dir);
}
