/* test_opt_cache.c - the sat planner's schedule cache (planner/opt_cache.h):
 * a second plan of the same layer is read from the cache and claims the
 * same makespan; the key changes with the shape and the configuration's
 * values but not with names, and a layer of the same shape under another
 * name reads the entry; a damaged entry is planned again; a proven entry
 * serves every budget above its work, an unproven one only its own budget;
 * the budget comes from ACC_PLAN_BUDGET or, converted, ACC_PLAN_TIME. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "planner/opt_cache.h"
#include "planner/sat/sat.h"

#include "core/catalog.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/test_opt_cache_XXXXXX");
    cr_assert(mkdtemp(dir) != NULL);
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void setup(acc_layer *l, acc_config *cfg, acc_memmap *mm)
{
    acc_error e;
    cr_assert_eq(acc_layer_lookup("lenet_2", l, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_config_load("small", cfg, &e), 0, "%s", e.msg);
    acc_memmap_default(l, mm);
}

/* Path of the only entry in the cache directory. */
static void entry_path(char *path, size_t n)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "ls %s/*.sched", dir);
    FILE *f = popen(cmd, "r");
    cr_assert(f != NULL);
    cr_assert(fgets(path, (int)n, f) != NULL, "no cache entry");
    path[strcspn(path, "\n")] = '\0';
    char extra[512];
    cr_assert(fgets(extra, sizeof(extra), f) == NULL, "more than one cache entry");
    pclose(f);
}

static int64_t makespan_of(const acc_program *p, const acc_config *cfg)
{
    model_timing tm;
    acc_error e;
    cr_assert_eq(model_run(p, cfg, &tm, &e), 0, "%s", e.msg);
    int64_t m = tm.makespan;
    model_timing_free(&tm);
    return m;
}

Test(opt_cache, a_second_plan_is_read_from_the_cache, .init = make_dir, .fini = remove_dir)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    setup(&l, &cfg, &mm);
    acc_program a, b;
    int64_t ca, cb;
    int hit = -1;
    acc_error e;
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &ca, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0, "the first plan solves");
    cr_assert_eq(makespan_of(&a, &cfg), ca, "the claim is the model's makespan");
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &b, &cb, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 1, "the second plan reads the cache");
    cr_assert_eq(cb, ca);
    cr_assert_eq(a.count, b.count);
    for (int i = 0; i < a.count; i++)
        cr_assert(memcmp(&a.ins[i], &b.ins[i], sizeof(a.ins[i])) == 0, "instruction %d", i);
    char path[512], want[512];
    entry_path(path, sizeof(path));
    snprintf(want, sizeof(want), "%s/%016llx.sched", dir,
             (unsigned long long)opt_cache_key(&l, &cfg, &mm));
    cr_assert_str_eq(path, want, "the file is named by the key alone");
    acc_program_free(&a);
    acc_program_free(&b);
}

Test(opt_cache, a_layer_of_the_same_shape_under_another_name_reads_the_entry, .init = make_dir,
     .fini = remove_dir)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    setup(&l, &cfg, &mm);
    acc_program a, b;
    int64_t ca, cb;
    int hit = -1;
    acc_error e;
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &ca, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0);
    acc_layer twin = l;
    snprintf(twin.name, sizeof(twin.name), "twin_of_lenet_2");
    acc_config c2 = cfg;
    snprintf(c2.name, sizeof(c2.name), "small_copy");
    cr_assert_eq(opt_cache_plan(&twin, &c2, &mm, dir, 0, &b, &cb, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 1, "the renamed layer on the renamed configuration reads the entry");
    cr_assert_eq(cb, ca);
    cr_assert_eq(b.count, a.count);
    cr_assert(memcmp(a.ins, b.ins, (size_t)a.count * sizeof(a.ins[0])) == 0, "the same program");
    char path[512];
    entry_path(path, sizeof(path)); /* and there is still one entry */
    acc_program_free(&a);
    acc_program_free(&b);

    /* a layer of another shape does not */
    twin.num_filter++;
    acc_memmap m2;
    acc_memmap_default(&twin, &m2);
    cr_assert_eq(opt_cache_plan(&twin, &cfg, &m2, dir, 0, &b, &cb, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0, "another shape is planned");
    acc_program_free(&b);
}

Test(opt_cache, the_key_follows_values_not_names)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    setup(&l, &cfg, &mm);
    uint64_t k = opt_cache_key(&l, &cfg, &mm);
    acc_layer l2 = l;
    snprintf(l2.name, sizeof(l2.name), "renamed");
    acc_config c2 = cfg;
    snprintf(c2.name, sizeof(c2.name), "copy");
    cr_assert_eq(opt_cache_key(&l2, &c2, &mm), k, "names are not part of the key");
    l2.num_filter++;
    cr_assert_neq(opt_cache_key(&l2, &cfg, &mm), k, "the shape is");
    c2.read_latency++;
    cr_assert_neq(opt_cache_key(&l, &c2, &mm), k, "the configuration's values are");
    acc_memmap m2 = mm;
    m2.y += 4096;
    cr_assert_neq(opt_cache_key(&l, &cfg, &m2), k, "the memory map is");
}

Test(opt_cache, a_damaged_entry_is_planned_again, .init = make_dir, .fini = remove_dir)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    setup(&l, &cfg, &mm);
    acc_program a;
    int64_t claim;
    int hit;
    acc_error e;
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &claim, &hit, &e), 0, "%s", e.msg);
    acc_program_free(&a);
    char path[512];
    entry_path(path, sizeof(path));
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs("# sat: makespan=5 optimal=1 lower_bound=5 budget=0 work=0\nload nonsense\n", f);
    fclose(f);
    int64_t again;
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &again, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0, "a damaged entry is not used");
    cr_assert_eq(again, claim);
    cr_assert_eq(makespan_of(&a, &cfg), claim);
    acc_program_free(&a);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &again, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 1, "and it was replaced");
    acc_program_free(&a);

    /* an entry cut short (it still parses, but has no END): planned again */
    char *text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    char *end = strstr(text, "\nend");
    cr_assert(end != NULL);
    end[1] = '\0';
    f = fopen(path, "w");
    cr_assert(f != NULL);
    fputs(text, f);
    fclose(f);
    free(text);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &again, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0, "an entry cut short is not used");
    cr_assert_eq(makespan_of(&a, &cfg), claim);
    acc_program_free(&a);
}

/* The entry's header line: budget and work. */
static void header_of(const char *path, int *optimal, long long *budget, long long *work)
{
    acc_error e;
    char *text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    long long ms, lb;
    cr_assert_eq(sscanf(text,
                        "# sat: makespan=%lld optimal=%d lower_bound=%lld budget=%lld work=%lld",
                        &ms, optimal, &lb, budget, work),
                 5, "%.120s", text);
    free(text);
}

Test(opt_cache, an_unproven_entry_serves_only_its_own_budget, .init = make_dir, .fini = remove_dir)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    acc_error e;
    cr_assert_eq(acc_layer_lookup("resnet_12", &l, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_config_load("default", &cfg, &e), 0, "%s", e.msg);
    acc_memmap_default(&l, &mm);
    acc_program a;
    int64_t claim, again;
    int hit, optimal;
    long long budget, work;
    /* a budget of one conflict: the search stops at once, unproven */
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 1, &a, &claim, &hit, &e), 0, "%s", e.msg);
    acc_program_free(&a);
    char path[512];
    entry_path(path, sizeof(path));
    header_of(path, &optimal, &budget, &work);
    cr_assert_eq(optimal, 0);
    cr_assert_eq(budget, 1);
    cr_assert_geq(work, 1, "the work reached the budget");
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 1, &a, &again, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 1, "the same budget reuses it");
    cr_assert_eq(again, claim);
    acc_program_free(&a);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 2, &a, &again, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0, "another budget plans again");
    acc_program_free(&a);
}

Test(opt_cache, a_proven_entry_serves_every_budget_above_its_work, .init = make_dir,
     .fini = remove_dir)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    setup(&l, &cfg, &mm);
    acc_program a;
    int64_t claim, again;
    int hit, optimal;
    long long budget, work;
    acc_error e;
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 0, &a, &claim, &hit, &e), 0, "%s", e.msg);
    acc_program_free(&a);
    char path[512];
    entry_path(path, sizeof(path));
    header_of(path, &optimal, &budget, &work);
    cr_assert_eq(optimal, 1, "proven without a budget");
    cr_assert_eq(budget, 0);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, work + 1, &a, &again, &hit, &e), 0, "%s",
                 e.msg);
    cr_assert_eq(hit, 1, "a budget above the work it took: the same search, the same schedule");
    cr_assert_eq(again, claim);
    acc_program_free(&a);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, ACC_SAT_BUDGET_DEFAULT, &a, &again, &hit, &e),
                 0, "%s", e.msg);
    cr_assert_eq(hit, 1, "the default budget too");
    acc_program_free(&a);
    if (work > 0) {
        cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, work, &a, &again, &hit, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(hit, 0, "a budget the search could have reached plans again");
        acc_program_free(&a);
    }
}

Test(opt_cache, the_budget_comes_from_the_environment)
{
    unsetenv("ACC_PLAN_BUDGET");
    unsetenv("ACC_PLAN_TIME");
    cr_assert_eq(opt_cache_budget(), ACC_SAT_BUDGET_DEFAULT);
    setenv("ACC_PLAN_TIME", "2", 1);
    cr_assert_eq(opt_cache_budget(), 2 * (int64_t)ACC_SAT_WORK_PER_SECOND,
                 "the former time limit, converted");
    setenv("ACC_PLAN_TIME", "0", 1);
    cr_assert_eq(opt_cache_budget(), 0, "0 seconds: no budget");
    setenv("ACC_PLAN_BUDGET", "12345", 1);
    cr_assert_eq(opt_cache_budget(), 12345, "the budget wins over the time");
    setenv("ACC_PLAN_BUDGET", "lots", 1);
    cr_assert_eq(opt_cache_budget(), ACC_SAT_BUDGET_DEFAULT, "not a number: the default");
    setenv("ACC_PLAN_BUDGET", "", 1);
    cr_assert_eq(opt_cache_budget(), 0, "empty: the time decides");
    unsetenv("ACC_PLAN_BUDGET");
    unsetenv("ACC_PLAN_TIME");
}
