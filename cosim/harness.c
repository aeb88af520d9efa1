/* harness.c - one co-simulation run and the per-network loop (harness.h).
 * The steps are numbered as in docs/cosim.md. */
#include "cosim/harness.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "golden/golden.h"
#include "golden/iss.h"
#include "core/sched.h"
#include "cosim/npy.h"
#include "cosim/axi_check.h"
#include "cosim/measure.h"
#include "cosim/pool.h"
#include "cosim/regmap.h"
#include "cosim/timeline.h"
#include "model/bounds.h"
#include "model/model.h"
#include "model/validate.h"
#include "planner/registry.h"

#define POISON_BYTE 0xA5

/* ---------------------------------------------------------------- backends */

/* Every backend the project has, built into this binary or not. */
static const char *const known_backends[] = {"iss", "rtl", "systemc", NULL};

const cosim_backend *cosim_backend_require(const char *name, acc_error *err)
{
    ACC_REQUIRE(name);
    const cosim_backend *b = cosim_backend_find(name);
    if (b)
        return b;
    for (int i = 0; known_backends[i]; i++)
        if (!strcmp(known_backends[i], name)) {
            acc_fail(err,
                     "backend '%s' is not built into this binary; use `make cosim "
                     "BACKEND=%s`",
                     name, name);
            return NULL;
        }
    acc_fail(err, "unknown backend '%s' (backends: iss, rtl, systemc)", name);
    return NULL;
}

int64_t cosim_default_budget(int64_t makespan)
{
    return 2 * makespan + 100000;
}

/* ---------------------------------------------------------------- helpers */

static int join_path(char *out, size_t size, const char *dir, const char *file, acc_error *err)
{
    int n = snprintf(out, size, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= size)
        return acc_fail(err, "%s: path too long", dir);
    return 0;
}

/* Loads one operand file and checks its type and shape against the layer. */
static int load_operand(const char *path, const char *what, const acc_layer *l, int ndim,
                        const uint64_t *shape, int8_t **out, acc_error *err)
{
    cosim_npy a;
    if (cosim_npy_load(path, &a, err))
        return -1;
    char want[128], got[128];
    cosim_npy_shape_str(ndim, shape, want, sizeof(want));
    if (a.dtype != COSIM_NPY_I8) {
        cosim_npy_free(&a);
        return acc_fail(err, "%s: field 'descr': %s must be int8 ('|i1'), the file holds int32",
                        path, what);
    }
    int same = a.ndim == ndim;
    for (int i = 0; same && i < ndim; i++)
        same = a.shape[i] == shape[i];
    if (!same) {
        cosim_npy_shape_str(a.ndim, a.shape, got, sizeof(got));
        cosim_npy_free(&a);
        return acc_fail(err, "%s: field 'shape': %s but layer %s needs %s int8 %s", path, got,
                        l->name, what, want);
    }
    *out = a.data; /* take ownership */
    return 0;
}

static void x_shape(const acc_layer *l, uint64_t s[3])
{
    s[0] = (uint64_t)l->channels;
    s[1] = (uint64_t)l->ifmap_h;
    s[2] = (uint64_t)l->ifmap_w;
}

static void w_shape(const acc_layer *l, uint64_t s[4])
{
    s[0] = (uint64_t)(l->channels / l->groups);
    s[1] = (uint64_t)l->filter_h;
    s[2] = (uint64_t)l->filter_w;
    s[3] = (uint64_t)l->num_filter;
}

static void y_shape(const acc_layer *l, uint64_t s[3])
{
    s[0] = (uint64_t)l->num_filter;
    s[1] = (uint64_t)layer_out_h(l);
    s[2] = (uint64_t)layer_out_w(l);
}

/* Checks that the four regions of a memory map do not overlap and fit in
 * 32-bit addresses; returns the first byte after the last region.  `where`
 * names the map in messages: "x.sched:4: directive '.memmap'" for one
 * from a file, "memory map" otherwise. */
static int check_memmap(const acc_memmap *mm, const acc_layer *l, uint64_t prog_bytes,
                        const char *where, uint64_t *top, acc_error *err)
{
    struct {
        const char *name;
        uint64_t lo, len;
    } r[4] = {{"x", mm->x, layer_x_bytes(l)},
              {"w", mm->w, layer_w_bytes(l)},
              {"y", mm->y, layer_y_bytes(l)},
              {"prog", mm->prog, prog_bytes}};
    uint64_t hi = 0;
    for (int i = 0; i < 4; i++) {
        if (r[i].lo + r[i].len > ((uint64_t)1 << 32))
            return acc_fail(err,
                            "%s: field '%s': 0x%08" PRIx64 " + %" PRIu64
                            " bytes passes the 32-bit address space",
                            where, r[i].name, r[i].lo, r[i].len);
        for (int j = 0; j < i; j++)
            if (r[i].lo < r[j].lo + r[j].len && r[j].lo < r[i].lo + r[i].len)
                return acc_fail(err,
                                "%s: field '%s': [0x%08" PRIx64 ", 0x%08" PRIx64
                                ") overlaps '%s' [0x%08" PRIx64 ", 0x%08" PRIx64 ")",
                                where, r[i].name, r[i].lo, r[i].lo + r[i].len, r[j].name, r[j].lo,
                                r[j].lo + r[j].len);
        if (r[i].lo + r[i].len > hi)
            hi = r[i].lo + r[i].len;
    }
    *top = hi;
    return 0;
}

/* Per-instruction model cycles as .sched comments. */
static void annotate(int index, void *ctx, char *buf, size_t size)
{
    const model_timing *t = ctx;
    if (t && t->start && index < t->count)
        snprintf(buf, size, "model %" PRId64 "..%" PRId64 " (%" PRId64 " cycles)", t->start[index],
                 t->end[index], t->end[index] - t->start[index]);
    else if (size)
        buf[0] = '\0';
}

static int write_schedule(const char *path, const acc_program *p, const acc_sched_meta *meta,
                          const model_timing *t, acc_error *err)
{
    return acc_sched_save(path, p, meta,
                          "# The schedule that ran, with the timing model's issue..end cycles.\n",
                          annotate, (void *)t, err);
}

/* cycles.csv: one line per instruction with the model's and the backend's
 * issue and end cycles (empty where there is none: the model could not time
 * the program, the backend measures nothing, the instruction never issued
 * or ended). */
static int write_cycles_csv(const char *path, const acc_program *p, const model_timing *t,
                            const cosim_result *res, acc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return acc_fail(err, "%s: cannot render the cycles", path);
    fprintf(f, "index,op,model_start,model_end,start,end\n");
    for (int i = 0; i < p->count; i++) {
        fprintf(f, "%d,%s,", i, acc_op_name(p->ins[i].op));
        if (t)
            fprintf(f, "%" PRId64 ",%" PRId64 ",", t->start[i], t->end[i]);
        else
            fprintf(f, ",,");
        int m = res->measured && res->start && i < res->count;
        if (m && res->start[i] >= 0)
            fprintf(f, "%" PRId64, res->start[i]);
        fprintf(f, ",");
        if (m && res->end[i] >= 0)
            fprintf(f, "%" PRId64, res->end[i]);
        fprintf(f, "\n");
    }
    if (fclose(f) != 0) {
        free(text);
        return acc_fail(err, "%s: cannot render the cycles", path);
    }
    int rc = acc_write_file(path, text, len, err);
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- one run */

/* Everything a run owns, freed in one place. */
typedef struct run_state {
    acc_program prog;
    acc_validation val;
    int have_val;
    model_timing timing;
    int have_timing;
    int8_t *x, *w;
    int32_t *y_gold, *y_sim;
    acc_dram mem;
    int have_mem;
    uint8_t *image;
    cosim_result res;
    model_bounds bounds; /* stress mode: the bounds under the run's jitter */
    int have_bounds;
    uint8_t *before; /* injected error: the memory image before the run */
} run_state;

static void run_state_free(run_state *s)
{
    acc_program_free(&s->prog);
    if (s->have_val)
        acc_validation_free(&s->val);
    if (s->have_timing)
        model_timing_free(&s->timing);
    free(s->x);
    free(s->w);
    free(s->y_gold);
    free(s->y_sim);
    if (s->have_mem)
        acc_dram_free(&s->mem);
    free(s->image);
    cosim_result_free(&s->res);
    if (s->have_bounds)
        model_bounds_free(&s->bounds);
    free(s->before);
}

/* ---------------------------------------------------------------- the output folder */

/* The output folder of a run: its lock, and whether report.json holds this
 * run's marker (docs/cosim.md, "The output folder"). */
typedef struct out_claim {
    int held;    /* the folder is this run's: locked here (lock_fd) or by the caller */
    int lock_fd; /* the lock taken here, -1 none */
    int marked;  /* report.json is this run's "running" marker or its report */
} out_claim;

/* Locks <dir>/.lock for this process; fd, or -1 with err naming the folder
 * and the run that holds it. */
static int lock_folder(const char *dir, acc_error *err)
{
    char path[COSIM_PATH_MAX + 8];
    if (join_path(path, sizeof(path), dir, ".lock", err))
        return -1;
    char what[COSIM_PATH_MAX + 32];
    snprintf(what, sizeof(what), "%s: output folder", dir);
    return acc_lock_claim(path, what, "--out", err);
}

/* Step 1 (end): takes the output folder as soon as it is known: creates it,
 * locks it (unless the caller holds it) and replaces report.json with this
 * run's "running" marker, so that nothing an earlier run left there claims
 * a pass while this run goes on or after it stops.  `layer` is the layer's
 * name, or the --layer argument while it is not resolved. */
static int claim_folder(const cosim_run_config *rc, cosim_report *rep, const char *layer,
                        out_claim *cl, acc_error *err)
{
    char safe[ACC_NAME_MAX];
    acc_layer_file_name(layer, safe, sizeof(safe));
    if (rc->out_dir)
        snprintf(rep->out_dir, sizeof(rep->out_dir), "%s", rc->out_dir);
    else
        snprintf(rep->out_dir, sizeof(rep->out_dir), "build/cosim/%s", safe);
    if (acc_mkdirs(rep->out_dir, err) ||
        join_path(rep->report_path, sizeof(rep->report_path), rep->out_dir, "report.json", err) ||
        join_path(rep->sched_path, sizeof(rep->sched_path), rep->out_dir, "schedule.sched", err))
        return -1;
    if (!cl->held) {
        cl->lock_fd = lock_folder(rep->out_dir, err);
        if (cl->lock_fd < 0)
            return -1;
        cl->held = 1;
    }
    if (cosim_report_save_running(rep->report_path, layer, rc->config ? rc->config : "default",
                                  rep->backend, rep->seed, err))
        return -1;
    cl->marked = 1;
    return 0;
}

/* Step 1: layer and configuration, the output folder as soon as it is known
 * (--out at once, else the layer's name). */
static int resolve_layer(const cosim_run_config *rc, cosim_report *rep, out_claim *cl,
                         acc_error *err)
{
    if (rc->out_dir && claim_folder(rc, rep, rc->layer, cl, err))
        return -1;
    char note[512];
    if (acc_layer_resolve(rc->layer, &rep->layer, note, sizeof(note), err))
        return -1;
    if (!rc->out_dir && claim_folder(rc, rep, rep->layer.name, cl, err))
        return -1;
    if (acc_layer_check(&rep->layer, err))
        return -1;
    if (note[0] && rc->log)
        fprintf(rc->log, "warning: %s\n", note);
    return acc_config_load(rc->config ? rc->config : "default", &rep->config, err);
}

/* Step 3: memory map and schedule, loaded or planned. */
static int resolve_schedule(const cosim_run_config *rc, cosim_report *rep, run_state *s,
                            acc_memmap *mm, acc_sched_meta *meta, acc_error *err)
{
    acc_memmap_default(&rep->layer, mm);
    memset(meta, 0, sizeof(*meta));
    if (rc->sched_path) {
        if (acc_sched_load(rc->sched_path, &s->prog, meta, err))
            return -1;
        if (s->prog.count == 0)
            return acc_fail(err,
                            "%s: no instructions: a program ends with an 'end' line "
                            "(docs/isa.md)",
                            rc->sched_path);
        int ends = 0;
        for (int i = 0; i < s->prog.count; i++)
            ends += s->prog.ins[i].op == ACC_OP_END;
        if (!ends)
            cosim_report_fail(rep,
                              "%s: none of its %d instructions is 'end': the program runs off "
                              "its end",
                              rc->sched_path, s->prog.count);
        if (meta->has_memmap)
            *mm = meta->memmap;
        snprintf(rep->planner, sizeof(rep->planner), "%s",
                 meta->planner[0] ? meta->planner : "file");
        snprintf(rep->sched_source, sizeof(rep->sched_source), "%s", rc->sched_path);
        if (rc->log && meta->layer[0] && strcmp(meta->layer, rep->layer.name))
            fprintf(rc->log, "note: %s was written for layer '%s', running it on '%s'\n",
                    rc->sched_path, meta->layer, rep->layer.name);
        if (rc->log && meta->config[0] && strcmp(meta->config, rep->config.name))
            fprintf(rc->log, "note: %s was written for configuration '%s', running it on '%s'\n",
                    rc->sched_path, meta->config, rep->config.name);
    } else {
        const plan_entry *pl = plan_lookup(rc->planner ? rc->planner : PLAN_DEFAULT, err);
        if (!pl)
            return -1;
        const char *name = pl->name; /* the canonical name, "double" for "baseline" */
        plan_request rq;
        plan_request_init(&rq); /* the sat planner goes through its schedule cache */
        plan_result pr;
        acc_error perr;
        int prc = pl->plan(&rep->layer, &rep->config, mm, &rq, &s->prog, &pr, &perr);
        rep->claimed_makespan = pr.claimed;
        plan_result_free(&pr);
        if (prc != 0)
            return acc_fail(err, "planner '%s' cannot run layer %s on configuration %s: %s", name,
                            rep->layer.name, rep->config.name, perr.msg);
        snprintf(rep->planner, sizeof(rep->planner), "%s", name);
        meta->has_memmap = 1;
        meta->memmap = *mm;
        snprintf(meta->planner, sizeof(meta->planner), "%s", name);
    }
    snprintf(meta->layer, sizeof(meta->layer), "%s", rep->layer.name);
    snprintf(meta->config, sizeof(meta->config), "%s", rep->config.name);
    for (int i = 0; i < s->prog.count; i++) {
        acc_error ierr;
        if (acc_instr_check(&s->prog.ins[i], &ierr))
            return acc_fail(
                err, "%s: instruction %d (%s): %s", rc->sched_path ? rc->sched_path : rep->planner,
                i, acc_op_name(s->prog.ins[i].op) ? acc_op_name(s->prog.ins[i].op) : "illegal",
                ierr.msg);
    }
    return 0;
}

/* Progress lines: asked for, and stderr is a terminal. */
static int show_progress(const cosim_run_config *rc)
{
    return rc->opt.progress && isatty(STDERR_FILENO);
}

/* Step 2: operands and the expected output. */
static int operands(const cosim_run_config *rc, cosim_report *rep, run_state *s, acc_error *err)
{
    const acc_layer *l = &rep->layer;
    if (!rc->x_path != !rc->w_path)
        return acc_fail(err, "give both --x and --w, or neither");
    if (rc->x_path) {
        uint64_t xs[3], ws[4];
        x_shape(l, xs);
        w_shape(l, ws);
        if (load_operand(rc->x_path, "x", l, 3, xs, &s->x, err) ||
            load_operand(rc->w_path, "w", l, 4, ws, &s->w, err))
            return -1;
        snprintf(rep->inputs, sizeof(rep->inputs), "npy");
    } else {
        golden_random_operands(l, rc->seed, &s->x, &s->w);
        snprintf(rep->inputs, sizeof(rep->inputs), "seed");
    }
    s->y_gold = acc_malloc((size_t)layer_y_bytes(l));
    cosim_meter m;
    cosim_meter_start(&m, "golden", "rows", show_progress(rc), 0);
    golden_conv_progress(l, s->x, s->w, s->y_gold, cosim_meter_progress, &m);
    cosim_meter_end(&m);
    return 0;
}

/* Step 3b: the ceilings, before anything runs or is written. */

static uint64_t max_bytes(const cosim_run_config *rc)
{
    return rc->max_bytes ? rc->max_bytes : COSIM_MAX_BYTES_DEFAULT;
}

static int64_t max_cycles(const cosim_run_config *rc)
{
    return rc->max_cycles > 0 ? rc->max_cycles : COSIM_MAX_CYCLES_DEFAULT;
}

/* The backend's wall-time limit in seconds, 0 for none. */
static double max_seconds(const cosim_run_config *rc)
{
    if (rc->max_seconds < 0)
        return 0;
    return rc->max_seconds > 0 ? rc->max_seconds : COSIM_MAX_SECONDS_DEFAULT;
}

/* A count as "4095", or in three digits with a power of ten, "68.7e9". */
static const char *count_str(uint64_t v, char *buf, size_t size)
{
    if (v < 1000000) {
        snprintf(buf, size, "%" PRIu64, v);
        return buf;
    }
    double m = (double)v;
    int e = 0;
    while (m >= 999.5) {
        m /= 1000;
        e += 3;
    }
    snprintf(buf, size, "%.3ge%d", m, e);
    return buf;
}

/* Where instruction i comes from, for a message: "<file>:<line>" of the
 * --sched file (or the file alone if the line cannot be found), else
 * "schedule of planner <name>". */
static void instr_origin(const cosim_run_config *rc, const cosim_report *rep, int i, char *buf,
                         size_t size)
{
    if (!rc->sched_path) {
        snprintf(buf, size, "schedule of planner %s", rep->planner);
        return;
    }
    acc_error e;
    size_t len;
    char *text = acc_read_file(rc->sched_path, &len, &e);
    int line = text ? acc_sched_instr_line(text, i) : 0;
    free(text);
    if (line > 0)
        snprintf(buf, size, "%s:%d", rc->sched_path, line);
    else
        snprintf(buf, size, "%s", rc->sched_path);
}

static const char *op_str(const acc_instr *in)
{
    const char *n = acc_op_name(in->op);
    return n ? n : "illegal";
}

/* The bytes the schedule moves, instruction by instruction, against the
 * ceiling; then the cycle at which each instruction ends under the timing
 * model (or, when the model cannot time the program, the serial sum of the
 * durations) against the cycle ceiling.  Fails at the first instruction
 * that passes one. */
static int check_ceilings(const cosim_run_config *rc, cosim_report *rep, const run_state *s,
                          acc_error *err)
{
    const acc_program *p = &s->prog;
    rep->max_bytes = max_bytes(rc);
    rep->max_cycles = max_cycles(rc);
    rep->max_seconds = max_seconds(rc);
    char where[COSIM_PATH_MAX + 32], a[32], b[32], c[32];
    uint64_t moved = 0;
    for (int i = 0; i < p->count; i++) {
        const acc_instr *in = &p->ins[i];
        if (in->op != ACC_OP_LOAD && in->op != ACC_OP_STORE)
            continue;
        uint64_t n = (uint64_t)in->u.dma.n0 * in->u.dma.n1 * in->u.dma.n2;
        moved += n;
        if (moved <= rep->max_bytes)
            continue;
        instr_origin(rc, rep, i, where, sizeof(where));
        return acc_fail(err,
                        "%s: field 'n': the schedule moves %s bytes by instruction %d (%s, "
                        "%ux%ux%u = %s bytes), past the ceiling of %s bytes a run may move "
                        "(--max-bytes to raise it)",
                        where, count_str(moved, a, sizeof(a)), i, op_str(in), in->u.dma.n0,
                        in->u.dma.n1, in->u.dma.n2, count_str(n, b, sizeof(b)),
                        count_str(rep->max_bytes, c, sizeof(c)));
    }
    model_timing t;
    acc_error merr;
    int timed = model_run(p, &rep->config, &t, &merr) == 0;
    int64_t serial = model_first_issue(&rep->config);
    for (int i = 0; i < p->count; i++) {
        serial += model_duration(&p->ins[i], &rep->config) + 1;
        int64_t end = timed ? t.end[i] : serial;
        if (end <= rep->max_cycles)
            continue;
        if (timed)
            model_timing_free(&t);
        instr_origin(rc, rep, i, where, sizeof(where));
        return acc_fail(err,
                        "%s: instruction %d (%s) ends in cycle %s %s, past the ceiling of %s "
                        "cycles a run may take (--max-cycles to raise it)",
                        where, i, op_str(&p->ins[i]), count_str((uint64_t)end, a, sizeof(a)),
                        timed ? "of the timing model"
                              : "if the instructions ran one after another (the model cannot "
                                "time the program)",
                        count_str((uint64_t)rep->max_cycles, c, sizeof(c)));
    }
    if (timed)
        model_timing_free(&t);
    return 0;
}

/* Step 4: the external-memory image. */
static int build_memory(const cosim_run_config *rc, cosim_report *rep, run_state *s,
                        const acc_memmap *mm, const acc_sched_meta *meta, acc_error *err)
{
    const acc_layer *l = &rep->layer;
    size_t prog_bytes = 0;
    s->image = acc_program_encode(&s->prog, &prog_bytes);
    uint64_t top = 0;
    char where[COSIM_PATH_MAX + 48] = "memory map";
    if (rc->sched_path && meta->memmap_line > 0)
        snprintf(where, sizeof(where), "%s:%d: directive '.memmap'", rc->sched_path,
                 meta->memmap_line);
    if (check_memmap(mm, l, prog_bytes, where, &top, err))
        return -1;
    acc_dram_init(&s->mem, acc_align_up(top, 4096));
    s->have_mem = 1;
    memcpy(s->mem.bytes + mm->x, s->x, (size_t)layer_x_bytes(l));
    memcpy(s->mem.bytes + mm->w, s->w, (size_t)layer_w_bytes(l));
    memset(s->mem.bytes + mm->y, POISON_BYTE, (size_t)layer_y_bytes(l));
    memcpy(s->mem.bytes + mm->prog, s->image, prog_bytes);
    return 0;
}

/* Step 8a: outputs bit-exact. */
static void check_outputs(cosim_report *rep, run_state *s, const acc_memmap *mm)
{
    const acc_layer *l = &rep->layer;
    const int oh = layer_out_h(l), ow = layer_out_w(l);
    const uint64_t n = (uint64_t)l->num_filter * (uint64_t)oh * (uint64_t)ow;
    const uint8_t *b = s->mem.bytes + mm->y;
    s->y_sim = acc_malloc((size_t)n * 4);
    rep->elements = n;
    for (uint64_t i = 0; i < n; i++) {
        int32_t v = (int32_t)((uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                              (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24);
        s->y_sim[i] = v;
        if (v == s->y_gold[i])
            continue;
        if (rep->mismatches++ == 0) {
            rep->has_first_mismatch = 1;
            rep->k = (int)(i / ((uint64_t)oh * (uint64_t)ow));
            rep->oy = (int)(i / (uint64_t)ow % (uint64_t)oh);
            rep->ox = (int)(i % (uint64_t)ow);
            rep->expected = s->y_gold[i];
            rep->actual = v;
        }
    }
    if (rep->mismatches)
        cosim_report_fail(rep,
                          "outputs: %" PRIu64 " of %" PRIu64 " elements differ, first at "
                          "(k=%d, oy=%d, ox=%d): expected %" PRId32 ", got %" PRId32,
                          rep->mismatches, n, rep->k, rep->oy, rep->ox, rep->expected, rep->actual);
}

/* Step 8b: every instruction's cycles, and the total, equal the model's. */
static void check_cycles(cosim_report *rep, run_state *s)
{
    const cosim_result *res = &s->res;
    rep->measured = 1;
    rep->measured_cycles = res->cycles;
    if (!s->have_timing) {
        cosim_report_fail(rep, "cycles: the model cannot time this program, so measured "
                               "cycles cannot be checked");
        return;
    }
    const model_timing *t = &s->timing;
    for (int i = 0; i < s->prog.count; i++) {
        int64_t ms = -1, me = -1;
        if (res->start && res->end && i < res->count) {
            ms = res->start[i];
            me = res->end[i];
        }
        if (ms == t->start[i] && me == t->end[i])
            continue;
        if (rep->cycle_mismatches++ == 0) {
            rep->has_first_cycle_mismatch = 1;
            rep->cm_index = i;
            rep->cm_kind = s->prog.ins[i].op;
            rep->cm_pred_start = t->start[i];
            rep->cm_pred_end = t->end[i];
            rep->cm_meas_start = ms;
            rep->cm_meas_end = me;
        }
    }
    if (rep->cycle_mismatches) {
        const char *kind = acc_op_name(rep->cm_kind);
        cosim_report_fail(rep,
                          "cycles: %d of %d instructions differ from the model, first "
                          "instruction %d (%s): predicted %" PRId64 "..%" PRId64
                          ", measured %" PRId64 "..%" PRId64,
                          rep->cycle_mismatches, s->prog.count, rep->cm_index,
                          kind ? kind : "illegal", rep->cm_pred_start, rep->cm_pred_end,
                          rep->cm_meas_start, rep->cm_meas_end);
    }
    if (res->cycles != t->makespan)
        cosim_report_fail(rep,
                          "cycles: measured total %" PRId64 " differs from the model's "
                          "makespan %" PRId64,
                          res->cycles, t->makespan);
}

/* "stress seed N: " in stress mode (failure lines name the seed), else "". */
static const char *stress_tag(const cosim_report *rep)
{
    static _Thread_local char tag[48];
    if (!rep->stress)
        return "";
    snprintf(tag, sizeof(tag), "stress seed %" PRIu64 ": ", rep->stress_seed);
    return tag;
}

static const char *const port_names[] = {"", "load", "store", "fetch"};

/* Step 6 (stress): the jitter (defaults filled in), the bounds, and the
 * instruction an injected error must stop at.  -1 with err when the
 * options cannot work (bad jitter, a backend without stress mode, an
 * injected burst the program never issues). */
static int prepare_stress(const cosim_backend *be, cosim_options *opt, cosim_report *rep,
                          run_state *s, acc_error *err)
{
    cosim_stress *st = &opt->stress;
    if (!st->on && st->inject_port == COSIM_PORT_NONE)
        return 0;
    if (strcmp(be->name, "rtl") != 0)
        return acc_fail(err, "stress mode and error injection need the rtl backend, not '%s'",
                        be->name);
    if (st->on) {
        model_jitter j;
        if (st->lr_min <= 0) { /* the documented default */
            model_jitter_default(&rep->config, &j);
            st->lr_min = j.lr_min;
            st->lr_max = j.lr_max;
            st->lw_min = j.lw_min;
            st->lw_max = j.lw_max;
            st->gap_max = j.gap_max;
        }
        j = (model_jitter){st->lr_min, st->lr_max, st->lw_min, st->lw_max, st->gap_max};
        if (model_jitter_check(&j, err))
            return -1;
        rep->stress = 1;
        rep->stress_seed = st->seed;
        int v[5] = {j.lr_min, j.lr_max, j.lw_min, j.lw_max, j.gap_max};
        memcpy(rep->jitter, v, sizeof(v));
        acc_error berr;
        if (s->have_timing &&
            model_run_bounds(&s->prog, &rep->config, &j, &s->bounds, &berr) == 0) {
            s->have_bounds = 1;
            rep->bound_lo = s->bounds.makespan_lo;
            rep->bound_hi = s->bounds.makespan_hi;
        }
    }
    if (st->inject_port != COSIM_PORT_NONE) {
        ACC_REQUIRE(st->inject_port <= COSIM_PORT_FETCH);
        if (st->inject_resp == 0)
            st->inject_resp = 2;
        int64_t total = 0;
        int owner;
        if (st->inject_port == COSIM_PORT_FETCH) {
            total = s->prog.count;
            owner = st->inject_burst >= 1 && st->inject_burst <= total ? (int)(st->inject_burst - 1)
                                                                       : -1;
        } else {
            owner = axi_burst_owner(&s->prog, &rep->config,
                                    st->inject_port == COSIM_PORT_LOAD ? ACC_OP_LOAD : ACC_OP_STORE,
                                    st->inject_burst, &total);
        }
        if (owner < 0)
            return acc_fail(
                err, "--inject %s:%" PRId64 ": the program issues only %" PRId64 " %s burst%s",
                port_names[st->inject_port], st->inject_burst, total, port_names[st->inject_port],
                total == 1 ? "" : "s");
        snprintf(rep->inject_port, sizeof(rep->inject_port), "%s", port_names[st->inject_port]);
        rep->inject_burst = st->inject_burst;
        rep->inject_resp = st->inject_resp;
        rep->inject_index = owner;
        s->before = acc_malloc((size_t)s->mem.size);
        memcpy(s->before, s->mem.bytes, (size_t)s->mem.size);
    }
    return 0;
}

/* Step 8 (injected error): the accelerator stopped with AXI_ERROR at the
 * instruction whose burst got the error, within the budget, and changed no
 * byte of memory outside the blocks of the STOREs that issued. */
static void check_injected(cosim_report *rep, run_state *s)
{
    const cosim_result *res = &s->res;
    if (res->timed_out || res->axi_violation[0])
        return; /* already a failure of its own */
    if (res->hw_error != ACC_ERR_AXI || res->hw_error_index != rep->inject_index)
        cosim_report_fail(
            rep,
            "%sinject: %s burst %" PRId64 " answered %s: expected AXI_ERROR (%d) "
            "at instruction %" PRId64 ", the accelerator reported %s (%d) at %" PRId64,
            stress_tag(rep), rep->inject_port, rep->inject_burst,
            rep->inject_resp == 3 ? "DECERR" : "SLVERR", ACC_ERR_AXI, rep->inject_index,
            cosim_hw_error_name(res->hw_error), res->hw_error, res->hw_error_index);
    /* docs/rtl.md "Errors": issue stops, the running engines finish their
     * instructions, then the error is raised */
    for (int i = 0; i < s->prog.count && res->start && res->end; i++)
        if (res->start[i] >= 0 && res->end[i] < 0) { /* the trace stops at the interrupt */
            cosim_report_fail(rep,
                              "%sinject: instruction %d (%s) issued in cycle %" PRId64
                              " but had not ended when the accelerator stopped",
                              stress_tag(rep), i, acc_op_name(s->prog.ins[i].op), res->start[i]);
            break;
        }
    uint8_t *ok = acc_calloc((size_t)s->mem.size, 1);
    for (int i = 0; i < s->prog.count; i++) {
        const acc_instr *in = &s->prog.ins[i];
        if (in->op != ACC_OP_STORE || !res->start || res->start[i] < 0)
            continue;
        const acc_dma *d = &in->u.dma;
        for (uint32_t p = 0; p < d->n2; p++)
            for (uint32_t r = 0; r < d->n1; r++) {
                uint32_t a = d->dram + p * d->dram_s2 + r * d->dram_s1;
                for (uint32_t k = 0; k < d->n0; k++)
                    if ((uint64_t)a + k < s->mem.size)
                        ok[(uint64_t)a + k] = 1;
            }
    }
    for (uint64_t a = 0; a < s->mem.size; a++)
        if (s->mem.bytes[a] != s->before[a] && !ok[a] && rep->stray_bytes++ == 0)
            rep->first_stray = (int64_t)a;
    free(ok);
    if (rep->stray_bytes)
        cosim_report_fail(rep,
                          "%sinject: %" PRIu64 " bytes outside the issued STOREs' blocks changed, "
                          "first at 0x%08" PRIx64,
                          stress_tag(rep), rep->stray_bytes, (uint64_t)rep->first_stray);
}

/* Step 8b (stress): every instruction's issue and end inside the bounds. */
static void check_bounds(cosim_report *rep, run_state *s)
{
    const cosim_result *res = &s->res;
    const model_bounds *b = &s->bounds;
    rep->measured = 1;
    rep->measured_cycles = res->cycles;
    for (int i = 0; i < s->prog.count; i++) {
        int64_t ms = res->start ? res->start[i] : -1, me = res->end ? res->end[i] : -1;
        if (ms >= b->start_lo[i] && ms <= b->start_hi[i] && me >= b->end_lo[i] &&
            me <= b->end_hi[i])
            continue;
        if (rep->out_of_bounds++ == 0) {
            rep->oob_index = i;
            rep->oob_kind = s->prog.ins[i].op;
            rep->oob_start_lo = b->start_lo[i];
            rep->oob_start_hi = b->start_hi[i];
            rep->oob_end_lo = b->end_lo[i];
            rep->oob_end_hi = b->end_hi[i];
            rep->oob_start = ms;
            rep->oob_end = me;
        }
    }
    if (rep->out_of_bounds) {
        const char *kind = acc_op_name(rep->oob_kind);
        cosim_report_fail(rep,
                          "%scycles: %d of %d instructions outside the bounds, first "
                          "instruction %d (%s): issue %" PRId64 " not in [%" PRId64 ", %" PRId64
                          "] or end %" PRId64 " not in [%" PRId64 ", %" PRId64 "]",
                          stress_tag(rep), rep->out_of_bounds, s->prog.count, rep->oob_index,
                          kind ? kind : "illegal", rep->oob_start, rep->oob_start_lo,
                          rep->oob_start_hi, rep->oob_end, rep->oob_end_lo, rep->oob_end_hi);
    }
    if (res->cycles < b->makespan_lo || res->cycles > b->makespan_hi)
        cosim_report_fail(rep,
                          "%scycles: measured total %" PRId64 " outside the bounds [%" PRId64
                          ", %" PRId64 "]",
                          stress_tag(rep), res->cycles, b->makespan_lo, b->makespan_hi);
}

/* Step 7: run the backend and record what it says. */
static void run_backend(const cosim_options *base, const cosim_backend *be, cosim_report *rep,
                        run_state *s, const acc_memmap *mm)
{
    cosim_options opt = *base;
    if (opt.cycle_budget <= 0) {
        int64_t span = 0;
        if (s->have_bounds) {
            span = s->bounds.makespan_hi;
        } else if (s->have_timing) {
            span = s->timing.makespan;
        } else { /* no model timing: the serial sum of the durations */
            span = model_first_issue(&rep->config);
            for (int i = 0; i < s->prog.count; i++)
                span += model_duration(&s->prog.ins[i], &rep->config) + 1;
        }
        opt.cycle_budget = cosim_default_budget(span);
    }
    acc_error berr;
    berr.msg[0] = '\0';
    int brc = be->run(&s->prog, &rep->config, mm, &s->mem, &opt, &s->res, &berr);
    const cosim_result *res = &s->res;
    rep->backend_seconds = res->wall_seconds;
    rep->timed_out = res->timed_out;
    rep->wall_timed_out = res->wall_timeout;
    rep->hw_error = res->hw_error;
    rep->hw_error_index = res->hw_error ? res->hw_error_index : -1;
    /* what the validator said about the instruction the accelerator stopped at */
    const acc_violation *at = NULL;
    if (res->hw_error && s->have_val && res->hw_error_index >= 0 &&
        res->hw_error_index <= INT32_MAX)
        at = acc_validation_at(&s->val, (int)res->hw_error_index);
    snprintf(rep->hw_error_validator, sizeof(rep->hw_error_validator), "%s", at ? at->msg : "");
    snprintf(rep->rtl_messages, sizeof(rep->rtl_messages), "%s", res->rtl_messages);
    snprintf(rep->engine_state, sizeof(rep->engine_state), "%s", res->engine_state);
    snprintf(rep->axi_violation, sizeof(rep->axi_violation), "%s", res->axi_violation);
    rep->host_reads = res->host_reads;
    rep->host_writes = res->host_writes;
    if (res->measured)
        rep->cycle_budget = opt.cycle_budget;
    /* an injected error must stop the run: check_injected judges how */
    int expected_stop =
        rep->inject_port[0] && res->hw_error && !res->timed_out && !res->axi_violation[0];
    if (brc != 0) {
        snprintf(rep->backend_error, sizeof(rep->backend_error), "%s",
                 berr.msg[0] ? berr.msg : "the program did not run to END");
        if (!expected_stop)
            cosim_report_fail(rep, "%sbackend %s: %s", stress_tag(rep), be->name,
                              rep->backend_error);
    }
    if (res->timed_out && brc == 0)
        cosim_report_fail(rep, "backend %s: cycle budget of %" PRId64 " cycles exhausted", be->name,
                          opt.cycle_budget);
    if (res->hw_error && brc == 0 && !expected_stop)
        cosim_report_fail(rep, "backend %s: accelerator error %d (%s) at instruction %" PRId64,
                          be->name, res->hw_error, cosim_hw_error_name(res->hw_error),
                          res->hw_error_index);
}

static int write_dumps(const cosim_report *rep, const run_state *s, acc_error *err)
{
    const acc_layer *l = &rep->layer;
    uint64_t xs[3], ws[4], ys[3];
    x_shape(l, xs);
    w_shape(l, ws);
    y_shape(l, ys);
    char path[COSIM_PATH_MAX + 32];
    struct {
        const char *file;
        cosim_npy_dtype t;
        int nd;
        const uint64_t *shape;
        const void *data;
    } d[4] = {{"x.npy", COSIM_NPY_I8, 3, xs, s->x},
              {"w.npy", COSIM_NPY_I8, 4, ws, s->w},
              {"y_golden.npy", COSIM_NPY_I32, 3, ys, s->y_gold},
              {"y_sim.npy", COSIM_NPY_I32, 3, ys, s->y_sim}};
    for (int i = 0; i < 4; i++)
        if (join_path(path, sizeof(path), rep->out_dir, d[i].file, err) ||
            cosim_npy_save(path, d[i].t, d[i].nd, d[i].shape, d[i].data, err))
            return -1;
    return 0;
}

static int run_checked(const cosim_run_config *rc, cosim_report *rep, run_state *s, double t0,
                       out_claim *cl, acc_error *err)
{
    acc_memmap mm;
    acc_sched_meta meta;
    /* 1: the backend and the planner first, so an unknown one costs nothing
     * and touches no file */
    const cosim_backend *be = rc->backend_impl;
    if (!be)
        be = cosim_backend_require(rc->backend ? rc->backend : "iss", err);
    if (!be || (!rc->sched_path && !plan_lookup(rc->planner ? rc->planner : PLAN_DEFAULT, err)))
        return -1;
    snprintf(rep->backend, sizeof(rep->backend), "%s", be->name);
    rep->seed = rc->seed;

    /* 1: backend (above), layer, output folder and configuration;
     * 2: operands (bad files stop the run before anything is planned);
     * 3: the schedule; 3b: its ceilings; 4: the memory image */
    if (resolve_layer(rc, rep, cl, err) || operands(rc, rep, s, err) ||
        resolve_schedule(rc, rep, s, &mm, &meta, err) || check_ceilings(rc, rep, s, err) ||
        build_memory(rc, rep, s, &mm, &meta, err))
        return -1;
    const acc_layer *l = &rep->layer;
    rep->instr_count = s->prog.count;
    rep->macs = layer_macs(l);
    for (int i = 0; i < s->prog.count; i++) {
        const acc_instr *in = &s->prog.ins[i];
        if (in->op != ACC_OP_LOAD && in->op != ACC_OP_STORE)
            continue;
        uint64_t bytes = (uint64_t)in->u.dma.n0 * in->u.dma.n1 * in->u.dma.n2;
        if (in->op == ACC_OP_LOAD)
            rep->dram_read += bytes;
        else
            rep->dram_written += bytes;
    }

    /* 5: validation; violations fail the run but the backend still runs */
    acc_error verr;
    s->have_val = 1;
    cosim_meter vm;
    cosim_meter_start(&vm, "validator", "instructions", show_progress(rc), 0);
    int vrc = acc_validate_progress(&s->prog, l, &rep->config, &mm, &s->val, rc->log,
                                    cosim_meter_progress, &vm, &verr);
    cosim_meter_end(&vm);
    if (vrc != 0 || !s->val.ok) {
        rep->valid = 0;
        rep->violations = s->val.violations > 0 ? s->val.violations : 1;
        rep->first_violation_index = s->val.first_index;
        snprintf(rep->first_violation, sizeof(rep->first_violation), "%s",
                 s->val.first[0] ? s->val.first : verr.msg);
        cosim_report_fail(rep, "validator: %d violation%s, first: %s", rep->violations,
                          rep->violations == 1 ? "" : "s", rep->first_violation);
        if (rc->log && rep->violations > ACC_VALIDATE_LOG_MAX)
            fprintf(rc->log,
                    "%s: schedule violates %d rules (the first %d above, all in %s); "
                    "running it anyway\n",
                    l->name, rep->violations, ACC_VALIDATE_LOG_MAX, rep->report_path);
        else if (rc->log)
            fprintf(rc->log, "%s: schedule violates %d rule%s; running it anyway\n", l->name,
                    rep->violations, rep->violations == 1 ? "" : "s");
    }
    rep->peak_live_bytes = s->val.peak_live_bytes;

    /* 6: the model */
    acc_error merr;
    if (model_run(&s->prog, &rep->config, &s->timing, &merr) == 0) {
        s->have_timing = 1;
        rep->model_cycles = s->timing.makespan;
    } else {
        cosim_report_fail(rep, "model: %s", merr.msg);
    }

    /* 6 (stress): jitter, bounds, the expected stop of an injected error */
    cosim_options opt = rc->opt;
    opt.max_seconds = rep->max_seconds;
    if (prepare_stress(be, &opt, rep, s, err))
        return -1;

    /* 7: the backend */
    run_backend(&opt, be, rep, s, &mm);

    /* 8: the three equalities (with an injected error: the documented stop) */
    if (rep->inject_port[0]) {
        check_injected(rep, s);
        rep->measured = s->res.measured;
        rep->measured_cycles = s->res.cycles;
    } else {
        check_outputs(rep, s, &mm);
        if (s->res.measured && s->have_bounds)
            check_bounds(rep, s);
        else if (s->res.measured)
            check_cycles(rep, s);
    }
    if (rep->claimed_makespan >= 0 && rep->claimed_makespan != rep->model_cycles)
        cosim_report_fail(rep,
                          "plan: planner %s claims makespan %" PRId64 ", the model gives "
                          "%" PRId64,
                          rep->planner, rep->claimed_makespan, rep->model_cycles);
    /* utilisation over the measured cycles of a completed run, else the model's */
    int64_t cycles = rep->measured && rep->measured_cycles > 0 && !rep->backend_error[0]
                         ? rep->measured_cycles
                         : rep->model_cycles;
    if (cycles > 0)
        rep->utilisation =
            (double)rep->macs / ((double)rep->config.rows * rep->config.cols * (double)cycles);

    /* 9: files beside the report, the report last */
    if (write_schedule(rep->sched_path, &s->prog, &meta, s->have_timing ? &s->timing : NULL, err))
        return -1;
    if (rc->write_cycles) {
        char path[COSIM_PATH_MAX + 16];
        if (join_path(path, sizeof(path), rep->out_dir, "cycles.csv", err) ||
            write_cycles_csv(path, &s->prog, s->have_timing ? &s->timing : NULL, &s->res, err))
            return -1;
    }
    if (rc->dump) {
        if (write_dumps(rep, s, err))
            return -1;
        rep->dumped = 1;
    }
    if (cosim_timeline_save_run(rep, &s->prog, s->have_timing ? &s->timing : NULL, &s->res,
                                s->have_val ? &s->val : NULL, err))
        return -1;
    rep->wall_seconds = acc_now_seconds() - t0;
    rep->violation_list = s->have_val ? s->val.list : NULL;
    rep->violation_listed = s->have_val ? s->val.violations : 0;
    int saved = cosim_report_save(rep, err);
    rep->violation_list = NULL; /* the validation is freed with the run */
    rep->violation_listed = 0;
    if (saved)
        return -1;

    /* 10: the summary */
    if (rc->summary)
        cosim_report_print(rc->summary, rep);
    return rep->pass ? 0 : 1;
}

/* One layer; `held`: the caller (cosim_run_net) holds the output folder. */
static int run_layer(const cosim_run_config *rc, cosim_report *rep, int held, acc_error *err)
{
    double t0 = acc_now_seconds();
    cosim_report_init(rep);
    run_state s;
    memset(&s, 0, sizeof(s));
    acc_program_init(&s.prog);
    out_claim cl = {held, -1, 0};
    int r = run_checked(rc, rep, &s, t0, &cl, err);
    run_state_free(&s);
    /* a run that could not happen leaves no report: not its marker, not an
     * earlier run's */
    if (r < 0 && cl.marked)
        remove(rep->report_path);
    acc_lock_release(cl.lock_fd);
    return r;
}

int cosim_run(const cosim_run_config *rc, cosim_report *rep, acc_error *err)
{
    ACC_REQUIRE(rc && rep);
    ACC_REQUIRE(rc->layer);
    return run_layer(rc, rep, 0, err);
}

/* ---------------------------------------------------------------- networks */

/* A network run: what every layer shares, and the rows in layer order. */
typedef struct net_run {
    const cosim_run_config *base;
    const acc_layer_list *list;
    char (*dirs)[COSIM_PATH_MAX];
    const acc_config *cfg;
    const char *backend, *planner;
    cosim_net_row *rows;
    int jobs;     /* layers at once; 1: in this process, one after another */
    int finished; /* layers that have ended (jobs > 1) */
} net_run;

/* Runs layer i into `row` (zeroed); returns run_layer's status.  A layer
 * that cannot run becomes an error row naming the layer's settings. */
static int net_layer(const net_run *nr, int i, cosim_net_row *row)
{
    const acc_layer *l = &nr->list->items[i];
    cosim_run_config lrc = *nr->base;
    lrc.layer = l->name;
    lrc.out_dir = nr->dirs[i];
    lrc.summary = NULL;
    if (nr->jobs > 1) /* one worker's progress line would garble the others' */
        lrc.opt.progress = 0;
    acc_error lerr;
    lerr.msg[0] = '\0';
    int r = run_layer(&lrc, &row->rep, 1, &lerr);
    if (r < 0)
        snprintf(row->error, sizeof(row->error), "%s",
                 lerr.msg[0] ? lerr.msg : "the run could not happen");
    return r;
}

/* The settings of an error row, whose report the run did not fill. */
static void net_error_row(const net_run *nr, int i, cosim_net_row *row)
{
    row->rep.layer = nr->list->items[i];
    row->rep.config = *nr->cfg;
    snprintf(row->rep.backend, sizeof(row->rep.backend), "%s", nr->backend);
    snprintf(row->rep.planner, sizeof(row->rep.planner), "%s", nr->planner);
    row->rep.seed = nr->base->seed;
}

/* One table row, with the first failure of a failed check under it. */
static void net_print_row(FILE *out, const cosim_net_row *row)
{
    cosim_net_print_row(out, row);
    if (!row->error[0] && !row->rep.pass && row->rep.nfailures > 0)
        fprintf(out, "  %s\n", row->rep.failures[0]);
}

/* pool job: layer i in a worker process */
static void net_job(int i, void *result, void *ctx)
{
    net_layer(ctx, i, result);
}

/* pool completion: a worker that ended without a result is an error row;
 * one line on the log per layer, in completion order */
static void net_done(int i, void *result, const char *failure, void *ctx)
{
    net_run *nr = ctx;
    cosim_net_row *row = result;
    if (failure) { /* a zeroed row */
        cosim_report_init(&row->rep);
        snprintf(row->error, sizeof(row->error), "%s: %s", nr->list->items[i].name, failure);
    }
    if (row->error[0])
        net_error_row(nr, i, row);
    nr->finished++;
    FILE *log = nr->base->log;
    if (!log)
        return;
    fprintf(log, "[%*d/%d] %-14s %-5s %7.1f s%s%s\n", nr->list->count >= 10 ? 2 : 1, nr->finished,
            nr->list->count, nr->list->items[i].name,
            row->error[0]   ? "ERROR"
            : row->rep.pass ? "PASS"
                            : "FAIL",
            row->rep.wall_seconds, row->error[0] ? "  " : "", row->error);
    fflush(log);
}

/* The order in which workers start the layers: most MACs first (the
 * longest runs, roughly), so that no long layer starts last and runs alone
 * (LPT scheduling); ties in layer order.  Caller frees. */
static const acc_layer_list *order_list; /* for the comparison */

static int by_macs_desc(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    uint64_t mi = layer_macs(&order_list->items[i]), mj = layer_macs(&order_list->items[j]);
    if (mi != mj)
        return mi < mj ? 1 : -1;
    return (i > j) - (i < j);
}

static int *net_order(const acc_layer_list *list)
{
    int *order = acc_malloc((size_t)list->count * sizeof(int));
    for (int i = 0; i < list->count; i++)
        order[i] = i;
    order_list = list;
    qsort(order, (size_t)list->count, sizeof(int), by_macs_desc);
    order_list = NULL;
    return order;
}

int cosim_run_net(const char *net, const cosim_run_config *base, acc_error *err)
{
    ACC_REQUIRE(net && base);
    ACC_REQUIRE(!base->layer && !base->sched_path && !base->x_path && !base->w_path &&
                !base->opt.wave_path);
    acc_layer_list list;
    if (acc_catalog_net(net, &list, err))
        return -1;
    acc_config cfg;
    if (acc_config_load(base->config ? base->config : "default", &cfg, err) ||
        !cosim_backend_require(base->backend ? base->backend : "iss", err)) {
        acc_layer_list_free(&list);
        return -1;
    }
    const plan_entry *pl = plan_lookup(base->planner ? base->planner : PLAN_DEFAULT, err);
    if (!pl) {
        acc_layer_list_free(&list);
        return -1;
    }
    const char *planner = pl->name;
    const char *backend = base->backend ? base->backend : "iss";
    const char *root = base->out_dir ? base->out_dir : "build/cosim";
    char path[COSIM_PATH_MAX + ACC_NAME_MAX + 16], safe_net[ACC_NAME_MAX];
    acc_layer_file_name(net, safe_net, sizeof(safe_net));
    snprintf(path, sizeof(path), "%s/net_%s.json", root, safe_net);
    /* every layer's folder is locked and marked before the first layer runs:
     * a second run into any of them stops before it writes a file, and an
     * interrupted run leaves no earlier pass behind.  The locks stay with
     * this process; worker processes write into the folders it holds. */
    char(*dirs)[COSIM_PATH_MAX] = acc_calloc((size_t)list.count, sizeof(*dirs));
    int *locks = acc_malloc((size_t)list.count * sizeof(int));
    int taken = 0, rc = acc_mkdirs(root, err);
    for (int i = 0; rc == 0 && i < list.count; i++) {
        char safe[ACC_NAME_MAX];
        acc_layer_file_name(list.items[i].name, safe, sizeof(safe));
        snprintf(dirs[i], sizeof(dirs[i]), "%s/%s", root, safe);
        if (acc_mkdirs(dirs[i], err) || (locks[i] = lock_folder(dirs[i], err)) < 0)
            rc = -1;
        else
            taken++;
    }
    if (rc == 0)
        rc = cosim_net_save_running(path, net, cfg.name, backend, base->seed, err);
    for (int i = 0; rc == 0 && i < list.count; i++) {
        char rpath[COSIM_PATH_MAX + 16];
        rc = join_path(rpath, sizeof(rpath), dirs[i], "report.json", err);
        if (rc == 0)
            rc = cosim_report_save_running(rpath, list.items[i].name, cfg.name, backend, base->seed,
                                           err);
    }
    net_run nr = {base, &list, dirs, &cfg, backend, planner, NULL, 1, 0};
    nr.jobs = base->jobs > list.count ? list.count : base->jobs;
    if (nr.jobs < 1)
        nr.jobs = 1;
    nr.rows = rc == 0 ? acc_calloc((size_t)list.count, sizeof(*nr.rows)) : NULL;
    FILE *out = rc == 0 ? base->summary : NULL;
    if (out) {
        fprintf(out, "%s on %s (%dx%d) via %s, seed %" PRIu64 ", planner %s: %d layers\n", net,
                cfg.name, cfg.rows, cfg.cols, backend, base->seed, planner, list.count);
        cosim_net_print_header(out);
        fflush(out);
    }
    if (rc == 0 && nr.jobs > 1) {
        /* the rows come back in completion order; the table is printed
         * when every layer has ended, in layer order */
        if (base->log) {
            fprintf(base->log, "%s: %d layers in %d worker processes\n", net, list.count, nr.jobs);
            fflush(base->log);
        }
        int *order = net_order(&list);
        cosim_pool_run(list.count, nr.jobs, order, sizeof(*nr.rows), nr.rows, net_job, net_done,
                       &nr);
        free(order);
        for (int i = 0; out && i < list.count; i++)
            net_print_row(out, &nr.rows[i]);
    }
    for (int i = 0; rc == 0 && nr.jobs == 1 && i < list.count; i++) {
        if (net_layer(&nr, i, &nr.rows[i]) < 0)
            net_error_row(&nr, i, &nr.rows[i]);
        if (out) {
            net_print_row(out, &nr.rows[i]);
            fflush(out);
        }
    }
    int any_fail = 0;
    for (int i = 0; rc == 0 && i < list.count; i++)
        if (nr.rows[i].error[0] || !nr.rows[i].rep.pass)
            any_fail = 1;
    if (out)
        cosim_net_print_total(out, nr.rows, list.count);
    if (rc == 0)
        rc = cosim_net_save(path, net, nr.rows, list.count, err);
    if (out && rc == 0)
        fprintf(out, "%s  summary: %s\n", any_fail ? "FAIL" : "PASS", path);
    for (int i = 0; i < taken; i++)
        acc_lock_release(locks[i]);
    free(locks);
    free(dirs);
    free(nr.rows);
    acc_layer_list_free(&list);
    if (rc)
        return -1;
    return any_fail ? 1 : 0;
}
