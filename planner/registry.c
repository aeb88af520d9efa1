/* registry.c - the planners by name (registry.h). */
#include "planner/registry.h"

#include <string.h>

#include "planner/opt_cache.h"

/* ---------------------------------------------------------------- planners */

/* Every plan function starts from an empty program and result. */
static void start(acc_program *out, plan_result *res)
{
    acc_program_init(out);
    memset(res, 0, sizeof(*res));
    res->claimed = -1;
}

static int plan_baseline(const char *strategy, const acc_layer *l, const acc_config *cfg,
                         const acc_memmap *mm, const plan_request *rq, acc_program *out,
                         plan_result *res, acc_error *err)
{
    start(out, res);
    if (acc_baseline_plan_choice(strategy, l, cfg, mm, rq->tiling, out, &res->choice, err) != 0)
        return -1;
    res->have_choice = 1; /* the baselines claim nothing beyond their schedule */
    return 0;
}

static int plan_serial(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                       const plan_request *rq, acc_program *out, plan_result *res, acc_error *err)
{
    return plan_baseline("serial", l, cfg, mm, rq, out, res, err);
}

static int plan_double(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                       const plan_request *rq, acc_program *out, plan_result *res, acc_error *err)
{
    return plan_baseline("double", l, cfg, mm, rq, out, res, err);
}

/* The optimizer: through its schedule cache (a repeated plan of a layer
 * loads the schedule instead of solving again), or solved afresh with its
 * figures when the caller wants them, a fixed tiling or a certificate. */
static int plan_sat(const acc_layer *l, const acc_config *cfg, const acc_memmap *mm,
                    const plan_request *rq, acc_program *out, plan_result *res, acc_error *err)
{
    start(out, res);
    int64_t budget = rq->budget < 0 ? opt_cache_budget() : rq->budget;
    if (rq->use_cache && !rq->tiling && !rq->dimacs_path)
        return opt_cache_plan(l, cfg, mm, rq->cache_dir, budget, out, &res->claimed, NULL, err);
    acc_sat_options so;
    memset(&so, 0, sizeof(so));
    so.budget = budget;
    so.dimacs_path = rq->dimacs_path;
    so.tiling = rq->tiling;
    so.log = rq->log;
    if (acc_sat_plan(l, cfg, mm, &so, &res->sat, err) != 0)
        return -1;
    *out = res->sat.program; /* ownership moves to the caller */
    acc_program_init(&res->sat.program);
    res->have_sat = 1;
    res->claimed = res->sat.makespan;
    res->have_choice = 1;
    res->choice = res->sat.choice;
    return 0;
}

const plan_entry plan_registry[] = {
    {"sat", "optimizer: shortest schedule in its search space, proven", 1, plan_sat},
    {"double", "baseline: greedy double buffering", 0, plan_double},
    {"serial", "baseline: no overlap of DMA and compute", 0, plan_serial},
    {NULL, NULL, 0, NULL},
};

const plan_alias plan_aliases[] = {
    {"baseline", "double"},
    {NULL, NULL},
};

/* ---------------------------------------------------------------- lookup */

void plan_request_init(plan_request *rq)
{
    ACC_REQUIRE(rq);
    memset(rq, 0, sizeof(*rq));
    rq->budget = -1;
    rq->use_cache = 1;
}

void plan_result_free(plan_result *res)
{
    ACC_REQUIRE(res);
    if (res->have_sat)
        acc_sat_result_free(&res->sat);
    memset(res, 0, sizeof(*res));
    res->claimed = -1;
}

const plan_entry *plan_find(const char *name)
{
    ACC_REQUIRE(name);
    for (const plan_alias *a = plan_aliases; a->alias; a++)
        if (!strcmp(a->alias, name)) {
            name = a->name;
            break;
        }
    for (const plan_entry *p = plan_registry; p->name; p++)
        if (!strcmp(p->name, name))
            return p;
    return NULL;
}

char *plan_names(char *buf, size_t size, const char *sep)
{
    ACC_REQUIRE(buf && size > 0 && sep);
    size_t n = 0;
    buf[0] = '\0';
    for (const plan_entry *p = plan_registry; p->name && n < size; p++) {
        int w = snprintf(buf + n, size - n, "%s%s", p == plan_registry ? "" : sep, p->name);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return buf;
}

const plan_entry *plan_lookup(const char *name, acc_error *err)
{
    ACC_REQUIRE(name);
    const plan_entry *p = plan_find(name);
    if (p)
        return p;
    char names[256], aliases[256];
    plan_names(names, sizeof(names), ", ");
    size_t n = 0;
    aliases[0] = '\0';
    for (const plan_alias *a = plan_aliases; a->alias && n < sizeof(aliases); a++) {
        int w = snprintf(aliases + n, sizeof(aliases) - n, "; %s is another name for %s", a->alias,
                         a->name);
        if (w < 0)
            break;
        n += (size_t)w;
    }
    acc_fail(err, "unknown planner '%.64s' (planners: %s%s)", name, names, aliases);
    return NULL;
}

void plan_print_list(FILE *f, const char *indent)
{
    ACC_REQUIRE(f && indent);
    int w = 0;
    for (const plan_entry *p = plan_registry; p->name; p++)
        if ((int)strlen(p->name) > w)
            w = (int)strlen(p->name);
    for (const plan_alias *a = plan_aliases; a->alias; a++)
        if ((int)strlen(a->alias) > w)
            w = (int)strlen(a->alias);
    for (const plan_entry *p = plan_registry; p->name; p++)
        fprintf(f, "%s%-*s  %s\n", indent, w, p->name, p->summary);
    for (const plan_alias *a = plan_aliases; a->alias; a++)
        fprintf(f, "%s%-*s  another name for %s\n", indent, w, a->alias, a->name);
}
