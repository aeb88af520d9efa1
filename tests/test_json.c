/* test_json.c - cJSON allocates through the project's allocator
 * (core/json.h) once acc_json_init has run, and every JSON writer of the
 * harness installs the hooks itself.  Criterion runs each test in a fresh
 * process, so each starts without the hooks.  64-bit integers are written
 * and read back exactly. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdint.h>
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

/* ---------------------------------------------------------------- 64-bit integers */

Test(json, u64_strings_and_numbers_keep_every_digit)
{
    acc_json_init();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "seed", acc_json_u64_string(UINT64_MAX));
    cJSON_AddItemToObject(root, "n", acc_json_u64_number((UINT64_C(1) << 53) + 1));
    char *text = cJSON_PrintUnformatted(root);
    cr_assert_str_eq(text, "{\"seed\":\"18446744073709551615\",\"n\":9007199254740993}");
    cJSON_Delete(root);
    cJSON *back = cJSON_Parse(text);
    free(text);
    uint64_t v = 0;
    cr_assert_eq(acc_json_get_u64(cJSON_GetObjectItem(back, "seed"), &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    cJSON_Delete(back);
}

Test(json, get_u64_reads_decimal_strings_and_whole_numbers_only)
{
    static const struct {
        const char *json;
        int ok;
        uint64_t value;
    } cases[] = {
        {"\"9223372036854775809\"", 1, (UINT64_C(1) << 63) + 1},
        {"\"0\"", 1, 0},
        {"42", 1, 42},
        {"9007199254740992", 1, UINT64_C(1) << 53},
        {"9007199254740994", 0, 0}, /* above 2^53 a double may be another value */
        {"\"18446744073709551616\"", 0, 0},
        {"\"0x10\"", 0, 0},
        {"\"-1\"", 0, 0},
        {"\"\"", 0, 0},
        {"\" 1\"", 0, 0},
        {"-1", 0, 0},
        {"1.5", 0, 0},
        {"null", 0, 0},
        {"true", 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *j = cJSON_Parse(cases[i].json);
        cr_assert_not_null(j, "%s", cases[i].json);
        uint64_t v = 7;
        int rc = acc_json_get_u64(j, &v);
        cr_assert_eq(rc, cases[i].ok ? 0 : -1, "%s", cases[i].json);
        if (cases[i].ok)
            cr_assert_eq(v, cases[i].value, "%s", cases[i].json);
        cJSON_Delete(j);
    }
    uint64_t v;
    cr_assert_eq(acc_json_get_u64(NULL, &v), -1);
}

/* Two seeds a double cannot tell apart give two reports; counts above 2^53
 * keep their last digit. */
Test(json, report_json_stores_seeds_and_counts_exactly)
{
    cosim_report rep;
    cosim_report_init(&rep);
    snprintf(rep.layer.name, sizeof(rep.layer.name), "lenet_1");
    rep.seed = (UINT64_C(1) << 63) + 1;
    rep.dram_read = (UINT64_C(1) << 60) + 1;
    rep.stress = 1;
    rep.stress_seed = UINT32_MAX;
    char *a = cosim_report_json(&rep);
    rep.seed++;
    char *b = cosim_report_json(&rep);
    cr_assert(strstr(a, "\"seed\":\t\"9223372036854775809\""), "%s", a);
    cr_assert(strstr(b, "\"seed\":\t\"9223372036854775810\""), "%s", b);
    cr_assert(strstr(a, "\"read\":\t1152921504606846977"), "%s", a);
    cr_assert(strstr(a, "\"seed\":\t\"4294967295\""), "the stress seed: %s", a);
    cJSON *j = cJSON_Parse(b);
    cr_assert_not_null(j, "the report parses");
    uint64_t seed = 0;
    cr_assert_eq(acc_json_get_u64(cJSON_GetObjectItem(j, "seed"), &seed), 0);
    cr_assert_eq(seed, (UINT64_C(1) << 63) + 2);
    cJSON_Delete(j);
    free(a);
    free(b);
}

Test(json, member_getters_return_the_value_or_the_default)
{
    cJSON *o = cJSON_Parse("{\"s\": \"text\", \"n\": 2.5, \"z\": null}");
    cr_assert_not_null(o);
    cr_assert_str_eq(acc_json_str(o, "s"), "text");
    cr_assert_null(acc_json_str(o, "n"));
    cr_assert_null(acc_json_str(o, "missing"));
    cr_assert_null(acc_json_str(NULL, "s"));
    cr_assert_eq(acc_json_num(o, "n", -1), 2.5);
    cr_assert_eq(acc_json_num(o, "s", -1), -1);
    cr_assert_eq(acc_json_num(o, "z", 7), 7);
    cJSON_Delete(o);
}
