/* gtkw.c - GTKWave save file and translate filters (see gtkw.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cosim/gtkw.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sched.h"

/* GTKWave trace flags (its save-file format). */
#define TR_HEX 0x2
#define TR_DEC 0x4
#define TR_BIN 0x8
#define TR_RJUSTIFY 0x20
#define TR_BLANK 0x200
#define TR_FTRANSLATED 0x2000
#define TR_GRP_BEGIN 0x800000
#define TR_GRP_END 0x1000000

#define TOP "acc.acc_top."

/* F_INSTR shows any instruction index as its schedule line; F_LD/F_CP/F_ST
 * only the indices of that engine's instructions (an engine's index before
 * its first instruction reads "-"). */
typedef enum { F_BIT, F_HEX, F_DEC, F_OP, F_INSTR, F_LD, F_CP, F_ST } fmt_e;

typedef struct sig {
    const char *name; /* below acc.acc_top */
    int width;
    fmt_e fmt;
} sig;

typedef struct group {
    const char *title;
    const sig *sigs;
} group;

static const sig g_issue[] = {{"clk_i", 1, F_BIT},
                              {"trace_issue_o", 1, F_BIT},
                              {"trace_issue_op_o", 4, F_OP},
                              {"trace_issue_idx_o", 32, F_INSTR},
                              {"head_valid", 1, F_BIT},
                              {"retired", 32, F_DEC},
                              {NULL, 0, F_BIT}};
static const sig g_load[] = {
    {"ld_busy", 1, F_BIT},         {"trace_ld_idx_o", 32, F_LD},  {"ld_done", 1, F_BIT},
    {"m_axi_arvalid_o", 1, F_BIT}, {"m_axi_araddr_o", 32, F_HEX}, {"m_axi_arlen_o", 8, F_DEC},
    {"m_axi_rvalid_i", 1, F_BIT},  {"m_axi_rlast_i", 1, F_BIT},   {"m_axi_rresp_i", 2, F_HEX},
    {"wl_en", 1, F_BIT},           {"wl_addr", 24, F_HEX},        {NULL, 0, F_BIT}};
static const sig g_compute[] = {
    {"cp_busy", 1, F_BIT},  {"trace_cp_idx_o", 32, F_CP}, {"cp_done", 1, F_BIT},
    {"ra_en", 1, F_BIT},    {"ra_addr", 24, F_HEX},       {"rw_en", 1, F_BIT},
    {"rw_addr", 24, F_HEX}, {"rp_en", 1, F_BIT},          {"rp_addr", 24, F_HEX},
    {"wc_en", 1, F_BIT},    {"wc_addr", 24, F_HEX},       {NULL, 0, F_BIT}};
static const sig g_store[] = {{"st_busy", 1, F_BIT},
                              {"trace_st_idx_o", 32, F_ST},
                              {"st_done", 1, F_BIT},
                              {"rs_en", 1, F_BIT},
                              {"rs_addr", 24, F_HEX},
                              {"m_axi_awvalid_o", 1, F_BIT},
                              {"m_axi_awaddr_o", 32, F_HEX},
                              {"m_axi_awlen_o", 8, F_DEC},
                              {"m_axi_wvalid_o", 1, F_BIT},
                              {"m_axi_wlast_o", 1, F_BIT},
                              {"m_axi_bvalid_i", 1, F_BIT},
                              {"m_axi_bresp_i", 2, F_HEX},
                              {NULL, 0, F_BIT}};
static const sig g_fetch[] = {{"m_axi_i_arvalid_o", 1, F_BIT},
                              {"m_axi_i_araddr_o", 32, F_HEX},
                              {"m_axi_i_rvalid_i", 1, F_BIT},
                              {"m_axi_i_rresp_i", 2, F_HEX},
                              {NULL, 0, F_BIT}};
static const sig g_host[] = {{"busy", 1, F_BIT},
                             {"done", 1, F_BIT},
                             {"error", 1, F_BIT},
                             {"err_code", 3, F_DEC},
                             {"err_index", 32, F_INSTR},
                             {"cycles", 64, F_DEC},
                             {"busy_ld", 32, F_DEC},
                             {"busy_cp", 32, F_DEC},
                             {"busy_st", 32, F_DEC},
                             {"irq_o", 1, F_BIT},
                             {NULL, 0, F_BIT}};

static const group groups[] = {{"Issue", g_issue},
                               {"Load engine", g_load},
                               {"Compute engine", g_compute},
                               {"Store engine", g_store},
                               {"Fetch", g_fetch},
                               {"Host registers", g_host},
                               {NULL, NULL}};

/* The view the save file opens on (GTKWave 3.3's save-file format and
 * calczoom()).  GTKWave keeps time in the SI unit at or below the FST
 * timescale (a 100 ps file is kept in ps, each file unit 100 of them);
 * [timestart] is in that unit.  The zoom z shows 2^-z units per 200
 * pixels, so a span of S units fills a wave pane of W pixels when
 * z = -log2(200 * S / W); z is at most 0 (200 pixels per unit).  W is the
 * width of the wave pane for the [size], [sst_width] and [signals_width]
 * below, measured on GTKWave 3.3.118 (docs/debugging.md). */
#define VIEW_WIDTH 1600
#define VIEW_HEIGHT 900
#define VIEW_SST 240
#define VIEW_SIGNALS 320
#define WAVE_PANE_PX 980.0
#define PIXELS_PER_FRAME 200.0

/* The FST header block (fstapi.c's FST_HDR_OFFS_*): a tag byte 0, the
 * section length 329, then among others the first and last time (big
 * endian) and the timescale exponent; the writer fills them in when it
 * closes the file. */
#define FST_HDR_LEN 330
#define FST_HDR_SECLEN 1
#define FST_HDR_START 9
#define FST_HDR_END 17
#define FST_HDR_SECTIONS 65
#define FST_HDR_TIMESCALE 73

typedef struct view {
    int64_t start; /* [timestart], GTKWave's unit */
    double zoom;
    int empty; /* the waveform holds no time (nothing was traced) */
} view;

static uint64_t be64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

/* The view of the whole waveform at path; 0, or -1 with err when it is not
 * a closed FST file. */
static int fst_view(const char *path, view *v, acc_error *err)
{
    unsigned char h[FST_HDR_LEN];
    FILE *f = fopen(path, "rb");
    if (!f)
        return acc_fail(err, "%s: cannot open the waveform", path);
    size_t got = fread(h, 1, sizeof(h), f);
    fclose(f);
    if (got != sizeof(h) || h[0] != 0 || be64(h + FST_HDR_SECLEN) != FST_HDR_LEN - 1)
        return acc_fail(err, "%s: not a closed FST waveform (no header block)", path);
    uint64_t start = be64(h + FST_HDR_START), end = be64(h + FST_HDR_END);
    int exp = (int)(signed char)h[FST_HDR_TIMESCALE];
    if (exp < -21 || exp > 2)
        return acc_fail(err, "%s: FST timescale 1e%d s is out of range", path, exp);
    int64_t scale = 1; /* file unit in GTKWave's unit: 10^(exp mod 3) */
    for (int k = ((exp % 3) + 3) % 3; k > 0; k--)
        scale *= 10;
    v->empty =
        be64(h + FST_HDR_SECTIONS) == 0 || end <= start || start > (uint64_t)(INT64_MAX / scale);
    v->start = v->empty ? 0 : (int64_t)start * scale;
    double span = v->empty ? 0 : (double)(end - start) * (double)scale;
    v->zoom = span > 0 ? -log2(PIXELS_PER_FRAME * span / WAVE_PANE_PX) : 0;
    if (v->zoom > 0)
        v->zoom = 0;
    return 0;
}

/* path with ".fst" replaced by `ext`; caller frees */
static char *sibling(const char *fst_path, const char *ext)
{
    size_t n = strlen(fst_path);
    size_t stem = (n > 4 && strcmp(fst_path + n - 4, ".fst") == 0) ? n - 4 : n;
    char *s = acc_malloc(stem + strlen(ext) + 1);
    memcpy(s, fst_path, stem);
    strcpy(s + stem, ext);
    return s;
}

/* A file is rendered in memory, then written atomically (acc_write_file):
 * a run that stops half way leaves no half-written file. */
typedef struct text_out {
    char *buf;
    size_t len;
    FILE *f;
} text_out;

static int text_open(text_out *t, const char *path, acc_error *err)
{
    t->buf = NULL;
    t->len = 0;
    t->f = open_memstream(&t->buf, &t->len);
    return t->f ? 0 : acc_fail(err, "%s: cannot render", path);
}

/* Closes the text and writes it to path; 0 or -1 with err. */
static int text_commit(text_out *t, const char *path, acc_error *err)
{
    int bad = ferror(t->f);
    bad |= fclose(t->f) != 0;
    int rc =
        bad ? acc_fail(err, "%s: cannot render", path) : acc_write_file(path, t->buf, t->len, err);
    free(t->buf);
    return rc;
}

/* The filter for engine `eng` (-1: every instruction). */
static int write_instr_filter(const char *path, const acc_program *p, int eng, acc_error *err)
{
    text_out t;
    if (text_open(&t, path, err))
        return -1;
    FILE *f = t.f;
    fprintf(f, "# instruction index -> its line of the schedule\n");
    for (int i = 0; i < p->count; i++) {
        if (eng >= 0 && acc_op_engine(p->ins[i].op) != eng) {
            fprintf(f, "%d -\n", i);
            continue;
        }
        char text[512];
        acc_sched_format_instr(&p->ins[i], text, sizeof(text));
        fprintf(f, "%d #%d %s\n", i, i, text);
    }
    return text_commit(&t, path, err);
}

static const char *const filter_ext[] = {".ops.txt", ".instr.txt", ".ld.txt", ".cp.txt", ".st.txt"};
#define NFILTERS 5

static int write_filters(char *const paths[NFILTERS], const acc_program *p, acc_error *err)
{
    static const char ops[] =
        "# opcode names (docs/isa.md)\n0 -\n1 LOAD\n2 STORE\n3 COMPUTE\n4 END\n";
    if (acc_write_file(paths[0], ops, strlen(ops), err) != 0 ||
        write_instr_filter(paths[1], p, -1, err) != 0 ||
        write_instr_filter(paths[2], p, ACC_ENG_LD, err) != 0 ||
        write_instr_filter(paths[3], p, ACC_ENG_CP, err) != 0 ||
        write_instr_filter(paths[4], p, ACC_ENG_ST, err) != 0)
        return -1;
    return 0;
}

/* Filter number in the save file for a format (0: none). */
static int filter_of(fmt_e fmt)
{
    switch (fmt) {
    case F_OP:
        return 1;
    case F_INSTR:
        return 2;
    case F_LD:
        return 3;
    case F_CP:
        return 4;
    case F_ST:
        return 5;
    default:
        return 0;
    }
}

int cosim_write_gtkw(const char *fst_path, const acc_program *p, acc_error *err)
{
    char *paths[NFILTERS];
    char abs[NFILTERS][PATH_MAX];
    char abs_fst[PATH_MAX];
    for (int i = 0; i < NFILTERS; i++)
        paths[i] = sibling(fst_path, filter_ext[i]);
    char *save = sibling(fst_path, ".gtkw");
    int rc = write_filters(paths, p, err);
    if (rc == 0 && !realpath(fst_path, abs_fst))
        rc = acc_fail(err, "%s: cannot resolve the waveform's path", fst_path);
    for (int i = 0; rc == 0 && i < NFILTERS; i++)
        if (!realpath(paths[i], abs[i]))
            rc = acc_fail(err, "%s: cannot resolve the path", paths[i]);
    view v = {0, 0, 1};
    if (rc == 0)
        rc = fst_view(fst_path, &v, err);
    text_out t;
    if (rc == 0)
        rc = text_open(&t, save, err);
    if (rc == 0) {
        FILE *f = t.f;
        fprintf(f, "[*] accelerator waveform: signals grouped by unit; instruction indices\n"
                   "[*] are shown as their schedule lines, opcodes by name; 1 cycle = 1 ns\n");
        fprintf(f, "[dumpfile] \"%s\"\n[timestart] %lld\n[size] %d %d\n[pos] -1 -1\n", abs_fst,
                (long long)v.start, VIEW_WIDTH, VIEW_HEIGHT);
        if (!v.empty)
            fprintf(f, "*%.6f -1\n", v.zoom); /* the zoom; no marker */
        fprintf(f, "[sst_width] %d\n[signals_width] %d\n", VIEW_SST, VIEW_SIGNALS);
        for (const group *g = groups; g->title; g++) {
            fprintf(f, "@%x\n-%s\n", TR_GRP_BEGIN | TR_BLANK, g->title);
            for (const sig *s = g->sigs; s->name; s++) {
                int flags = TR_RJUSTIFY;
                int filter = filter_of(s->fmt);
                switch (s->fmt) {
                case F_BIT:
                    flags |= TR_BIN;
                    break;
                case F_HEX:
                    flags |= TR_HEX;
                    break;
                case F_DEC:
                    flags |= TR_DEC;
                    break;
                case F_OP:
                    flags |= TR_HEX | TR_FTRANSLATED;
                    break;
                default:
                    flags |= TR_DEC | TR_FTRANSLATED;
                    break;
                }
                fprintf(f, "@%x\n", flags);
                if (filter)
                    fprintf(f, "^%d %s\n", filter, abs[filter - 1]);
                if (s->width > 1)
                    fprintf(f, TOP "%s[%d:0]\n", s->name, s->width - 1);
                else
                    fprintf(f, TOP "%s\n", s->name);
            }
            fprintf(f, "@%x\n-%s\n", TR_GRP_END | TR_BLANK, g->title);
        }
        rc = text_commit(&t, save, err);
    }
    for (int i = 0; i < NFILTERS; i++)
        free(paths[i]);
    free(save);
    return rc;
}
