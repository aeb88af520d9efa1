/* plan_main.c - build/bin/plan: plans one layer with a baseline planner,
 * validates the schedule and writes it with a JSON summary.
 *
 *   plan --layer SPEC [--config NAME|FILE] [--planner serial|double]
 *        [--tiling TK,TH,TW,TC] [--out-dir DIR]
 *
 * Writes DIR/<layer>.sched (directives, and per instruction a comment with the
 * model's issue and end cycles) and DIR/<layer>.json, both atomically, and
 * prints a one-paragraph summary.  Nothing is written when the schedule does
 * not pass the validator.  Exit status: 0 success, 1 failure (the message is
 * on stderr), 2 usage error.  docs/planner.md describes the planners and the
 * JSON fields. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "baseline.h"
#include "config.h"
#include "layer.h"
#include "model.h"
#include "sched.h"
#include "util.h"
#include "validate.h"

typedef struct options {
    const char *layer;
    const char *config;
    const char *planner;
    const char *out_dir;
    int has_tiling;
    acc_tiling tiling;
} options;

static void usage(FILE *f)
{
    fputs("usage: plan --layer SPEC [--config NAME|FILE] [--planner serial|double]\n"
          "            [--tiling TK,TH,TW,TC] [--out-dir DIR]\n"
          "  --layer    NET_N (e.g. resnet_3) or FILE.csv:ROW\n"
          "  --config   configuration name under configs/ or an .ini file (default: default)\n"
          "  --planner  serial (no overlap) or double (double buffering; the default)\n"
          "  --tiling   a fixed tiling instead of the planner's search\n"
          "  --out-dir  where <layer>.sched and <layer>.json go (default: build/plan)\n",
          f);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "plan: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

static int parse_tiling(const char *s, acc_tiling *t)
{
    int v[4], n = 0;
    const char *p = s;
    while (n < 4) {
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p || x < 1 || x > 1000000)
            return -1;
        v[n++] = (int)x;
        p = end;
        if (n < 4) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    if (*p != '\0')
        return -1;
    t->tk = v[0];
    t->th = v[1];
    t->tw = v[2];
    t->tc = v[3];
    return 0;
}

/* Parses the command line; returns -1 when it is not usable, 1 for --help. */
static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof(*o));
    o->config = "default";
    o->planner = "double";
    o->out_dir = "build/plan";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return 1;
        static const char *const keys[] = {"--layer", "--config", "--planner", "--out-dir",
                                           "--tiling"};
        int k = -1;
        const char *val = NULL;
        for (int j = 0; j < 5; j++) {
            size_t n = strlen(keys[j]);
            if (strncmp(a, keys[j], n) == 0 && (a[n] == '\0' || a[n] == '=')) {
                k = j;
                if (a[n] == '=')
                    val = a + n + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                break;
            }
        }
        if (k < 0) {
            usage_error("unknown argument", a);
            return -1;
        }
        if (!val || !val[0]) {
            usage_error("missing value for", keys[k]);
            return -1;
        }
        switch (k) {
        case 0:
            o->layer = val;
            break;
        case 1:
            o->config = val;
            break;
        case 2:
            o->planner = val;
            break;
        case 3:
            o->out_dir = val;
            break;
        default:
            if (parse_tiling(val, &o->tiling) != 0) {
                usage_error("--tiling expects four positive numbers TK,TH,TW,TC, got", val);
                return -1;
            }
            o->has_tiling = 1;
            break;
        }
    }
    if (!o->layer) {
        usage_error("missing --layer", NULL);
        return -1;
    }
    if (strcmp(o->planner, "serial") != 0 && strcmp(o->planner, "double") != 0) {
        usage_error("--planner must be serial or double, got", o->planner);
        return -1;
    }
    return 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Lower bounds on the makespan of any valid schedule of the layer
 * (docs/planner.md, "Lower bound"). */
typedef struct bounds {
    int64_t compute, dram_read, dram_write, best;
    uint64_t x_needed; /* input bytes some output reads (padding excluded) */
} bounds;

/* Number of input positions in [0, in) that some output position reads. */
static int64_t used_extent(int in, int out, int stride, int filter, int dil, int padb)
{
    char *used = acc_calloc((size_t)in, 1);
    for (int o = 0; o < out; o++)
        for (int i = 0; i < filter; i++) {
            int64_t r = (int64_t)o * stride + (int64_t)i * dil - padb;
            if (r >= 0 && r < in)
                used[r] = 1;
        }
    int64_t n = 0;
    for (int r = 0; r < in; r++)
        n += used[r];
    free(used);
    return n;
}

static void lower_bounds(const acc_layer *l, const acc_config *cfg, bounds *b)
{
    const int64_t s0 = model_first_issue(cfg), dw = cfg->axi_bytes;
    const int64_t ld_min = cfg->read_latency + 3;                  /* a LOAD of one beat */
    const int64_t st_min = cfg->write_latency + 3;                 /* a STORE of one beat */
    const int64_t cp_min = 2 + cfg->rows + 2 * (int64_t)cfg->cols; /* a COMPUTE of one pass */
    const uint64_t pes = (uint64_t)cfg->rows * (uint64_t)cfg->cols;
    b->x_needed = (uint64_t)l->channels *
                  (uint64_t)used_extent(l->ifmap_h, layer_out_h(l), l->stride_h, l->filter_h,
                                        l->dil_h, l->pad_top) *
                  (uint64_t)used_extent(l->ifmap_w, layer_out_w(l), l->stride_w, l->filter_w,
                                        l->dil_w, l->pad_left);
    /* first load ends, all MACs at R*C per cycle, a store of the last results, END */
    b->compute = acc_max64(model_compute_bound(layer_macs(l), cfg),
                           s0 + ld_min + (int64_t)((layer_macs(l) + pes - 1) / pes) + st_min + 1);
    /* every needed input and weight byte is loaded, then read by a compute
     * whose results are stored */
    b->dram_read = s0 + (ld_min - 1) + acc_ceil_div((int64_t)(b->x_needed + layer_w_bytes(l)), dw) +
                   cp_min + st_min + 1;
    /* every output byte is stored, after a load and a compute */
    b->dram_write =
        s0 + ld_min + cp_min + (st_min - 1) + acc_ceil_div((int64_t)layer_y_bytes(l), dw) + 1;
    b->best = acc_max64(b->compute, acc_max64(b->dram_read, b->dram_write));
}

/* .sched annotation: the model's cycles of each instruction. */
static void annot_cycles(int index, void *ctx, char *buf, size_t size)
{
    const model_timing *tm = ctx;
    snprintf(buf, size, "issue %lld end %lld", (long long)tm->start[index],
             (long long)tm->end[index]);
}

static int write_sched(const char *path, const acc_program *p, const acc_sched_meta *meta,
                       const model_timing *tm, acc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return acc_fail(err, "%s: cannot format the schedule in memory", path);
    acc_sched_write(f, p, meta, annot_cycles, (void *)tm);
    if (fclose(f) != 0) {
        free(text);
        return acc_fail(err, "%s: cannot format the schedule in memory", path);
    }
    int rc = acc_write_file(path, text, len, err);
    free(text);
    return rc;
}

/* Tiling of a baseline program: the first COMPUTE is the first step of the
 * first tile, which has the full tile size. */
static acc_tiling program_tiling(const acc_program *p)
{
    acc_tiling t = {0, 0, 0, 0};
    for (int i = 0; i < p->count; i++) {
        if (p->ins[i].op == ACC_OP_COMPUTE) {
            const acc_compute *c = &p->ins[i].u.cp;
            t.tk = (int)c->tk;
            t.th = (int)c->th;
            t.tw = (int)c->tw;
            t.tc = (int)c->tc;
            break;
        }
    }
    return t;
}

/* Highest scratchpad byte any instruction touches (+1). */
static uint64_t program_spad_extent(const acc_program *p)
{
    uint64_t hi = 0;
    for (int i = 0; i < p->count; i++) {
        acc_range r[3];
        int n = acc_instr_spad_ranges(&p->ins[i], r);
        for (int k = 0; k < n; k++)
            if (r[k].hi > hi)
                hi = r[k].hi;
    }
    return hi;
}

/* Makespan of the other baseline, for the JSON's comparison (-1 if it cannot
 * plan the layer). */
static int64_t baseline_makespan(const char *strategy, const acc_layer *l, const acc_config *cfg,
                                 const acc_memmap *mm)
{
    acc_program p;
    acc_error err;
    if (acc_baseline_plan(strategy, l, cfg, mm, NULL, &p, &err) != 0)
        return -1;
    model_timing tm;
    int64_t m = -1;
    if (model_run(&p, cfg, &tm, &err) == 0) {
        m = tm.makespan;
        model_timing_free(&tm);
    }
    acc_program_free(&p);
    return m;
}

static char *summary_json(const options *o, const acc_layer *l, const acc_config *cfg,
                          const acc_program *p, const model_timing *tm, const bounds *b,
                          const acc_validation *v, double seconds, int64_t serial_ms,
                          int64_t double_ms)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "layer", l->name);
    cJSON_AddStringToObject(root, "config", cfg->name);
    cJSON_AddStringToObject(root, "planner", o->planner);
    cJSON_AddNumberToObject(root, "makespan", (double)tm->makespan);
    cJSON_AddNumberToObject(root, "lower_bound", (double)b->best);
    cJSON *lb = cJSON_AddObjectToObject(root, "lower_bounds");
    cJSON_AddNumberToObject(lb, "compute", (double)b->compute);
    cJSON_AddNumberToObject(lb, "dram_read", (double)b->dram_read);
    cJSON_AddNumberToObject(lb, "dram_write", (double)b->dram_write);
    cJSON_AddBoolToObject(root, "optimal", 0);
    cJSON_AddNumberToObject(root, "solve_seconds", seconds);
    cJSON_AddNumberToObject(root, "instructions", p->count);
    cJSON_AddNumberToObject(root, "macs", (double)layer_macs(l));
    cJSON *db = cJSON_AddObjectToObject(root, "dram_bytes");
    cJSON_AddNumberToObject(db, "read", (double)tm->dram_read);
    cJSON_AddNumberToObject(db, "written", (double)tm->dram_written);
    acc_tiling t = program_tiling(p);
    cJSON *tj = cJSON_AddObjectToObject(root, "tiling");
    cJSON_AddNumberToObject(tj, "tk", t.tk);
    cJSON_AddNumberToObject(tj, "th", t.th);
    cJSON_AddNumberToObject(tj, "tw", t.tw);
    cJSON_AddNumberToObject(tj, "tc", t.tc);
    cJSON_AddNumberToObject(root, "peak_scratchpad_bytes", (double)v->peak_live_bytes);
    cJSON_AddNumberToObject(root, "scratchpad_allocated_bytes", (double)program_spad_extent(p));
    cJSON_AddNumberToObject(root, "scratchpad_bytes", cfg->spad_bytes);
    cJSON *busy = cJSON_AddObjectToObject(root, "engine_busy");
    cJSON_AddNumberToObject(busy, "load", (double)tm->busy[ACC_ENG_LD]);
    cJSON_AddNumberToObject(busy, "compute", (double)tm->busy[ACC_ENG_CP]);
    cJSON_AddNumberToObject(busy, "store", (double)tm->busy[ACC_ENG_ST]);
    cJSON *bl = cJSON_AddObjectToObject(root, "baselines");
    if (serial_ms >= 0)
        cJSON_AddNumberToObject(bl, "serial", (double)serial_ms);
    else
        cJSON_AddNullToObject(bl, "serial");
    if (double_ms >= 0)
        cJSON_AddNumberToObject(bl, "double", (double)double_ms);
    else
        cJSON_AddNullToObject(bl, "double");
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

int main(int argc, char **argv)
{
    options o;
    int prc = parse_args(argc, argv, &o);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;

    acc_error err;
    acc_layer layer;
    acc_config cfg;
    if (acc_layer_lookup(o.layer, &layer, &err) != 0 ||
        acc_config_load(o.config, &cfg, &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        return 1;
    }
    acc_memmap mm;
    acc_memmap_default(&layer, &mm);

    double t0 = now_seconds();
    acc_program prog;
    if (acc_baseline_plan(o.planner, &layer, &cfg, &mm, o.has_tiling ? &o.tiling : NULL, &prog,
                          &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        return 1;
    }
    double seconds = now_seconds() - t0;

    model_timing tm;
    if (model_run(&prog, &cfg, &tm, &err) != 0) {
        fprintf(stderr, "plan: the schedule is not executable: %s\n", err.msg);
        acc_program_free(&prog);
        return 1;
    }
    acc_validation v;
    if (acc_validate(&prog, &layer, &cfg, &mm, &v, stderr, &err) != 0) {
        fprintf(stderr,
                "plan: the %s schedule of %s on %s is invalid (%d violations); "
                "nothing written\n",
                o.planner, layer.name, cfg.name, v.violations);
        acc_validation_free(&v);
        model_timing_free(&tm);
        acc_program_free(&prog);
        return 1;
    }

    bounds b;
    lower_bounds(&layer, &cfg, &b);
    int is_serial = strcmp(o.planner, "serial") == 0;
    int64_t serial_ms =
        is_serial && !o.has_tiling ? tm.makespan : baseline_makespan("serial", &layer, &cfg, &mm);
    int64_t double_ms =
        !is_serial && !o.has_tiling ? tm.makespan : baseline_makespan("double", &layer, &cfg, &mm);

    size_t n = strlen(o.out_dir) + strlen(layer.name) + 16;
    char *sched_path = acc_malloc(n), *json_path = acc_malloc(n);
    snprintf(sched_path, n, "%s/%s.sched", o.out_dir, layer.name);
    snprintf(json_path, n, "%s/%s.json", o.out_dir, layer.name);

    acc_sched_meta meta;
    memset(&meta, 0, sizeof(meta));
    snprintf(meta.layer, sizeof(meta.layer), "%s", layer.name);
    snprintf(meta.config, sizeof(meta.config), "%s", cfg.name);
    snprintf(meta.planner, sizeof(meta.planner), "%s", o.planner);
    meta.has_memmap = 1;
    meta.memmap = mm;

    char *json = summary_json(&o, &layer, &cfg, &prog, &tm, &b, &v, seconds, serial_ms, double_ms);
    int rc = 0;
    if (acc_mkdirs(o.out_dir, &err) != 0 || write_sched(sched_path, &prog, &meta, &tm, &err) != 0 ||
        acc_write_file(json_path, json, strlen(json), &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        rc = 1;
    } else {
        acc_tiling t = program_tiling(&prog);
        double above = 100.0 * (double)(tm.makespan - b.best) / (double)b.best;
        printf("%s on %s, %s planner: makespan %lld cycles, lower bound %lld (%.1f%% above "
               "it; a baseline proves no optimality); %d instructions, tiling tk=%d "
               "th=%d tw=%d tc=%d, %llu bytes read and %llu written, peak scratchpad %llu of "
               "%u bytes; serial %lld, double %lld cycles; planned in %.3f s. Wrote %s and %s.\n",
               layer.name, cfg.name, o.planner, (long long)tm.makespan, (long long)b.best, above,
               prog.count, t.tk, t.th, t.tw, t.tc, (unsigned long long)tm.dram_read,
               (unsigned long long)tm.dram_written, (unsigned long long)v.peak_live_bytes,
               cfg.spad_bytes, (long long)serial_ms, (long long)double_ms, seconds, sched_path,
               json_path);
    }
    free(json);
    free(sched_path);
    free(json_path);
    acc_validation_free(&v);
    model_timing_free(&tm);
    acc_program_free(&prog);
    return rc;
}
