/* test_gtkw.c - the GTKWave save file and its translate filters
 * (cosim/gtkw.h), written for the serial schedule of a small layer: the
 * waveform it opens, the signal groups and signals, which filter each
 * translated signal uses, and the filters' lines (opcode names, each
 * instruction as its schedule line, each engine's own instructions); the
 * view it opens on: the span of the waveform, read from its FST header. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <criterion/criterion.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/sched.h"
#include "cosim/gtkw.h"
#include "planner/baseline.h"

/* GTKWave trace flags, as its save-file format defines them. */
#define TR_HEX 0x2
#define TR_DEC 0x4
#define TR_BIN 0x8
#define TR_BLANK 0x200
#define TR_FTRANSLATED 0x2000
#define TR_GRP_BEGIN 0x800000
#define TR_GRP_END 0x1000000

static char tmpdir[256];
static char fst[300];
static acc_program prog;

/* Writes the header block of an FST file as GTKWave's fstapi lays it out
 * (tag 0, section length 329, big-endian fields): the first and last time,
 * the count of value-change sections and the timescale exponent.  The
 * rest of a real file does not matter to the save file. */
static void write_fst_header(const char *path, uint64_t start, uint64_t end, uint64_t sections,
                             int exponent)
{
    unsigned char h[330];
    memset(h, 0, sizeof(h));
    const struct {
        int at;
        uint64_t v;
    } field[] = {{1, 329}, {9, start}, {17, end}, {65, sections}};
    for (size_t f = 0; f < sizeof(field) / sizeof(field[0]); f++)
        for (int b = 0; b < 8; b++)
            h[field[f].at + b] = (unsigned char)(field[f].v >> (56 - 8 * b));
    h[73] = (unsigned char)(signed char)exponent;
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(h, 1, sizeof(h), f), sizeof(h));
    fclose(f);
}

/* A fresh directory with wave.fst, an FST header of a run traced from
 * 61.1 ns to 1026.5 ns in 100 ps units (the save file resolves the
 * waveform's path and reads its span), and the serial schedule of a small
 * layer: loads, computes, stores and END. */
static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_gtkw_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(fst, sizeof(fst), "%s/wave.fst", tmpdir);
    write_fst_header(fst, 611, 10265, 1, -10);
    acc_layer l;
    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "tiny");
    l.ifmap_h = l.ifmap_w = 6;
    l.filter_h = l.filter_w = 3;
    l.channels = 3;
    l.num_filter = 5;
    l.stride_h = l.stride_w = l.dil_h = l.dil_w = l.groups = 1;
    acc_config cfg;
    acc_memmap mm;
    acc_error err;
    cr_assert_eq(acc_config_load("small", &cfg, &err), 0, "%s", err.msg);
    acc_memmap_default(&l, &mm);
    acc_tiling t = {2, 2, 4, 3}; /* several tiles: every engine has instructions */
    cr_assert_eq(acc_baseline_plan("serial", &l, &cfg, &mm, &t, &prog, &err), 0, "%s", err.msg);
}

static void teardown(void)
{
    acc_program_free(&prog);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* tmpdir/<file>, and the same resolved (realpath: /tmp may be a link). */
static char *in_dir(const char *file)
{
    static char buf[4][600];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, 600, "%s/%s", tmpdir, file);
    return p;
}

static char *resolved(const char *file)
{
    static char buf[4][PATH_MAX];
    static int next;
    char *p = buf[next++ % 4];
    cr_assert_not_null(realpath(in_dir(file), p), "%s does not exist", in_dir(file));
    return p;
}

static char *slurp(const char *file)
{
    acc_error err;
    char *text = acc_read_file(in_dir(file), NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    return text;
}

/* The lines of a text, NULL-terminated, in one allocation with the text. */
static char **lines_of(char *text, int *count)
{
    int n = 0;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    char **v = calloc((size_t)n + 1, sizeof(char *));
    cr_assert_not_null(v);
    int i = 0;
    for (char *s = strtok(text, "\n"); s && i < n; s = strtok(NULL, "\n"))
        v[i++] = s;
    *count = i;
    return v;
}

/* Index of the line equal to want, from `from` on; -1 when none. */
static int find_line(char **lines, int n, int from, const char *want)
{
    for (int i = from; i < n; i++)
        if (!strcmp(lines[i], want))
            return i;
    return -1;
}

static int write_ok(void)
{
    acc_error err;
    int rc = cosim_write_gtkw(fst, &prog, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    return rc;
}

TestSuite(gtkw, .init = setup, .fini = teardown);

Test(gtkw, writes_the_save_file_and_five_filters_beside_the_waveform)
{
    write_ok();
    const char *files[] = {"wave.gtkw",   "wave.ops.txt", "wave.instr.txt",
                           "wave.ld.txt", "wave.cp.txt",  "wave.st.txt"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct stat st;
        cr_assert_eq(stat(in_dir(files[i]), &st), 0, "%s was not written", files[i]);
        cr_assert_gt(st.st_size, 0, "%s is empty", files[i]);
    }
}

Test(gtkw, save_file_opens_the_waveform_by_its_absolute_path)
{
    write_ok();
    char *text = slurp("wave.gtkw");
    int n;
    char **lines = lines_of(text, &n);
    char want[PATH_MAX + 32];
    snprintf(want, sizeof(want), "[dumpfile] \"%s\"", resolved("wave.fst"));
    cr_assert_geq(find_line(lines, n, 0, want), 0, "no line %s", want);
    cr_assert_eq(want[12], '/', "the waveform's path is absolute");
    cr_assert_eq(lines[0][0], '[', "the file opens with a comment line");
    free(lines);
    free(text);
}

/* The view of the save file: [timestart] and the zoom line "*<zoom> ..."
 * (GTKWave's save-file format); *zoom = NAN when there is no zoom line. */
static long long view_of(double *zoom)
{
    char *text = slurp("wave.gtkw");
    const char *ts = strstr(text, "\n[timestart] ");
    cr_assert_not_null(ts, "no [timestart]");
    long long start = strtoll(ts + 13, NULL, 10);
    const char *z = strstr(text, "\n*");
    *zoom = z ? strtod(z + 2, NULL) : NAN;
    cr_assert(!z || z > ts, "the zoom comes after [timestart]");
    free(text);
    return start;
}

/* The span in GTKWave's time unit that a zoom shows across the wave pane:
 * 2^-zoom units per 200 pixels (GTKWave's calczoom), 980 pixels wide in
 * the save file's 1600x900 window. */
static double shown_span(double zoom)
{
    return pow(2.0, -zoom) / 200.0 * 980.0;
}

/* The header says 611..10265 in 100 ps units; GTKWave counts in ps. */
Test(gtkw, save_file_opens_on_the_span_of_the_waveform)
{
    write_ok();
    double zoom;
    cr_assert_eq(view_of(&zoom), 61100, "[timestart] is the waveform's first time, in ps");
    cr_assert(!isnan(zoom), "no zoom line");
    cr_assert(fabs(shown_span(zoom) - 965400.0) < 965400.0 * 1e-4,
              "zoom %f shows %.0f ps, the waveform holds 965400 ps", zoom, shown_span(zoom));
}

/* GTKWave keeps times in the SI unit at or below the file's timescale:
 * 1 ns and 1 ps files in their unit, 100 ps files in ps (x100), 10 ps in
 * ps (x10), 100 fs in fs (x100). */
Test(gtkw, view_is_in_gtkwave_time_unit_for_each_timescale)
{
    static const struct {
        int exponent;
        long long unit; /* the file's unit in GTKWave's */
    } ts[] = {{-9, 1}, {-10, 100}, {-11, 10}, {-12, 1}, {-13, 100}, {-6, 1}, {-7, 100}};
    for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        write_fst_header(fst, 50, 250, 1, ts[i].exponent);
        write_ok();
        double zoom;
        long long start = view_of(&zoom);
        cr_assert_eq(start, 50 * ts[i].unit, "timescale 1e%d s: [timestart] %lld", ts[i].exponent,
                     start);
        double want = 200.0 * (double)ts[i].unit;
        cr_assert(fabs(shown_span(zoom) - want) < want * 1e-4,
                  "timescale 1e%d s: zoom %f shows %.1f units, not %.1f", ts[i].exponent, zoom,
                  shown_span(zoom), want);
    }
}

/* A trace window that never opened leaves an FST without a value-change
 * section: the save file opens at time 0 at GTKWave's own zoom. */
Test(gtkw, waveform_without_times_opens_at_zero)
{
    write_fst_header(fst, 0, 0, 0, -10);
    write_ok();
    double zoom;
    cr_assert_eq(view_of(&zoom), 0);
    cr_assert(isnan(zoom), "a zoom line for an empty waveform");
}

Test(gtkw, file_that_is_not_an_fst_waveform_is_an_error)
{
    FILE *f = fopen(fst, "w");
    cr_assert_not_null(f);
    fputs("$timescale 1ps $end\n", f);
    fclose(f);
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(cosim_write_gtkw(fst, &prog, &err), -1);
    cr_assert(strstr(err.msg, "wave.fst") && strstr(err.msg, "FST"), "%s", err.msg);
}

/* Every group opens and closes with its title and holds its signals. */
Test(gtkw, signals_are_grouped_by_unit)
{
    write_ok();
    char *text = slurp("wave.gtkw");
    int n;
    char **lines = lines_of(text, &n);
    static const struct {
        const char *title;
        const char *first, *last; /* the group's first and last signal */
    } groups[] = {
        {"Issue", "acc.acc_top.clk_i", "acc.acc_top.retired[31:0]"},
        {"Load engine", "acc.acc_top.ld_busy", "acc.acc_top.wl_addr[23:0]"},
        {"Compute engine", "acc.acc_top.cp_busy", "acc.acc_top.wc_addr[23:0]"},
        {"Store engine", "acc.acc_top.st_busy", "acc.acc_top.m_axi_bresp_i[1:0]"},
        {"Fetch", "acc.acc_top.m_axi_i_arvalid_o", "acc.acc_top.m_axi_i_rresp_i[1:0]"},
        {"Host registers", "acc.acc_top.busy", "acc.acc_top.irq_o"},
    };
    char begin[16], end[16];
    snprintf(begin, sizeof(begin), "@%x", TR_GRP_BEGIN | TR_BLANK);
    snprintf(end, sizeof(end), "@%x", TR_GRP_END | TR_BLANK);
    int at = 0;
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        char title[64];
        snprintf(title, sizeof(title), "-%s", groups[g].title);
        int open = find_line(lines, n, at, title);
        cr_assert_gt(open, 0, "group %s is missing (or out of order)", groups[g].title);
        cr_assert_str_eq(lines[open - 1], begin, "group %s does not open", groups[g].title);
        int close = find_line(lines, n, open + 1, title);
        cr_assert_gt(close, open, "group %s does not close", groups[g].title);
        cr_assert_str_eq(lines[close - 1], end, "group %s does not close", groups[g].title);
        int first = find_line(lines, n, open, groups[g].first);
        int last = find_line(lines, n, open, groups[g].last);
        cr_assert(first > open && first < close, "%s is not in %s", groups[g].first,
                  groups[g].title);
        cr_assert(last > first && last < close, "%s is not in %s", groups[g].last, groups[g].title);
        at = close + 1;
    }
    cr_assert_geq(find_line(lines, n, 0, "acc.acc_top.cycles[63:0]"), 0, "64-bit cycle counter");
    free(lines);
    free(text);
}

/* The flag line and the filter line (if any) in front of a signal. */
static void trace_of(char **lines, int n, const char *signal, unsigned *flags, const char **filter)
{
    int i = find_line(lines, n, 0, signal);
    cr_assert_geq(i, 2, "no signal %s", signal);
    *filter = NULL;
    int f = i - 1;
    if (lines[f][0] == '^')
        *filter = lines[f--];
    cr_assert_eq(lines[f][0], '@', "%s has no flags line", signal);
    *flags = (unsigned)strtoul(lines[f] + 1, NULL, 16);
}

Test(gtkw, translated_signals_use_their_filter)
{
    write_ok();
    char *text = slurp("wave.gtkw");
    int n;
    char **lines = lines_of(text, &n);
    static const struct {
        const char *signal;
        int filter; /* its number in the save file, 0: none */
        const char *file;
        unsigned radix;
    } t[] = {
        {"acc.acc_top.trace_issue_op_o[3:0]", 1, "wave.ops.txt", TR_HEX},
        {"acc.acc_top.trace_issue_idx_o[31:0]", 2, "wave.instr.txt", TR_DEC},
        {"acc.acc_top.err_index[31:0]", 2, "wave.instr.txt", TR_DEC},
        {"acc.acc_top.trace_ld_idx_o[31:0]", 3, "wave.ld.txt", TR_DEC},
        {"acc.acc_top.trace_cp_idx_o[31:0]", 4, "wave.cp.txt", TR_DEC},
        {"acc.acc_top.trace_st_idx_o[31:0]", 5, "wave.st.txt", TR_DEC},
        {"acc.acc_top.m_axi_araddr_o[31:0]", 0, NULL, TR_HEX},
        {"acc.acc_top.retired[31:0]", 0, NULL, TR_DEC},
        {"acc.acc_top.ld_busy", 0, NULL, TR_BIN},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        unsigned flags;
        const char *filter;
        trace_of(lines, n, t[i].signal, &flags, &filter);
        cr_assert(flags & t[i].radix, "%s: flags %x lack the radix %x", t[i].signal, flags,
                  t[i].radix);
        if (!t[i].filter) {
            cr_assert_null(filter, "%s has a filter: %s", t[i].signal, filter);
            cr_assert_eq(flags & TR_FTRANSLATED, 0, "%s is translated", t[i].signal);
            continue;
        }
        char want[PATH_MAX + 16];
        snprintf(want, sizeof(want), "^%d %s", t[i].filter, resolved(t[i].file));
        cr_assert_not_null(filter, "%s has no filter", t[i].signal);
        cr_assert_str_eq(filter, want, "%s", t[i].signal);
        cr_assert(flags & TR_FTRANSLATED, "%s: flags %x are not translated", t[i].signal, flags);
    }
    free(lines);
    free(text);
}

Test(gtkw, opcode_filter_names_every_opcode)
{
    write_ok();
    char *text = slurp("wave.ops.txt");
    int n;
    char **lines = lines_of(text, &n);
    cr_assert_eq(lines[0][0], '#', "a comment first");
    const acc_opcode ops[] = {ACC_OP_LOAD, ACC_OP_STORE, ACC_OP_COMPUTE, ACC_OP_END};
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        char want[32];
        const char *name = acc_op_name(ops[i]);
        cr_assert_not_null(name);
        int k = snprintf(want, sizeof(want), "%x ", (unsigned)ops[i]); /* the signal is hex */
        for (const char *c = name; *c && k < (int)sizeof(want) - 1; c++)
            want[k++] = (char)toupper((unsigned char)*c);
        want[k] = '\0';
        cr_assert_geq(find_line(lines, n, 1, want), 0, "no line '%s' in the opcode filter", want);
    }
    free(lines);
    free(text);
}

/* Checks one instruction filter: one line per instruction; an instruction
 * of engine `eng` (-1: any) reads "#i <its schedule line>", others "-". */
static void check_instr_filter(const char *file, int eng)
{
    char *text = slurp(file);
    int n;
    char **lines = lines_of(text, &n);
    cr_assert_eq(lines[0][0], '#', "%s: a comment first", file);
    cr_assert_eq(n, prog.count + 1, "%s: %d lines for %d instructions", file, n, prog.count);
    int shown = 0;
    for (int i = 0; i < prog.count; i++) {
        char want[700], ins[512];
        if (eng >= 0 && acc_op_engine(prog.ins[i].op) != eng) {
            snprintf(want, sizeof(want), "%d -", i);
        } else {
            acc_sched_format_instr(&prog.ins[i], ins, sizeof(ins));
            snprintf(want, sizeof(want), "%d #%d %s", i, i, ins);
            shown++;
        }
        cr_assert_str_eq(lines[i + 1], want, "%s, instruction %d", file, i);
    }
    cr_assert_gt(shown, 0, "%s shows no instruction", file);
    if (eng >= 0)
        cr_assert_lt(shown, prog.count, "%s shows every instruction", file);
    free(lines);
    free(text);
}

Test(gtkw, instruction_filters_show_each_index_as_its_schedule_line)
{
    write_ok();
    check_instr_filter("wave.instr.txt", -1);
    check_instr_filter("wave.ld.txt", ACC_ENG_LD);
    check_instr_filter("wave.cp.txt", ACC_ENG_CP);
    check_instr_filter("wave.st.txt", ACC_ENG_ST);
}

Test(gtkw, a_path_without_fst_gets_the_extensions_appended)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/trace", tmpdir);
    write_fst_header(path, 611, 10265, 1, -10);
    acc_error err;
    cr_assert_eq(cosim_write_gtkw(path, &prog, &err), 0, "%s", err.msg);
    struct stat st;
    cr_assert_eq(stat(in_dir("trace.gtkw"), &st), 0);
    cr_assert_eq(stat(in_dir("trace.instr.txt"), &st), 0);
}

Test(gtkw, unwritable_directory_is_an_error_naming_the_file)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/no/such/dir/wave.fst", tmpdir);
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(cosim_write_gtkw(path, &prog, &err), -1);
    cr_assert(strstr(err.msg, "no/such/dir/wave."), "%s", err.msg);
}

Test(gtkw, missing_waveform_is_an_error)
{
    remove(fst);
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_eq(cosim_write_gtkw(fst, &prog, &err), -1);
    cr_assert(strstr(err.msg, "wave.fst"), "%s", err.msg);
}
