/* test_timeline.c - the SVG timeline (cosim/timeline.h): well-formed XML
 * (libxml2), one bar per instruction in its engine's lane at the cycles a
 * hand-written schedule gives, the mark exactly when a measured time
 * differs, the occupancy chart, merged bars on a long schedule, and the
 * file every cosim run writes. */
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim/timeline.h"
#include "tests/testutil.h"

TestSuite(timeline, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove);

/* ------------------------------------------------------------ helpers */

static void push_op(acc_program *p, acc_opcode op)
{
    acc_instr in;
    memset(&in, 0, sizeof(in));
    in.op = op;
    acc_program_push(p, &in);
}

/* The hand-written schedule: LOAD [10, 30), COMPUTE [30, 130),
 * STORE [130, 150), END [150, 151); live bytes 40 when the LOAD ends, 100
 * when the COMPUTE ends (its inputs and its outputs), 0 after. */
static const acc_opcode hand_ops[4] = {ACC_OP_LOAD, ACC_OP_COMPUTE, ACC_OP_STORE, ACC_OP_END};
static const int64_t hand_start[4] = {10, 30, 130, 150};
static const int64_t hand_end[4] = {30, 130, 150, 151};
static const uint64_t hand_live[4] = {40, 100, 0, 0};

typedef struct hand {
    acc_program prog;
    int64_t ms[4], me[4];
    cosim_timeline t;
} hand;

/* The hand schedule; measured = 1: the backend measured the same times. */
static void hand_make(hand *h, int measured)
{
    acc_program_init(&h->prog);
    for (int i = 0; i < 4; i++) {
        push_op(&h->prog, hand_ops[i]);
        h->ms[i] = hand_start[i];
        h->me[i] = hand_end[i];
    }
    memset(&h->t, 0, sizeof(h->t));
    h->t.layer = "hand";
    h->t.config = "tiny";
    h->t.backend = measured ? "rtl" : "iss";
    h->t.verdict = "PASS";
    h->t.prog = &h->prog;
    h->t.pred_start = hand_start;
    h->t.pred_end = hand_end;
    if (measured) {
        h->t.meas_start = h->ms;
        h->t.meas_end = h->me;
        h->t.meas_count = 4;
    }
    h->t.live_end = hand_live;
    h->t.spad_bytes = 200;
    h->t.mark = COSIM_TL_MARK_MISMATCH;
}

typedef struct svg {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    char *text;
} svg;

/* Parses SVG text (takes it); fails the test on any XML error. */
static void svg_parse(svg *s, char *text)
{
    cr_assert_not_null(text, "no SVG");
    s->text = text;
    s->doc = xmlReadMemory(text, (int)strlen(text), "timeline.svg", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(s->doc, "not well-formed XML: %s",
                       xmlGetLastError() ? xmlGetLastError()->message : "?");
    s->xp = xmlXPathNewContext(s->doc);
    xmlXPathRegisterNs(s->xp, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
}

static void svg_free(svg *s)
{
    xmlXPathFreeContext(s->xp);
    xmlFreeDoc(s->doc);
    free(s->text);
}

/* Nodes matching an XPath expression (caller frees the result). */
static xmlXPathObjectPtr nodes(svg *s, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, s->xp);
    cr_assert_not_null(o, "bad XPath %s", expr);
    return o;
}

static int count(svg *s, const char *expr)
{
    xmlXPathObjectPtr o = nodes(s, expr);
    int n = o->nodesetval ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The string value of an XPath expression ("" when it selects nothing). */
static void value(svg *s, const char *expr, char *buf, size_t size)
{
    char full[512];
    snprintf(full, sizeof(full), "string(%s)", expr);
    xmlXPathObjectPtr o = nodes(s, full);
    snprintf(buf, size, "%s", o->stringval ? (const char *)o->stringval : "");
    xmlXPathFreeObject(o);
}

static double number(svg *s, const char *expr)
{
    char buf[64];
    value(s, expr, buf, sizeof(buf));
    cr_assert(buf[0], "%s selects nothing", expr);
    return atof(buf);
}

static const char *const lanes[4] = {"load", "compute", "store", "end"};

/* An attribute of the filled ("meas") or outlined ("pred") bar of the one
 * instruction in a lane. */
static double bar_attr(svg *s, const char *lane, const char *rect, const char *attr)
{
    char expr[200];
    snprintf(expr, sizeof(expr), "//s:g[@id='lane-%s']/s:g/s:rect[contains(@class,'%s')]/@%s", lane,
             rect, attr);
    return number(s, expr);
}

/* ------------------------------------------------------------ the hand schedule */

Test(timeline, is_well_formed_with_one_bar_per_instruction_in_its_lane)
{
    hand h;
    hand_make(&h, 1);
    svg s;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    cr_assert_eq(count(&s, "/s:svg"), 1);
    char expr[160];
    for (int k = 0; k < 4; k++) {
        snprintf(expr, sizeof(expr), "//s:g[@id='lane-%s']/s:g[contains(@class,'ins')]", lanes[k]);
        cr_assert_eq(count(&s, expr), 1, "lane %s", lanes[k]);
        snprintf(expr, sizeof(expr), "//s:g[@id='lane-%s']/s:g/@data-index", lanes[k]);
        cr_assert_eq(number(&s, expr), k, "lane %s holds instruction %d", lanes[k], k);
    }
    cr_assert_eq(count(&s, "//s:g[contains(@class,'merged')]"), 0);
    /* a title with layer, configuration, backend and verdict; a legend */
    char buf[256];
    value(&s, "//s:text[@id='title']", buf, sizeof(buf));
    cr_assert_str_eq(buf, "hand on tiny via rtl: PASS");
    cr_assert_eq(count(&s, "//s:g[@id='legend']"), 1);
    svg_free(&s);
    acc_program_free(&h.prog);
}

Test(timeline, bars_span_issue_to_end_on_one_cycle_axis)
{
    hand h;
    hand_make(&h, 1);
    svg s;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    double x[4], w[4], ox[4], ow[4];
    for (int k = 0; k < 4; k++) {
        x[k] = bar_attr(&s, lanes[k], "meas", "x");
        w[k] = bar_attr(&s, lanes[k], "meas", "width");
        ox[k] = bar_attr(&s, lanes[k], "pred", "x");
        ow[k] = bar_attr(&s, lanes[k], "pred", "width");
    }
    /* durations 20, 100, 20, 1 and issues 10, 30, 130, 150 on one scale;
     * the last end (151) is the right end of the axis */
    double scale = w[1] / 100.0;
    cr_assert_float_eq(w[0], 20 * scale, 0.02);
    cr_assert_float_eq(w[2], 20 * scale, 0.02);
    for (int k = 0; k < 3; k++)
        cr_assert_float_eq(x[k + 1] - x[k], (double)(hand_start[k + 1] - hand_start[k]) * scale,
                           0.02, "lane %d", k);
    cr_assert_float_eq(x[0] - COSIM_TL_LEFT, 10 * scale, 0.02);
    cr_assert_float_eq(x[3] + 1 * scale, COSIM_TL_LEFT + COSIM_TL_PLOT, 0.02);
    /* measured = predicted: the outline lies on the bar */
    for (int k = 0; k < 4; k++) {
        cr_assert_float_eq(ox[k], x[k], 0.01);
        cr_assert_float_eq(ow[k], w[k] < 1 ? 1 : w[k], 0.01);
    }
    /* tooltips name index, kind and both times */
    char buf[256];
    value(&s, "//s:g[@id='lane-compute']/s:g/s:title", buf, sizeof(buf));
    cr_assert_str_eq(buf, "#1 compute: predicted issue 30, end 130; measured issue 30, end 130");
    svg_free(&s);
    acc_program_free(&h.prog);
}

Test(timeline, marks_the_first_mismatch_exactly_when_one_exists)
{
    hand h;
    hand_make(&h, 1);
    svg s;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    cr_assert_eq(cosim_timeline_first_mismatch(&h.t), -1);
    cr_assert_eq(count(&s, "//*[@id='mismatch']"), 0);
    cr_assert_eq(count(&s, "//s:g[contains(@class,'hit')]"), 0);
    svg_free(&s);

    /* the COMPUTE ends one cycle late, and so does everything after it */
    h.me[1] = 131;
    h.ms[2] = 131;
    h.me[2] = 151;
    cr_assert_eq(cosim_timeline_first_mismatch(&h.t), 1);
    svg_parse(&s, cosim_timeline_svg(&h.t));
    cr_assert_eq(count(&s, "//s:g[@id='mismatch']"), 1);
    cr_assert_eq(number(&s, "//s:g[@id='mismatch']/@data-index"), 1);
    char buf[256];
    value(&s, "//s:g[@id='mismatch']/s:text", buf, sizeof(buf));
    cr_assert_str_eq(buf, "first mismatch: #1 compute, predicted issue 30, end 130; measured "
                          "issue 30, end 131");
    cr_assert_eq(count(&s, "//s:g[@id='lane-compute']/s:g[contains(@class,'hit')]"), 1);
    svg_free(&s);

    /* the STORE never issued (the backend stopped) */
    h.me[1] = 130;
    h.t.meas_count = 2;
    cr_assert_eq(cosim_timeline_first_mismatch(&h.t), 2);
    svg_parse(&s, cosim_timeline_svg(&h.t));
    value(&s, "//s:g[@id='mismatch']/s:title", buf, sizeof(buf));
    cr_assert(strstr(buf, "#2 store") && strstr(buf, "never issued"), "%s", buf);
    svg_free(&s);
    acc_program_free(&h.prog);
}

Test(timeline, without_measured_times_shows_the_model_and_marks_nothing)
{
    hand h;
    hand_make(&h, 0);
    svg s;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    cr_assert_eq(count(&s, "//*[@id='mismatch']"), 0);
    cr_assert_eq(count(&s, "//s:rect[@class='pred']"), 0);
    cr_assert_eq(count(&s, "//s:g[contains(@class,'ins')]"), 4);
    char buf[256];
    value(&s, "//s:g[@id='lane-load']/s:g/s:title", buf, sizeof(buf));
    cr_assert_str_eq(buf, "#0 load: predicted issue 10, end 30; not measured");
    svg_free(&s);
    acc_program_free(&h.prog);
}

Test(timeline, draws_the_scratchpad_occupancy_with_its_peak)
{
    hand h;
    hand_make(&h, 1);
    svg s;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    cr_assert_eq(count(&s, "//s:g[@id='occupancy']/s:path"), 1);
    cr_assert_eq(number(&s, "//s:g[@id='occupancy']/@data-peak"), 100);
    cr_assert_eq(number(&s, "//s:g[@id='occupancy']/@data-top"), 200);
    char buf[256];
    value(&s, "//s:text[@id='peak']", buf, sizeof(buf));
    cr_assert_str_eq(buf, "peak 100 bytes (50.0% of the scratchpad) in cycle 130");
    svg_free(&s);

    h.t.live_end = NULL;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    cr_assert_eq(count(&s, "//s:g[@id='occupancy']"), 0);
    svg_free(&s);
    acc_program_free(&h.prog);
}

Test(timeline, nothing_to_draw_writes_no_file_and_removes_an_old_one)
{
    hand h;
    hand_make(&h, 0);
    h.t.pred_start = h.t.pred_end = NULL;
    cr_assert_null(cosim_timeline_svg(&h.t));
    const char *path = tu_tmp("timeline.svg");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("old", f);
    fclose(f);
    acc_error e;
    cr_assert_eq(cosim_timeline_save(path, &h.t, &e), 0);
    cr_assert_null(fopen(path, "r"), "the old timeline is still there");
    acc_program_free(&h.prog);
}

Test(timeline, escapes_names_in_the_xml)
{
    hand h;
    hand_make(&h, 0);
    h.t.layer = "a<b>&\"c\"";
    svg s;
    svg_parse(&s, cosim_timeline_svg(&h.t));
    char buf[256];
    value(&s, "//s:text[@id='title']", buf, sizeof(buf));
    cr_assert_str_eq(buf, "a<b>&\"c\" on tiny via iss: PASS");
    svg_free(&s);
    acc_program_free(&h.prog);
}

/* ------------------------------------------------------------ a long schedule */

Test(timeline, a_long_schedule_merges_thin_bars_and_stays_small)
{
    /* 20000 LOADs of 3 cycles back to back beside one long COMPUTE: at
     * 1152 px for 60001 cycles a LOAD is 0.06 px wide */
    enum { N = 20000 };
    acc_program p;
    acc_program_init(&p);
    int64_t *s0 = malloc((N + 2) * sizeof(int64_t)), *e0 = malloc((N + 2) * sizeof(int64_t));
    uint64_t *live = calloc(N + 2, sizeof(uint64_t));
    for (int i = 0; i < N; i++) {
        push_op(&p, ACC_OP_LOAD);
        s0[i] = 3 * (int64_t)i;
        e0[i] = s0[i] + 3;
        live[i] = (uint64_t)(i % 100);
    }
    push_op(&p, ACC_OP_COMPUTE);
    s0[N] = 0;
    e0[N] = 3 * N;
    push_op(&p, ACC_OP_END);
    s0[N + 1] = 3 * N;
    e0[N + 1] = 3 * N + 1;
    cosim_timeline t = {.layer = "long",
                        .config = "c",
                        .backend = "iss",
                        .verdict = "PASS",
                        .prog = &p,
                        .pred_start = s0,
                        .pred_end = e0,
                        .live_end = live,
                        .spad_bytes = 100,
                        .mark = COSIM_TL_MARK_MISMATCH};
    svg s;
    svg_parse(&s, cosim_timeline_svg(&t));
    size_t bytes = strlen(s.text);
    cr_assert_lt(bytes, 200000, "%zu bytes for %d instructions", bytes, N + 2);
    int bars = count(&s, "//s:g[@id='lane-load']/s:g");
    cr_assert_lt(bars, 100, "%d bars", bars);
    /* every LOAD is in exactly one bar: the merged bars' counts and the
     * single bars sum to N, and the ranges follow each other */
    xmlXPathObjectPtr o = nodes(&s, "//s:g[@id='lane-load']/s:g");
    long covered = 0, next = 0;
    for (int k = 0; k < o->nodesetval->nodeNr; k++) {
        xmlNodePtr g = o->nodesetval->nodeTab[k];
        xmlChar *first = xmlGetProp(g, BAD_CAST "data-index");
        xmlChar *last = xmlGetProp(g, BAD_CAST "data-last");
        xmlChar *n = xmlGetProp(g, BAD_CAST "data-count");
        long a = atol((const char *)first), b = last ? atol((const char *)last) : a;
        long c = n ? atol((const char *)n) : 1;
        cr_assert_eq(a, next, "bar %d starts at %ld, not %ld", k, a, next);
        cr_assert_eq(b - a + 1, c);
        covered += c;
        next = b + 1;
        xmlFree(first);
        xmlFree(last);
        xmlFree(n);
    }
    xmlXPathFreeObject(o);
    cr_assert_eq(covered, N);
    cr_assert_eq(number(&s, "//s:g[@id='occupancy']/@data-peak"), 99);
    svg_free(&s);
    free(s0);
    free(e0);
    free(live);
    acc_program_free(&p);
}

/* ------------------------------------------------------------ a real run */

/* Counts the instructions of each kind in a .sched (its first word). */
static void sched_kinds(const char *path, int n[4])
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[1024];
    memset(n, 0, 4 * sizeof(int));
    while (fgets(line, sizeof(line), f))
        for (int k = 0; k < 4; k++) {
            size_t len = strlen(lanes[k]);
            if (strncmp(line, lanes[k], len) == 0 && (line[len] == ' ' || line[len] == '\n'))
                n[k]++;
        }
    fclose(f);
}

/* A number after "key": in a JSON text (the first occurrence). */
static long json_number(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\"%s\":", key);
    const char *p = strstr(text, pat);
    cr_assert_not_null(p, "no %s", key);
    return atol(p + strlen(pat));
}

Test(timeline, every_cosim_run_writes_one_beside_its_report)
{
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof(cmd),
             "%s/cosim --backend iss --layer lenet_1 --config small --planner double --out %s "
             "--no-progress",
             tu_bin_dir(), tu_tmp("run"));
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    char *path = tu_tmp("run/timeline.svg");
    size_t len = 0;
    acc_error e;
    char *text = acc_read_file(path, &len, &e);
    cr_assert_not_null(text, "%s", e.msg);
    svg s;
    svg_parse(&s, text);
    int kinds[4];
    sched_kinds(tu_tmp("run/schedule.sched"), kinds);
    cr_assert_gt(kinds[0] + kinds[1] + kinds[2], 10);
    char expr[160];
    for (int k = 0; k < 4; k++) {
        /* every instruction once: single bars plus the counts of merged ones */
        snprintf(expr, sizeof(expr),
                 "count(//s:g[@id='lane-%s']/s:g[not(@data-count)]) + "
                 "sum(//s:g[@id='lane-%s']/s:g/@data-count)",
                 lanes[k], lanes[k]);
        xmlXPathObjectPtr o = nodes(&s, expr);
        cr_assert_eq((int)o->floatval, kinds[k], "lane %s: %g bars for %d instructions", lanes[k],
                     o->floatval, kinds[k]);
        xmlXPathFreeObject(o);
    }
    char *report = acc_read_file(tu_tmp("run/report.json"), NULL, &e);
    cr_assert_not_null(report, "%s", e.msg);
    cr_assert_eq((long)number(&s, "//s:g[@id='occupancy']/@data-peak"),
                 json_number(report, "peak_live_bytes"));
    cr_assert_eq(count(&s, "//*[@id='mismatch']"), 0);
    free(report);
    svg_free(&s);
}
