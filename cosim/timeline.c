/* timeline.c - the SVG timeline of one run (timeline.h).  Plain text
 * output: the SVG is printed into a memory stream and written atomically.
 *
 * Layout, top to bottom: title and summary line, legend, the mark's label,
 * four lanes (load, compute, store, end) over one cycle axis, and the
 * scratchpad occupancy area chart over the same axis. */
#include "cosim/timeline.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum {
    LANES = 4,      /* load, compute, store, end */
    LEGEND_Y = 66,  /* baseline of the legend */
    MARK_Y = 88,    /* baseline of the mark's label */
    LANE_TOP = 100, /* top of the first lane */
    LANE_H = 30,    /* height of a lane */
    BAR_Y = 6,      /* bar's top inside its lane */
    BAR_H = 18,     /* bar height */
    OCC_TOP = 268,  /* top of the occupancy chart */
    OCC_H = 110,    /* its height */
    HEIGHT = 408    /* the whole picture */
};

static const char *const lane_name[LANES] = {"load", "compute", "store", "end"};

/* The lane of an opcode: its engine, END (no engine) last. */
static int lane_of(acc_opcode op)
{
    switch (op) {
    case ACC_OP_LOAD:
        return 0;
    case ACC_OP_COMPUTE:
        return 1;
    case ACC_OP_STORE:
        return 2;
    default:
        return 3;
    }
}

/* One instruction's spans: filled (measured, or predicted when nothing is
 * measured) and outlined (predicted, when measured).  -1 = none. */
typedef struct span {
    int64_t fs, fe; /* filled; fe -1 with fs >= 0: issued, never ended */
    int64_t os, oe; /* outline */
} span;

typedef struct drawing {
    const cosim_timeline *t;
    FILE *f;
    int measured; /* the backend measured cycles */
    int64_t tmax; /* right end of the cycle axis */
    double scale; /* pixels per cycle */
    int mark;     /* the marked instruction, -1 = none */
    span *sp;     /* per instruction */
} drawing;

static double px(const drawing *d, int64_t c)
{
    return COSIM_TL_LEFT + (double)c * d->scale;
}

int cosim_timeline_first_mismatch(const cosim_timeline *t)
{
    ACC_REQUIRE(t && t->prog);
    if (!t->pred_start || !t->pred_end || !t->meas_start || !t->meas_end)
        return -1;
    for (int i = 0; i < t->prog->count; i++) {
        int64_t ms = i < t->meas_count ? t->meas_start[i] : -1;
        int64_t me = i < t->meas_count ? t->meas_end[i] : -1;
        if (ms != t->pred_start[i] || me != t->pred_end[i])
            return i;
    }
    return -1;
}

/* Fills d->sp and d->tmax; returns the number of instructions with a time. */
static int spans(drawing *d)
{
    const cosim_timeline *t = d->t;
    int n = t->prog->count, timed = 0;
    int64_t tmax = 0;
    for (int i = 0; i < n; i++) {
        span *s = &d->sp[i];
        s->fs = s->fe = s->os = s->oe = -1;
        int has_pred = t->pred_start && t->pred_end;
        if (d->measured) {
            s->fs = i < t->meas_count ? t->meas_start[i] : -1;
            s->fe = s->fs >= 0 && i < t->meas_count ? t->meas_end[i] : -1;
            if (has_pred) {
                s->os = t->pred_start[i];
                s->oe = t->pred_end[i];
            }
        } else if (has_pred) {
            s->fs = t->pred_start[i];
            s->fe = t->pred_end[i];
        }
        if (s->fs >= 0 || s->os >= 0)
            timed++;
        int64_t v[4] = {s->fs, s->fe, s->os, s->oe};
        for (int k = 0; k < 4; k++)
            if (v[k] > tmax)
                tmax = v[k];
    }
    d->tmax = tmax > 0 ? tmax : 1;
    return timed;
}

/* A step of 1, 2 or 5 times a power of ten giving about `want` ticks. */
static int64_t nice_step(int64_t range, int want)
{
    double raw = (double)range / want;
    double mag = pow(10.0, floor(log10(raw > 1 ? raw : 1)));
    double m[4] = {1, 2, 5, 10};
    for (int k = 0; k < 4; k++)
        if (m[k] * mag >= raw)
            return (int64_t)(m[k] * mag);
    return (int64_t)(10 * mag);
}

/* A tick of an axis whose ticks are `step` apart, in one unit for the
 * whole axis: "12M" when the step is a whole number of millions, "400k"
 * when it is one of thousands (and at least 10000), else the cycle. */
static void tick_label(char *buf, size_t size, int64_t v, int64_t step)
{
    if (step >= 1000000 && step % 1000000 == 0)
        snprintf(buf, size, "%" PRId64 "M", v / 1000000);
    else if (step >= 10000 && step % 1000 == 0)
        snprintf(buf, size, "%" PRId64 "k", v / 1000);
    else
        snprintf(buf, size, "%" PRId64, v);
}

static void header(drawing *d)
{
    const cosim_timeline *t = d->t;
    FILE *f = d->f;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n",
            COSIM_TL_WIDTH, HEIGHT, COSIM_TL_WIDTH, HEIGHT);
    fputs("<style>.load{fill:#4e79a7}.compute{fill:#f28e2b}.store{fill:#59a14f}.end{fill:#79706e}"
          ".pred{fill:none;stroke:#222;stroke-width:1}.grid{stroke:#ddd}.axis{stroke:#555}"
          ".merged rect.meas{fill-opacity:0.75}.hit "
          "rect.meas{stroke:#d62728;stroke-width:2}rect.w{stroke:#fff;stroke-width:1}"
          ".pass{fill:#2ca02c}.fail{fill:#d62728}</style>\n",
          f);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", COSIM_TL_WIDTH, HEIGHT);
    const char *v = t->verdict ? t->verdict : "";
    fputs("<text id=\"title\" x=\"16\" y=\"26\" font-size=\"16\" font-weight=\"bold\">", f);
    acc_xml_escape(f, t->layer ? t->layer : "?");
    fputs(" on ", f);
    acc_xml_escape(f, t->config ? t->config : "?");
    fputs(" via ", f);
    acc_xml_escape(f, t->backend ? t->backend : "?");
    fprintf(f, ": <tspan class=\"%s\">", strcmp(v, "PASS") == 0 ? "pass" : "fail");
    acc_xml_escape(f, v);
    fputs("</tspan></text>\n<text x=\"16\" y=\"46\">", f);
    if (t->planner) {
        fputs("planner ", f);
        acc_xml_escape(f, t->planner);
        fputs(", ", f);
    }
    fprintf(f, "%d instructions", t->prog->count);
    if (t->pred_end && t->prog->count > 0)
        fprintf(f, ", model %" PRId64 " cycles", t->pred_end[t->prog->count - 1]);
    if (d->measured) {
        int64_t last = -1;
        for (int i = 0; i < t->prog->count; i++)
            if (d->sp[i].fe > last)
                last = d->sp[i].fe;
        fprintf(f, ", measured: last end in cycle %" PRId64, last);
    } else {
        fputs(", nothing measured (the bars are the model's)", f);
    }
    fputs("</text>\n", f);
}

/* What the mark means. */
static const char *mark_what(const cosim_timeline *t)
{
    if (t->mark == COSIM_TL_MARK_MISMATCH)
        return "first mismatch";
    return t->mark_label ? t->mark_label : "marked";
}

static void legend(drawing *d)
{
    FILE *f = d->f;
    double x = 16;
    fputs("<g id=\"legend\">\n", f);
    for (int k = 0; k < LANES; k++) {
        fprintf(f,
                "<rect class=\"%s\" x=\"%.0f\" y=\"%d\" width=\"12\" height=\"12\"/>"
                "<text x=\"%.0f\" y=\"%d\">%s</text>\n",
                lane_name[k], x, LEGEND_Y - 10, x + 16, LEGEND_Y, lane_name[k]);
        x += 24 + 8.0 * (double)strlen(lane_name[k]);
    }
    x += 12;
    int has_pred = d->t->pred_start && d->t->pred_end;
    if (d->measured) {
        fprintf(f,
                "<rect class=\"compute\" x=\"%.0f\" y=\"%d\" width=\"24\" height=\"12\"/>"
                "<text x=\"%.0f\" y=\"%d\">filled: measured</text>\n",
                x, LEGEND_Y - 10, x + 28, LEGEND_Y);
        x += 136;
        if (has_pred)
            fprintf(f,
                    "<rect class=\"pred\" x=\"%.0f\" y=\"%d\" width=\"24\" height=\"16\"/>"
                    "<text x=\"%.0f\" y=\"%d\">outline: predicted by the model</text>\n",
                    x, LEGEND_Y - 12, x + 28, LEGEND_Y);
        else
            fprintf(f, "<text x=\"%.0f\" y=\"%d\">(the model cannot time the program)</text>\n", x,
                    LEGEND_Y);
        x += 230;
    } else {
        fprintf(f,
                "<text x=\"%.0f\" y=\"%d\">bars: the model's times (the %s backend "
                "measures no cycles)</text>\n",
                x, LEGEND_Y, d->t->backend ? d->t->backend : "");
        x += 360;
    }
    /* the mark's entry, also when there is none to show (a measured run
     * that the model times, or a mark given by index) */
    if (d->mark >= 0 || (d->measured && has_pred) || d->t->mark >= 0 || d->t->mark_label) {
        fprintf(f,
                "<rect x=\"%.0f\" y=\"%d\" width=\"3\" height=\"14\" fill=\"#d62728\"/>"
                "<text x=\"%.0f\" y=\"%d\">",
                x, LEGEND_Y - 11, x + 8, LEGEND_Y);
        acc_xml_escape(f, mark_what(d->t));
        fprintf(f, "%s</text>\n", d->mark >= 0 ? "" : " (none)");
        x += 24 + 7.0 * (double)strlen(mark_what(d->t)) + (d->mark >= 0 ? 0 : 42);
    }
    fprintf(f,
            "<text x=\"%.0f\" y=\"%d\" fill=\"#555\">bars under %.0f px less than 1 px apart "
            "are merged (see their tooltip)</text>\n",
            x, LEGEND_Y, COSIM_TL_THIN_PX);
    fputs("</g>\n", f);
}

/* The vertical grid, the cycle axis under the lanes and under the chart. */
static void axes(drawing *d)
{
    FILE *f = d->f;
    int64_t step = nice_step(d->tmax, 10);
    int lanes_bottom = LANE_TOP + LANES * LANE_H;
    char buf[32];
    fputs("<g id=\"axis\">\n", f);
    for (int k = 0; k < LANES; k++)
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">%s</text>\n",
                COSIM_TL_LEFT - 8, LANE_TOP + k * LANE_H + BAR_Y + 13, lane_name[k]);
    for (int64_t c = 0; c <= d->tmax; c += step) {
        double x = px(d, c);
        tick_label(buf, sizeof(buf), c, step);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x,
                LANE_TOP, x, lanes_bottom);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x,
                OCC_TOP, x, OCC_TOP + OCC_H);
        fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                lanes_bottom + 14, buf);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                OCC_TOP + OCC_H + 14, buf);
    }
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", COSIM_TL_LEFT,
            lanes_bottom, COSIM_TL_LEFT + COSIM_TL_PLOT, lanes_bottom);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">cycle</text>\n",
            COSIM_TL_LEFT + COSIM_TL_PLOT, lanes_bottom + 28);
    fputs("</g>\n", f);
}

/* Times of one instruction for its tooltip. */
static void tooltip_times(drawing *d, int i)
{
    const cosim_timeline *t = d->t;
    FILE *f = d->f;
    if (t->pred_start && t->pred_end)
        fprintf(f, "predicted issue %" PRId64 ", end %" PRId64, t->pred_start[i], t->pred_end[i]);
    else
        fputs("the model cannot time the program", f);
    if (!d->measured)
        fputs("; not measured", f);
    else if (d->sp[i].fs < 0)
        fputs("; measured: never issued", f);
    else if (d->sp[i].fe < 0)
        fprintf(f, "; measured issue %" PRId64 ", never ended", d->sp[i].fs);
    else
        fprintf(f, "; measured issue %" PRId64 ", end %" PRId64, d->sp[i].fs, d->sp[i].fe);
}

/* The union of the spans of instructions first..last of one lane (those in
 * between on other lanes are skipped). */
typedef struct group {
    int first, last, n, lane;
    int64_t fs, fe, os, oe;
    int open; /* an instruction issued and never ended */
} group;

static void group_add(group *g, const span *s)
{
    if (s->fs >= 0) {
        int64_t fe = s->fe;
        if (fe < 0)
            g->open = 1;
        if (g->fs < 0 || s->fs < g->fs)
            g->fs = s->fs;
        if (fe > g->fe)
            g->fe = fe;
    }
    if (s->os >= 0) {
        if (g->os < 0 || s->os < g->os)
            g->os = s->os;
        if (s->oe > g->oe)
            g->oe = s->oe;
    }
}

static int64_t group_lo(const group *g)
{
    if (g->fs < 0)
        return g->os;
    return g->os >= 0 && g->os < g->fs ? g->os : g->fs;
}

static int64_t group_hi(const group *g, int64_t tmax)
{
    int64_t hi = g->open ? tmax : g->fe;
    return g->oe > hi ? g->oe : hi;
}

static void draw_group(drawing *d, const group *g)
{
    FILE *f = d->f;
    const char *kind = lane_name[g->lane];
    int y = LANE_TOP + g->lane * LANE_H + BAR_Y;
    int hit = g->n == 1 && g->first == d->mark;
    if (g->n == 1)
        fprintf(f, "<g class=\"ins %s%s\" data-index=\"%d\"><title>#%d %s: ", kind,
                hit ? " hit" : "", g->first, g->first, acc_op_name(d->t->prog->ins[g->first].op));
    else
        fprintf(f,
                "<g class=\"ins %s merged\" data-index=\"%d\" data-last=\"%d\" data-count=\"%d\">"
                "<title>#%d..#%d: %d %s instructions, each under %.0f px at this scale, "
                "drawn as one bar: ",
                kind, g->first, g->last, g->n, g->first, g->last, g->n, kind, COSIM_TL_THIN_PX);
    if (g->n == 1)
        tooltip_times(d, g->first);
    else
        fprintf(f, "from cycle %" PRId64 " to %" PRId64, group_lo(g), group_hi(g, d->tmax));
    fputs("</title>", f);
    if (g->fs >= 0) {
        int64_t fe = g->open ? d->tmax : g->fe;
        double x = px(d, g->fs), w = px(d, fe) - x;
        fprintf(f, "<rect class=\"meas %s%s\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>",
                kind, w >= 4 ? " w" : "", x, y, w < 1 ? 1 : w, BAR_H);
    }
    if (g->os >= 0) {
        double x = px(d, g->os), w = px(d, g->oe) - x;
        fprintf(f, "<rect class=\"pred\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\"/>", x,
                y - 3, w < 1 ? 1 : w, BAR_H + 6);
    }
    fputs("</g>\n", f);
}

/* One lane: its instructions in program order (= issue order on an
 * engine).  An instruction joins the bar before it when both are thin
 * (narrower than COSIM_TL_THIN_PX, not marked) and less than a pixel
 * apart, so a lane holds at most a few bars per pixel column. */
static void lane(drawing *d, int k)
{
    const acc_program *p = d->t->prog;
    fprintf(d->f, "<g id=\"lane-%s\">\n", lane_name[k]);
    group g = {-1, -1, 0, k, -1, -1, -1, -1, 0};
    int g_thin = 0; /* every instruction of g is thin */
    for (int i = 0; i < p->count; i++) {
        if (lane_of(p->ins[i].op) != k)
            continue;
        const span *s = &d->sp[i];
        if (s->fs < 0 && s->os < 0)
            continue; /* never issued and not timed by the model */
        group one = {i, i, 1, k, -1, -1, -1, -1, 0};
        group_add(&one, s);
        double lo = px(d, group_lo(&one)), hi = px(d, group_hi(&one, d->tmax));
        int thin = hi - lo < COSIM_TL_THIN_PX && i != d->mark;
        if (g.n > 0 && g_thin && thin && lo - px(d, group_hi(&g, d->tmax)) < 1.0) {
            g.last = i;
            g.n++;
            group_add(&g, s);
            continue;
        }
        if (g.n > 0)
            draw_group(d, &g);
        g = one;
        g_thin = thin;
    }
    if (g.n > 0)
        draw_group(d, &g);
    fputs("</g>\n", d->f);
}

/* The marked instruction: a red line across the lanes, a triangle and a
 * label with its times. */
static void marker(drawing *d)
{
    const cosim_timeline *t = d->t;
    FILE *f = d->f;
    int m = d->mark;
    const span *s = &d->sp[m];
    int64_t at = s->fs >= 0 ? s->fs : s->os;
    if (at < 0)
        at = 0;
    double x = px(d, at);
    int lanes_bottom = LANE_TOP + LANES * LANE_H;
    const char *what = mark_what(t);
    const char *op = acc_op_name(t->prog->ins[m].op);
    fprintf(f, "<g id=\"mismatch\" data-index=\"%d\"><title>", m);
    acc_xml_escape(f, what);
    fprintf(f, ": #%d %s: ", m, op ? op : "illegal");
    tooltip_times(d, m);
    fprintf(f,
            "</title><line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#d62728\" "
            "stroke-width=\"2\"/>",
            x, LANE_TOP - 8, x, lanes_bottom);
    fprintf(f, "<polygon points=\"%.2f,%d %.2f,%d %.2f,%d\" fill=\"#d62728\"/>", x - 6,
            LANE_TOP - 9, x + 6, LANE_TOP - 9, x, LANE_TOP - 1);
    int right = x > COSIM_TL_LEFT + COSIM_TL_PLOT / 2;
    fprintf(f,
            "<text x=\"%.2f\" y=\"%d\" fill=\"#d62728\" font-weight=\"bold\" "
            "text-anchor=\"%s\">",
            right ? x - 10 : x + 10, MARK_Y, right ? "end" : "start");
    acc_xml_escape(f, what);
    fprintf(f, ": #%d %s, ", m, op ? op : "illegal");
    tooltip_times(d, m);
    fputs("</text></g>\n", f);
}

typedef struct live_point {
    int64_t t;
    uint64_t v;
} live_point;

static int cmp_point(const void *a, const void *b)
{
    const live_point *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* The occupancy area chart: live bytes over the model's cycles, a step
 * function that changes only at end cycles.  Each pixel column shows the
 * highest count within it, so a spike narrower than a pixel stays visible. */
static void occupancy(drawing *d)
{
    const cosim_timeline *t = d->t;
    FILE *f = d->f;
    int n = t->prog->count;
    live_point *pt = acc_malloc(((size_t)n + 1) * sizeof(live_point));
    uint64_t peak = 0;
    int64_t peak_at = 0;
    for (int i = 0; i < n; i++)
        pt[i] = (live_point){t->pred_end[i], t->live_end[i]};
    qsort(pt, (size_t)n, sizeof(live_point), cmp_point);
    for (int i = 0; i < n; i++)
        if (pt[i].v > peak) {
            peak = pt[i].v;
            peak_at = pt[i].t;
        }
    uint64_t *col = acc_calloc(COSIM_TL_PLOT, sizeof(uint64_t));
    for (int i = 0; i < n; i++) {
        int64_t until = i + 1 < n ? pt[i + 1].t : d->tmax;
        int c0 = (int)floor((double)pt[i].t * d->scale);
        int c1 = (int)ceil((double)until * d->scale) - 1;
        if (c1 < c0)
            c1 = c0;
        for (int c = c0; c <= c1 && c < COSIM_TL_PLOT; c++)
            if (c >= 0 && pt[i].v > col[c])
                col[c] = pt[i].v;
    }
    uint64_t top = t->spad_bytes >= peak && t->spad_bytes > 0 ? t->spad_bytes : peak;
    if (top == 0)
        top = 1;
    double ys = (double)OCC_H / (double)top;
    int base = OCC_TOP + OCC_H;
    fprintf(f, "<g id=\"occupancy\" data-peak=\"%" PRIu64 "\" data-top=\"%" PRIu64 "\">\n", peak,
            top);
    fprintf(f,
            "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-weight=\"bold\">scratchpad "
            "occupancy: live bytes (written, still to be read) over the model's cycles</text>\n",
            COSIM_TL_LEFT, OCC_TOP - 10);
    fprintf(f,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            "stroke=\"#bbb\"/>\n",
            COSIM_TL_LEFT, OCC_TOP, COSIM_TL_PLOT, OCC_H);
    fprintf(f,
            "<path class=\"area\" fill=\"#b07aa1\" fill-opacity=\"0.55\" stroke=\"#7b4173\" "
            "d=\"M%d,%d",
            COSIM_TL_LEFT, base);
    uint64_t prev = 0;
    for (int c = 0; c < COSIM_TL_PLOT; c++)
        if (col[c] != prev) {
            fprintf(f, "H%dV%.1f", COSIM_TL_LEFT + c, base - (double)col[c] * ys);
            prev = col[c];
        }
    fprintf(f,
            "H%dV%dZ\"><title>live scratchpad bytes; peak %" PRIu64 " in cycle %" PRId64
            "</title></path>\n",
            COSIM_TL_LEFT + COSIM_TL_PLOT, base, peak, peak_at);
    double yp = base - (double)peak * ys;
    fprintf(f,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#7b4173\" "
            "stroke-dasharray=\"4 3\"/>\n",
            COSIM_TL_LEFT, yp, COSIM_TL_LEFT + COSIM_TL_PLOT, yp);
    fprintf(f, "<text id=\"peak\" x=\"%.1f\" y=\"%.1f\" fill=\"#7b4173\">peak %" PRIu64 " bytes",
            px(d, peak_at) + 4, yp > OCC_TOP + 12 ? yp - 3 : yp + 12, peak);
    if (t->spad_bytes > 0)
        fprintf(f, " (%.1f%% of the scratchpad)", 100.0 * (double)peak / (double)t->spad_bytes);
    fprintf(f, " in cycle %" PRId64 "</text>\n", peak_at);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n", COSIM_TL_LEFT - 6, base);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%" PRIu64 "</text>\n",
            COSIM_TL_LEFT - 6, OCC_TOP + 10, top);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", COSIM_TL_LEFT - 6,
            OCC_TOP + 24, top == t->spad_bytes ? "bytes (size)" : "bytes");
    fputs("</g>\n", f);
    free(col);
    free(pt);
}

/* A memory stream fails only for want of memory: end as acc_malloc does. */
static void no_memory(void)
{
    fprintf(stderr, "fatal: out of memory rendering the timeline\n");
    exit(2);
}

char *cosim_timeline_svg(const cosim_timeline *t)
{
    ACC_REQUIRE(t && t->prog);
    drawing d;
    memset(&d, 0, sizeof(d));
    d.t = t;
    d.measured = t->meas_start && t->meas_end;
    d.sp = acc_calloc((size_t)t->prog->count + 1, sizeof(span));
    if (spans(&d) == 0) {
        free(d.sp);
        return NULL;
    }
    d.scale = (double)COSIM_TL_PLOT / (double)d.tmax;
    d.mark = t->mark == COSIM_TL_MARK_MISMATCH ? cosim_timeline_first_mismatch(t) : t->mark;
    if (d.mark >= t->prog->count)
        d.mark = -1;
    char *text = NULL;
    size_t len = 0;
    d.f = open_memstream(&text, &len);
    if (!d.f)
        no_memory();
    header(&d);
    legend(&d);
    axes(&d);
    for (int k = 0; k < LANES; k++)
        lane(&d, k);
    if (d.mark >= 0)
        marker(&d);
    if (t->live_end && t->pred_end)
        occupancy(&d);
    else
        fprintf(d.f,
                "<text x=\"%d\" y=\"%d\" fill=\"#555\">no scratchpad occupancy: the model "
                "cannot time the program</text>\n",
                COSIM_TL_LEFT, OCC_TOP + OCC_H / 2);
    fputs("</svg>\n", d.f);
    if (fclose(d.f) != 0)
        no_memory();
    free(d.sp);
    return text;
}

int cosim_timeline_save(const char *path, const cosim_timeline *t, acc_error *err)
{
    ACC_REQUIRE(path && t);
    char *text = cosim_timeline_svg(t);
    if (!text) {
        remove(path);
        return 0;
    }
    int rc = acc_write_file(path, text, strlen(text), err);
    free(text);
    return rc;
}

int cosim_timeline_save_run(const cosim_report *rep, const acc_program *p, const model_timing *t,
                            const cosim_result *res, const acc_validation *v, acc_error *err)
{
    ACC_REQUIRE(rep && p && res);
    char path[COSIM_PATH_MAX + 16];
    int n = snprintf(path, sizeof(path), "%s/timeline.svg", rep->out_dir);
    if (n < 0 || (size_t)n >= sizeof(path))
        return acc_fail(err, "%s: path too long", rep->out_dir);
    cosim_timeline tl = {
        .layer = rep->layer.name,
        .config = rep->config.name,
        .backend = rep->backend,
        .planner = rep->planner[0] ? rep->planner : NULL,
        .verdict = rep->pass ? "PASS" : "FAIL",
        .prog = p,
        .pred_start = t ? t->start : NULL,
        .pred_end = t ? t->end : NULL,
        .meas_start = res->measured ? res->start : NULL,
        .meas_end = res->measured ? res->end : NULL,
        .meas_count = res->measured ? res->count : 0,
        .live_end = v && v->live_end && t ? v->live_end : NULL,
        .spad_bytes = rep->config.spad_bytes,
        .mark = COSIM_TL_MARK_MISMATCH,
    };
    if (rep->inject_port[0]) {
        tl.mark = (int)rep->hw_error_index;
        tl.mark_label = "stopped by the injected error";
    } else if (rep->stress) {
        tl.mark = rep->oob_index;
        tl.mark_label = "first outside the model's bounds";
    }
    return cosim_timeline_save(path, &tl, err);
}
