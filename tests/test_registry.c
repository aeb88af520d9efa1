/* test_registry.c - the planner registry (planner/registry.h): every
 * registered planner plans a small layer into a valid program whose claim,
 * when it makes one, is the model's makespan; names and aliases resolve;
 * an unknown name fails naming the known ones; the sat planner goes through
 * its cache or solves afresh as asked. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "model/model.h"
#include "model/validate.h"
#include "planner/registry.h"

/* A small layer that every planner plans in well under a second: 6x6x3 ->
 * 5 filters of 3x3, padding 1, on the 4x4 "small" configuration. */
static void small_case(acc_layer *l, acc_config *cfg, acc_memmap *mm)
{
    memset(l, 0, sizeof(*l));
    snprintf(l->name, sizeof(l->name), "tiny");
    l->ifmap_h = l->ifmap_w = 6;
    l->filter_h = l->filter_w = 3;
    l->channels = 3;
    l->num_filter = 5;
    l->stride_h = l->stride_w = 1;
    l->pad_top = l->pad_bottom = l->pad_left = l->pad_right = 1;
    l->dil_h = l->dil_w = 1;
    l->groups = 1;
    acc_error err;
    cr_assert_eq(acc_layer_check(l, &err), 0, "%s", err.msg);
    cr_assert_eq(acc_config_load("small", cfg, &err), 0, "%s", err.msg);
    acc_memmap_default(l, mm);
}

/* The layer of test_baseline.c that fits no tiling on "small" (10036 bytes
 * for the smallest tile). */
static void impossible_layer(acc_layer *l)
{
    memset(l, 0, sizeof(*l));
    snprintf(l->name, sizeof(l->name), "huge");
    l->ifmap_h = l->ifmap_w = 120;
    l->filter_h = l->filter_w = 15;
    l->channels = 16;
    l->num_filter = 4;
    l->stride_h = l->stride_w = 1;
    l->dil_h = l->dil_w = 7;
    l->groups = 1;
}

static int registered(void)
{
    int n = 0;
    while (plan_registry[n].name)
        n++;
    return n;
}

/* A fresh temporary directory (the caller removes it with remove_tree). */
static void make_dir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/test_registry_XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

Test(registry, every_planner_produces_a_valid_program_for_a_small_layer)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    small_case(&l, &cfg, &mm);
    char cache[256];
    make_dir(cache, sizeof(cache));
    cr_assert_geq(registered(), 3, "sat, double and serial at least");
    for (const plan_entry *p = plan_registry; p->name; p++) {
        cr_assert(p->summary && p->summary[0], "%s has no summary", p->name);
        cr_assert_not_null(p->plan, "%s has no function", p->name);
        plan_request rq;
        plan_request_init(&rq);
        rq.cache_dir = cache; /* never the shared build/plan/cache */
        acc_program prog;
        plan_result res;
        acc_error err;
        cr_assert_eq(p->plan(&l, &cfg, &mm, &rq, &prog, &res, &err), 0, "%s: %s", p->name, err.msg);
        cr_assert_gt(prog.count, 1, "%s: an empty program", p->name);
        cr_assert_eq(prog.ins[prog.count - 1].op, ACC_OP_END, "%s: no END at the end", p->name);
        model_timing tm;
        cr_assert_eq(model_run(&prog, &cfg, &tm, &err), 0, "%s: %s", p->name, err.msg);
        acc_validation v;
        cr_assert_eq(acc_validate(&prog, &l, &cfg, &mm, &v, NULL, &err), 0, "%s: %s", p->name,
                     err.msg);
        cr_assert(v.ok, "%s: %s", p->name, v.first);
        if (p->claims_makespan)
            cr_assert_eq(res.claimed, tm.makespan, "%s claims %lld, the model gives %lld", p->name,
                         (long long)res.claimed, (long long)tm.makespan);
        else
            cr_assert_eq(res.claimed, -1, "%s claims a makespan it says it does not", p->name);
        acc_validation_free(&v);
        model_timing_free(&tm);
        acc_program_free(&prog);
        plan_result_free(&res);
    }
    remove_tree(cache);
}

Test(registry, every_planner_says_why_a_layer_cannot_run)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    small_case(&l, &cfg, &mm);
    impossible_layer(&l);
    acc_error err;
    cr_assert_eq(acc_layer_check(&l, &err), 0, "%s", err.msg);
    acc_memmap_default(&l, &mm);
    for (const plan_entry *p = plan_registry; p->name; p++) {
        plan_request rq;
        plan_request_init(&rq);
        rq.use_cache = 0;
        acc_program prog;
        plan_result res;
        err.msg[0] = '\0';
        cr_assert_eq(p->plan(&l, &cfg, &mm, &rq, &prog, &res, &err), -1, "%s planned it", p->name);
        cr_assert_eq(prog.count, 0, "%s left a program behind", p->name);
        cr_assert(strstr(err.msg, "cannot run on config 'small'"), "%s: %s", p->name, err.msg);
        acc_program_free(&prog);
        plan_result_free(&res);
    }
}

Test(registry, unknown_name_fails_naming_every_known_planner)
{
    cr_assert_null(plan_find("triple"));
    acc_error err;
    err.msg[0] = '\0';
    cr_assert_null(plan_lookup("triple", &err));
    cr_assert(strstr(err.msg, "unknown planner 'triple'"), "%s", err.msg);
    for (const plan_entry *p = plan_registry; p->name; p++)
        cr_assert(strstr(err.msg, p->name), "'%s' is not named in: %s", p->name, err.msg);
    for (const plan_alias *a = plan_aliases; a->alias; a++)
        cr_assert(strstr(err.msg, a->alias), "alias '%s' is not named in: %s", a->alias, err.msg);
    cr_assert(strstr(err.msg, "planners: sat, double, serial"), "%s", err.msg);
}

Test(registry, names_and_aliases_resolve_to_their_canonical_entry)
{
    for (const plan_entry *p = plan_registry; p->name; p++)
        cr_assert_eq(plan_find(p->name), p, "%s", p->name);
    cr_assert_not_null(plan_aliases[0].alias, "baseline is registered as an alias");
    for (const plan_alias *a = plan_aliases; a->alias; a++) {
        const plan_entry *p = plan_find(a->alias);
        cr_assert_not_null(p, "alias %s", a->alias);
        cr_assert_str_eq(p->name, a->name);
    }
    acc_error err;
    const plan_entry *b = plan_lookup("baseline", &err);
    cr_assert_not_null(b);
    cr_assert_str_eq(b->name, "double");
    cr_assert_not_null(plan_find(PLAN_DEFAULT));
    cr_assert_str_eq(PLAN_DEFAULT, "sat");
    cr_assert(plan_find(PLAN_DEFAULT)->claims_makespan, "the default proves a makespan");
    cr_assert_null(plan_find("Sat"), "names are case-sensitive");
    cr_assert_null(plan_find(""));
}

Test(registry, names_and_help_lines_come_from_the_table)
{
    char names[128];
    cr_assert_str_eq(plan_names(names, sizeof(names), "|"), "sat|double|serial");
    cr_assert_str_eq(plan_names(names, sizeof(names), ", "), "sat, double, serial");
    char tiny[5];
    cr_assert_str_eq(plan_names(tiny, sizeof(tiny), ", "), "sat,", "truncated, terminated");

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    plan_print_list(f, "  ");
    cr_assert_eq(fclose(f), 0);
    int lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    int aliases = 0;
    while (plan_aliases[aliases].alias)
        aliases++;
    cr_assert_eq(lines, registered() + aliases, "%s", text);
    for (const plan_entry *p = plan_registry; p->name; p++) {
        char line[256];
        snprintf(line, sizeof(line), "  %-8s  %s\n", p->name, p->summary);
        cr_assert(strstr(text, line), "no line '%s' in:\n%s", line, text);
    }
    cr_assert(strstr(text, "  baseline  another name for double\n"), "%s", text);
    free(text);
}

Test(registry, sat_plans_through_its_cache_unless_asked_to_solve_afresh)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    small_case(&l, &cfg, &mm);
    char cache[256];
    make_dir(cache, sizeof(cache));
    const plan_entry *sat = plan_find("sat");
    cr_assert_not_null(sat);
    acc_program a, b, c;
    plan_result ra, rb, rc;
    acc_error err;

    plan_request rq;
    plan_request_init(&rq);
    cr_assert_eq(rq.use_cache, 1, "the default goes through the cache");
    cr_assert_lt(rq.budget, 0, "the default budget is the cache's");
    rq.cache_dir = cache;
    cr_assert_eq(sat->plan(&l, &cfg, &mm, &rq, &a, &ra, &err), 0, "%s", err.msg);
    cr_assert_eq(count_files(cache), 1, "the schedule was cached");
    cr_assert_eq(ra.have_sat, 0, "no solve figures through the cache");
    cr_assert_eq(sat->plan(&l, &cfg, &mm, &rq, &b, &rb, &err), 0, "%s", err.msg);
    cr_assert_eq(rb.claimed, ra.claimed);
    cr_assert_eq(b.count, a.count, "the cached schedule is the same");

    rq.use_cache = 0;
    rq.budget = 0;
    cr_assert_eq(sat->plan(&l, &cfg, &mm, &rq, &c, &rc, &err), 0, "%s", err.msg);
    cr_assert(rc.have_sat, "a fresh solve returns its figures");
    cr_assert(rc.sat.optimal, "proven without a budget on a tiny layer");
    cr_assert_eq(rc.sat.program.count, 0, "the program moved to the caller");
    cr_assert(rc.have_choice);
    cr_assert_eq(rc.claimed, rc.sat.makespan);
    cr_assert_eq(rc.claimed, ra.claimed, "cache and fresh solve agree");
    cr_assert_eq(count_files(cache), 1, "a fresh solve does not touch the cache");

    acc_program_free(&a);
    acc_program_free(&b);
    acc_program_free(&c);
    plan_result_free(&ra);
    plan_result_free(&rb);
    plan_result_free(&rc);
    cr_assert_eq(rc.have_sat, 0, "plan_result_free resets the result");
    cr_assert_eq(rc.claimed, -1);
    remove_tree(cache);
}

Test(registry, baselines_honour_a_fixed_tiling)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    small_case(&l, &cfg, &mm);
    acc_tiling t = {2, 3, 6, 3};
    for (const char *const *n = (const char *const[]){"double", "serial", NULL}; *n; n++) {
        plan_request rq;
        plan_request_init(&rq);
        rq.tiling = &t;
        acc_program prog;
        plan_result res;
        acc_error err;
        cr_assert_eq(plan_find(*n)->plan(&l, &cfg, &mm, &rq, &prog, &res, &err), 0, "%s: %s", *n,
                     err.msg);
        cr_assert(res.have_choice, "%s", *n);
        cr_assert_eq(res.choice.t.tk, 2, "%s", *n);
        cr_assert_eq(res.choice.t.th, 3, "%s", *n);
        cr_assert_eq(res.choice.t.tw, 6, "%s", *n);
        cr_assert_eq(res.choice.t.tc, 3, "%s", *n);
        cr_assert_eq(res.choice.serial, !strcmp(*n, "serial"), "%s", *n);
        acc_program_free(&prog);
        plan_result_free(&res);
    }
}
