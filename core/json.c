/* json.c - cJSON's allocation hooks and exact 64-bit integers (json.h). */
#include "core/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"

static size_t allocations;

static void *json_malloc(size_t n)
{
    allocations++;
    return acc_malloc(n);
}

static void json_free(void *p)
{
    free(p);
}

void acc_json_init(void)
{
    static int installed;
    if (installed)
        return;
    cJSON_Hooks hooks = {json_malloc, json_free};
    cJSON_InitHooks(&hooks);
    installed = 1;
}

size_t acc_json_allocations(void)
{
    return allocations;
}

cJSON *acc_json_u64_string(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return cJSON_CreateString(buf);
}

cJSON *acc_json_u64_number(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return cJSON_CreateRaw(buf);
}

int acc_json_get_u64(const cJSON *item, uint64_t *out)
{
    ACC_REQUIRE(out);
    if (cJSON_IsString(item)) {
        const char *s = item->valuestring;
        for (const char *c = s; *c; c++) /* decimal only: no 0x, no sign */
            if (*c < '0' || *c > '9')
                return -1;
        return acc_parse_u64(s, UINT64_MAX, out);
    }
    if (cJSON_IsNumber(item)) {
        double d = item->valuedouble;
        if (!(d >= 0 && d <= 9007199254740992.0) || d != (double)(uint64_t)d)
            return -1;
        *out = (uint64_t)d;
        return 0;
    }
    return -1;
}

const char *acc_json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double acc_json_num(const cJSON *o, const char *key, double none)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : none;
}
