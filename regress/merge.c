/* merge.c - merged.json, summary.txt and the comparison of two runs
 * (merge.h). */
#include "regress/merge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "regress/job.h"

/* The fields of a job entry of merged.json, in order (docs/regress.md). */
static const char *const job_fields[] = {"id",           "net",
                                         "layer",        "config",
                                         "seed",         "mode",
                                         "stress_seed",  "backend",
                                         "planner",      "status",
                                         "cached",       "message",
                                         "cycles_model", "cycles_measured",
                                         "macs",         "compute_bound",
                                         "utilisation",  "report",
                                         "timeline",     "wave_cmd",
                                         "seconds"};
#define NFIELDS (sizeof(job_fields) / sizeof(job_fields[0]))

/* The job's result.json as a merged entry, or NULL when it is missing or
 * is not a result of this plan job (another id). */
static cJSON *read_result(const char *dir, const char *id)
{
    char path[4700];
    snprintf(path, sizeof(path), "%s/jobs/%s/result.json", dir, id);
    char *text = acc_read_file(path, NULL, NULL);
    if (!text)
        return NULL;
    cJSON *r = cJSON_Parse(text);
    free(text);
    const char *st = acc_json_str(r, "status");
    const char *rid = acc_json_str(r, "id");
    if (!st || !rid || strcmp(rid, id) != 0 ||
        (strcmp(st, "pass") != 0 && strcmp(st, "fail") != 0 && strcmp(st, "error") != 0)) {
        cJSON_Delete(r);
        return NULL;
    }
    cJSON *e = cJSON_CreateObject();
    for (size_t i = 0; i < NFIELDS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, job_fields[i]);
        cJSON_AddItemToObject(e, job_fields[i], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    cJSON_Delete(r);
    return e;
}

static int write_text(const char *path, char *text, acc_error *err)
{
    size_t n = strlen(text);
    return acc_write_file(path, text, n, err);
}

int regress_merge(const char *dir, cJSON **merged, acc_error *err)
{
    acc_json_init();
    cJSON *plan = NULL;
    if (regress_plan_read(dir, &plan, err) != 0)
        return -1;
    cJSON *root = cJSON_CreateObject();
    static const char *const top[] = {"matrix", "matrix_file", "engine"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = acc_json_str(plan, top[i]);
        cJSON_AddStringToObject(root, top[i], v ? v : "");
    }
    cJSON *summary = cJSON_AddObjectToObject(root, "summary");
    cJSON *jobs = cJSON_AddArrayToObject(root, "jobs");
    int n = 0, passed = 0, failed = 0, errors = 0, cached = 0;
    const cJSON *pj;
    cJSON_ArrayForEach(pj, cJSON_GetObjectItemCaseSensitive(plan, "jobs"))
    {
        const char *id = acc_json_str(pj, "id");
        if (!id)
            continue;
        cJSON *e = read_result(dir, id);
        if (!e) {
            char msg[600];
            snprintf(msg, sizeof(msg),
                     "the job did not run to a result (no jobs/%s/result.json; see "
                     "jobs/%s/cosim.log)",
                     id, id);
            e = regress_result_new(pj, "error", msg, NULL, dir, 0);
        }
        int is_cached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(pj, "cached"));
        cJSON_ReplaceItemInObjectCaseSensitive(e, "cached", cJSON_CreateBool(is_cached));
        const char *st = acc_json_str(e, "status");
        n++;
        passed += strcmp(st, "pass") == 0;
        failed += strcmp(st, "fail") == 0;
        errors += strcmp(st, "error") == 0;
        cached += is_cached;
        cJSON_AddItemToArray(jobs, e);
    }
    cJSON_AddNumberToObject(summary, "jobs", n);
    cJSON_AddNumberToObject(summary, "passed", passed);
    cJSON_AddNumberToObject(summary, "failed", failed);
    cJSON_AddNumberToObject(summary, "errors", errors);
    cJSON_AddNumberToObject(summary, "skipped", cached);
    cJSON_Delete(plan);

    char path[4700];
    int rc = 0;
    char *text = cJSON_Print(root);
    size_t len = strlen(text);
    text = acc_realloc(text, len + 2);
    memcpy(text + len, "\n", 2);
    snprintf(path, sizeof(path), "%s/merged.json", dir);
    rc |= write_text(path, text, err);
    free(text);
    char *buf = NULL;
    size_t bsize = 0;
    FILE *mem = open_memstream(&buf, &bsize);
    ACC_REQUIRE(mem != NULL);
    regress_summary_print(mem, root);
    fclose(mem);
    snprintf(path, sizeof(path), "%s/summary.txt", dir);
    if (rc == 0)
        rc |= write_text(path, buf, err);
    free(buf);
    snprintf(path, sizeof(path), "%s/junit.xml", dir);
    if (rc == 0)
        rc |= regress_junit_write(path, root, err);
    if (rc == 0 && merged)
        *merged = root;
    else
        cJSON_Delete(root);
    return rc ? -1 : 0;
}

/* ---------------------------------------------------------------- summary */

static void print_num(FILE *f, const cJSON *v, int width)
{
    if (cJSON_IsNumber(v))
        fprintf(f, " %*.0f", width, v->valuedouble);
    else
        fprintf(f, " %*s", width, "-");
}

void regress_summary_print(FILE *f, const cJSON *merged)
{
    const cJSON *jobs = cJSON_GetObjectItemCaseSensitive(merged, "jobs");
    int w = 4;
    const cJSON *j;
    cJSON_ArrayForEach(j, jobs)
    {
        const char *id = acc_json_str(j, "id");
        if (id && (int)strlen(id) > w)
            w = (int)strlen(id);
    }
    fprintf(f, "%-*s  %-6s %10s %10s %10s %6s %8s\n", w, "job", "status", "model", "measured",
            "bound", "util", "seconds");
    cJSON_ArrayForEach(j, jobs)
    {
        const char *st = acc_json_str(j, "status");
        fprintf(f, "%-*s  %-6s", w, acc_json_str(j, "id") ? acc_json_str(j, "id") : "?",
                st ? st : "?");
        print_num(f, cJSON_GetObjectItemCaseSensitive(j, "cycles_model"), 10);
        print_num(f, cJSON_GetObjectItemCaseSensitive(j, "cycles_measured"), 10);
        print_num(f, cJSON_GetObjectItemCaseSensitive(j, "compute_bound"), 10);
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(j, "utilisation");
        if (cJSON_IsNumber(u))
            fprintf(f, " %5.1f%%", 100.0 * u->valuedouble);
        else
            fprintf(f, " %6s", "-");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "seconds");
        fprintf(f, " %8.2f%s\n", cJSON_IsNumber(s) ? s->valuedouble : 0.0,
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "cached")) ? " (cached)" : "");
    }
    cJSON_ArrayForEach(j, jobs)
    {
        const char *msg = acc_json_str(j, "message");
        if (msg)
            fprintf(f, "%s %s: %s\n", acc_json_str(j, "status") ? acc_json_str(j, "status") : "?",
                    acc_json_str(j, "id") ? acc_json_str(j, "id") : "?", msg);
    }
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(merged, "summary");
    int n = cJSON_GetObjectItemCaseSensitive(s, "jobs")->valueint;
    int p = cJSON_GetObjectItemCaseSensitive(s, "passed")->valueint;
    fprintf(f, "%s  %d jobs: %d passed, %d failed, %d errors (%d cached)\n",
            n == p ? "PASS" : "FAIL", n, p, cJSON_GetObjectItemCaseSensitive(s, "failed")->valueint,
            cJSON_GetObjectItemCaseSensitive(s, "errors")->valueint,
            cJSON_GetObjectItemCaseSensitive(s, "skipped")->valueint);
}

/* ---------------------------------------------------------------- compare */

/* Fields that may differ between two runs of one matrix: the time a job
 * took, and the executor. */
static int ignored(const char *key)
{
    return strcmp(key, "seconds") == 0 || strcmp(key, "engine") == 0;
}

/* The first difference between a and b at `where`, ignoring the fields of
 * ignored(). */
static int diff_items(const cJSON *a, const cJSON *b, const char *where, char *out, size_t size)
{
    if ((a->type & 0xff) != (b->type & 0xff)) {
        snprintf(out, size, "%s: different types", where);
        return 1;
    }
    char sub[600];
    if (cJSON_IsObject(a)) {
        const cJSON *x;
        cJSON_ArrayForEach(x, a)
        {
            snprintf(sub, sizeof(sub), "%s%s%s", where, where[0] ? "." : "", x->string);
            if (ignored(x->string))
                continue;
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y) {
                snprintf(out, size, "%s: only in the first", sub);
                return 1;
            }
            if (diff_items(x, y, sub, out, size))
                return 1;
        }
        cJSON_ArrayForEach(x, b)
        {
            if (!ignored(x->string) && !cJSON_GetObjectItemCaseSensitive(a, x->string)) {
                snprintf(out, size, "%s%s%s: only in the second", where, where[0] ? "." : "",
                         x->string);
                return 1;
            }
        }
        return 0;
    }
    if (cJSON_IsArray(a)) {
        int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
        for (int i = 0; i < na && i < nb; i++) {
            const cJSON *x = cJSON_GetArrayItem(a, i);
            const char *id = acc_json_str(x, "id");
            if (id)
                snprintf(sub, sizeof(sub), "%s[%d] (%s)", where, i, id);
            else
                snprintf(sub, sizeof(sub), "%s[%d]", where, i);
            if (diff_items(x, cJSON_GetArrayItem(b, i), sub, out, size))
                return 1;
        }
        if (na != nb) {
            snprintf(out, size, "%s: %d items vs %d", where, na, nb);
            return 1;
        }
        return 0;
    }
    if (cJSON_IsString(a) && strcmp(a->valuestring, b->valuestring) != 0) {
        snprintf(out, size, "%s: \"%s\" vs \"%s\"", where, a->valuestring, b->valuestring);
        return 1;
    }
    if (cJSON_IsNumber(a) && a->valuedouble != b->valuedouble &&
        !(isnan(a->valuedouble) && isnan(b->valuedouble))) {
        snprintf(out, size, "%s: %.17g vs %.17g", where, a->valuedouble, b->valuedouble);
        return 1;
    }
    return 0;
}

int regress_compare(const char *a, const char *b, char *diff, size_t size)
{
    acc_error err;
    cJSON *j[2] = {NULL, NULL};
    const char *paths[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        char *text = acc_read_file(paths[i], NULL, &err);
        if (!text) {
            snprintf(diff, size, "%s", err.msg);
            cJSON_Delete(j[0]);
            return -1;
        }
        j[i] = cJSON_Parse(text);
        free(text);
        if (!cJSON_IsObject(j[i]) ||
            !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j[i], "jobs"))) {
            snprintf(diff, size, "%s: not a merged.json (no 'jobs' array)", paths[i]);
            cJSON_Delete(j[0]);
            cJSON_Delete(j[1]);
            return -1;
        }
    }
    diff[0] = '\0';
    int rc = diff_items(j[0], j[1], "", diff, size);
    cJSON_Delete(j[0]);
    cJSON_Delete(j[1]);
    return rc;
}
