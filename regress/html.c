/* html.c - the HTML index of a regression run (html.h).  The table is
 * static HTML; the charts are drawn by Chart.js from the merged result,
 * which the page carries as JSON in a <script type="application/json">
 * element (every '<', '>' and '&' in it written as a \u escape, so no
 * string in it can end the element). */
#include "regress/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/util.h"

/* ---------------------------------------------------------------- checks */

enum ftype { F_STR, F_NUM, F_BOOL, F_SEED, F_OBJ, F_ARR };

typedef struct field {
    const char *name;
    enum ftype type;
    int required; /* absent is an error */
    int nullable; /* null is allowed */
} field;

static const field top_fields[] = {
    {"matrix", F_STR, 1, 0},  {"matrix_file", F_STR, 0, 1}, {"engine", F_STR, 0, 1},
    {"summary", F_OBJ, 1, 0}, {"jobs", F_ARR, 1, 0},
};

static const field summary_fields[] = {
    {"jobs", F_NUM, 1, 0},   {"passed", F_NUM, 1, 0},  {"failed", F_NUM, 1, 0},
    {"errors", F_NUM, 1, 0}, {"skipped", F_NUM, 0, 1},
};

static const field job_fields[] = {
    {"id", F_STR, 1, 0},           {"net", F_STR, 0, 1},
    {"layer", F_STR, 1, 0},        {"config", F_STR, 1, 0},
    {"seed", F_SEED, 0, 1},        {"mode", F_STR, 0, 1},
    {"stress_seed", F_SEED, 0, 1}, {"backend", F_STR, 1, 0},
    {"planner", F_STR, 0, 1},      {"status", F_STR, 1, 0},
    {"cached", F_BOOL, 0, 1},      {"message", F_STR, 0, 1},
    {"cycles_model", F_NUM, 0, 1}, {"cycles_measured", F_NUM, 0, 1},
    {"macs", F_NUM, 0, 1},         {"compute_bound", F_NUM, 0, 1},
    {"utilisation", F_NUM, 0, 1},  {"report", F_STR, 0, 1},
    {"timeline", F_STR, 0, 1},     {"wave_cmd", F_STR, 0, 1},
    {"seconds", F_NUM, 0, 1},
};

static const char *type_name(enum ftype t)
{
    switch (t) {
    case F_STR:
        return "a string";
    case F_NUM:
        return "a number";
    case F_BOOL:
        return "true or false";
    case F_SEED:
        return "a number or a decimal string";
    case F_OBJ:
        return "an object";
    default:
        return "an array";
    }
}

static int type_ok(const cJSON *v, enum ftype t)
{
    switch (t) {
    case F_STR:
        return cJSON_IsString(v);
    case F_NUM:
        return cJSON_IsNumber(v);
    case F_BOOL:
        return cJSON_IsBool(v);
    case F_SEED:
        return cJSON_IsNumber(v) || cJSON_IsString(v);
    case F_OBJ:
        return cJSON_IsObject(v);
    default:
        return cJSON_IsArray(v);
    }
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Checks the fields of one object against a table; `where` is its path
 * ("", "summary.", "jobs[3]."). */
static int check_fields(const char *file, const char *where, const cJSON *obj, const field *fs,
                        size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, fs[i].name);
        if (!v) {
            if (fs[i].required)
                return fail(err, errlen, "%s: field '%s%s': missing", file, where, fs[i].name);
            continue;
        }
        if (cJSON_IsNull(v)) {
            if (!fs[i].nullable)
                return fail(err, errlen, "%s: field '%s%s': null, must be %s", file, where,
                            fs[i].name, type_name(fs[i].type));
            continue;
        }
        if (!type_ok(v, fs[i].type))
            return fail(err, errlen, "%s: field '%s%s': must be %s", file, where, fs[i].name,
                        type_name(fs[i].type));
    }
    return 0;
}

static int check_merged(const char *file, const cJSON *m, char *err, size_t errlen)
{
    if (!cJSON_IsObject(m))
        return fail(err, errlen, "%s: the merged result must be a JSON object", file);
    if (check_fields(file, "", m, top_fields, sizeof(top_fields) / sizeof(top_fields[0]), err,
                     errlen) ||
        check_fields(file, "summary.", cJSON_GetObjectItemCaseSensitive(m, "summary"),
                     summary_fields, sizeof(summary_fields) / sizeof(summary_fields[0]), err,
                     errlen))
        return -1;
    int i = 0;
    const cJSON *job;
    for (job = cJSON_GetObjectItemCaseSensitive(m, "jobs")->child; job; job = job->next) {
        char where[32];
        snprintf(where, sizeof(where), "jobs[%d].", i);
        if (!cJSON_IsObject(job))
            return fail(err, errlen, "%s: field 'jobs[%d]': must be an object", file, i);
        if (check_fields(file, where, job, job_fields, sizeof(job_fields) / sizeof(job_fields[0]),
                         err, errlen))
            return -1;
        const char *st = acc_json_str(job, "status");
        if (strcmp(st, "pass") && strcmp(st, "fail") && strcmp(st, "error"))
            return fail(err, errlen, "%s: field 'jobs[%d].status': '%s' is not pass, fail or error",
                        file, i, st);
        i++;
    }
    return 0;
}

/* ---------------------------------------------------------------- output */

/* JSON text inside <script>: '<', '>' and '&' as \u escapes.  They occur
 * only inside strings, where the escape means the same character. */
static void script_json(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<':
            fputs("\\u003c", f);
            break;
        case '>':
            fputs("\\u003e", f);
            break;
        case '&':
            fputs("\\u0026", f);
            break;
        default:
            fputc(*s, f);
        }
}

static const char *const page_style =
    "body{font-family:sans-serif;margin:24px;color:#222}"
    "h1{margin:0 0 4px}.meta{color:#555;margin:0 0 16px}"
    ".cards{display:flex;gap:12px;margin:12px 0 20px}"
    ".card{border:1px solid #ccc;border-radius:6px;padding:8px 16px;min-width:80px}"
    ".card b{display:block;font-size:22px}"
    ".verdict-pass{color:#2ca02c}.verdict-fail{color:#d62728}"
    "table{border-collapse:collapse;font-size:13px}"
    "th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}td.num{text-align:right}"
    "td.pass{background:#d8f0d8}td.fail{background:#f8d0d0}td.error{background:#fbe3c0}"
    ".chart{position:relative;height:320px;max-width:1100px;margin-bottom:24px}"
    "code{font-size:12px}button{font-size:11px}";

/* The charts: one per network and configuration, a bar series per run
 * variant (backend, planner, mode, seed) with the measured cycles (the
 * model's when nothing was measured), and the compute bound as a line. */
static const char *const page_script =
    "(function () {\n"
    "  'use strict';\n"
    "  if (typeof Chart === 'undefined') throw new Error('" REGRESS_CHARTJS_COPY
    " did not load');\n"
    "  var data = JSON.parse(document.getElementById('regress-data').textContent);\n"
    "  var colours = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948',\n"
    "                 '#ff9da7', '#9c755f'];\n"
    "  var layerNo = function (s) { var m = /_(\\d+)$/.exec(s); return m ? +m[1] : 0; };\n"
    "  var groups = {}, order = [];\n"
    "  data.jobs.forEach(function (j) {\n"
    "    var key = (j.net || 'layers run alone') + ' on ' + j.config;\n"
    "    if (!groups[key]) { groups[key] = []; order.push(key); }\n"
    "    groups[key].push(j);\n"
    "  });\n"
    "  var host = document.getElementById('charts');\n"
    "  order.forEach(function (key, gi) {\n"
    "    var jobs = groups[key], layers = [], variants = [], bound = {};\n"
    "    jobs.forEach(function (j) {\n"
    "      if (layers.indexOf(j.layer) < 0) layers.push(j.layer);\n"
    "      var v = [j.backend, j.planner, j.mode, 'seed ' + j.seed,\n"
    "               j.stress_seed !== null && j.stress_seed !== undefined ?\n"
    "               'stress ' + j.stress_seed : null].filter(Boolean).join(' ');\n"
    "      j._variant = v;\n"
    "      if (variants.indexOf(v) < 0) variants.push(v);\n"
    "      if (typeof j.compute_bound === 'number') bound[j.layer] = j.compute_bound;\n"
    "    });\n"
    "    layers.sort(function (a, b) { return layerNo(a) - layerNo(b) || (a < b ? -1 : 1); });\n"
    "    var sets = variants.map(function (v, vi) {\n"
    "      return {type: 'bar', label: v, backgroundColor: colours[vi % colours.length], "
    "maxBarThickness: 90,\n"
    "        data: layers.map(function (l) {\n"
    "          var j = jobs.find(function (x) { return x.layer === l && x._variant === v; });\n"
    "          if (!j) return null;\n"
    "          return typeof j.cycles_measured === 'number' ? j.cycles_measured : j.cycles_model;\n"
    "        })};\n"
    "    });\n"
    "    sets.push({type: 'line', label: 'compute bound ceil(MACs / (rows x cols))',\n"
    "      borderColor: '#d62728', backgroundColor: '#d62728', showLine: false, order: -1,\n"
    "      pointStyle: 'line', pointRadius: 22, pointHoverRadius: 24, borderWidth: 3,\n"
    "      data: layers.map(function (l) { return l in bound ? bound[l] : null; })});\n"
    "    var all = [];\n"
    "    sets.forEach(function (s) { s.data.forEach(function (y) { if (y > 0) all.push(y); }); "
    "});\n"
    "    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all);\n"
    "    var sec = document.createElement('section');\n"
    "    var h = document.createElement('h3');\n"
    "    h.textContent = key + ': cycles per layer';\n"
    "    var box = document.createElement('div');\n"
    "    box.className = 'chart';\n"
    "    var canvas = document.createElement('canvas');\n"
    "    canvas.id = 'chart-' + gi;\n"
    "    box.appendChild(canvas);\n"
    "    sec.appendChild(h);\n"
    "    sec.appendChild(box);\n"
    "    host.appendChild(sec);\n"
    "    new Chart(canvas, {data: {labels: layers, datasets: sets}, options: {\n"
    "      animation: false, responsive: true, maintainAspectRatio: false,\n"
    "      scales: {y: {type: all.length && hi / lo > 50 ? 'logarithmic' : 'linear',\n"
    "                   title: {display: true, text: 'cycles (measured, else the "
    "model\\'s)'}}}}});\n"
    "  });\n"
    "  if (!order.length) host.textContent = 'no jobs';\n"
    "  document.querySelectorAll('button.copy').forEach(function (b) {\n"
    "    b.addEventListener('click', function () {\n"
    "      var text = b.previousElementSibling.textContent;\n"
    "      var done = function () { b.textContent = 'copied'; };\n"
    "      if (navigator.clipboard) navigator.clipboard.writeText(text).then(done, function () "
    "{});\n"
    "    });\n"
    "  });\n"
    "  var only = document.getElementById('only-failed');\n"
    "  only.addEventListener('change', function () {\n"
    "    document.querySelectorAll('#jobs tbody tr').forEach(function (tr) {\n"
    "      tr.hidden = only.checked && tr.dataset.status === 'pass';\n"
    "    });\n"
    "  });\n"
    "})();\n";

static void card(FILE *f, const char *name, double v)
{
    fprintf(f, "<div class=\"card\" id=\"count-%s\"><b>%.0f</b>%s</div>\n", name, v, name);
}

static void cell_num(FILE *f, const cJSON *job, const char *name, const char *fmt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(job, name);
    fputs("<td class=\"num\">", f);
    if (cJSON_IsNumber(v))
        fprintf(f, fmt, v->valuedouble);
    fputs("</td>", f);
}

static void cell_text(FILE *f, const char *s)
{
    fputs("<td>", f);
    acc_xml_escape(f, s);
    fputs("</td>", f);
}

static void job_row(FILE *f, const cJSON *job)
{
    const char *st = acc_json_str(job, "status");
    const cJSON *cached = cJSON_GetObjectItemCaseSensitive(job, "cached");
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(job, "seed");
    fprintf(f, "<tr data-status=\"%s\"><td class=\"%s\">%s%s</td>", st, st, st,
            cJSON_IsTrue(cached) ? " (cached)" : "");
    cell_text(f, acc_json_str(job, "id"));
    cell_text(f, acc_json_str(job, "layer"));
    cell_text(f, acc_json_str(job, "config"));
    if (cJSON_IsNumber(seed))
        fprintf(f, "<td class=\"num\">%.0f</td>", seed->valuedouble);
    else
        cell_text(f, acc_json_str(job, "seed"));
    cell_text(f, acc_json_str(job, "mode"));
    cell_text(f, acc_json_str(job, "backend"));
    cell_text(f, acc_json_str(job, "planner"));
    cell_num(f, job, "cycles_model", "%.0f");
    cell_num(f, job, "cycles_measured", "%.0f");
    cell_num(f, job, "compute_bound", "%.0f");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(job, "utilisation");
    if (cJSON_IsNumber(u))
        fprintf(f, "<td class=\"num\">%.1f%%</td>", 100.0 * u->valuedouble);
    else
        fputs("<td></td>", f);
    cell_num(f, job, "seconds", "%.2f");
    cell_text(f, acc_json_str(job, "message"));
    fputs("<td>", f);
    const char *links[2][2] = {{"report", "report"}, {"timeline", "timeline"}};
    for (int k = 0; k < 2; k++) {
        const char *href = acc_json_str(job, links[k][0]);
        if (!href)
            continue;
        fputs("<a href=\"", f);
        acc_xml_escape(f, href);
        fprintf(f, "\">%s</a> ", links[k][1]);
    }
    fputs("</td><td>", f);
    const char *wave = acc_json_str(job, "wave_cmd");
    if (wave) {
        fputs("<code>", f);
        acc_xml_escape(f, wave);
        fputs("</code> <button class=\"copy\" type=\"button\">copy</button>", f);
    }
    fputs("</td></tr>\n", f);
}

static void page(FILE *f, const cJSON *m, const char *json)
{
    const cJSON *sum = cJSON_GetObjectItemCaseSensitive(m, "summary");
    const char *matrix = acc_json_str(m, "matrix");
    double failed = acc_json_num(sum, "failed", 0), errors = acc_json_num(sum, "errors", 0);
    int ok = failed == 0 && errors == 0;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
          "Regression ",
          f);
    acc_xml_escape(f, matrix);
    fprintf(f, "</title>\n<style>%s</style>\n<script src=\"%s\"></script>\n</head>\n<body>\n",
            page_style, REGRESS_CHARTJS_COPY);
    fputs("<h1>Regression ", f);
    acc_xml_escape(f, matrix);
    fprintf(f, ": <span id=\"verdict\" class=\"verdict-%s\">%s</span></h1>\n<p class=\"meta\">",
            ok ? "pass" : "fail", ok ? "PASS" : "FAIL");
    if (acc_json_str(m, "matrix_file")) {
        fputs("matrix file <code>", f);
        acc_xml_escape(f, acc_json_str(m, "matrix_file"));
        fputs("</code>, ", f);
    }
    fputs("executor ", f);
    acc_xml_escape(f, acc_json_str(m, "engine") ? acc_json_str(m, "engine") : "?");
    fputs("; merged result <a href=\"merged.json\">merged.json</a></p>\n<div class=\"cards\">\n",
          f);
    card(f, "jobs", acc_json_num(sum, "jobs", 0));
    card(f, "passed", acc_json_num(sum, "passed", 0));
    card(f, "failed", failed);
    card(f, "errors", errors);
    card(f, "skipped", acc_json_num(sum, "skipped", 0));
    fputs("</div>\n<h2>Cycles per layer against the compute bound</h2>\n<div id=\"charts\"></div>\n"
          "<h2>Jobs</h2>\n<p><label><input type=\"checkbox\" id=\"only-failed\"> only failed and "
          "errors</label> (skipped: the result of an earlier run whose inputs did not change)</p>\n"
          "<table id=\"jobs\">\n<thead><tr><th>status</th><th>job</th><th>layer</th><th>config</th>"
          "<th>seed</th><th>mode</th><th>backend</th><th>planner</th><th>model cycles</th>"
          "<th>measured</th><th>compute bound</th><th>utilisation</th><th>seconds</th>"
          "<th>message</th><th>files</th><th>waveform</th></tr></thead>\n<tbody>\n",
          f);
    const cJSON *job;
    for (job = cJSON_GetObjectItemCaseSensitive(m, "jobs")->child; job; job = job->next)
        job_row(f, job);
    fputs("</tbody>\n</table>\n<script type=\"application/json\" id=\"regress-data\">", f);
    script_json(f, json);
    fprintf(f, "</script>\n<script>\n%s</script>\n</body>\n</html>\n", page_script);
}

int regress_html_write(const char *dir, const cJSON *merged, char *err, size_t errlen)
{
    ACC_REQUIRE(dir && merged);
    char file[4096];
    snprintf(file, sizeof(file), "%s/merged.json", dir);
    return regress_html_write_from(dir, merged, file, err, errlen);
}

int regress_html_write_from(const char *dir, const cJSON *merged, const char *source, char *err,
                            size_t errlen)
{
    ACC_REQUIRE(dir && merged && source);
    char path[4096];
    if (check_merged(source, merged, err, errlen))
        return -1;
    const char *src = getenv("ACC_CHARTJS");
    if (!src || !*src)
        src = REGRESS_CHARTJS;
    acc_error e;
    size_t len = 0;
    char *chart = acc_read_file_max(src, (size_t)16 << 20, &len, &e);
    if (!chart)
        return fail(err, errlen, "%s (Chart.js, Debian's libjs-chart.js: make deps)", e.msg);
    acc_json_init();
    char *json = cJSON_PrintUnformatted(merged);
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    if (!f || !json) {
        fprintf(stderr, "fatal: out of memory rendering %s/index.html\n", dir);
        exit(2);
    }
    page(f, merged, json);
    if (fclose(f) != 0) {
        fprintf(stderr, "fatal: out of memory rendering %s/index.html\n", dir);
        exit(2);
    }
    free(json);
    int rc = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, REGRESS_CHARTJS_COPY);
    if (acc_write_file(path, chart, len, &e) == 0) {
        snprintf(path, sizeof(path), "%s/index.html", dir);
        if (acc_write_file(path, text, tlen, &e))
            rc = -1;
    } else {
        rc = -1;
    }
    if (rc)
        fail(err, errlen, "%s", e.msg);
    free(chart);
    free(text);
    return rc;
}
