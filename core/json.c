/* json.c - cJSON's allocation hooks (json.h). */
#include "core/json.h"

#include <cjson/cJSON.h>
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
