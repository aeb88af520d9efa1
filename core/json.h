/* json.h - cJSON (Debian's libcjson) on the project's allocator, and 64-bit
 * integers written and read back exactly.
 *
 * cJSON allocates with malloc unless told otherwise; acc_json_init tells it
 * to use acc_malloc (core/util.h), so that running out of memory while a
 * report is built ends the program with the allocator's one message instead
 * of a NULL deep inside cJSON.  Every writer of JSON (cosim/report.c,
 * tools/plan_main.c) calls acc_json_init before its first cJSON call. */
#ifndef ACC_JSON_H
#define ACC_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* Installs acc_malloc and free as cJSON's hooks (cJSON_InitHooks), once per
 * process; later calls do nothing.  Call it before the first cJSON object is
 * created (objects made before it were allocated with malloc, which free
 * also releases, so mixing is safe).  Not thread-safe: call it before
 * threads that use cJSON start. */
void acc_json_init(void);

/* 64-bit integers in JSON.  cJSON holds every number as a double, which is
 * exact only up to 2^53, so:
 *   - a value that names something (a seed) is a decimal string, "42", which
 *     every reader reads back exactly (acc_json_get_u64);
 *   - a count or a cycle figure is a JSON number written with all its digits
 *     (never rounded, never in exponent form); a reader that parses numbers
 *     as doubles, cJSON among them, reads it exactly up to 2^53.
 * docs/formats.md, "JSON". */

/* A new string item holding `v` in decimal (caller owns it, as any cJSON
 * item); NULL only if cJSON cannot allocate, which acc_json_init makes an
 * exit. */
cJSON *acc_json_u64_string(uint64_t v);

/* A new number item holding `v` with all its digits (a cJSON raw item: it
 * prints as written; cJSON_IsNumber is false for it until the text is
 * parsed again). */
cJSON *acc_json_u64_number(uint64_t v);

/* Reads a 64-bit unsigned integer from `item`: a decimal string of digits
 * only (acc_json_u64_string), or a number that is a whole value in
 * 0..2^53 (what older files and other writers hold).  Returns 0 with *out
 * set, or -1 (NULL item, other type, junk, fraction, sign, overflow). */
int acc_json_get_u64(const cJSON *item, uint64_t *out);

/* The string of member `key` of object o, or NULL (no such member, not a
 * string, o NULL). */
const char *acc_json_str(const cJSON *o, const char *key);

/* The number of member `key` of object o, or `none` (no such member, not a
 * number, o NULL). */
double acc_json_num(const cJSON *o, const char *key, double none);

/* How many blocks cJSON has allocated through the hooks of acc_json_init in
 * this process (0 before it); for tests that check the hooks are in place. */
size_t acc_json_allocations(void);

#endif
