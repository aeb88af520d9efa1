/* opt_cache.c - cached sat plans (opt_cache.h). */
#include "planner/opt_cache.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "model/model.h"
#include "planner/sat/sat.h"
#include "core/sched.h"
#include "core/util.h"

const char *opt_cache_dir(void)
{
    const char *d = getenv("ACC_PLAN_CACHE");
    return d && d[0] ? d : "build/plan/cache";
}

int64_t opt_cache_budget(void)
{
    const char *names[2] = {"ACC_PLAN_BUDGET", "ACC_PLAN_TIME"};
    for (int k = 0; k < 2; k++) {
        const char *t = getenv(names[k]);
        if (!t || !t[0])
            continue;
        char *end;
        double v = strtod(t, &end);
        if (*end || !(v >= 0) || v > 1e15) {
            fprintf(stderr,
                    "warning: %s='%s' is not a number >= 0; the sat planner's default budget "
                    "%lld is used\n",
                    names[k], t, (long long)ACC_SAT_BUDGET_DEFAULT);
            return ACC_SAT_BUDGET_DEFAULT;
        }
        return k == 0 ? (int64_t)v : acc_sat_budget_of_seconds(v);
    }
    return ACC_SAT_BUDGET_DEFAULT;
}

static uint64_t fnv_int(uint64_t h, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRId64 ",", v);
    return acc_fnv1a(h, buf, (size_t)n);
}

uint64_t opt_cache_key(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm)
{
    ACC_REQUIRE(l != NULL && cfg != NULL && mm != NULL);
    uint64_t h = acc_fnv1a(ACC_FNV1A_BASIS, ACC_SAT_VERSION, strlen(ACC_SAT_VERSION));
    const int64_t shape[] = {l->ifmap_h,    l->ifmap_w,   l->filter_h, l->filter_w, l->channels,
                             l->num_filter, l->stride_h,  l->stride_w, l->pad_top,  l->pad_bottom,
                             l->pad_left,   l->pad_right, l->dil_h,    l->dil_w,    l->groups};
    const int64_t conf[] = {cfg->rows,         cfg->cols,          cfg->spad_bytes,
                            cfg->spad_banks,   cfg->axi_data_bits, cfg->read_latency,
                            cfg->write_latency};
    const int64_t map[] = {mm->x, mm->w, mm->y, mm->prog, mm->end};
    for (size_t i = 0; i < sizeof(shape) / sizeof(shape[0]); i++)
        h = fnv_int(h, shape[i]);
    h = acc_fnv1a(h, "|", 1);
    for (size_t i = 0; i < sizeof(conf) / sizeof(conf[0]); i++)
        h = fnv_int(h, conf[i]);
    h = acc_fnv1a(h, "|", 1);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        h = fnv_int(h, map[i]);
    return h;
}

/* 1 when a fresh search with `budget` returns the entry's schedule: the
 * search is deterministic and stops only when its work reaches the budget,
 * so a proven entry of work W is what every budget above W (or none)
 * returns, and an unproven one what its own budget returns. */
static int applies(int optimal, long long entry_budget, long long work, int64_t budget)
{
    if (optimal == 1)
        return budget <= 0 || budget > work;
    return optimal == 0 && budget > 0 && entry_budget == budget;
}

/* Reads a cache entry; returns 0 with the program and claim, or -1 (also
 * when it does not apply to the budget, or the program does not take the
 * claimed makespan in the model, e.g. an entry cut short). */
static int load(const char *path, const acc_config *cfg, int64_t budget, acc_program *out,
                int64_t *claimed)
{
    char *text = acc_read_file_max(path, ACC_SCHED_FILE_MAX, NULL, NULL);
    if (!text)
        return -1;
    long long ms = -1, lb = -1, eb = -1, work = -1;
    int optimal = -1;
    int ok = sscanf(text, "# sat: makespan=%lld optimal=%d lower_bound=%lld budget=%lld work=%lld",
                    &ms, &optimal, &lb, &eb, &work) == 5 &&
             ms > 0 && work >= 0 && applies(optimal, eb, work, budget);
    acc_sched_meta meta;
    if (ok && acc_sched_parse(text, path, out, &meta, NULL) != 0)
        ok = 0;
    free(text);
    if (!ok)
        return -1;
    model_timing tm;
    if (model_run(out, cfg, &tm, NULL) != 0) {
        acc_program_free(out);
        return -1;
    }
    ok = tm.makespan == ms;
    model_timing_free(&tm);
    if (!ok) {
        acc_program_free(out);
        return -1;
    }
    *claimed = ms;
    return 0;
}

/* Writes an entry.  It names no layer and no configuration (every layer of
 * the shape and every configuration of the values share it): its comment
 * gives the shape and the values instead. */
static int store(const char *dir, const char *path, const acc_layer *l, const acc_config *cfg,
                 const acc_memmap *mm, const acc_sat_result *r)
{
    if (acc_mkdirs(dir, NULL) != 0)
        return -1;
    char header[768];
    snprintf(header, sizeof(header),
             "# sat: makespan=%lld optimal=%d lower_bound=%lld budget=%lld work=%lld\n"
             "# cached schedule of the sat planner (%s), docs/planner.md \"Caching\", for every\n"
             "# layer of shape %dx%dx%d, %d filters %dx%d, stride %d,%d, padding %d,%d,%d,%d,\n"
             "# dilation %d,%d, groups %d, on every configuration of %dx%d, %u bytes in %d banks,\n"
             "# %d-bit bus, latency %d/%d\n",
             (long long)r->makespan, r->optimal, (long long)r->lower_bound, (long long)r->budget,
             (long long)r->work, ACC_SAT_VERSION, l->ifmap_h, l->ifmap_w, l->channels,
             l->num_filter, l->filter_h, l->filter_w, l->stride_h, l->stride_w, l->pad_top,
             l->pad_bottom, l->pad_left, l->pad_right, l->dil_h, l->dil_w, l->groups, cfg->rows,
             cfg->cols, cfg->spad_bytes, cfg->spad_banks, cfg->axi_data_bits, cfg->read_latency,
             cfg->write_latency);
    acc_sched_meta meta;
    memset(&meta, 0, sizeof(meta));
    snprintf(meta.planner, sizeof(meta.planner), "sat");
    meta.has_memmap = 1;
    meta.memmap = *mm;
    return acc_sched_save(path, &r->program, &meta, header, NULL, NULL, NULL);
}

int opt_cache_plan(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm, const char *dir,
                   int64_t budget, acc_program *out, int64_t *claimed, int *hit, acc_error *err)
{
    ACC_REQUIRE(l != NULL && cfg != NULL && mm != NULL && out != NULL && claimed != NULL);
    if (!dir)
        dir = opt_cache_dir();
    if (budget < 0)
        budget = opt_cache_budget();
    size_t n = strlen(dir) + 40;
    char *path = acc_malloc(n);
    snprintf(path, n, "%s/%016" PRIx64 ".sched", dir, opt_cache_key(l, cfg, mm));
    if (hit)
        *hit = 0;
    if (load(path, cfg, budget, out, claimed) == 0) {
        if (hit)
            *hit = 1;
        free(path);
        return 0;
    }
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.budget = budget;
    acc_sat_result r;
    if (acc_sat_plan(l, cfg, mm, &o, &r, err) != 0) {
        free(path);
        return -1;
    }
    store(dir, path, l, cfg, mm, &r); /* best effort */
    *out = r.program;
    acc_program_init(&r.program);
    *claimed = r.makespan;
    acc_sat_result_free(&r);
    free(path);
    return 0;
}
