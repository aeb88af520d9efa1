/* test_regress.c - the regression runner (regress/, build/bin/regress,
 * docs/regress.md): matrix files and their errors, the expansion into
 * jobs, a real run of tests/data/regress_tiny.ini (iss and the small RTL:
 * two passes, a failure and an error) checked against the cosim reports
 * and against figures known from the layer's shape, its JUnit XML
 * validated against tests/data/junit.xsd with libxml2, the keys (a re-run
 * skips, a changed input or simulator runs again, --force runs all), the
 * comparison of two merged results, SIGTERM stopping every worker, and
 * the slurm engine's call of mk/regress-slurm.sh (a stand-in script).
 * The run tests are skipped when build/rtl/small/cosim is not built. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "regress/matrix.h"
#include "tests/testutil.h"

/* ---------------------------------------------------------------- helpers */

static const char *data_dir(void)
{
    const char *d = getenv("ACC_TEST_DATA");
    return d ? d : "tests/data";
}

static const char *rtl_small(void)
{
    const char *s = getenv("ACC_RTL_SMALL");
    return s ? s : "build/rtl/small/cosim";
}

/* The build folder that holds bin/cosim: the parent of $ACC_BIN. */
static const char *build_dir(void)
{
    static char b[512];
    snprintf(b, sizeof(b), "%s/..", tu_bin_dir());
    return b;
}

static void need_rtl(void)
{
    if (access(rtl_small(), X_OK) != 0)
        cr_skip_test("%s is not built (make build/rtl/small/cosim)", rtl_small());
}

static char *read_text(const char *path)
{
    acc_error err;
    char *t = acc_read_file(path, NULL, &err);
    cr_assert_not_null(t, "%s", err.msg);
    return t;
}

static cJSON *read_json(const char *path)
{
    char *t = read_text(path);
    cJSON *j = cJSON_Parse(t);
    cr_assert_not_null(j, "%s: not JSON", path);
    free(t);
    return j;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[2048], out[512];
    snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && cp '%s' '%s'", to, from, to);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s: %s", cmd, out);
}

static const cJSON *job_by_id(const cJSON *merged, const char *id)
{
    const cJSON *j;
    cJSON_ArrayForEach(j, cJSON_GetObjectItem(merged, "jobs"))
    {
        if (strcmp(cJSON_GetObjectItem(j, "id")->valuestring, id) == 0)
            return j;
    }
    cr_assert_fail("merged.json has no job %s", id);
    return NULL;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    cr_assert(cJSON_IsString(v), "field '%s' is not a string", key);
    return v->valuestring;
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    cr_assert(cJSON_IsNumber(v), "field '%s' is not a number", key);
    return v->valuedouble;
}

/* `regress run` of a matrix into tu_tmpdir/<out>; returns its exit status. */
static int run_regress(const char *matrix, const char *out, const char *build, const char *extra,
                       char *log, size_t size)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "%s/regress run --matrix '%s' --out '%s' --build '%s' --jobs 2 %s",
             tu_bin_dir(), matrix, tu_tmp(out), build, extra);
    return tu_run(cmd, log, size);
}

/* 0 when the XML file validates against the schema; the first error in msg. */
static char xsd_msg[1024];
static void xsd_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    if (xsd_msg[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(xsd_msg, sizeof(xsd_msg), fmt, ap);
    va_end(ap);
}

static int xsd_validate(const char *xml)
{
    char xsd[512];
    snprintf(xsd, sizeof(xsd), "%s/junit.xsd", data_dir());
    xsd_msg[0] = '\0';
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    cr_assert_not_null(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    cr_assert_not_null(schema, "%s: not a schema", xsd);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidErrors(vc, xsd_error, xsd_error, NULL);
    int rc = xmlSchemaValidateFile(vc, xml, 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return rc;
}

/* The testcase of junit.xml named `id`, and its first child element named
 * `child` (NULL when none) in *kid. */
static xmlNodePtr junit_case(xmlDocPtr doc, const char *id, const char *child, xmlNodePtr *kid,
                             int *ncases)
{
    xmlNodePtr found = NULL;
    *ncases = 0;
    *kid = NULL;
    xmlNodePtr suite = xmlDocGetRootElement(doc)->children;
    while (suite &&
           !(suite->type == XML_ELEMENT_NODE && xmlStrEqual(suite->name, BAD_CAST "testsuite")))
        suite = suite->next;
    cr_assert_not_null(suite, "no testsuite");
    for (xmlNodePtr c = suite->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "testcase"))
            continue;
        (*ncases)++;
        xmlChar *name = xmlGetProp(c, BAD_CAST "name");
        if (name && strcmp((const char *)name, id) == 0)
            found = c;
        xmlFree(name);
    }
    cr_assert_not_null(found, "junit.xml has no testcase %s", id);
    for (xmlNodePtr k = found->children; k && child; k = k->next)
        if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, BAD_CAST child)) {
            *kid = k;
            break;
        }
    return found;
}

/* ---------------------------------------------------------------- matrix files */

TestSuite(regress_matrix);

/* Every tests/data/regress_*.ini with a .err sibling: regress_matrix_load
 * fails with that error, which names file, line and field. */
Test(regress_matrix, malformed_files_are_rejected_naming_file_line_and_field)
{
    DIR *d = opendir(data_dir());
    cr_assert_not_null(d);
    int cases = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "regress_", 8) != 0 || n < 9 ||
            strcmp(e->d_name + n - 8, ".ini.err") != 0)
            continue;
        char errpath[600], ini[600], expect[512];
        snprintf(errpath, sizeof(errpath), "%s/%s", data_dir(), e->d_name);
        snprintf(ini, sizeof(ini), "%.*s", (int)strlen(errpath) - 4, errpath);
        char *text = read_text(errpath);
        snprintf(expect, sizeof(expect), "%.*s", (int)strcspn(text, "\n"), text);
        free(text);
        regress_matrix m;
        acc_error err;
        cr_assert_eq(regress_matrix_load(ini, &m, &err), -1, "%s: accepted", ini);
        cr_assert(strstr(err.msg, expect) != NULL, "%s: error\n  %s\nlacks\n  %s", ini, err.msg,
                  expect);
        cr_assert(strstr(err.msg, "field '") || strstr(err.msg, "section '"),
                  "%s: the error names no field: %s", ini, err.msg);
        cases++;
    }
    closedir(d);
    cr_assert_geq(cases, 20, "%d malformed matrices in %s, expected 20", cases, data_dir());
}

/* A cross product of 2 layers x 2 configs x 3 seeds x 2 backends, a
 * stress set of 1 and a whole network (LeNet-5: 5 layers) x 1: 30 jobs,
 * sorted by id, with the ids of docs/regress.md. */
Test(regress_matrix, expands_the_cross_product_into_sorted_stable_ids)
{
    const char *text = "[matrix]\nname = x\n"
                       "[set a]\nlayers = lenet_1, lenet_2\nconfigs = small default\n"
                       "seeds = 1 2 3\nbackends = iss rtl\n"
                       "[set s]\nlayers = resnet_3\nconfigs = small\nseeds = 9\n"
                       "modes = stress:7\nbackends = rtl\nplanners = double\n"
                       "[set n]\nnets = lenet\nconfigs = wide\nseeds = 4\nbackends = iss\n"
                       "tag = net\n";
    regress_matrix m;
    acc_error err;
    cr_assert_eq(regress_matrix_parse(text, "x.ini", &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m.njobs, 2 * 2 * 3 * 2 + 1 + 5);
    cr_assert_str_eq(m.name, "x");
    for (int i = 1; i < m.njobs; i++)
        cr_assert(strcmp(m.jobs[i - 1].id, m.jobs[i].id) < 0, "%s before %s", m.jobs[i - 1].id,
                  m.jobs[i].id);
    cr_assert_str_eq(m.jobs[0].id, "lenet_1.default.s1.timing.iss.sat");
    const char *want[] = {"lenet_2.small.s3.timing.rtl.sat", "resnet_3.small.s9.stress7.rtl.double",
                          "lenet_5.wide.s4.timing.iss.sat.net"};
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        int found = -1;
        for (int i = 0; i < m.njobs; i++)
            if (strcmp(m.jobs[i].id, want[w]) == 0)
                found = i;
        cr_assert_geq(found, 0, "no job %s", want[w]);
        const regress_job *j = &m.jobs[found];
        if (w == 1) {
            cr_assert_str_eq(j->net, "resnet");
            cr_assert(j->stress && j->stress_seed == 7 && j->seed == 9);
            cr_assert_str_eq(j->planner, "double");
        }
        if (w == 2) {
            cr_assert_str_eq(j->layer, "lenet_5");
            cr_assert_str_eq(j->tag, "net");
        }
    }
    regress_matrix_free(&m);
}

/* The shipped matrices load; smoke stays small and has RTL and stress jobs. */
Test(regress_matrix, shipped_matrices_load)
{
    regress_matrix m;
    acc_error err;
    cr_assert_eq(regress_matrix_load("regress/matrices/default.ini", &m, &err), 0, "%s", err.msg);
    cr_assert_gt(m.njobs, 100);
    regress_matrix_free(&m);
    cr_assert_eq(regress_matrix_load("regress/matrices/smoke.ini", &m, &err), 0, "%s", err.msg);
    cr_assert_leq(m.njobs, 10);
    int rtl = 0, stress = 0;
    for (int i = 0; i < m.njobs; i++) {
        rtl += strcmp(m.jobs[i].backend, "rtl") == 0;
        stress += m.jobs[i].stress;
    }
    cr_assert_gt(rtl, 0);
    cr_assert_gt(stress, 0);
    cr_assert_str_eq(m.name, "smoke");
    regress_matrix_free(&m);
}

/* A bad matrix stops `regress run` before it writes anything. */
Test(regress_matrix, a_bad_matrix_writes_nothing, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    char ini[600], out[4096];
    snprintf(ini, sizeof(ini), "%s/regress_unknown_layer.ini", data_dir());
    cr_assert_eq(run_regress(ini, "run", build_dir(), "", out, sizeof(out)), 2, "%s", out);
    cr_assert(strstr(out, "regress_unknown_layer.ini:3: field 'layers'"), "%s", out);
    cr_assert_neq(access(tu_tmp("run"), F_OK), 0, "the run's folder was created");
}

/* ---------------------------------------------------------------- a real run */

TestSuite(regress_run, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 600);

/* lenet_1: 32x32x1 input, six 5x5 filters, stride 1, no padding (LeCun
 * 1998): 28x28x6 outputs of 25 MACs each.  small is a 4x4 array. */
#define LENET1_MACS (28 * 28 * 6 * 5 * 5 * 1)
#define SMALL_PES (4 * 4)

Test(regress_run, tiny_matrix_gives_the_reports_verdicts_and_figures)
{
    need_rtl();
    char ini[600], out[16384];
    snprintf(ini, sizeof(ini), "%s/regress_tiny.ini", data_dir());
    cr_assert_eq(run_regress(ini, "tiny", build_dir(), "", out, sizeof(out)), 1,
                 "a run with a failing job must exit 1: %s", out);
    cJSON *m = read_json(tu_tmp("tiny/merged.json"));
    cr_assert_str_eq(jstr(m, "matrix"), "tiny");
    cr_assert_str_eq(jstr(m, "engine"), "local");
    const cJSON *s = cJSON_GetObjectItem(m, "summary");
    cr_assert_eq(jnum(s, "jobs"), 4);
    cr_assert_eq(jnum(s, "passed"), 2);
    cr_assert_eq(jnum(s, "failed"), 1);
    cr_assert_eq(jnum(s, "errors"), 1);
    cr_assert_eq(jnum(s, "skipped"), 0);
    const char *ids[] = {
        "lenet_1.small.s1.timing.iss.sat", "lenet_1.small.s1.timing.iss.sat.broken",
        "lenet_1.small.s1.timing.rtl.sat", "lenet_1.small.s1.timing.rtl.sat.ceiling"};
    const char *status[] = {"pass", "fail", "pass", "error"};
    const cJSON *jobs = cJSON_GetObjectItem(m, "jobs");
    cr_assert_eq(cJSON_GetArraySize(jobs), 4);
    for (int i = 0; i < 4; i++) {
        const cJSON *j = cJSON_GetArrayItem(jobs, i);
        cr_assert_str_eq(jstr(j, "id"), ids[i], "jobs are sorted by id");
        cr_assert_str_eq(jstr(j, "status"), status[i], "%s", ids[i]);
        cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "cached")));
        cr_assert_str_eq(jstr(j, "net"), "lenet");
        cr_assert_str_eq(jstr(j, "layer"), "lenet_1");
        cr_assert_str_eq(jstr(j, "config"), "small");
        cr_assert_eq(jnum(j, "seed"), 1);
        cr_assert_str_eq(jstr(j, "mode"), "timing");
        cr_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "stress_seed")));
        cr_assert(strstr(jstr(j, "wave_cmd"), "make wave LAYER=lenet_1 CONFIG=small SEED=1"));
        cr_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "seconds")));
    }
    /* the passing jobs: figures as in their cosim reports and the shape */
    for (int i = 0; i < 4; i += 2) {
        const cJSON *j = job_by_id(m, ids[i]);
        char rpath[700];
        snprintf(rpath, sizeof(rpath), "tiny/%s", jstr(j, "report"));
        cJSON *r = read_json(tu_tmp(rpath));
        const cJSON *cyc = cJSON_GetObjectItem(r, "cycles");
        cr_assert_eq(jnum(j, "cycles_model"), jnum(cyc, "model"));
        if (i == 2)
            cr_assert_eq(jnum(j, "cycles_measured"), jnum(cyc, "measured"));
        else
            cr_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "cycles_measured")), "iss: no cycles");
        cr_assert_eq(jnum(j, "macs"), LENET1_MACS);
        cr_assert_eq(jnum(j, "compute_bound"), (LENET1_MACS + SMALL_PES - 1) / SMALL_PES);
        cr_assert_float_eq(jnum(j, "utilisation"), jnum(r, "utilisation"), 1e-12);
        cr_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "message")));
        cJSON_Delete(r);
    }
    cr_assert_eq(jnum(job_by_id(m, ids[2]), "cycles_measured"),
                 jnum(job_by_id(m, ids[2]), "cycles_model"), "timing mode: exact");
    const char *fail_msg = jstr(job_by_id(m, ids[1]), "message");
    cr_assert(strstr(fail_msg, "outputs:") && strstr(fail_msg, "(k=0, oy=0, ox=0)"), "%s",
              fail_msg);
    const cJSON *err_job = job_by_id(m, ids[3]);
    cr_assert(strstr(jstr(err_job, "message"), "ceiling of 100 cycles"), "%s",
              jstr(err_job, "message"));
    cr_assert(cJSON_IsNull(cJSON_GetObjectItem(err_job, "report")));

    /* junit.xml: valid, one testcase per job, failure and error with messages */
    const char *junit = tu_tmp("tiny/junit.xml");
    cr_assert_eq(xsd_validate(junit), 0, "junit.xml does not validate: %s", xsd_msg);
    xmlDocPtr doc = xmlReadFile(junit, NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc);
    xmlNodePtr kid;
    int ncases;
    xmlNodePtr tc = junit_case(doc, ids[1], "failure", &kid, &ncases);
    cr_assert_eq(ncases, 4);
    cr_assert_not_null(kid, "the failing job has no <failure>");
    xmlChar *v = xmlGetProp(kid, BAD_CAST "message");
    cr_assert(v && strstr((const char *)v, "(k=0, oy=0, ox=0)"), "failure message %s", v);
    xmlFree(v);
    v = xmlGetProp(tc, BAD_CAST "classname");
    cr_assert_str_eq((const char *)v, "lenet");
    xmlFree(v);
    junit_case(doc, ids[3], "error", &kid, &ncases);
    cr_assert_not_null(kid, "the job that could not run has no <error>");
    junit_case(doc, ids[0], "failure", &kid, &ncases);
    cr_assert_null(kid, "a passing job has a <failure>");
    junit_case(doc, ids[0], "error", &kid, &ncases);
    cr_assert_null(kid, "a passing job has an <error>");
    xmlFreeDoc(doc);
    char *xml = read_text(junit);
    char prop[600];
    snprintf(prop, sizeof(prop), "value=\"jobs/%s/report.json\"", ids[0]);
    cr_assert(strstr(xml, prop), "no report property %s", prop);
    /* the schema rejects what it should: a testcase without a name */
    char *bad = strstr(xml, "<testcase classname=\"lenet\" name=");
    cr_assert_not_null(bad);
    memcpy(bad + 1, "testcase classname=\"lenet\" nome=", 32);
    write_text(tu_tmp("bad.xml"), xml);
    cr_assert_neq(xsd_validate(tu_tmp("bad.xml")), 0, "the schema accepts a nameless testcase");
    free(xml);

    char *summary = read_text(tu_tmp("tiny/summary.txt"));
    cr_assert(strstr(summary, "4 jobs: 2 passed, 1 failed, 1 errors (0 cached)"), "%s", summary);
    free(summary);
    cJSON_Delete(m);
}

/* The jobs of a run whose cosim.log exists (the job ran in the last run:
 * logs are removed before it). */
static void remove_logs(const cJSON *m, const char *out)
{
    const cJSON *j;
    cJSON_ArrayForEach(j, cJSON_GetObjectItem(m, "jobs"))
    {
        char p[700];
        snprintf(p, sizeof(p), "%s/jobs/%s/cosim.log", out, jstr(j, "id"));
        unlink(tu_tmp(p));
    }
}

static int ran(const char *out, const char *id)
{
    char p[700];
    snprintf(p, sizeof(p), "%s/jobs/%s/cosim.log", out, id);
    return access(tu_tmp(p), F_OK) == 0;
}

/* Keys: a second run runs nothing (its results are the stored ones, marked
 * cached); a changed simulator runs the jobs that use it; a changed file
 * named in args runs its job; --force runs every job. */
Test(regress_run, an_unchanged_job_is_skipped_a_changed_one_runs_again)
{
    need_rtl();
    char build[600], sched[600], ini[600], text[2048], out[16384], src[600];
    snprintf(build, sizeof(build), "%s", tu_tmp("b"));
    snprintf(src, sizeof(src), "%s/cosim", tu_bin_dir());
    copy_file(src, tu_tmp("b/bin/cosim"));
    copy_file(rtl_small(), tu_tmp("b/rtl/small/cosim"));
    snprintf(sched, sizeof(sched), "%s", tu_tmp("broken.sched"));
    snprintf(src, sizeof(src), "%s/regress_broken.sched", data_dir());
    copy_file(src, sched);
    snprintf(text, sizeof(text),
             "[set pass]\nlayers = lenet_1\nconfigs = small\nseeds = 1\nbackends = iss rtl\n"
             "[set broken]\nlayers = lenet_1\nconfigs = small\nseeds = 1\nbackends = iss\n"
             "args = --sched %s\ntag = broken\n",
             sched);
    snprintf(ini, sizeof(ini), "%s", tu_tmp("keys.ini"));
    write_text(ini, text);
    const char *iss = "lenet_1.small.s1.timing.iss.sat", *rtl = "lenet_1.small.s1.timing.rtl.sat",
               *brk = "lenet_1.small.s1.timing.iss.sat.broken";

    cr_assert_eq(run_regress(ini, "k", build, "", out, sizeof(out)), 1, "%s", out);
    cJSON *first = read_json(tu_tmp("k/merged.json"));
    cr_assert(ran("k", iss) && ran("k", rtl) && ran("k", brk));

    /* nothing changed: nothing runs, the verdicts are the stored ones */
    remove_logs(first, "k");
    cr_assert_eq(run_regress(ini, "k", build, "", out, sizeof(out)), 1, "%s", out);
    cr_assert(!ran("k", iss) && !ran("k", rtl) && !ran("k", brk), "an unchanged job ran: %s", out);
    cJSON *m = read_json(tu_tmp("k/merged.json"));
    cr_assert_eq(jnum(cJSON_GetObjectItem(m, "summary"), "skipped"), 3);
    const char *sts[][2] = {{iss, "pass"}, {rtl, "pass"}, {brk, "fail"}};
    for (int i = 0; i < 3; i++) {
        const cJSON *j = job_by_id(m, sts[i][0]);
        cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "cached")), "%s", sts[i][0]);
        cr_assert_str_eq(jstr(j, "status"), sts[i][1]);
    }
    cJSON_Delete(m);

    /* the iss simulator rebuilt (one more byte): its two jobs run again */
    FILE *f = fopen(tu_tmp("b/bin/cosim"), "ab");
    cr_assert_not_null(f);
    fputc(0, f);
    fclose(f);
    remove_logs(first, "k");
    cr_assert_eq(run_regress(ini, "k", build, "", out, sizeof(out)), 1, "%s", out);
    cr_assert(ran("k", iss) && ran("k", brk), "a job of the changed simulator was skipped");
    cr_assert(!ran("k", rtl), "the rtl job ran though its simulator did not change");

    /* the schedule named in args changed: its job runs again */
    f = fopen(sched, "a");
    cr_assert_not_null(f);
    fputs("# changed\n", f);
    fclose(f);
    remove_logs(first, "k");
    cr_assert_eq(run_regress(ini, "k", build, "", out, sizeof(out)), 1, "%s", out);
    cr_assert(ran("k", brk), "the job of the changed schedule was skipped");
    cr_assert(!ran("k", iss) && !ran("k", rtl), "an unchanged job ran");

    /* --force: every job runs, none is cached */
    remove_logs(first, "k");
    cr_assert_eq(run_regress(ini, "k", build, "--force", out, sizeof(out)), 1, "%s", out);
    cr_assert(ran("k", iss) && ran("k", rtl) && ran("k", brk), "--force skipped a job");
    m = read_json(tu_tmp("k/merged.json"));
    cr_assert_eq(jnum(cJSON_GetObjectItem(m, "summary"), "skipped"), 0);

    /* a forced run and the first agree but for the times */
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "%s/regress compare '%s' '%s'", tu_bin_dir(),
             tu_tmp("k/merged.json"), tu_tmp("k/first.json"));
    char *t = cJSON_Print(first);
    write_text(tu_tmp("k/first.json"), t);
    free(t);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    cJSON_Delete(m);
    cJSON_Delete(first);
}

/* `regress compare`: equal but for seconds; else the first difference. */
Test(regress_run, compare_ignores_seconds_and_names_the_first_difference)
{
    const char *a = "{\"matrix\":\"t\",\"engine\":\"local\",\"jobs\":[{\"id\":\"x\",\"status\":"
                    "\"pass\",\"seconds\":1.5},{\"id\":\"y\",\"status\":\"pass\",\"seconds\":2}]}";
    const char *b = "{\"matrix\":\"t\",\"engine\":\"slurm\",\"jobs\":[{\"id\":\"x\",\"status\":"
                    "\"pass\",\"seconds\":9},{\"id\":\"y\",\"status\":\"pass\",\"seconds\":0.1}]}";
    const char *c = "{\"matrix\":\"t\",\"engine\":\"local\",\"jobs\":[{\"id\":\"x\",\"status\":"
                    "\"pass\",\"seconds\":1.5},{\"id\":\"y\",\"status\":\"fail\",\"seconds\":2}]}";
    write_text(tu_tmp("a.json"), a);
    write_text(tu_tmp("b.json"), b);
    write_text(tu_tmp("c.json"), c);
    char cmd[1400], out[2048];
    snprintf(cmd, sizeof(cmd), "%s/regress compare %s %s", tu_bin_dir(), tu_tmp("a.json"),
             tu_tmp("b.json"));
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    snprintf(cmd, sizeof(cmd), "%s/regress compare %s %s", tu_bin_dir(), tu_tmp("a.json"),
             tu_tmp("c.json"));
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 1, "%s", out);
    cr_assert(strstr(out, "jobs[1] (y).status: \"pass\" vs \"fail\""), "%s", out);
    snprintf(cmd, sizeof(cmd), "%s/regress compare %s %s", tu_bin_dir(), tu_tmp("a.json"),
             tu_tmp("missing.json"));
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 2, "%s", out);
}

/* ---------------------------------------------------------------- signals */

/* The pids of processes whose command line mentions `needle`. */
static int processes_with(const char *needle, int *cosims)
{
    int n = 0;
    *cosims = 0;
    DIR *d = opendir("/proc");
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char p[300], buf[4096];
        snprintf(p, sizeof(p), "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(p, "r");
        if (!f)
            continue;
        size_t len = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        for (size_t i = 0; i < len; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[len] = '\0';
        if (strstr(buf, needle)) {
            n++;
            *cosims += strstr(buf, "/cosim ") != NULL;
        }
    }
    closedir(d);
    return n;
}

static void nap(void)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* SIGTERM to `regress run` while two RTL jobs run: it ends by that signal,
 * and no job process (regress job, cosim) is left. */
Test(regress_run, sigterm_stops_every_worker)
{
    need_rtl();
    char ini[600], dir[600];
    write_text(tu_tmp("slow.ini"), "[set slow]\nlayers = resnet_2\nconfigs = small\nseeds = 1 2\n"
                                   "backends = rtl\nplanners = double\n");
    snprintf(ini, sizeof(ini), "%s", tu_tmp("slow.ini"));
    snprintf(dir, sizeof(dir), "%s", tu_tmp("slow"));
    char bin[600];
    snprintf(bin, sizeof(bin), "%s/regress", tu_bin_dir());
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(bin, "regress", "run", "--matrix", ini, "--out", dir, "--build", build_dir(),
              "--jobs", "2", (char *)NULL);
        _exit(127);
    }
    cr_assert_gt(pid, 0);
    int cosims = 0;
    for (int i = 0; i < 600 && cosims < 2; i++) { /* both jobs started (at most a minute) */
        processes_with(dir, &cosims);
        if (cosims < 2)
            nap();
    }
    cr_assert_eq(cosims, 2, "the two jobs did not start");
    kill(pid, SIGTERM);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "regress run ended with status %#x", st);
    int left = 0;
    for (int i = 0; i < 100; i++) { /* the workers' processes end (at most 10 s) */
        left = processes_with(dir, &cosims);
        if (left == 0)
            break;
        nap();
    }
    cr_assert_eq(left, 0, "%d job processes still run after SIGTERM", left);
    char merged[700];
    snprintf(merged, sizeof(merged), "%s/merged.json", dir);
    cr_assert_neq(access(merged, F_OK), 0, "a stopped run merged its results");
}

/* ---------------------------------------------------------------- the slurm engine */

/* An absolute copy of a directory variable of the environment. */
static void abs_env(const char *name, const char *dflt)
{
    char buf[4096];
    const char *v = getenv(name);
    cr_assert_not_null(realpath(v ? v : dflt, buf), "%s", v ? v : dflt);
    setenv(name, buf, 1);
}

/* --engine slurm: the matrix's [slurm] resources are exported (a variable
 * already set wins) and mk/regress-slurm.sh DIR of the project's folder
 * runs jobs.txt; here a stand-in that runs the lines one after another
 * gives the merged result of the local pool but for the engine and the
 * times.  A script that fails fails the run. */
Test(regress_run, the_slurm_engine_exports_the_resources_and_runs_the_script)
{
    abs_env("ACC_LAYERS_DIR", "layers");
    abs_env("ACC_CONFIGS_DIR", "configs");
    char bin[1024], build[1024], root[600], cmd[8192], out[16384], ini[600];
    char *b = realpath(tu_bin_dir(), NULL), *d = realpath(build_dir(), NULL);
    cr_assert(b && d && strlen(b) < sizeof(bin) && strlen(d) < sizeof(build));
    memcpy(bin, b, strlen(b) + 1);
    memcpy(build, d, strlen(d) + 1);
    free(b);
    free(d);
    snprintf(ini, sizeof(ini), "%s", tu_tmp("s.ini"));
    write_text(ini, "[set a]\nlayers = lenet_1 lenet_2\nconfigs = small\nseeds = 3\n"
                    "backends = iss\nplanners = double\n"
                    "[slurm]\npartition = fast\nmem = 700\ntime = 9\ncpus = 2\n");
    snprintf(root, sizeof(root), "%s", tu_tmp("root"));
    cr_assert_eq(mkdir(root, 0755), 0);
    cr_assert_eq(mkdir(tu_tmp("root/mk"), 0755), 0);
    write_text(tu_tmp("root/mk/regress-slurm.sh"),
               "#!/bin/bash\n# a stand-in for the Slurm executor: the lines, one by one\n"
               "env | grep '^REGRESS_SLURM_' | sort > \"$1/env.txt\"\n"
               "while read -r line; do bash -c \"$line\" || exit 1; done < \"$1/jobs.txt\"\n"
               "exit ${FAKE_SLURM_RC:-0}\n");
    /* the local pool, from the real project folder */
    snprintf(cmd, sizeof(cmd), "%s/regress run --matrix %s --out %s --build %s --jobs 2", bin, ini,
             tu_tmp("local"), build);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    /* the slurm engine, from the stand-in's project folder */
    snprintf(cmd, sizeof(cmd),
             "cd %s && REGRESS_SLURM_CPUS=4 %s/regress run --matrix %s --out %s --build %s "
             "--engine slurm",
             root, bin, ini, tu_tmp("slurm"), build);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    char *env = read_text(tu_tmp("slurm/env.txt"));
    cr_assert_str_eq(env, "REGRESS_SLURM_CPUS=4\nREGRESS_SLURM_MEM=700\n"
                          "REGRESS_SLURM_PARTITION=fast\nREGRESS_SLURM_TIME=9\n");
    free(env);
    cJSON *m = read_json(tu_tmp("slurm/merged.json"));
    cr_assert_str_eq(jstr(m, "engine"), "slurm");
    cr_assert_eq(jnum(cJSON_GetObjectItem(m, "summary"), "passed"), 2);
    cJSON_Delete(m);
    snprintf(cmd, sizeof(cmd), "%s/regress compare %s %s", bin, tu_tmp("local/merged.json"),
             tu_tmp("slurm/merged.json"));
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    /* the script fails: so does the run, naming it */
    snprintf(cmd, sizeof(cmd),
             "cd %s && FAKE_SLURM_RC=3 %s/regress run --matrix %s --out %s --build %s "
             "--engine slurm --force",
             root, bin, ini, tu_tmp("slurm"), build);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 1, "%s", out);
    cr_assert(strstr(out, "mk/regress-slurm.sh") && strstr(out, "status 3"), "%s", out);
}
