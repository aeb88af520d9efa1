/* test_validate.c - the schedule validator on a small hand-written schedule
 * of a tiny layer (which must pass, and whose iss result must be the
 * convolution), on mutations of it that must each produce one specific
 * violation, and on the baseline planners' schedules of a few small layers,
 * run through validator + iss and compared with golden_conv. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "planner/baseline.h"
#include "model/validate.h"

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

static void run_baseline(const base_case *bc, int idx, const char *strategy)
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
}

Test(validate, baseline_schedules_pass_and_the_iss_matches_golden)
{
    for (int i = 0; i < (int)(sizeof(base_cases) / sizeof(base_cases[0])); i++) {
        run_baseline(&base_cases[i], i, "serial");
        run_baseline(&base_cases[i], i, "double");
    }
}
