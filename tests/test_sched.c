/* test_sched.c - the .sched text form (docs/isa.md, "Text form"): round trips
 * between binary and text, the canonical form, operand order, comments and
 * directives, and every error the assembler reports. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/isa.h"
#include "core/sched.h"
#include "tests/testutil.h"

/* ------------------------------------------------------------ helpers */

/* A random valid instruction of a random opcode (testutil.h): fields over
 * their documented ranges, waits zero a third of the time each so that the
 * omitted form is exercised. */
static void random_instr(acc_rng *r, acc_instr *in)
{
    static const acc_opcode ops[] = {ACC_OP_LOAD, ACC_OP_STORE, ACC_OP_COMPUTE, ACC_OP_END};
    tu_random_instr(r, ops[acc_rng_next(r) % 4], in);
}

/* The text acc_sched_text renders, malloc'd. */
static char *write_text(const acc_program *p, const acc_sched_meta *meta, acc_sched_annot_fn annot,
                        void *ctx)
{
    size_t len = 0;
    return acc_sched_text(p, meta, NULL, annot, ctx, &len);
}

/* Assembles text that must be valid. */
static void assemble_ok(const char *text, acc_program *p, acc_sched_meta *meta)
{
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(acc_sched_parse(text, "t.sched", p, meta, &err), 0, "rejected: %s\n%s", err.msg,
                 text);
}

/* Assembles then disassembles; returns the canonical text (malloc'd). */
static char *canonical(const char *text)
{
    acc_program p;
    acc_sched_meta meta;
    assemble_ok(text, &p, &meta);
    char *out = write_text(&p, &meta, NULL, NULL);
    acc_program_free(&p);
    return out;
}

/* ------------------------------------------------------------ round trips */

Test(sched, assembling_the_disassembly_of_random_programs_reproduces_the_binary)
{
    acc_rng r;
    acc_rng_seed(&r, 42);
    for (int prog = 0; prog < 40; prog++) {
        acc_program p;
        acc_program_init(&p);
        int n = 1 + (int)(acc_rng_next(&r) % 100);
        for (int i = 0; i < n; i++) {
            acc_instr in;
            random_instr(&r, &in);
            acc_program_push(&p, &in);
        }
        size_t len;
        uint8_t *bin = acc_program_encode(&p, &len);
        acc_program_free(&p);

        acc_program dec, back;
        acc_error err;
        cr_assert_eq(acc_program_decode(bin, len, "r.bin", &dec, &err), 0, "%s", err.msg);
        char *text = write_text(&dec, NULL, NULL, NULL);
        acc_program_free(&dec);
        cr_assert_eq(acc_sched_parse(text, "r.sched", &back, NULL, &err), 0, "program %d: %s", prog,
                     err.msg);
        size_t len2;
        uint8_t *bin2 = acc_program_encode(&back, &len2);
        cr_assert_eq(len2, len, "program %d: %zu bytes, expected %zu", prog, len2, len);
        cr_assert(memcmp(bin, bin2, len) == 0, "program %d: binary differs after the round trip",
                  prog);
        /* the text of the re-assembled program is the same canonical text */
        char *text2 = write_text(&back, NULL, NULL, NULL);
        cr_assert_str_eq(text2, text, "program %d: canonical text is not stable", prog);
        free(text2);
        free(text);
        free(bin2);
        free(bin);
        acc_program_free(&back);
    }
}

Test(sched, loose_text_disassembles_to_the_canonical_form)
{
    const char *loose =
        "# a schedule written by hand\n"
        "\n"
        "   .planner   double   # the planner\n"
        ".memmap prog=0x96000 y=288768 w=0x0003D000 x=65536\n"
        ".layer resnet_3\n"
        ".config default\n"
        "load spad_stride=58,580 n=58,10,0x10 dram=65536 spad=0 dram_stride=56,3136\n"
        "\tcompute  flat acc pad=1,1 act_size=10x58 act_pitch=58,580 ow=56 oh=8 k=16 c=0x10 "
        "dil=1,1 stride=1,1 kernel=0x3x3 out=0x3000 wgt=8192 act=0 wait=ld:2\n"
        "store wait=cp:1,ld:0 spad_stride=224,1792 dram_stride=224,12544 n=224,8,16 "
        "spad=0x03000 dram=0x46000\r\n"
        "end wait=st:1,cp:1  # stop\n";
    const char *want =
        ".layer resnet_3\n"
        ".config default\n"
        ".planner double\n"
        ".memmap x=0x00010000 w=0x0003d000 y=0x00046800 prog=0x00096000\n"
        "load    dram=0x00010000 spad=0x00000 n=58,10,16 dram_stride=56,3136 spad_stride=58,580\n"
        "compute act=0x00000 wgt=0x02000 out=0x03000 kernel=3x3 stride=1,1 dil=1,1 c=16 k=16 "
        "oh=8 ow=56 act_pitch=58,580 act_size=10x58 pad=1,1 acc flat wait=ld:2\n"
        "store   dram=0x00046000 spad=0x03000 n=224,8,16 dram_stride=224,12544 "
        "spad_stride=224,1792 wait=cp:1\n"
        "end     wait=cp:1,st:1\n";
    char *got = canonical(loose);
    cr_assert_str_eq(got, want, "got:\n%s", got);
    /* and the canonical text is a fixed point */
    char *again = canonical(got);
    cr_assert_str_eq(again, got, "canonical form is not a fixed point");
    free(again);
    free(got);
}

Test(sched, decoded_fields_follow_the_text)
{
    acc_program p;
    acc_sched_meta meta;
    assemble_ok("compute act=1 wgt=2 out=3 kernel=5x7 stride=2,3 dil=4,6 c=9 k=10 oh=11 ow=12 "
                "act_pitch=13,0x1000 act_size=14x13 pad=15,0 wait=st:5,ld:4\n"
                "load dram=0xffffffff spad=0xfffff n=4095,2,3 dram_stride=0xffffff,5 "
                "spad_stride=6,0xfffff\n",
                &p, &meta);
    cr_assert_eq(p.count, 2, "%d instructions", p.count);
    const acc_compute *c = &p.ins[0].u.cp;
    cr_assert_eq(p.ins[0].op, ACC_OP_COMPUTE, "opcode");
    cr_assert(c->act == 1 && c->wgt == 2 && c->out == 3, "addresses");
    cr_assert(c->fh == 5 && c->fw == 7, "kernel %ux%u", c->fh, c->fw);
    cr_assert(c->sh == 2 && c->sw == 3 && c->dh == 4 && c->dw == 6, "stride/dil");
    cr_assert(c->tc == 9 && c->tk == 10 && c->th == 11 && c->tw == 12, "sizes");
    cr_assert(c->act_ph == 13 && c->act_pc == 4096, "pitch");
    cr_assert(c->vh == 14 && c->vw == 13, "act_size");
    cr_assert(c->ptop == 15 && c->pleft == 0 && c->acc == 0 && c->flat == 0, "pad/acc/flat");
    cr_assert(p.ins[0].wait[0] == 4 && p.ins[0].wait[1] == 0 && p.ins[0].wait[2] == 5, "waits");
    const acc_dma *d = &p.ins[1].u.dma;
    cr_assert(d->dram == 0xffffffffu && d->spad == 0xfffff, "dma addresses");
    cr_assert(d->n0 == 4095 && d->n1 == 2 && d->n2 == 3, "n");
    cr_assert(d->dram_s1 == 0xffffff && d->dram_s2 == 5, "dram stride");
    cr_assert(d->spad_s1 == 6 && d->spad_s2 == 0xfffff, "spad stride");
    cr_assert(meta.layer[0] == '\0' && !meta.has_memmap, "no metadata expected");
    acc_program_free(&p);
}

Test(sched, operand_order_does_not_matter)
{
    const char *lines[] = {
        "load dram=0x00010000 spad=0x00040 n=58,10,16 dram_stride=56,3136 spad_stride=58,580 "
        "wait=cp:3,st:1",
        "compute act=0x00000 wgt=0x02000 out=0x03000 kernel=3x3 stride=1,2 dil=1,1 c=16 k=16 "
        "oh=8 ow=56 act_pitch=58,580 act_size=10x58 pad=1,0 acc wait=ld:2",
        "store dram=0x00046000 spad=0x03000 n=224,8,16 dram_stride=224,12544 "
        "spad_stride=224,1792 wait=cp:1",
    };
    acc_rng r;
    acc_rng_seed(&r, 3);
    for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
        acc_program ref;
        assemble_ok(lines[l], &ref, NULL);
        char buf[512];
        snprintf(buf, sizeof(buf), "%s", lines[l]);
        char *tok[24];
        int n = 0;
        for (char *t = strtok(buf, " "); t && n < 24; t = strtok(NULL, " "))
            tok[n++] = t;
        for (int trial = 0; trial < 50; trial++) {
            /* shuffle the operands (tok[1..n-1]), keep the mnemonic first */
            for (int i = n - 1; i > 1; i--) {
                int j = 1 + (int)(acc_rng_next(&r) % (uint64_t)i);
                char *t = tok[i];
                tok[i] = tok[j];
                tok[j] = t;
            }
            char line[512] = "";
            for (int i = 0; i < n; i++) {
                strcat(line, tok[i]);
                strcat(line, i + 1 < n ? "   " : "\n");
            }
            acc_program p;
            assemble_ok(line, &p, NULL);
            cr_assert_eq(p.count, 1, "count");
            cr_assert(memcmp(&p.ins[0], &ref.ins[0], sizeof(acc_instr)) == 0,
                      "shuffled line differs: %s", line);
            acc_program_free(&p);
        }
        acc_program_free(&ref);
    }
}

Test(sched, comments_blank_lines_and_directives_are_understood)
{
    const char *text = "# header comment\n"
                       "\n"
                       "   \t  \n"
                       ".layer lenet_1 # the layer\n"
                       ".config small#no space before the comment\n"
                       "# .planner ignored because it is a comment\n"
                       ".memmap x=0x10000 w=0x11000 y=0x12000 prog=0x20000 end=0x13000\n"
                       "end # stop\n"
                       "# trailing comment without newline";
    acc_program p;
    acc_sched_meta meta;
    assemble_ok(text, &p, &meta);
    cr_assert_eq(p.count, 1, "%d instructions", p.count);
    cr_assert_eq(p.ins[0].op, ACC_OP_END, "not END");
    cr_assert_str_eq(meta.layer, "lenet_1", "layer '%s'", meta.layer);
    cr_assert_str_eq(meta.config, "small", "config '%s'", meta.config);
    cr_assert_str_eq(meta.planner, "", "planner '%s'", meta.planner);
    cr_assert_eq(meta.has_memmap, 1, "memmap");
    cr_assert(meta.memmap.x == 0x10000 && meta.memmap.w == 0x11000 && meta.memmap.y == 0x12000 &&
                  meta.memmap.prog == 0x20000 && meta.memmap.end == 0x13000,
              "memmap values");
    char *out = write_text(&p, &meta, NULL, NULL);
    cr_assert_str_eq(out,
                     ".layer lenet_1\n"
                     ".config small\n"
                     ".memmap x=0x00010000 w=0x00011000 y=0x00012000 prog=0x00020000 "
                     "end=0x00013000\n"
                     "end\n",
                     "got:\n%s", out);
    free(out);
    acc_program_free(&p);
}

Test(sched, instr_line_counts_lines_as_the_parser_does)
{
    const char *text = "# header comment\n"
                       "\n"
                       ".layer lenet_1 # the layer\n"
                       "load dram=0x10000 spad=0 n=4,1,1 dram_stride=0,0 spad_stride=0,0\n"
                       "   # indented comment\n"
                       "\t end # the second instruction\n"
                       "end";
    acc_program p;
    assemble_ok(text, &p, NULL);
    cr_assert_eq(p.count, 3);
    cr_assert_eq(acc_sched_instr_line(text, 0), 4);
    cr_assert_eq(acc_sched_instr_line(text, 1), 6);
    cr_assert_eq(acc_sched_instr_line(text, 2), 7, "last line, no newline");
    cr_assert_eq(acc_sched_instr_line(text, 3), 0, "no fourth instruction");
    cr_assert_eq(acc_sched_instr_line(text, -1), 0);
    cr_assert_eq(acc_sched_instr_line("", 0), 0);
    acc_program_free(&p);
}

Test(sched, empty_text_is_an_empty_program)
{
    acc_program p;
    acc_sched_meta meta;
    assemble_ok("", &p, &meta);
    cr_assert_eq(p.count, 0, "count");
    assemble_ok("# only a comment\n\n", &p, &meta);
    cr_assert_eq(p.count, 0, "count");
}

static void annotate(int index, void *ctx, char *buf, size_t size)
{
    int *calls = ctx;
    (*calls)++;
    if (index != 1) /* no note on the second instruction */
        snprintf(buf, size, "cycle %d", 100 * index);
}

Test(sched, annotations_become_trailing_comments_that_assemble_away)
{
    acc_program p;
    assemble_ok("end wait=ld:1\nend\nend\n", &p, NULL);
    int calls = 0;
    char *out = write_text(&p, NULL, annotate, &calls);
    cr_assert_eq(calls, 3, "annot called %d times", calls);
    cr_assert_str_eq(out, "end     wait=ld:1  # cycle 0\nend\nend  # cycle 200\n", "got:\n%s", out);
    acc_program back;
    assemble_ok(out, &back, NULL);
    cr_assert(back.count == 3 && memcmp(back.ins, p.ins, 3 * sizeof(acc_instr)) == 0,
              "annotated text assembles differently");
    free(out);
    acc_program_free(&back);
    acc_program_free(&p);
}

Test(sched, format_instr_returns_the_length_and_fits_512_bytes)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = ACC_OP_COMPUTE;
    acc_compute *c = &in.u.cp;
    c->act = c->wgt = c->out = 0xfffff;
    c->fh = c->fw = 15;
    c->sh = c->sw = c->dh = c->dw = 7;
    c->tc = c->tk = 4095;
    c->th = c->tw = c->vh = c->vw = c->act_ph = 1023;
    c->act_pc = 0xfffff;
    c->ptop = c->pleft = 15;
    c->acc = 1;
    in.wait[0] = in.wait[1] = in.wait[2] = 0xfffff;
    char buf[512];
    int n = acc_sched_format_instr(&in, buf, sizeof(buf));
    cr_assert_eq((size_t)n, strlen(buf), "returned %d for %zu characters", n, strlen(buf));
    cr_assert_str_eq(buf,
                     "compute act=0xfffff wgt=0xfffff out=0xfffff kernel=15x15 stride=7,7 dil=7,7 "
                     "c=4095 k=4095 oh=1023 ow=1023 act_pitch=1023,1048575 act_size=1023x1023 "
                     "pad=15,15 acc wait=ld:1048575,cp:1048575,st:1048575",
                     "got %s", buf);
    char small[16];
    int m = acc_sched_format_instr(&in, small, sizeof(small));
    cr_assert_eq(m, n, "truncated call returns %d, expected the full length %d", m, n);
    cr_assert_eq(strlen(small), sizeof(small) - 1, "not truncated to the buffer");
}

Test(sched, save_writes_the_canonical_text_to_a_file)
{
    acc_program p;
    acc_sched_meta meta;
    assemble_ok(".planner serial\nend\n", &p, &meta);
    char path[] = "/tmp/test_sched_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp");
    acc_error err;
    cr_assert_eq(acc_sched_save(path, &p, &meta, NULL, NULL, NULL, &err), 0, "%s", err.msg);
    acc_program back;
    acc_sched_meta meta2;
    cr_assert_eq(acc_sched_load(path, &back, &meta2, &err), 0, "%s", err.msg);
    cr_assert_str_eq(meta2.planner, "serial", "planner");
    cr_assert_eq(back.count, 1, "count");
    size_t len;
    char *text = acc_read_file(path, &len, &err);
    cr_assert_str_eq(text, ".planner serial\nend\n", "file holds:\n%s", text);
    free(text);
    remove(path);
    acc_program_free(&back);
    acc_program_free(&p);
}

/* ------------------------------------------------------------ errors */

typedef struct bad_case {
    const char *text;
    const char *needle; /* substring the message must contain */
} bad_case;

#define LOAD_OK "dram=0 spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0"
#define CP_OK                                                                                      \
    "act=0 wgt=0x100 out=0x200 kernel=1x1 stride=1,1 dil=1,1 c=1 k=1 oh=1 ow=1 act_pitch=1,1 "     \
    "act_size=1x1 pad=0,0"

static const bad_case bad_cases[] = {
    {"end\nlod " LOAD_OK "\n", "t.sched:2: unknown mnemonic 'lod'"},
    {"LOAD " LOAD_OK "\n", "t.sched:1: unknown mnemonic 'LOAD'"},
    {"load " LOAD_OK " foo=1\n", "t.sched:1: field 'foo': unknown operand of load"},
    {"load " LOAD_OK " acc\n", "t.sched:1: field 'acc': unknown operand of load"},
    {"store " LOAD_OK " kernel=1x1\n", "t.sched:1: field 'kernel': unknown operand of store"},
    {"compute " CP_OK " n=1,1,1\n", "t.sched:1: field 'n': unknown operand of compute"},
    {"load dram=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n", "t.sched:1: field 'spad': missing"},
    {"compute act=0 wgt=0 out=0 kernel=1x1 stride=1,1 dil=1,1 c=1 k=1 oh=1 ow=1 act_pitch=1,1 "
     "act_size=1x1\n",
     "t.sched:1: field 'pad': missing"},
    {"load " LOAD_OK " n=1,1,1\n", "t.sched:1: field 'n': operand given twice"},
    {"compute " CP_OK " acc acc\n", "t.sched:1: field 'acc': operand given twice"},
    {"end wait=ld:1 wait=cp:1\n", "t.sched:1: field 'wait': operand given twice"},
    {"load dram=0xZZ spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'dram': bad number '0xZZ'"},
    {"load dram= spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'dram': bad number ''"},
    {"load dram=-1 spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'dram': bad number '-1'"},
    {"load dram=0 spad=0 n=1,x,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'n': bad number 'x'"},
    {"load dram=0 spad=0 n=1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'n': expected three numbers"},
    {"load dram=0 spad=0 n=1,1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'n': expected three numbers"},
    {"load dram=0 spad=0 n=1,1,1 dram_stride=0 spad_stride=0,0\n",
     "t.sched:1: field 'dram_stride': expected two numbers"},
    {"compute act=0 wgt=0 out=0 kernel=3 stride=1,1 dil=1,1 c=1 k=1 oh=1 ow=1 act_pitch=1,1 "
     "act_size=1x1 pad=0,0\n",
     "t.sched:1: field 'kernel': expected two numbers separated by 'x'"},
    {"compute act=0 wgt=0 out=0 kernel=3x3 stride=1,1 dil=1,1 c=1 k=1 oh=1 ow=1 act_pitch=1,1 "
     "act_size=1,1 pad=0,0\n",
     "t.sched:1: field 'act_size': expected two numbers separated by 'x'"},
    {"load dram=0 spad=0 n=0,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'n0': 0 is outside 1..4095"},
    {"load dram=0 spad=0 n=1,1,4096 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'n2': 4096 is outside 1..4095"},
    {"load dram=0 spad=0x100000 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'spad': 1048576 is outside 0..1048575"},
    {"load dram=0x100000000 spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'dram': 0x100000000 does not fit in 32 bits"},
    {"compute act=0 wgt=0 out=0 kernel=1x1 stride=8,1 dil=1,1 c=1 k=1 oh=1 ow=1 act_pitch=1,1 "
     "act_size=1x1 pad=0,0\n",
     "t.sched:1: field 'sh': 8 is outside 1..7"},
    {"compute act=0 wgt=0 out=0 kernel=1x1 stride=1,1 dil=1,1 c=2 k=1 oh=1 ow=1 act_pitch=4,7 "
     "act_size=2x4 pad=0,0\n",
     "t.sched:1: field 'act_pitch': channel pitch"},
    {"compute act=0 wgt=0 out=0 kernel=1x1 stride=1,1 dil=1,1 c=1 k=1 oh=1 ow=1 act_pitch=3,0 "
     "act_size=1x4 pad=0,0\n",
     "t.sched:1: field 'act_pitch': row pitch"},
    {"end wait=ld:1048576\n", "t.sched:1: field 'wait_ld': 1048576 is outside"},
    {"end wait=xx:1\n", "t.sched:1: field 'wait': unknown engine 'xx'"},
    {"end wait=ld:1,ld:2\n", "t.sched:1: field 'wait': engine 'ld' given twice"},
    {"end wait=ld\n", "t.sched:1: field 'wait': expected ENGINE:N"},
    {"end wait=ld:z\n", "t.sched:1: field 'wait': bad number 'z'"},
    {"end wait\n", "t.sched:1: field 'wait': expected wait="},
    {"load dram spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0\n",
     "t.sched:1: field 'dram': expected dram=value"},
    {"compute " CP_OK " acc=1\n", "t.sched:1: field 'acc': a bare word"},
    {"compute " CP_OK " flat=1\n", "t.sched:1: field 'flat': a bare word"},
    {"compute " CP_OK " flat flat\n", "t.sched:1: field 'flat': operand given twice"},
    {"load dram=0 spad=0 n=1,1,1 dram_stride=0,0 spad_stride=0,0 flat\n",
     "t.sched:1: field 'flat': unknown operand of load"},
    {"end dram=0\n", "t.sched:1: field 'dram': 'end' takes no operands"},
    {"end acc\n", "t.sched:1: field 'acc': 'end' takes no operands"},
    {"\n\n.foo bar\n", "t.sched:3: unknown directive '.foo'"},
    {".layer\n", "t.sched:1: directive '.layer': missing name"},
    {".config a b\n", "t.sched:1: directive '.config': expected one name"},
    {".planner a\n.planner b\n", "t.sched:2: directive '.planner': given twice (first on line 1)"},
    {".layer "
     "a234567890123456789012345678901234567890123456789012345678901234\n",
     "t.sched:1: directive '.layer': name is longer"},
    {".memmap x=0 w=0 y=0\n", "t.sched:1: directive '.memmap': field 'prog': missing"},
    {".memmap x=0 w=0 y=0 prog=0 z=1\n", "t.sched:1: directive '.memmap': field 'z': unknown"},
    {".memmap x=0 x=0 w=0 y=0 prog=0\n", "t.sched:1: directive '.memmap': field 'x': given twice"},
    {".memmap x=0 w=0 y=q prog=0\n", "t.sched:1: field 'y': bad number 'q'"},
    {".memmap x w=0 y=0 prog=0\n", "t.sched:1: directive '.memmap': field 'x': expected name="},
    {".memmap x=0 w=0 y=0 prog=0\n.memmap x=0 w=0 y=0 prog=0\n",
     "t.sched:2: directive '.memmap': given twice"},
};

Test(sched, every_malformed_line_is_rejected_with_line_and_field)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        acc_program p;
        acc_sched_meta meta;
        acc_error err;
        err.msg[0] = '\0';
        p.count = -7;
        int rc = acc_sched_parse(bad_cases[i].text, "t.sched", &p, &meta, &err);
        cr_assert_eq(rc, -1, "case %zu accepted: %s", i, bad_cases[i].text);
        cr_assert(strstr(err.msg, bad_cases[i].needle) != NULL, "case %zu: message '%s' lacks '%s'",
                  i, err.msg, bad_cases[i].needle);
        cr_assert_eq(p.count, -7, "case %zu: output written on error", i);
    }
}

Test(sched, an_error_after_valid_lines_names_the_right_line)
{
    acc_error err;
    acc_program p;
    const char *text = "# one\n.layer x\nend\n\nend\n   end bogus=1  # here\nend\n";
    cr_assert_eq(acc_sched_parse(text, "dir/prog.sched", &p, NULL, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "dir/prog.sched:6: field 'bogus'") != NULL, "%s", err.msg);
}

/* A layer name may hold blanks (a SCALE-Sim row's name): .layer takes the
 * rest of its line, and the written text reads back to the same name. */
Test(sched, layer_directive_takes_a_name_with_blanks)
{
    acc_program p;
    acc_sched_meta meta;
    assemble_ok(".layer  Embedding Layer 2  # the row\nend\n", &p, &meta);
    cr_assert_str_eq(meta.layer, "Embedding Layer 2");
    char *text = write_text(&p, &meta, NULL, NULL);
    acc_program back;
    acc_sched_meta meta2;
    assemble_ok(text, &back, &meta2);
    cr_assert_str_eq(meta2.layer, "Embedding Layer 2", "%s", text);
    free(text);
    acc_program_free(&back);
    acc_program_free(&p);
}

/* A path that fills the whole message once left no room for the reason. */
Test(sched, an_error_under_a_long_path_keeps_the_line_and_the_reason)
{
    char path[801];
    memset(path, 'p', 800);
    memcpy(path + 790, "/x.sched", 9);
    acc_error err;
    acc_program p;
    cr_assert_eq(acc_sched_parse("end\nlod x=1\n", path, &p, NULL, &err), -1, "accepted");
    cr_assert(strncmp(err.msg, "pppp", 4) == 0, "%s", err.msg);
    cr_assert(strstr(err.msg, "/x.sched:2: unknown mnemonic 'lod' (expected load, store, "
                              "compute or end)") != NULL,
              "%s", err.msg);
}

Test(sched, load_reports_a_missing_file_and_a_nul_byte)
{
    acc_program p;
    acc_error err;
    cr_assert_eq(acc_sched_load("/nonexistent/x.sched", &p, NULL, &err), -1, "accepted");
    cr_assert(strstr(err.msg, "/nonexistent/x.sched") != NULL, "%s", err.msg);

    char path[] = "/tmp/test_sched_nul_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "mkstemp");
    FILE *f = fdopen(fd, "wb");
    fwrite("end\nend\0\n", 1, 9, f);
    fclose(f);
    cr_assert_eq(acc_sched_load(path, &p, NULL, &err), -1, "NUL accepted");
    remove(path);
    cr_assert(strstr(err.msg, ":2: contains a NUL byte") != NULL, "%s", err.msg);
}

/* ------------------------------------------------------------ data files */

static const char *data_dir(void)
{
    const char *d = getenv("ACC_TEST_DATA");
    return d && *d ? d : "tests/data";
}

/* First line of <path>.err. */
static void read_expected(const char *path, char *out, size_t size)
{
    char errpath[1100];
    snprintf(errpath, sizeof(errpath), "%s.err", path);
    FILE *f = fopen(errpath, "r");
    cr_assert(f != NULL, "%s is missing", errpath);
    cr_assert(fgets(out, (int)size, f) != NULL, "%s is empty", errpath);
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    cr_assert(out[0] != '\0', "%s: empty first line", errpath);
}

/* Runs check(path) on every <dir>/<prefix>*<ext> file; returns how many. */
static int for_each_data_file(const char *prefix, const char *ext,
                              void (*check)(const char *path, const char *expected))
{
    DIR *d = opendir(data_dir());
    cr_assert(d != NULL, "cannot open %s", data_dir());
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name), el = strlen(ext);
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || len <= el ||
            strcmp(e->d_name + len - el, ext) != 0)
            continue;
        char path[1024], expected[512];
        snprintf(path, sizeof(path), "%s/%s", data_dir(), e->d_name);
        read_expected(path, expected, sizeof(expected));
        check(path, expected);
        n++;
    }
    closedir(d);
    return n;
}

static void check_sched_file(const char *path, const char *expected)
{
    acc_program p;
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(acc_sched_load(path, &p, NULL, &err), -1, "%s accepted", path);
    cr_assert(strstr(err.msg, expected) != NULL, "%s: message '%s' lacks '%s'", path, err.msg,
              expected);
}

static void check_bin_file(const char *path, const char *expected)
{
    size_t len;
    acc_error err;
    char *buf = acc_read_file(path, &len, &err);
    cr_assert(buf != NULL, "%s", err.msg);
    acc_program p;
    err.msg[0] = '\0';
    int rc = acc_program_decode((const uint8_t *)buf, len, path, &p, &err);
    free(buf);
    cr_assert_eq(rc, -1, "%s accepted", path);
    cr_assert(strstr(err.msg, expected) != NULL, "%s: message '%s' lacks '%s'", path, err.msg,
              expected);
}

Test(sched, every_malformed_sched_file_fails_with_its_documented_message)
{
    int n = for_each_data_file("sched_", ".sched", check_sched_file);
    cr_assert_geq(n, 10, "only %d sched_*.sched files found", n);
}

Test(sched, every_malformed_bin_file_fails_with_its_documented_message)
{
    int n = for_each_data_file("bin_", ".bin", check_bin_file);
    cr_assert_geq(n, 8, "only %d bin_*.bin files found", n);
}
