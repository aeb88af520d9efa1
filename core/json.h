/* json.h - cJSON (Debian's libcjson) on the project's allocator.
 *
 * cJSON allocates with malloc unless told otherwise; acc_json_init tells it
 * to use acc_malloc (core/util.h), so that running out of memory while a
 * report is built ends the program with the allocator's one message instead
 * of a NULL deep inside cJSON.  Every writer of JSON (cosim/report.c,
 * tools/plan_main.c) calls acc_json_init before its first cJSON call. */
#ifndef ACC_JSON_H
#define ACC_JSON_H

#include <stddef.h>

/* Installs acc_malloc and free as cJSON's hooks (cJSON_InitHooks), once per
 * process; later calls do nothing.  Call it before the first cJSON object is
 * created (objects made before it were allocated with malloc, which free
 * also releases, so mixing is safe).  Not thread-safe: call it before
 * threads that use cJSON start. */
void acc_json_init(void);

/* How many blocks cJSON has allocated through the hooks of acc_json_init in
 * this process (0 before it); for tests that check the hooks are in place. */
size_t acc_json_allocations(void);

#endif
