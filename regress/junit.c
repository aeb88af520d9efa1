/* junit.c - the JUnit XML file of a regression run (merge.h): the layout
 * that Ant's junit task writes and Jenkins, GitLab and most CI dashboards
 * read (tests/data/junit.xsd is that schema, and tests/test_regress.c
 * validates every file against it). */
#include "regress/merge.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/json.h"
#include "core/util.h"

static void put_testcase(FILE *f, const cJSON *j)
{
    const char *id = acc_json_str(j, "id");
    const char *net = acc_json_str(j, "net");
    const char *layer = acc_json_str(j, "layer");
    const char *st = acc_json_str(j, "status");
    const char *msg = acc_json_str(j, "message");
    const char *report = acc_json_str(j, "report");
    fputs("    <testcase classname=\"", f);
    acc_xml_escape(f, net && net[0] ? net : layer);
    fputs("\" name=\"", f);
    acc_xml_escape(f, id);
    fprintf(f, "\" time=\"%.3f\">\n", acc_json_num(j, "seconds", 0));
    if (st && strcmp(st, "pass") != 0) {
        int fail = strcmp(st, "fail") == 0;
        fprintf(f, "      <%s message=\"", fail ? "failure" : "error");
        acc_xml_escape(f, msg ? msg : st);
        fprintf(f, "\" type=\"%s\">", fail ? "mismatch" : "error");
        acc_xml_escape(f, msg ? msg : st);
        fprintf(f, "</%s>\n", fail ? "failure" : "error");
    }
    fputs("      <system-out>report: ", f);
    acc_xml_escape(f, report ? report : "(none)");
    fputs("&#10;waveform: ", f);
    acc_xml_escape(f, acc_json_str(j, "wave_cmd"));
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "cached")))
        fputs("&#10;cached: the result of an earlier run with the same key", f);
    fputs("</system-out>\n    </testcase>\n", f);
}

int regress_junit_write(const char *path, const cJSON *merged, acc_error *err)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    ACC_REQUIRE(f != NULL);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(merged, "summary");
    const cJSON *jobs = cJSON_GetObjectItemCaseSensitive(merged, "jobs");
    double total = 0;
    const cJSON *j;
    cJSON_ArrayForEach(j, jobs)
    {
        total += acc_json_num(j, "seconds", 0);
    }
    char stamp[32], host[256];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    if (gethostname(host, sizeof(host)) != 0 || !host[0])
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fputs("<testsuites name=\"regress ", f);
    acc_xml_escape(f, acc_json_str(merged, "matrix"));
    fprintf(f, "\" tests=\"%.0f\" failures=\"%.0f\" errors=\"%.0f\" time=\"%.3f\">\n",
            acc_json_num(s, "jobs", 0), acc_json_num(s, "failed", 0), acc_json_num(s, "errors", 0),
            total);
    fputs("  <testsuite name=\"", f);
    acc_xml_escape(f, acc_json_str(merged, "matrix"));
    fprintf(f,
            "\" package=\"regress\" id=\"0\" tests=\"%.0f\" failures=\"%.0f\" errors=\"%.0f\" "
            "skipped=\"0\" time=\"%.3f\" timestamp=\"%s\" hostname=\"",
            acc_json_num(s, "jobs", 0), acc_json_num(s, "failed", 0), acc_json_num(s, "errors", 0),
            total, stamp);
    acc_xml_escape(f, host);
    fputs("\">\n    <properties>\n", f);
    static const char *const props[] = {"matrix", "matrix_file", "engine"};
    for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
        fprintf(f, "      <property name=\"%s\" value=\"", props[i]);
        acc_xml_escape(f, acc_json_str(merged, props[i]));
        fputs("\"/>\n", f);
    }
    fprintf(f, "      <property name=\"cached\" value=\"%.0f\"/>\n", acc_json_num(s, "skipped", 0));
    cJSON_ArrayForEach(j, jobs)
    {
        fputs("      <property name=\"report:", f);
        acc_xml_escape(f, acc_json_str(j, "id"));
        fputs("\" value=\"", f);
        acc_xml_escape(f, acc_json_str(j, "report") ? acc_json_str(j, "report") : "");
        fputs("\"/>\n", f);
    }
    fputs("    </properties>\n", f);
    cJSON_ArrayForEach(j, jobs)
    {
        put_testcase(f, j);
    }
    fputs("    <system-out></system-out>\n    <system-err></system-err>\n", f);
    fputs("  </testsuite>\n</testsuites>\n", f);
    fclose(f);
    int rc = acc_write_file(path, buf, size, err);
    free(buf);
    return rc;
}
