/* test_opt_cache.c - the sat planner's schedule cache (planner/opt_cache.h):
 * a second plan of the same layer is read from the cache and claims the
 * same makespan; the key changes with the shape and the configuration's
 * values but not with names; a damaged entry is planned again; an unproven
 * entry is used only with a time limit no larger than its own. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "planner/opt_cache.h"

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
    char path[512];
    entry_path(path, sizeof(path));
    cr_assert(strstr(path, "/lenet_2-small-"), "%s", path);
    acc_program_free(&a);
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
    fputs("# sat: makespan=5 optimal=1 lower_bound=5 time_limit=0\nload nonsense\n", f);
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

Test(opt_cache, an_unproven_entry_needs_a_time_limit_no_larger_than_its_own, .init = make_dir,
     .fini = remove_dir)
{
    acc_layer l;
    acc_config cfg;
    acc_memmap mm;
    acc_error e;
    cr_assert_eq(acc_layer_lookup("resnet_12", &l, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_config_load("default", &cfg, &e), 0, "%s", e.msg);
    acc_memmap_default(&l, &mm);
    acc_program a;
    int64_t claim;
    int hit;
    /* a limit that expires at once: the baseline's schedule, unproven */
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 1e-9, &a, &claim, &hit, &e), 0, "%s", e.msg);
    acc_program_free(&a);
    char path[512];
    entry_path(path, sizeof(path));
    char *text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    cr_assert(strncmp(text, "# sat: makespan=", 16) == 0 && strstr(text, "optimal=0"), "%.80s",
              text);
    free(text);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 1e-9, &a, &claim, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 1, "the same limit reuses it");
    acc_program_free(&a);
    cr_assert_eq(opt_cache_plan(&l, &cfg, &mm, dir, 1e-6, &a, &claim, &hit, &e), 0, "%s", e.msg);
    cr_assert_eq(hit, 0, "a longer limit plans again");
    acc_program_free(&a);
}
