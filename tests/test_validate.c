/* test_validate.c - the schedule validator on a small hand-written schedule
 * of a tiny layer (which must pass, and whose iss result must be the
 * convolution), on mutations of it that must each produce one specific
 * violation, on hand-written kernel-sliced programs (valid ones run through
 * the iss and compared with golden_conv, invalid ones each with its
 * message), and on the baseline planners' schedules of a few small layers,
 * run through validator + iss and compared with golden_conv. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "planner/baseline.h"
#include "model/model.h"
#include "model/validate.h"
#include "tests/testutil.h"

static acc_config make_config(int rows, int cols, uint32_t spad)
{
    acc_config c;
    memset(&c, 0, sizeof(c));
    strcpy(c.name, "hand");
    c.rows = rows;
    c.cols = cols;
    c.spad_bytes = spad;
    c.spad_banks = 8;
    c.axi_data_bits = 64;
    c.read_latency = 4;
    c.write_latency = 4;
    acc_error e;
    cr_assert_eq(acc_config_derive(&c, &e), 0, "%s", e.msg);
    return c;
}

/* The tiny layer: x[2][4][5], 3x3 kernel, stride 1, padding 1 on every side,
 * two filters: y[2][4][5]. */
static acc_layer tiny_layer(void)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    strcpy(l.name, "tiny");
    l.ifmap_h = 4;
    l.ifmap_w = 5;
    l.filter_h = l.filter_w = 3;
    l.channels = 2;
    l.num_filter = 2;
    l.stride_h = l.stride_w = 1;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1;
    l.dil_h = l.dil_w = 1;
    l.groups = 1;
    return l;
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

/* One chunk (one input channel) of a 2-row output tile of the tiny layer. */
static acc_instr tile(uint32_t act, uint32_t wgt, uint32_t out, uint32_t ptop, int acc)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    in.u.cp = (acc_compute){.act = act,
                            .wgt = wgt,
                            .out = out,
                            .fh = 3,
                            .fw = 3,
                            .sh = 1,
                            .sw = 1,
                            .dh = 1,
                            .dw = 1,
                            .tc = 1,
                            .tk = 2,
                            .th = 2,
                            .tw = 5,
                            .act_ph = 5,
                            .act_pc = 20,
                            .vh = 3,
                            .vw = 5,
                            .ptop = ptop,
                            .pleft = 1,
                            .acc = acc};
    return in;
}

static acc_instr with_wait(acc_instr in, int eng, uint32_t n)
{
    in.wait[eng] = n;
    return in;
}

static acc_instr end_instr(void)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_END;
    return in;
}

/* The mutations of the good schedule. */
typedef enum mutation {
    M_NONE,
    M_MISSING_WAIT,
    M_OVERWRITE_WHILE_READ,
    M_INPUT_OVERWRITTEN,
    M_STORE_EARLY,
    M_STORE_TWICE,
    M_NEVER_STORED,
    M_WRONG_INPUT,
    M_SPAD_OVERFLOW,
    M_WRONG_FILTER,
    M_BROKEN_CHAIN,
    M_CHUNK_TWICE,
    M_ZERO_WHERE_INPUT,
    M_WRONG_KERNEL,
    M_NO_END,
    M_LOAD_FROM_Y,
    M_STORE_OUTSIDE_Y,
    M_OUTPUT_OVER_INPUT,
} mutation;

/* The good schedule of the tiny layer (scratchpad: x at 0, w at 64, output
 * tiles at 256 and 384):
 *   0 load x (whole)         1 load w (whole)
 *   2 compute rows 0-1, c0   3 ... c1 acc
 *   4 compute rows 2-3, c0   5 ... c1 acc
 *   6 store rows 0-1         7 store rows 2-3          8 end
 * The row tiles store input rows 0..2 (top padding virtual) and 1..3 (bottom
 * padding virtual).  A mutation changes it as its name says. */
static void build(mutation m, const acc_memmap *mm, acc_program *p)
{
    acc_instr ldx = dma(ACC_OP_LOAD, mm->x, 0, 5, 4, 2, 5, 20, 5, 20);
    acc_instr ldw = dma(ACC_OP_LOAD, mm->w, 64, 36, 1, 1, 0, 0, 0, 0);
    acc_instr a0 = with_wait(tile(0, 64, 256, 1, 0), ACC_ENG_LD, 2);
    acc_instr a1 = tile(20, 82, 256, 1, 1);
    acc_instr b0 = tile(5, 64, 384, 0, 0);
    acc_instr b1 = tile(25, 82, 384, 0, 1);
    acc_instr sa = with_wait(dma(ACC_OP_STORE, mm->y, 256, 40, 2, 1, 80, 0, 40, 0), ACC_ENG_CP, 2);
    acc_instr sb =
        with_wait(dma(ACC_OP_STORE, mm->y + 40, 384, 40, 2, 1, 80, 0, 40, 0), ACC_ENG_CP, 4);
    acc_instr extra = ldx;
    int extra_at = -1; /* insert `extra` before this position of the good list */
    switch (m) {
    case M_NONE:
        break;
    case M_MISSING_WAIT:
        a0.wait[ACC_ENG_LD] = 1;
        break;
    case M_OVERWRITE_WHILE_READ: /* w bytes over x channel 0, no wait */
        extra = dma(ACC_OP_LOAD, mm->w, 0, 20, 1, 1, 0, 0, 0, 0);
        extra_at = 3;
        break;
    case M_INPUT_OVERWRITTEN: /* x[0][2][*] replaced after its first use, before its last */
        extra = with_wait(dma(ACC_OP_LOAD, mm->w, 10, 5, 1, 1, 0, 0, 0, 0), ACC_ENG_CP, 2);
        extra_at = 4;
        b0.wait[ACC_ENG_LD] = 3; /* no timing hazard: only the contents are wrong */
        break;
    case M_STORE_EARLY:
        extra = with_wait(sa, ACC_ENG_CP, 1);
        extra_at = 3;
        break;
    case M_STORE_TWICE:
        extra = with_wait(sa, ACC_ENG_CP, 4);
        extra_at = 8;
        break;
    case M_WRONG_INPUT: /* x[0][1][2] copied over x[0][1][1] */
        extra = dma(ACC_OP_LOAD, mm->x + 7, 6, 1, 1, 1, 0, 0, 0, 0);
        extra_at = 2;
        a0.wait[ACC_ENG_LD] = 3;
        break;
    case M_WRONG_FILTER: /* w[0][1][0][1] (filter 1) copied over w[0][1][0][0] */
        extra = dma(ACC_OP_LOAD, mm->w + 7, 70, 1, 1, 1, 0, 0, 0, 0);
        extra_at = 2;
        a0.wait[ACC_ENG_LD] = 3;
        break;
    case M_SPAD_OVERFLOW:
        b1.u.cp.out = 4096 - 40;
        break;
    case M_BROKEN_CHAIN:
        a1.u.cp.acc = 0;
        break;
    case M_CHUNK_TWICE:
        a1.u.cp.act = 0;
        a1.u.cp.wgt = 64;
        break;
    case M_ZERO_WHERE_INPUT:
        b0.u.cp.vh = 2;
        b1.u.cp.vh = 2;
        break;
    case M_WRONG_KERNEL:
        a0.u.cp.dh = 2;
        break;
    case M_LOAD_FROM_Y:
        ldw.u.dma.dram = mm->y;
        break;
    case M_STORE_OUTSIDE_Y:
        sb.u.dma.dram = mm->y + 160;
        break;
    case M_OUTPUT_OVER_INPUT:
        b1.u.cp.out = 0;
        break;
    default:
        break;
    }
    acc_instr good[9] = {ldx, ldw, a0, a1, b0, b1, sa, sb, end_instr()};
    acc_program_init(p);
    for (int i = 0; i <= 9; i++) {
        if (i == extra_at)
            acc_program_push(p, &extra);
        if (i == 9)
            break;
        if (m == M_STORE_EARLY && i == 6)
            continue; /* moved up */
        if (m == M_NEVER_STORED && i == 7)
            continue;
        if (m == M_NO_END && i == 8)
            continue;
        acc_program_push(p, &good[i]);
    }
}

/* The tiny layer computed here directly from the definition in layer.h. */
static void reference_conv(const int8_t *x, const int8_t *w, int32_t *y)
{
    for (int k = 0; k < 2; k++)
        for (int oy = 0; oy < 4; oy++)
            for (int ox = 0; ox < 5; ox++) {
                int32_t s = 0;
                for (int c = 0; c < 2; c++)
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 3; j++) {
                            int ih = oy + i - 1, iw = ox + j - 1;
                            if (ih < 0 || ih >= 4 || iw < 0 || iw >= 5)
                                continue;
                            s += x[(c * 4 + ih) * 5 + iw] * w[((c * 3 + i) * 3 + j) * 2 + k];
                        }
                y[(k * 4 + oy) * 5 + ox] = s;
            }
}

static int32_t get_i32(const uint8_t *b)
{
    return (int32_t)((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                     (uint32_t)b[3] << 24);
}

Test(validate, the_hand_written_schedule_passes_and_computes_the_convolution)
{
    acc_layer l = tiny_layer();
    acc_config cfg = make_config(4, 4, 4096);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p;
    build(M_NONE, &mm, &p);
    acc_validation v;
    acc_error e;
    int rc = acc_validate(&p, &l, &cfg, &mm, &v, stderr, &e);
    cr_assert_eq(rc, 0, "%s", v.first);
    cr_assert(v.ok);
    cr_assert_eq(v.violations, 0);
    cr_assert_eq(v.first_index, -1);
    cr_assert_eq(v.count, p.count);
    /* at the first compute's issue, x (40 bytes) and w (36) are live */
    cr_assert_eq(v.live_bytes[2], 76);
    /* at the first store's issue, compute 5 is running: it still reads x[1]
     * rows 1..3 (15 bytes), w[1] (18), and its output tile (80); the first
     * tile's results (80) wait for the store */
    cr_assert_eq(v.live_bytes[6], 15 + 18 + 80 + 80);
    cr_assert_eq(v.peak_live_bytes, 15 + 18 + 80 + 80);
    acc_validation_free(&v);

    acc_dram m;
    acc_dram_init(&m, mm.end);
    int8_t x[40], w[36];
    for (int i = 0; i < 40; i++)
        x[i] = (int8_t)(i * 37 - 100);
    for (int i = 0; i < 36; i++)
        w[i] = (int8_t)(90 - i * 11);
    memcpy(m.bytes + mm.x, x, 40);
    memcpy(m.bytes + mm.w, w, 36);
    cr_assert_eq(iss_run(&p, &cfg, &m, NULL, &e), 0, "%s", e.msg);
    int32_t want[40];
    reference_conv(x, w, want);
    for (int i = 0; i < 40; i++)
        cr_assert_eq(get_i32(m.bytes + mm.y + 4 * i), want[i], "y element %d", i);
    acc_dram_free(&m);
    acc_program_free(&p);
}

typedef struct mutation_case {
    mutation m;
    const char *name;
    int index;          /* instruction of the first violation */
    const char *needle; /* substring of the first violation */
} mutation_case;

static const mutation_case mutation_cases[] = {
    {M_MISSING_WAIT, "missing wait", 2,
     "instruction 2 (compute): reads scratchpad 0x00040..0x00052 before instruction 1 (load) has "
     "finished writing it (missing wait=ld:2?)"},
    {M_OVERWRITE_WHILE_READ, "overwrite of live input while it is read", 3,
     "instruction 3 (load): overwrites scratchpad 0x00000..0x0000f while instruction 2 (compute) "
     "still "
     "reads it (missing wait=cp:1?)"},
    {M_INPUT_OVERWRITTEN, "input overwritten before its last use", 5,
     "instruction 5 (compute): reads w[0][0][0][0] (written by instruction 4) at scratchpad "
     "0x0000a "
     "(activation tile c=0, row 1, column 0) where the convolution needs x[0][2][0]"},
    {M_STORE_EARLY, "store before accumulation completes", 3,
     "instruction 3 (store): stores y[0][0][0] after only 1 of its 2 input channels were "
     "accumulated"},
    {M_STORE_TWICE, "output stored twice", 8,
     "instruction 8 (store): stores y[0][0][0] a second time (first stored by instruction 6)"},
    {M_NEVER_STORED, "output never stored", 7,
     "instruction 7 (end): y[0][2][0] is never stored (20 of 40 output elements are missing)"},
    {M_WRONG_INPUT, "read of the wrong input element", 3,
     "instruction 3 (compute): reads x[0][1][2] (written by instruction 2) at scratchpad 0x00006 "
     "(activation tile c=0, row 1, column 1) where the convolution needs x[0][1][1]"},
    {M_SPAD_OVERFLOW, "scratchpad overflow", 5,
     "instruction 5 (compute): operand 'out' 0x00fd8..0x01028 reaches past the 4096-byte "
     "scratchpad"},
    {M_WRONG_FILTER, "weight from the wrong filter", 3,
     "instruction 3 (compute): reads w[0][1][0][1] (written by instruction 2) at scratchpad "
     "0x00046 "
     "(weight tile c=0, i=1, j=0, k=0) where the convolution needs w[0][1][0][0]"},
    {M_BROKEN_CHAIN, "chain restarted without acc", 6,
     "instruction 6 (store): stores y[0][0][0] from an accumulation chain that did not start at "
     "input "
     "channel 0"},
    {M_CHUNK_TWICE, "channel chunk accumulated twice", 3,
     "instruction 3 (compute): adds input channels 0..0 to the partial sum of y[0][0][0], which "
     "holds "
     "channels up to 1"},
    {M_ZERO_WHERE_INPUT, "virtual zero where the input is needed", 4,
     "instruction 4 (compute): reads a virtual zero at activation tile row 2 where the convolution "
     "needs "
     "input row 3 of x"},
    {M_WRONG_KERNEL, "kernel of another layer", 2,
     "instruction 2 (compute): kernel=3x3 stride=1,1 dil=2,1 is not the layer's kernel=3x3 "
     "stride=1,1 "
     "dil=1,1"},
    {M_NO_END, "no end", -1, "no END"},
    {M_LOAD_FROM_Y, "load from the output tensor", 1, "instruction 1 (load): reads external bytes"},
    {M_STORE_OUTSIDE_Y, "store past the output tensor", 7,
     "instruction 7 (store): writes external bytes"},
    {M_OUTPUT_OVER_INPUT, "output tile over its own input", 5,
     "instruction 5 (compute): output tile 0x00000..0x00050 overlaps its activation tile"},
};

Test(validate, each_mutation_of_the_schedule_gives_its_own_violation)
{
    acc_layer l = tiny_layer();
    acc_config cfg = make_config(4, 4, 4096);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (size_t t = 0; t < sizeof(mutation_cases) / sizeof(mutation_cases[0]); t++) {
        const mutation_case *c = &mutation_cases[t];
        acc_program p;
        build(c->m, &mm, &p);
        acc_validation v;
        acc_error e;
        memset(&e, 0, sizeof(e));
        char *logbuf = NULL;
        size_t loglen = 0;
        FILE *log = open_memstream(&logbuf, &loglen);
        int rc = acc_validate(&p, &l, &cfg, &mm, &v, log, &e);
        fclose(log);
        cr_assert_eq(rc, -1, "%s: accepted", c->name);
        cr_assert(!v.ok, "%s", c->name);
        cr_assert(v.violations >= 1 && v.violations <= 20, "%s", c->name);
        cr_assert_eq(v.first_index, c->index, "%s: first violation at %d: %s", c->name,
                     v.first_index, v.first);
        cr_assert(strstr(v.first, c->needle) != NULL, "%s: first violation '%s' lacks '%s'",
                  c->name, v.first, c->needle);
        cr_assert_str_eq(e.msg, v.first, "%s", c->name);
        /* the log starts with the first violation, one per line */
        cr_assert(strncmp(logbuf, v.first, strlen(v.first)) == 0 && logbuf[strlen(v.first)] == '\n',
                  "%s: log '%s'", c->name, logbuf);
        free(logbuf);
        acc_validation_free(&v);
        acc_program_free(&p);
    }
}

Test(validate, every_violation_is_listed_and_the_log_shows_the_first_twenty)
{
    acc_layer l = tiny_layer();
    acc_config cfg = make_config(4, 4, 4096);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p;
    acc_program_init(&p);
    /* 30 loads from outside every tensor, then END */
    for (int i = 0; i < 30; i++) {
        acc_instr in = dma(ACC_OP_LOAD, mm.end + 64 * (uint32_t)i, 0, 4, 1, 1, 0, 0, 0, 0);
        acc_program_push(&p, &in);
    }
    acc_instr e_in = end_instr();
    acc_program_push(&p, &e_in);
    acc_validation v;
    acc_error e;
    char *logbuf = NULL;
    size_t loglen = 0;
    FILE *log = open_memstream(&logbuf, &loglen);
    cr_assert_eq(acc_validate(&p, &l, &cfg, &mm, &v, log, &e), -1);
    fclose(log);
    /* one per LOAD, then the outputs never stored (named at END) */
    cr_assert_eq(v.violations, 31);
    cr_assert_eq(v.first_index, 0);
    for (int i = 0; i < 30; i++) {
        cr_assert_eq(v.list[i].index, i, "violation %d names instruction %d", i, v.list[i].index);
        cr_assert(strstr(v.list[i].msg, "which are not inside x") != NULL, "%s", v.list[i].msg);
    }
    cr_assert_eq(v.list[30].index, 30);
    cr_assert(strstr(v.list[30].msg, "is never stored") != NULL, "%s", v.list[30].msg);
    cr_assert_str_eq(v.list[0].msg, v.first);
    cr_assert_eq(acc_validation_at(&v, 29), &v.list[29]);
    cr_assert_null(acc_validation_at(&v, 31));
    /* the log holds the first ACC_VALIDATE_LOG_MAX, one a line */
    int lines = 0;
    for (const char *c = logbuf; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, ACC_VALIDATE_LOG_MAX, "%d lines in the log", lines);
    cr_assert(strstr(logbuf, v.list[19].msg) != NULL && strstr(logbuf, v.list[20].msg) == NULL);
    free(logbuf);
    acc_validation_free(&v);
    acc_program_free(&p);
}

/* Counts calls in ctx[0] and keeps the last index in ctx[1]; ctx[2] is set
 * when an index is not one more than the one before. */
static int note_progress(void *ctx, int64_t done, int64_t total)
{
    int64_t *c = ctx;
    if (done != c[1] + 1 || total != 9)
        c[2] = 1;
    c[0]++;
    c[1] = done;
    return 1; /* ignored: the validator always completes */
}

Test(validate, the_progress_hook_sees_each_instruction_then_the_total)
{
    acc_layer l = tiny_layer();
    acc_config cfg = make_config(4, 4, 4096);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_program p;
    build(M_NONE, &mm, &p);
    acc_validation v;
    acc_error e;
    int64_t c[3] = {0, -1, 0};
    /* the good schedule: 8 instructions and END, then (9, 9) */
    cr_assert_eq(acc_validate_progress(&p, &l, &cfg, &mm, &v, NULL, note_progress, c, &e), 0, "%s",
                 e.msg);
    cr_assert(c[0] == 10 && c[1] == 9 && c[2] == 0, "%lld calls, last %lld, out of order %lld",
              (long long)c[0], (long long)c[1], (long long)c[2]);
    acc_validation_free(&v);
    acc_program_free(&p);
}

/* ------------------------------------------------------------ repeated rows */

/* Blocks whose rows repeat (stride 0) or overlap, which the validator
 * checks with interval arithmetic (model/strided.h) instead of walking
 * every byte moved.  The expected logs are those of the byte walk the
 * validator used before, which gives the same findings (the last two
 * cases move 68.7e9 bytes: a byte walk would take about half an hour;
 * the .timeout turns such a regression into a failure, not a hang). */
typedef struct overlap_case {
    const char *name;
    const char *log; /* every violation, one per line */
    uint64_t peak;   /* peak_live_bytes */
} overlap_case;

static const overlap_case overlap_cases[] = {
    {"x rows loaded over one another (spad strides 0)",
     "instruction 2 (compute): reads x[1][3][0] (written by instruction 0) at activation tile row "
     "0, which puts output row 0 of the tile at input row 2: not an output row of the layer or "
     "the tile's 2 rows run past its 4 output rows\n"
     "instruction 3 (compute): reads nothing (never written) at scratchpad 0x00014 (activation "
     "tile c=0, row 0, column 0), not an input element\n"
     "instruction 4 (compute): reads nothing (never written) at scratchpad 0x00005 (activation "
     "tile c=0, row 0, column 0), not an input element\n"
     "instruction 5 (compute): reads nothing (never written) at scratchpad 0x00019 (activation "
     "tile c=0, row 0, column 0), not an input element\n",
     178},
    {"two output rows stored over one another (dram stride 0)",
     "instruction 6 (store): stores scratchpad 0x00128, which holds byte 0 of a partial sum of "
     "y[1][0][0] (written by instruction 3), into byte 0 of y[0][0][0]\n"
     "instruction 8 (end): y[1][0][0] is never stored (10 of 40 output elements are missing)\n",
     193},
    {"one output row stored 4095 times",
     "instruction 6 (store): stores y[0][0][0] a second time (first stored by instruction 6)\n"
     "instruction 8 (end): y[1][0][0] is never stored (10 of 40 output elements are missing)\n",
     153},
    {"planes of a store repeated (dram and spad plane strides 0)",
     "instruction 7 (store): stores y[0][2][0] a second time (first stored by instruction 7)\n",
     193},
    {"an x row loaded 4095 x 4095 times",
     "instruction 2 (compute): reads nothing (never written) at scratchpad 0x00005 (activation "
     "tile c=0, row 1, column 0) where the convolution needs x[0][1][0]\n"
     "instruction 3 (compute): reads nothing (never written) at scratchpad 0x00014 (activation "
     "tile c=0, row 0, column 0), not an input element\n"
     "instruction 4 (compute): reads nothing (never written) at scratchpad 0x00005 (activation "
     "tile c=0, row 0, column 0), not an input element\n"
     "instruction 5 (compute): reads nothing (never written) at scratchpad 0x00019 (activation "
     "tile c=0, row 0, column 0), not an input element\n",
     178},
    {"an output row stored 4095 x 4095 times",
     "instruction 6 (store): stores y[0][0][0] a second time (first stored by instruction 6)\n"
     "instruction 8 (end): y[1][0][0] is never stored (10 of 40 output elements are missing)\n",
     153},
    {"the two-line program: 4095 bytes loaded 4095 x 4095 times, then end",
     "instruction 0 (load): reads external bytes 0x00010000..0x00010fff (plane 0, row 0), which "
     "are not inside x (0x00010000..0x00010028) or w (0x00011000..0x00011024)\n"
     "instruction 1 (end): y[0][0][0] is never stored (40 of 40 output elements are missing)\n",
     0},
};

/* Case k of overlap_cases: the good schedule with one block changed, or
 * (last case) a LOAD and END alone. */
static void build_overlap(int k, const acc_memmap *mm, acc_program *p)
{
    build(M_NONE, mm, p);
    acc_instr *in = p->ins;
    switch (k) {
    case 0:
        in[0].u.dma.spad_s1 = in[0].u.dma.spad_s2 = 0;
        break;
    case 1:
        in[6].u.dma.dram_s1 = 0;
        break;
    case 2:
        in[6].u.dma = dma(ACC_OP_STORE, mm->y, 256, 40, 4095, 1, 0, 0, 0, 0).u.dma;
        break;
    case 3:
        in[7].u.dma.n2 = 3;
        in[7].u.dma.dram_s2 = in[7].u.dma.spad_s2 = 0;
        break;
    case 4:
        in[0].u.dma = dma(ACC_OP_LOAD, mm->x, 0, 5, 4095, 4095, 0, 0, 0, 0).u.dma;
        break;
    case 5:
        in[6].u.dma = dma(ACC_OP_STORE, mm->y, 256, 40, 4095, 4095, 0, 0, 0, 0).u.dma;
        break;
    default:
        in[0] = dma(ACC_OP_LOAD, mm->x, 0, 4095, 4095, 4095, 0, 0, 0, 0);
        in[1] = end_instr();
        p->count = 2;
        break;
    }
}

Test(validate, blocks_whose_rows_repeat_or_overlap_give_the_findings_of_the_byte_walk,
     .timeout = 120)
{
    acc_layer l = tiny_layer();
    acc_config cfg = make_config(4, 4, 4096);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (int k = 0; k < (int)(sizeof(overlap_cases) / sizeof(overlap_cases[0])); k++) {
        const overlap_case *c = &overlap_cases[k];
        acc_program p;
        build_overlap(k, &mm, &p);
        char *logbuf = NULL;
        size_t loglen = 0;
        FILE *log = open_memstream(&logbuf, &loglen);
        acc_validation v;
        acc_error e;
        int rc = acc_validate(&p, &l, &cfg, &mm, &v, log, &e);
        fclose(log);
        cr_assert_eq(rc, -1, "%s: accepted", c->name);
        cr_assert_str_eq(logbuf, c->log, "%s", c->name);
        cr_assert_eq(v.peak_live_bytes, c->peak, "%s: peak %llu", c->name,
                     (unsigned long long)v.peak_live_bytes);
        free(logbuf);
        acc_validation_free(&v);
        acc_program_free(&p);
    }
}

/* ------------------------------------------------------------ baselines */

typedef struct base_case {
    int H, W, C, K, FH, FW, S, PT, PB, PL, PR, D, G;
    int tk, th, tw, tc; /* forced tiling, or 0 for the planner's choice */
} base_case;

static const base_case base_cases[] = {
    {9, 10, 3, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},  /* "same" 3x3 */
    {9, 10, 3, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 1},  /* the same, small tiles and chains */
    {11, 9, 4, 6, 3, 3, 2, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0},  /* stride 2, no padding */
    {5, 5, 16, 24, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0}, /* 1x1 */
    {8, 8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, 0, 0, 0, 0},   /* depthwise */
    {9, 9, 2, 3, 3, 3, 1, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0},   /* dilation 2 */
    {7, 6, 8, 4, 2, 2, 1, 0, 1, 1, 0, 1, 2, 0, 0, 0, 0},   /* groups, asymmetric padding */
    {12, 12, 3, 8, 5, 5, 2, 2, 2, 2, 2, 1, 1, 4, 2, 2, 1}, /* 5x5 stride 2, small tiles */
};

/* Runs a baseline's schedule of a case through the validator and the iss;
 * with flat, every COMPUTE on which FLAT is legal gets it first (FLAT changes
 * the pass order, never the result).  Returns the number of FLAT COMPUTEs. */
static int run_baseline_flat(const base_case *bc, int idx, const char *strategy, int flat)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "case%d", idx);
    l.ifmap_h = bc->H;
    l.ifmap_w = bc->W;
    l.channels = bc->C;
    l.num_filter = bc->K;
    l.filter_h = bc->FH;
    l.filter_w = bc->FW;
    l.stride_h = l.stride_w = bc->S;
    l.pad_top = bc->PT;
    l.pad_bottom = bc->PB;
    l.pad_left = bc->PL;
    l.pad_right = bc->PR;
    l.dil_h = l.dil_w = bc->D;
    l.groups = bc->G;
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    acc_config cfg = make_config(4, 4, 8192);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    acc_tiling t = {bc->tk, bc->th, bc->tw, bc->tc};
    acc_program p;
    cr_assert_eq(acc_baseline_plan(strategy, &l, &cfg, &mm, bc->tk ? &t : NULL, &p, &e), 0,
                 "case %d %s: %s", idx, strategy, e.msg);
    int nflat = 0;
    for (int i = 0; i < p.count; i++) {
        acc_compute *cp = &p.ins[i].u.cp;
        if (p.ins[i].op != ACC_OP_COMPUTE)
            continue;
        if (flat)
            cp->flat = model_compute_flat_ok(cp, &cfg);
        nflat += cp->flat;
    }
    acc_validation v;
    int rc = acc_validate(&p, &l, &cfg, &mm, &v, stderr, &e);
    cr_assert_eq(rc, 0, "case %d %s: %s", idx, strategy, v.first);
    cr_assert(v.peak_live_bytes > 0 && v.peak_live_bytes <= cfg.spad_bytes, "case %d %s", idx,
              strategy);
    acc_validation_free(&v);

    int8_t *x, *w;
    golden_random_operands(&l, 1000u + (uint64_t)idx, &x, &w);
    acc_dram m;
    acc_dram_init(&m, mm.end);
    memcpy(m.bytes + mm.x, x, layer_x_bytes(&l));
    memcpy(m.bytes + mm.w, w, layer_w_bytes(&l));
    iss_stats st;
    cr_assert_eq(iss_run(&p, &cfg, &m, &st, &e), 0, "case %d %s: %s", idx, strategy, e.msg);
    uint64_t ny = layer_y_bytes(&l) / 4;
    int32_t *y = malloc(ny * sizeof(int32_t));
    golden_conv(&l, x, w, y);
    for (uint64_t i = 0; i < ny; i++)
        cr_assert_eq(get_i32(m.bytes + mm.y + 4 * i), y[i], "case %d %s: y element %llu", idx,
                     strategy, (unsigned long long)i);
    cr_assert_geq(st.macs, layer_macs(&l), "case %d %s", idx, strategy);
    free(y);
    free(x);
    free(w);
    acc_dram_free(&m);
    acc_program_free(&p);
    return nflat;
}

Test(validate, baseline_schedules_pass_and_the_iss_matches_golden)
{
    for (int i = 0; i < (int)(sizeof(base_cases) / sizeof(base_cases[0])); i++) {
        run_baseline_flat(&base_cases[i], i, "serial", 0);
        run_baseline_flat(&base_cases[i], i, "double", 0);
    }
}

Test(validate, flat_computes_pass_and_the_iss_matches_golden)
{
    for (int i = 0; i < (int)(sizeof(base_cases) / sizeof(base_cases[0])); i++) {
        int n = run_baseline_flat(&base_cases[i], i, "serial", 1);
        n += run_baseline_flat(&base_cases[i], i, "double", 1);
        cr_assert_gt(n, 0, "case %d: FLAT is legal on none of its COMPUTEs", i);
    }
}

/* ------------------------------------------------------------ kernel slices */

/* One COMPUTE of a sliced program: input channels cg0..cg0+tc-1, kernel
 * rows i0..i0+fh-1 and columns j0..j0+fw-1, over the whole output. */
typedef struct kstep {
    int cg0, tc, i0, j0, fh, fw, acc;
} kstep;

enum { KS_ACT = 0, KS_WGT = 0x4000, KS_OUT = 0x8000, KS_SPAD = 0x10000 };

/* A layer of groups 1 with the given shape (square stride, dilation and
 * padding). */
static acc_layer ks_layer(int C, int H, int W, int K, int F, int S, int D, int P)
{
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "ks%dx%d", F, F);
    l.ifmap_h = H;
    l.ifmap_w = W;
    l.filter_h = l.filter_w = F;
    l.channels = C;
    l.num_filter = K;
    l.stride_h = l.stride_w = S;
    l.dil_h = l.dil_w = D;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = P;
    l.groups = 1;
    return l;
}

/* The stored input lines [*a, *a + *n) of a slice's window along one axis
 * (taps t0..t0+f-1 of the out output lines) and its virtual zero lines
 * before them (*pad). */
static void ks_window(int out, int stride, int dil, int pad, int size, int t0, int f, int *a,
                      int *n, int *vpad)
{
    int r0 = t0 * dil - pad, r1 = (out - 1) * stride + (t0 + f - 1) * dil - pad;
    *a = r0 > 0 ? r0 : 0;
    int b = r1 < size - 1 ? r1 : size - 1;
    cr_assert_geq(b, *a, "a slice whose window reads only padding");
    *n = b - *a + 1;
    *vpad = *a - r0;
}

/* The program of steps st[0..n): for each, LOAD its activation window,
 * LOAD its weight tile, COMPUTE; then (if store) one STORE of the whole
 * output, and END.  `extra` (when not NULL) is inserted before instruction
 * `extra_at` of that list.  Every instruction waits for the one before. */
static void ks_build(const acc_layer *l, const acc_memmap *mm, const kstep *st, int n, int store,
                     const acc_instr *extra, int extra_at, acc_program *p)
{
    const int H = l->ifmap_h, W = l->ifmap_w, K = l->num_filter, FH = l->filter_h, FW = l->filter_w;
    const int OH = layer_out_h(l), OW = layer_out_w(l);
    acc_program q;
    acc_program_init(&q);
    for (int s = 0; s < n; s++) {
        const kstep *k = &st[s];
        int ay, vh, ptop, ax, vw, pleft;
        ks_window(OH, l->stride_h, l->dil_h, l->pad_top, H, k->i0, k->fh, &ay, &vh, &ptop);
        ks_window(OW, l->stride_w, l->dil_w, l->pad_left, W, k->j0, k->fw, &ax, &vw, &pleft);
        acc_instr la = tu_dma(ACC_OP_LOAD, mm->x + (uint32_t)((k->cg0 * H + ay) * W + ax), KS_ACT,
                              (uint32_t)vw, (uint32_t)vh, (uint32_t)k->tc, (uint32_t)W,
                              (uint32_t)(H * W), (uint32_t)vw, (uint32_t)(vh * vw));
        acc_instr lw = tu_dma(
            ACC_OP_LOAD, mm->w + (uint32_t)(((k->cg0 * FH + k->i0) * FW + k->j0) * K), KS_WGT,
            (uint32_t)(k->fw * K), (uint32_t)k->fh, (uint32_t)k->tc, (uint32_t)(FW * K),
            (uint32_t)(FH * FW * K), (uint32_t)(k->fw * K), (uint32_t)(k->fh * k->fw * K));
        acc_instr cp;
        memset(&cp, 0, sizeof(cp));
        cp.op = ACC_OP_COMPUTE;
        cp.u.cp = (acc_compute){.act = KS_ACT,
                                .wgt = KS_WGT,
                                .out = KS_OUT,
                                .fh = (uint32_t)k->fh,
                                .fw = (uint32_t)k->fw,
                                .sh = (uint32_t)l->stride_h,
                                .sw = (uint32_t)l->stride_w,
                                .dh = (uint32_t)l->dil_h,
                                .dw = (uint32_t)l->dil_w,
                                .tc = (uint32_t)k->tc,
                                .tk = (uint32_t)K,
                                .th = (uint32_t)OH,
                                .tw = (uint32_t)OW,
                                .act_ph = (uint32_t)vw,
                                .act_pc = (uint32_t)(vh * vw),
                                .vh = (uint32_t)vh,
                                .vw = (uint32_t)vw,
                                .ptop = (uint32_t)ptop,
                                .pleft = (uint32_t)pleft,
                                .acc = k->acc};
        acc_program_push(&q, &la);
        acc_program_push(&q, &lw);
        acc_program_push(&q, &cp);
    }
    if (store) {
        acc_instr sy = tu_dma(ACC_OP_STORE, mm->y, KS_OUT, (uint32_t)(OW * 4), (uint32_t)OH,
                              (uint32_t)K, (uint32_t)(OW * 4), (uint32_t)(OH * OW * 4),
                              (uint32_t)(OW * 4), (uint32_t)(OH * OW * 4));
        acc_program_push(&q, &sy);
    }
    tu_push_end(&q);
    acc_program_init(p);
    for (int i = 0; i < q.count; i++) {
        if (extra && i == extra_at)
            acc_program_push(p, extra);
        acc_program_push(p, &q.ins[i]);
    }
    acc_program_free(&q);
    for (int i = 0; i < p->count; i++)
        memset(p->ins[i].wait, 0, sizeof(p->ins[i].wait));
    tu_serialise(p);
}

/* Runs p (which must pass the validator) through the iss on random
 * operands and compares every output element with golden_conv. */
static void ks_iss_matches_golden(const acc_layer *l, const acc_memmap *mm, const acc_program *p,
                                  const char *name)
{
    acc_config cfg = make_config(4, 4, KS_SPAD);
    int8_t *x, *w;
    golden_random_operands(l, 77, &x, &w);
    acc_dram m;
    acc_dram_init(&m, mm->end);
    memcpy(m.bytes + mm->x, x, layer_x_bytes(l));
    memcpy(m.bytes + mm->w, w, layer_w_bytes(l));
    acc_error e;
    cr_assert_eq(iss_run(p, &cfg, &m, NULL, &e), 0, "%s: %s", name, e.msg);
    uint64_t ny = layer_y_bytes(l) / 4;
    int32_t *y = malloc(ny * sizeof(int32_t));
    golden_conv(l, x, w, y);
    for (uint64_t i = 0; i < ny; i++)
        cr_assert_eq(get_i32(m.bytes + mm->y + 4 * i), y[i], "%s: y element %llu", name,
                     (unsigned long long)i);
    free(y);
    free(x);
    free(w);
    acc_dram_free(&m);
}

/* The layers of the sliced programs: the tiny 3x3 layer, a 5x5 one, a
 * dilated and strided 3x3 one. */
static acc_layer ks_layers(int which)
{
    switch (which) {
    case 0:
        return ks_layer(2, 4, 5, 2, 3, 1, 1, 1);
    case 1:
        return ks_layer(2, 6, 7, 2, 5, 1, 1, 2);
    default:
        return ks_layer(3, 9, 10, 3, 3, 2, 2, 2);
    }
}

typedef struct ks_case {
    const char *name;
    int layer; /* ks_layers */
    int n;
    kstep st[8];
} ks_case;

static const ks_case ks_valid[] = {
    {"row bands only", 0, 2, {{0, 2, 0, 0, 2, 3, 0}, {0, 2, 2, 0, 1, 3, 1}}},
    {"column rectangles only", 0, 2, {{0, 2, 0, 0, 3, 1, 0}, {0, 2, 0, 1, 3, 2, 1}}},
    {"bands of heights 2 and 3, each of several rectangles",
     1,
     5,
     {{0, 2, 0, 0, 2, 2, 0},
      {0, 2, 0, 2, 2, 2, 1},
      {0, 2, 0, 4, 2, 1, 1},
      {0, 2, 2, 0, 3, 3, 1},
      {0, 2, 2, 3, 3, 2, 1}}},
    {"two chunks, each sliced its own way",
     0,
     5,
     {{0, 1, 0, 0, 1, 3, 0},
      {0, 1, 1, 0, 2, 2, 1},
      {0, 1, 1, 2, 2, 1, 1},
      {1, 1, 0, 0, 3, 2, 1},
      {1, 1, 0, 2, 3, 1, 1}}},
    {"dilation 2, stride 2: a sliced chunk, then an unsliced one",
     2,
     4,
     {{0, 2, 0, 0, 1, 2, 0}, {0, 2, 0, 2, 1, 1, 1}, {0, 2, 1, 0, 2, 3, 1}, {2, 1, 0, 0, 3, 3, 1}}},
};

Test(validate, kernel_sliced_programs_pass_and_the_iss_matches_golden)
{
    acc_config cfg = make_config(4, 4, KS_SPAD);
    for (size_t t = 0; t < sizeof(ks_valid) / sizeof(ks_valid[0]); t++) {
        const ks_case *c = &ks_valid[t];
        acc_layer l = ks_layers(c->layer);
        acc_memmap mm;
        acc_memmap_default(&l, &mm);
        acc_program p;
        ks_build(&l, &mm, c->st, c->n, 1, NULL, -1, &p);
        acc_validation v;
        acc_error e;
        int rc = acc_validate(&p, &l, &cfg, &mm, &v, stderr, &e);
        cr_assert_eq(rc, 0, "%s: %s", c->name, v.first);
        acc_validation_free(&v);
        ks_iss_matches_golden(&l, &mm, &p, c->name);
        acc_program_free(&p);
    }
}

/* A sliced program of the tiny layer that must be rejected. */
typedef struct ks_bad {
    const char *name;
    int n, store;
    kstep st[4];
    int tamper; /* 0 none; 1: k=1 of step 1's weight tile from the row above; 2: step 1's
                   activation window loaded one row too high */
    int index;  /* instruction of the first violation */
    const char *needle;
} ks_bad;

static const ks_bad ks_bad_cases[] = {
    {"skips a rectangle",
     2,
     1,
     {{0, 2, 0, 0, 3, 1, 0}, {0, 2, 0, 2, 3, 1, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 0..2, columns 2..2 of input channels 0..1 "
     "onto the partial sum of y[0][0][0], which expects rows 0.., columns 1.. next (slices of a "
     "chunk follow each other in row-major order, each once)"},
    {"repeats a rectangle",
     2,
     1,
     {{0, 2, 0, 0, 3, 1, 0}, {0, 2, 0, 0, 3, 1, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 0..2, columns 0..0 of input channels 0..1 "
     "onto the partial sum of y[0][0][0], which expects rows 0.., columns 1.. next"},
    {"goes back to an earlier rectangle",
     3,
     1,
     {{0, 2, 0, 0, 2, 1, 0}, {0, 2, 0, 1, 2, 1, 1}, {0, 2, 0, 0, 2, 1, 1}},
     0,
     8,
     "instruction 8 (compute): accumulates kernel rows 0..1, columns 0..0 of input channels 0..1 "
     "onto the partial sum of y[0][0][0], which expects rows 0.., columns 2.. next"},
    {"a band starts before the one above it is complete",
     2,
     1,
     {{0, 2, 0, 0, 1, 2, 0}, {0, 2, 1, 0, 2, 3, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 1..2, columns 0..2 of input channels 0..1 "
     "onto the partial sum of y[0][0][0], which expects rows 0.., columns 2.. next"},
    {"band height changes inside a band",
     2,
     1,
     {{0, 2, 0, 0, 2, 1, 0}, {0, 2, 0, 1, 1, 2, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 0..0, columns 1..2 of input channels 0..1 "
     "onto the partial sum of y[0][0][0], which expects rows 0..1, columns 1.. next (the "
     "rectangles of a band have the band's height)"},
    {"different tc within a chunk",
     2,
     1,
     {{0, 2, 0, 0, 3, 1, 0}, {0, 1, 0, 1, 3, 2, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 0..2, columns 1..2 of input channels 0..0 "
     "onto the partial sum of y[0][0][0], which is in the middle of input channels 0..1 (every "
     "slice of a chunk has the chunk's input channels)"},
    {"the next chunk before the slices of this one are complete",
     2,
     1,
     {{0, 1, 0, 0, 3, 1, 0}, {1, 1, 0, 0, 3, 3, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 0..2, columns 0..2 of input channels 1..1 "
     "onto the partial sum of y[0][0][0], which is in the middle of input channels 0..0"},
    {"a chunk whose first slice is not at tap (0, 0)",
     2,
     1,
     {{0, 1, 0, 0, 3, 3, 0}, {1, 1, 1, 0, 2, 3, 1}},
     0,
     5,
     "instruction 5 (compute): accumulates kernel rows 1..2, columns 0..2 of input channels 1..1 "
     "onto the partial sum of y[0][0][0], which expects rows 0.., columns 0.. of input channels "
     "1.. next"},
    {"a COMPUTE without acc in the middle of the slices",
     2,
     1,
     {{0, 2, 0, 0, 2, 3, 0}, {0, 2, 2, 0, 1, 3, 0}},
     0,
     6,
     "instruction 6 (store): stores y[0][0][0] from an accumulation chain that did not start at "
     "kernel tap (0, 0) of input channel 0 (a COMPUTE without acc in the middle of the chain)"},
    {"a chain started at slice (0, 1), then stored",
     1,
     1,
     {{0, 2, 0, 1, 3, 2, 0}},
     0,
     3,
     "instruction 3 (store): stores y[0][0][0] from an accumulation chain that did not start at "
     "kernel tap (0, 0) of input channel 0"},
    {"a STORE after an incomplete kernel",
     2,
     1,
     {{0, 2, 0, 0, 2, 3, 0}, {0, 2, 2, 0, 1, 1, 1}},
     0,
     6,
     "instruction 6 (store): stores y[0][0][0] before its kernel is complete: its input channels "
     "0..1 expect the slice at kernel rows 2.., columns 1.. next (partial sum written by "
     "instruction 5)"},
    {"a weight tile whose taps are not one slice (k=1 from the row above)",
     2,
     1,
     {{0, 2, 0, 0, 2, 3, 0}, {0, 2, 2, 0, 1, 3, 1}},
     1,
     6,
     "instruction 6 (compute): output channels of one tile compute different kernel slices: tile "
     "channel k=1 starts at w[0][1][0][1] (written by instruction 5) but k=0 at w[0][2][0][0]"},
    {"an activation window one row too high",
     2,
     1,
     {{0, 2, 0, 0, 2, 3, 0}, {0, 2, 2, 0, 1, 3, 1}},
     2,
     5,
     "instruction 5 (compute): reads x[0][0][0] (written by instruction 3) at activation tile row "
     "0, which puts output row 0 of the tile at input row -2: not an output row of the layer"},
    {"a slice reaching past the filter",
     1,
     1,
     {{0, 1, 2, 0, 2, 3, 0}},
     0,
     2,
     "instruction 2 (compute): computes kernel rows 2..3, columns 0..2 (its first tap is "
     "w[0][2][0][0]), which reach past the layer's 3x3 filter"},
    {"a kernel larger than the filter",
     1,
     1,
     {{0, 2, 0, 0, 3, 3, 0}},
     3,
     2,
     "instruction 2 (compute): kernel=4x3 is larger than the layer's 3x3 filter"},
};

Test(validate, each_wrong_kernel_slicing_gives_its_own_violation)
{
    acc_layer l = ks_layers(0);
    acc_config cfg = make_config(4, 4, KS_SPAD);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    for (size_t t = 0; t < sizeof(ks_bad_cases) / sizeof(ks_bad_cases[0]); t++) {
        const ks_bad *c = &ks_bad_cases[t];
        acc_program p;
        acc_instr extra = tu_dma(ACC_OP_LOAD, mm.w + (uint32_t)((0 * 3 + 1) * 3 * 2 + 1),
                                 KS_WGT + 1, 1, 1, 1, 0, 0, 0, 0);
        ks_build(&l, &mm, c->st, c->n, c->store, c->tamper == 1 ? &extra : NULL, 5, &p);
        if (c->tamper == 2)
            p.ins[3].u.dma.dram -= (uint32_t)l.ifmap_w;
        if (c->tamper == 3)
            p.ins[2].u.cp.fh = 4;
        acc_validation v;
        acc_error e;
        int rc = acc_validate(&p, &l, &cfg, &mm, &v, NULL, &e);
        cr_assert_eq(rc, -1, "%s: accepted", c->name);
        cr_assert_eq(v.first_index, c->index, "%s: first violation at %d: %s", c->name,
                     v.first_index, v.first);
        cr_assert(strstr(v.first, c->needle) != NULL, "%s: first violation '%s' lacks '%s'",
                  c->name, v.first, c->needle);
        acc_validation_free(&v);
        acc_program_free(&p);
    }
}

/* Channel counts above 65535: a 1x1 layer of 70,000 input channels, in
 * chunks of 4,000 (tc is 12 bits). */
Test(validate, a_layer_of_70000_input_channels_validates_and_a_missing_chunk_is_found)
{
    acc_layer l = ks_layer(70000, 1, 1, 1, 1, 1, 1, 0);
    acc_error e;
    cr_assert_eq(acc_layer_check(&l, &e), 0, "%s", e.msg);
    acc_config cfg = make_config(4, 4, KS_SPAD);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    kstep st[18];
    for (int s = 0; s < 18; s++)
        st[s] = (kstep){4000 * s, s < 17 ? 4000 : 2000, 0, 0, 1, 1, s > 0};
    acc_program p;
    ks_build(&l, &mm, st, 18, 1, NULL, -1, &p);
    acc_validation v;
    cr_assert_eq(acc_validate(&p, &l, &cfg, &mm, &v, stderr, &e), 0, "%s", v.first);
    acc_validation_free(&v);
    ks_iss_matches_golden(&l, &mm, &p, "70000 channels");
    acc_program_free(&p);

    ks_build(&l, &mm, st, 17, 1, NULL, -1, &p);
    cr_assert_eq(acc_validate(&p, &l, &cfg, &mm, &v, NULL, &e), -1, "missing chunk accepted");
    cr_assert_eq(v.first_index, 51);
    cr_assert_str_eq(v.first, "instruction 51 (store): stores y[0][0][0] after only 68000 of its "
                              "70000 input channels were accumulated (partial sum written by "
                              "instruction 50)");
    acc_validation_free(&v);
    acc_program_free(&p);
}
