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

#define DEFAULT_TIME_LIMIT 60.0

const char *opt_cache_dir(void)
{
    const char *d = getenv("ACC_PLAN_CACHE");
    return d && d[0] ? d : "build/plan/cache";
}

double opt_cache_time_limit(void)
{
    const char *t = getenv("ACC_PLAN_TIME");
    if (!t || !t[0])
        return DEFAULT_TIME_LIMIT;
    char *end;
    double v = strtod(t, &end);
    return *end || v < 0 ? DEFAULT_TIME_LIMIT : v;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static uint64_t fnv_int(uint64_t h, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%" PRId64 ",", v);
    return fnv(h, buf, (size_t)n);
}

uint64_t opt_cache_key(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm)
{
    ACC_REQUIRE(l != NULL && cfg != NULL && mm != NULL);
    uint64_t h = fnv(0xcbf29ce484222325ull, ACC_SAT_VERSION, strlen(ACC_SAT_VERSION));
    const int64_t shape[] = {l->ifmap_h,    l->ifmap_w,   l->filter_h, l->filter_w, l->channels,
                             l->num_filter, l->stride_h,  l->stride_w, l->pad_top,  l->pad_bottom,
                             l->pad_left,   l->pad_right, l->dil_h,    l->dil_w,    l->groups};
    const int64_t conf[] = {cfg->rows,         cfg->cols,          cfg->spad_bytes,
                            cfg->spad_banks,   cfg->axi_data_bits, cfg->read_latency,
                            cfg->write_latency};
    const int64_t map[] = {mm->x, mm->w, mm->y, mm->prog, mm->end};
    for (size_t i = 0; i < sizeof(shape) / sizeof(shape[0]); i++)
        h = fnv_int(h, shape[i]);
    h = fnv(h, "|", 1);
    for (size_t i = 0; i < sizeof(conf) / sizeof(conf[0]); i++)
        h = fnv_int(h, conf[i]);
    h = fnv(h, "|", 1);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        h = fnv_int(h, map[i]);
    return h;
}

/* File name characters: letters, digits, '-', '_' and '.' (others '_'). */
static void safe(const char *s, char *out, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.';
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

/* Reads a cache entry; returns 0 with the program and claim, or -1 (also
 * when the program does not take the claimed makespan in the model, e.g.
 * an entry cut short). */
static int load(const char *path, const acc_config *cfg, double time_limit, acc_program *out,
                int64_t *claimed)
{
    char *text = acc_read_file_max(path, ACC_SCHED_FILE_MAX, NULL, NULL);
    if (!text)
        return -1;
    long long ms = -1, lb = -1;
    int optimal = -1;
    double limit = -1;
    int ok = sscanf(text, "# sat: makespan=%lld optimal=%d lower_bound=%lld time_limit=%lf", &ms,
                    &optimal, &lb, &limit) == 4 &&
             ms > 0 && (optimal == 1 || (optimal == 0 && time_limit <= limit && time_limit > 0));
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

static int store(const char *dir, const char *path, const acc_layer *l, const acc_config *cfg,
                 const acc_memmap *mm, const acc_sat_result *r, double time_limit)
{
    if (acc_mkdirs(dir, NULL) != 0)
        return -1;
    char header[256];
    snprintf(header, sizeof(header),
             "# sat: makespan=%lld optimal=%d lower_bound=%lld time_limit=%g\n"
             "# cached schedule of the sat planner (%s), docs/planner.md \"Caching\"\n",
             (long long)r->makespan, r->optimal, (long long)r->lower_bound, time_limit,
             ACC_SAT_VERSION);
    acc_sched_meta meta;
    memset(&meta, 0, sizeof(meta));
    snprintf(meta.layer, sizeof(meta.layer), "%s", l->name);
    snprintf(meta.config, sizeof(meta.config), "%s", cfg->name);
    snprintf(meta.planner, sizeof(meta.planner), "sat");
    meta.has_memmap = 1;
    meta.memmap = *mm;
    return acc_sched_save(path, &r->program, &meta, header, NULL, NULL, NULL);
}

int opt_cache_plan(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm, const char *dir,
                   double time_limit, acc_program *out, int64_t *claimed, int *hit, acc_error *err)
{
    ACC_REQUIRE(l != NULL && cfg != NULL && mm != NULL && out != NULL && claimed != NULL);
    if (!dir)
        dir = opt_cache_dir();
    if (time_limit < 0)
        time_limit = opt_cache_time_limit();
    char lname[ACC_NAME_MAX], cname[ACC_NAME_MAX];
    safe(l->name, lname, sizeof(lname));
    safe(cfg->name, cname, sizeof(cname));
    size_t n = strlen(dir) + strlen(lname) + strlen(cname) + 40;
    char *path = acc_malloc(n);
    snprintf(path, n, "%s/%s-%s-%016" PRIx64 ".sched", dir, lname, cname,
             opt_cache_key(l, cfg, mm));
    if (hit)
        *hit = 0;
    if (load(path, cfg, time_limit, out, claimed) == 0) {
        if (hit)
            *hit = 1;
        free(path);
        return 0;
    }
    acc_sat_options o;
    memset(&o, 0, sizeof(o));
    o.time_limit = time_limit;
    acc_sat_result r;
    if (acc_sat_plan(l, cfg, mm, &o, &r, err) != 0) {
        free(path);
        return -1;
    }
    store(dir, path, l, cfg, mm, &r, time_limit); /* best effort */
    *out = r.program;
    acc_program_init(&r.program);
    *claimed = r.makespan;
    acc_sat_result_free(&r);
    free(path);
    return 0;
}
