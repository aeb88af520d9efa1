/* test_pages.c - the HTML index (regress/html.h) and the SVG timelines
 * (cosim/timeline.h) in a real browser: Debian's chromium, headless.  A
 * page passes when chromium loads it with no uncaught JavaScript error (its
 * console, --enable-logging=stderr), no XML error (an SVG), and every link
 * and resource of the DOM it holds after its scripts ran (--dump-dom)
 * exists; each linked SVG is loaded the same way.  The checker is shown to
 * fail on a page with a JavaScript error, one whose script adds a broken
 * link, and a malformed SVG.  Screenshots of the index and a timeline go to
 * $ACC_PAGES_OUT (default build/test-out/pages).
 *
 * Without chromium the tests are skipped, except under CI (CI set and not
 * "false" or "0"), where they fail: CI installs it (mk/deps.sh). */
#include <criterion/criterion.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "cosim/timeline.h"
#include "tests/testutil.h"

TestSuite(pages, .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 300);

/* chromium's path, or NULL (the test is then skipped, or fails under CI). */
static const char *chromium(void)
{
    const char *env = getenv("ACC_CHROMIUM");
    const char *path = env && *env ? env : "/usr/bin/chromium";
    if (access(path, X_OK) == 0)
        return path;
    const char *ci = getenv("CI");
    if (ci && *ci && strcmp(ci, "false") != 0 && strcmp(ci, "0") != 0)
        cr_assert_fail("%s not found: CI must have chromium (mk/deps.sh installs it)", path);
    cr_skip_test("%s not found: install chromium (make deps) to check the pages", path);
    return NULL;
}

/* Runs chromium headless on a file with `extra` arguments (--dump-dom or
 * --screenshot=...); its stdout goes to <tmp>/dom.txt and stderr to
 * <tmp>/log.txt.  A time limit keeps it from hanging. */
static int browse(const char *file, const char *extra)
{
    char cmd[4096];
    snprintf(cmd, sizeof(cmd),
             "timeout 60 '%s' --headless --no-sandbox --disable-gpu --hide-scrollbars "
             "--no-first-run --user-data-dir='%s' --enable-logging=stderr --v=0 "
             "--virtual-time-budget=5000 %s 'file://%s' > '%s' 2> '%s'",
             chromium(), tu_tmp("profile"), extra, file, tu_tmp("dom.txt"), tu_tmp("log.txt"));
    return system(cmd);
}

static char *slurp(const char *path)
{
    acc_error e;
    char *text = acc_read_file(path, NULL, &e);
    cr_assert_not_null(text, "%s", e.msg);
    return text;
}

typedef struct check {
    char why[1024]; /* the first problem, "" = none */
    int links;      /* links and resources checked */
    int pages;      /* pages loaded (the page and the SVGs it links) */
    char dom[64];   /* the last DOM dumped, for the caller */
} check;

static int check_page(const char *file, int depth, check *c);

/* A target relative to the page's folder: it must exist; an SVG is
 * loaded too while depth > 0. */
static void check_link(const char *file, const char *target, int depth, check *c)
{
    if (c->why[0] || !target[0] || target[0] == '#' || strstr(target, "://") ||
        strncmp(target, "data:", 5) == 0 || strncmp(target, "mailto:", 7) == 0)
        return;
    char rel[1024], path[2048];
    size_t n = 0;
    for (const char *p = target; *p && *p != '#' && *p != '?' && n + 1 < sizeof(rel); p++) {
        unsigned int ch;
        if (p[0] == '%' && sscanf(p + 1, "%2x", &ch) == 1) {
            rel[n++] = (char)ch;
            p += 2;
        } else {
            rel[n++] = *p;
        }
    }
    rel[n] = '\0';
    const char *slash = strrchr(file, '/');
    snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - file), file, rel);
    c->links++;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(c->why, sizeof(c->why), "%.300s: broken link '%.300s' (%.300s)", file, target,
                 path);
        return;
    }
    size_t len = strlen(rel);
    if (depth > 0 && len > 4 && strcmp(rel + len - 4, ".svg") == 0)
        check_page(path, depth - 1, c);
}

static void walk(const char *file, xmlNodePtr node, int depth, check *c)
{
    for (; node && !c->why[0]; node = node->next) {
        if (node->type == XML_ELEMENT_NODE)
            for (xmlAttrPtr a = node->properties; a; a = a->next) {
                if (strcmp((const char *)a->name, "href") && strcmp((const char *)a->name, "src"))
                    continue;
                xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
                check_link(file, v ? (const char *)v : "", depth, c);
                xmlFree(v);
            }
        walk(file, node->children, depth, c);
    }
}

/* Loads `file` (absolute) in chromium: no uncaught JavaScript error, no XML
 * error, every link of its DOM after scripts ran exists (and linked SVGs
 * pass, down to `depth` levels).  0, or -1 with c->why. */
static int check_page(const char *file, int depth, check *c)
{
    if (c->why[0])
        return -1;
    c->pages++;
    int rc = browse(file, "--dump-dom");
    if (rc != 0) {
        snprintf(c->why, sizeof(c->why), "%s: chromium exit status %d", file, rc);
        return -1;
    }
    char *log = slurp(tu_tmp("log.txt"));
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, "CONSOLE") && strstr(line, "Uncaught")) {
            snprintf(c->why, sizeof(c->why), "%s: JavaScript error: %s", file, line);
            break;
        }
    free(log);
    if (c->why[0])
        return -1;
    char *dom = slurp(tu_tmp("dom.txt"));
    snprintf(c->dom, sizeof(c->dom), "%s", tu_tmp("dom.txt"));
    const char *err = strstr(dom, "<parsererror");
    if (err)
        snprintf(c->why, sizeof(c->why), "%s: XML error: %.300s", file, err);
    else if (!strstr(dom, "</"))
        snprintf(c->why, sizeof(c->why), "%s: chromium dumped no DOM", file);
    size_t len = strlen(file);
    int svg = len > 4 && strcmp(file + len - 4, ".svg") == 0;
    xmlDocPtr doc = NULL;
    if (!c->why[0]) {
        doc = svg ? xmlReadMemory(dom, (int)strlen(dom), file, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
                  : htmlReadMemory(dom, (int)strlen(dom), file, "UTF-8",
                                   HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
        if (!doc)
            snprintf(c->why, sizeof(c->why), "%s: its DOM does not parse", file);
    }
    free(dom);
    if (doc) {
        walk(file, xmlDocGetRootElement(doc), depth, c);
        xmlFreeDoc(doc);
    }
    return c->why[0] ? -1 : 0;
}

/* Runs a command; fails the test unless it exits 0. */
static void run_ok(const char *cmd)
{
    char out[8192];
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s:\n%s", cmd, out);
}

/* The fixture's regression folder: the real runs its jobs link to (the
 * iss backend), the fixture's merged.json and the index.  Returns DIR. */
static const char *make_index(void)
{
    static const char *const runs[][3] = {
        {"lenet_1", "small", "1"},
        {"lenet_2", "small", "1"},
        {"lenet_2", "small", "2"},
        {"resnet_3", "default", "1"},
    };
    const char *data = getenv("ACC_TEST_DATA") ? getenv("ACC_TEST_DATA") : "tests/data";
    char dir[256], cmd[2048];
    snprintf(dir, sizeof(dir), "%s", tu_tmp("regress"));
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        snprintf(cmd, sizeof(cmd),
                 "%s/cosim --backend iss --layer %s --config %s --seed %s --planner double "
                 "--no-progress --out %s/jobs/%s.%s.s%s.timing.iss.double",
                 tu_bin_dir(), runs[i][0], runs[i][1], runs[i][2], dir, runs[i][0], runs[i][1],
                 runs[i][2]);
        run_ok(cmd);
    }
    snprintf(cmd, sizeof(cmd), "cp %s/regress_index/merged.json %s/ && %s/regress_html %s", data,
             dir, tu_bin_dir(), dir);
    run_ok(cmd);
    return tu_tmp("regress");
}

static int occurrences(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* A screenshot into $ACC_PAGES_OUT (default build/test-out/pages). */
static void screenshot(const char *file, const char *png, const char *size)
{
    const char *out = getenv("ACC_PAGES_OUT") ? getenv("ACC_PAGES_OUT") : "build/test-out/pages";
    char cmd[1024], path[1024], extra[1200];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", out);
    run_ok(cmd);
    snprintf(path, sizeof(path), "%s/%s", out, png);
    remove(path);
    snprintf(extra, sizeof(extra), "--screenshot='%s' --window-size=%s", path, size);
    cr_assert_eq(browse(file, extra), 0, "screenshot of %s", file);
    struct stat st;
    cr_assert(stat(path, &st) == 0 && st.st_size > 1000, "no screenshot %s", path);
}

Test(pages, the_index_and_its_timelines_load_without_errors_or_broken_links)
{
    chromium();
    char dir[256], index[512];
    snprintf(dir, sizeof(dir), "%s", make_index());
    snprintf(index, sizeof(index), "%s/index.html", dir);
    check c = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(index, 1, &c), 0, "%s", c.why);
    /* merged.json, chart.min.js, 4 reports and 4 timelines; each timeline
     * loaded */
    cr_assert_eq(c.links, 10, "%d links", c.links);
    cr_assert_eq(c.pages, 5, "%d pages", c.pages);

    /* after the scripts ran: one chart per network and configuration, the
     * fixture's message as text (not markup), five rows */
    check again = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(index, 0, &again), 0, "%s", again.why);
    char *dom = slurp(again.dom);
    cr_assert_eq(occurrences(dom, "<canvas"), 2, "the charts were not drawn");
    cr_assert(strstr(dom, "could not run: &lt;/script&gt;&lt;b&gt;not markup&lt;/b&gt;"), "%s",
              dom);
    cr_assert_null(strstr(dom, "<b>not markup</b>"));
    cr_assert_eq(occurrences(dom, "<tr data-status="), 5);
    free(dom);

    screenshot(index, "index.png", "1400,1500");
    char svg[512];
    snprintf(svg, sizeof(svg), "%s/jobs/resnet_3.default.s1.timing.iss.double/timeline.svg", dir);
    screenshot(svg, "timeline.png", "1280,408");

    /* the folder moved elsewhere still works: every link is relative */
    char moved[256], cmd[1200];
    snprintf(moved, sizeof(moved), "%s", tu_tmp("moved"));
    snprintf(cmd, sizeof(cmd), "mv '%s' '%s'", dir, moved);
    run_ok(cmd);
    snprintf(index, sizeof(index), "%s/index.html", moved);
    check m = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(index, 0, &m), 0, "%s", m.why);
    cr_assert_eq(m.links, 10);
}

/* The index of a real regression (tests/data/regress_tiny.ini: jobs that
 * pass on the iss and the small RTL, one whose outputs differ, one that
 * cannot run) loads with every link whole, one chart and a row per job. */
Test(pages, the_index_of_a_real_regression_loads)
{
    chromium();
    const char *rtl = getenv("ACC_RTL_SMALL") ? getenv("ACC_RTL_SMALL") : "build/rtl/small/cosim";
    if (access(rtl, X_OK) != 0)
        cr_skip_test("%s is not built (make build/rtl/small/cosim)", rtl);
    const char *data = getenv("ACC_TEST_DATA") ? getenv("ACC_TEST_DATA") : "tests/data";
    char dir[256], cmd[2048], out[8192];
    snprintf(dir, sizeof(dir), "%s", tu_tmp("real"));
    snprintf(cmd, sizeof(cmd),
             "%s/regress run --matrix %s/regress_tiny.ini --out %s --build %s/.. --jobs 2",
             tu_bin_dir(), data, dir, tu_bin_dir());
    /* exit 1: two of the four jobs do not pass */
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 1, "%s:\n%s", cmd, out);
    char index[512];
    snprintf(index, sizeof(index), "%s/index.html", dir);
    check c = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(index, 1, &c), 0, "%s", c.why);
    /* merged.json, chart.min.js, the reports of the three jobs that ran
     * (the fourth stopped before it had one) and the timelines of the two
     * that passed (the broken schedule fails the validator: no model times,
     * no timeline), each timeline loaded too */
    cr_assert_eq(c.links, 7, "%d links", c.links);
    cr_assert_eq(c.pages, 3, "%d pages", c.pages);
    check again = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(index, 0, &again), 0, "%s", again.why);
    char *dom = slurp(again.dom);
    cr_assert_eq(occurrences(dom, "<canvas"), 1, "one network and configuration: one chart");
    cr_assert_eq(occurrences(dom, "<tr data-status="), 4);
    cr_assert_eq(occurrences(dom, "<tr data-status=\"fail\""), 1);
    cr_assert_eq(occurrences(dom, "<tr data-status=\"error\""), 1);
    free(dom);
}

/* Writes a page into the test's folder; returns its path. */
static const char *page(const char *name, const char *text)
{
    const char *path = tu_tmp(name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

Test(pages, the_checker_catches_a_javascript_error)
{
    chromium();
    page("ok.html", "<!DOCTYPE html><html><body><p>fine</p></body></html>");
    check ok = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(tu_tmp("ok.html"), 1, &ok), 0, "%s", ok.why);
    const char *bad = page("bad.html", "<!DOCTYPE html><html><body><p>x</p>"
                                       "<script>document.title = noSuchFunction();</script>"
                                       "</body></html>");
    check c = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(bad, 1, &c), -1);
    cr_assert(strstr(c.why, "Uncaught ReferenceError: noSuchFunction"), "%s", c.why);
}

Test(pages, the_checker_catches_a_broken_link_made_by_a_script)
{
    chromium();
    page("there.json", "{}");
    const char *bad =
        page("links.html", "<!DOCTYPE html><html><body><a href=\"there.json\">ok</a><div id=\"d\">"
                           "</div><script>document.getElementById('d').innerHTML = "
                           "'<a href=\"jobs/x/timeline.svg\">gone</a>';</script></body></html>");
    check c = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(bad, 1, &c), -1);
    cr_assert(strstr(c.why, "broken link 'jobs/x/timeline.svg'"), "%s", c.why);
    cr_assert_eq(c.links, 2);
}

Test(pages, the_checker_catches_a_malformed_svg)
{
    chromium();
    page("bad.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect></svg>");
    const char *html = page("svg.html", "<!DOCTYPE html><html><body><a href=\"bad.svg\">t</a>"
                                        "</body></html>");
    check c = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(html, 1, &c), -1);
    cr_assert(strstr(c.why, "bad.svg: XML error"), "%s", c.why);
}

/* A timeline whose measured times part from the model's at one
 * instruction (written through cosim_timeline_save): it renders, with its
 * mark, and its screenshot shows the mark. */
Test(pages, a_timeline_with_a_mismatch_renders_with_its_mark)
{
    chromium();
    enum { TILES = 6, N = 3 * TILES + 1 };
    acc_program p;
    acc_program_init(&p);
    int64_t ps[N], pe[N], ms[N], me[N];
    uint64_t live[N];
    int64_t t = 12;
    for (int k = 0; k < TILES; k++) {
        acc_opcode ops[3] = {ACC_OP_LOAD, ACC_OP_COMPUTE, ACC_OP_STORE};
        int64_t d[3] = {40, 300, 30};
        for (int j = 0; j < 3; j++) {
            acc_instr in;
            memset(&in, 0, sizeof(in));
            in.op = ops[j];
            acc_program_push(&p, &in);
            int i = 3 * k + j;
            ps[i] = j == 0 ? t : pe[i - 1];
            pe[i] = ps[i] + d[j];
            live[i] = j == 0 ? 600 : j == 1 ? 900 : 300;
        }
        t = pe[3 * k] + 1;
        t = t > pe[3 * k + 1] - 40 ? t : pe[3 * k + 1] - 40;
    }
    tu_push_end(&p);
    ps[N - 1] = pe[N - 2];
    pe[N - 1] = ps[N - 1] + 1;
    live[N - 1] = 0;
    for (int i = 0; i < N; i++) {
        int late = i >= 7 ? 9 : 0; /* the third tile's COMPUTE ends 9 cycles late */
        ms[i] = ps[i] + (i > 7 ? late : 0);
        me[i] = pe[i] + late;
    }
    cosim_timeline tl = {.layer = "synthetic",
                         .config = "small",
                         .backend = "rtl",
                         .planner = "double",
                         .verdict = "FAIL",
                         .prog = &p,
                         .pred_start = ps,
                         .pred_end = pe,
                         .meas_start = ms,
                         .meas_end = me,
                         .meas_count = N,
                         .live_end = live,
                         .spad_bytes = 4096,
                         .mark = COSIM_TL_MARK_MISMATCH};
    char path[256];
    snprintf(path, sizeof(path), "%s", tu_tmp("timeline.svg"));
    acc_error e;
    cr_assert_eq(cosim_timeline_save(path, &tl, &e), 0, "%s", e.msg);
    acc_program_free(&p);
    check c = {{0}, 0, 0, {0}};
    cr_assert_eq(check_page(path, 0, &c), 0, "%s", c.why);
    char *dom = slurp(c.dom);
    cr_assert(strstr(dom, "id=\"mismatch\" data-index=\"7\""), "no mark at instruction 7");
    free(dom);
    screenshot(path, "timeline-mismatch.png", "1280,408");
}
