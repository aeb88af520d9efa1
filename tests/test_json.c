/* test_json.c - cJSON allocates through the project's allocator
 * (core/json.h) once acc_json_init has run, and every JSON writer of the
 * harness installs the hooks itself.  Criterion runs each test in a fresh
 * process, so each starts without the hooks. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "cosim/report.h"

/* Builds, prints and frees a small document; returns the allocations the
 * hooks counted meanwhile. */
static size_t allocations_of_a_document(void)
{
    size_t before = acc_json_allocations();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "layer", "lenet_1");
    cJSON_AddNumberToObject(root, "makespan", 14682);
    char *text = cJSON_PrintUnformatted(root);
    cr_assert_str_eq(text, "{\"layer\":\"lenet_1\",\"makespan\":14682}");
    cJSON_Delete(root);
    free(text); /* the hooks' free is free */
    return acc_json_allocations() - before;
}

Test(json, cjson_uses_malloc_until_the_hooks_are_installed)
{
    cr_assert_eq(acc_json_allocations(), 0);
    cr_assert_eq(allocations_of_a_document(), 0, "the hooks count only after acc_json_init");
}

Test(json, after_init_every_cjson_allocation_goes_through_acc_malloc)
{
    acc_json_init();
    /* root, its two items, their two keys, one string value, the text */
    cr_assert_geq(allocations_of_a_document(), 7);
    acc_json_init(); /* idempotent: still the same hooks */
    cr_assert_geq(allocations_of_a_document(), 7);
    cJSON *parsed = cJSON_Parse("{\"a\":[1,2,3]}");
    cr_assert_not_null(parsed);
    size_t before = acc_json_allocations();
    cJSON_Delete(parsed);
    cr_assert_eq(acc_json_allocations(), before, "freeing allocates nothing");
}

Test(json, report_json_installs_the_hooks_itself)
{
    cosim_report rep;
    cosim_report_init(&rep);
    snprintf(rep.layer.name, sizeof(rep.layer.name), "lenet_1");
    cr_assert_eq(acc_json_allocations(), 0);
    char *text = cosim_report_json(&rep);
    cr_assert(strstr(text, "\"layer\":\t\"lenet_1\""), "%s", text);
    cr_assert_gt(acc_json_allocations(), 20, "report.json was built with acc_malloc");
    free(text);
}

Test(json, network_summary_installs_the_hooks_itself)
{
    char dir[] = "/tmp/test_json_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof(path), "%s/net.json", dir);
    acc_error err;
    cr_assert_eq(acc_json_allocations(), 0);
    cr_assert_eq(cosim_net_save(path, "lenet", NULL, 0, &err), 0, "%s", err.msg);
    cr_assert_gt(acc_json_allocations(), 5, "net_<net>.json was built with acc_malloc");
    remove(path);
    remove(dir);
}
