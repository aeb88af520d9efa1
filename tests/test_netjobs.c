/* test_netjobs.c - a network run with its layers in worker processes
 * (cosim_run_net with jobs > 1, `cosim --net --jobs N`, docs/cosim.md
 * "Networks"): the same table, net_<net>.json and per-layer reports as
 * one process running the layers one after another (apart from the
 * reports' timings), rows in layer order; a layer that fails a check, that
 * cannot run (past a ceiling) or whose worker dies fails the run in its
 * own row; a terminated run stops every worker.  The rtl backend's test
 * is skipped when build/rtl/small/cosim is not built. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cosim/harness.h"
#include "model/model.h"
#include "tests/testutil.h"

/* ---------------------------------------------------------------- fixtures */

static void make_tmpdir(void)
{
    tu_tmpdir_make();
    char cache[300];
    snprintf(cache, sizeof(cache), "%s/cache", tu_tmpdir);
    setenv("ACC_PLAN_CACHE", cache, 1); /* the sat planner's cache, shared by the runs */
}

static char *read_text(const char *path)
{
    acc_error err;
    char *t = acc_read_file(path, NULL, &err);
    cr_assert_not_null(t, "%s", err.msg);
    return t;
}

/* The five layers of layers/lenet.csv, in file order. */
static const char *const lenet[] = {"lenet_1", "lenet_2", "lenet_3", "lenet_4", "lenet_5"};

/* net_<net>.json's per-layer statuses, in its order, as "lenet_1:pass ..." */
static void statuses(const char *json, char *out, size_t size)
{
    cJSON *j = cJSON_Parse(json);
    cr_assert_not_null(j, "%s", json);
    out[0] = '\0';
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(j, "layers"))
    {
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s:%s", n ? " " : "",
                 cJSON_GetObjectItem(o, "layer")->valuestring,
                 cJSON_GetObjectItem(o, "status")->valuestring);
    }
    cJSON_Delete(j);
}

/* A layer's report.json without its timings (backend_seconds,
 * wall_seconds), re-printed. */
static char *report_sans_timings(const char *root, const char *layer)
{
    char path[600];
    snprintf(path, sizeof(path), "%s/%s/report.json", root, layer);
    char *t = read_text(path);
    cJSON *j = cJSON_Parse(t);
    free(t);
    cr_assert_not_null(j, "%s", path);
    cJSON_DeleteItemFromObject(j, "backend_seconds");
    cJSON_DeleteItemFromObject(j, "wall_seconds");
    char *s = cJSON_Print(j);
    cJSON_Delete(j);
    return s;
}

/* ---------------------------------------------------------------- in-process runs */

/* One network run into root `out` with `jobs`; returns its status, the
 * table in *table (caller frees) and net_lenet.json in *json. */
static int run_lenet(const char *out, int jobs, const cosim_backend *be, char **table, char **json)
{
    cosim_run_config rc;
    memset(&rc, 0, sizeof(rc));
    rc.config = "small";
    rc.seed = 5;
    rc.out_dir = out;
    rc.jobs = jobs;
    rc.backend_impl = be;
    size_t len = 0;
    rc.summary = open_memstream(table, &len);
    acc_error err;
    int r = cosim_run_net("lenet", &rc, &err);
    fclose(rc.summary);
    cr_assert_geq(r, 0, "%s", err.msg);
    char path[600];
    snprintf(path, sizeof(path), "%s/net_lenet.json", out);
    *json = read_text(path);
    return r;
}

/* Runs lenet with jobs 1, then with `jobs` into the same root; both
 * statuses must be `want`, and the tables, net_lenet.json and every
 * layer's report (without timings) equal.  Returns net_lenet.json. */
static char *same_with_jobs(int jobs, const cosim_backend *be, int want)
{
    char *t1, *j1, *tn, *jn;
    int r1 = run_lenet(tu_tmp("net"), 1, be, &t1, &j1);
    char *rep1[5];
    for (int i = 0; i < 5; i++)
        rep1[i] = report_sans_timings(tu_tmp("net"), lenet[i]);
    int rn = run_lenet(tu_tmp("net"), jobs, be, &tn, &jn);
    cr_assert_eq(r1, want, "jobs 1: status %d\n%s", r1, t1);
    cr_assert_eq(rn, want, "jobs %d: status %d\n%s", jobs, rn, tn);
    cr_assert_str_eq(tn, t1, "the tables of jobs %d and jobs 1 differ", jobs);
    cr_assert_str_eq(jn, j1, "net_lenet.json of jobs %d and jobs 1 differ", jobs);
    for (int i = 0; i < 5; i++) {
        char *rn_i = report_sans_timings(tu_tmp("net"), lenet[i]);
        cr_assert_str_eq(rn_i, rep1[i], "%s/report.json differs", lenet[i]);
        free(rn_i);
        free(rep1[i]);
    }
    /* the table's rows in layer order */
    const char *at = t1;
    for (int i = 0; i < 5; i++) {
        const char *row = strstr(at, lenet[i]);
        cr_assert_not_null(row, "%s missing or out of order:\n%s", lenet[i], t1);
        at = row + strlen(lenet[i]);
    }
    free(t1);
    free(tn);
    free(jn);
    return j1;
}

Test(net_jobs, three_workers_give_the_table_summary_and_reports_of_one_process, .init = make_tmpdir,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    char *json = same_with_jobs(3, NULL, 0);
    char st[256];
    statuses(json, st, sizeof(st));
    cr_assert_str_eq(st, "lenet_1:pass lenet_2:pass lenet_3:pass lenet_4:pass lenet_5:pass");
    free(json);
}

/* A measuring backend that runs the iss, reports the model's cycles, and
 * misbehaves on the layer whose STOREs write `target_y` bytes: lenet_5's
 * output (10 filters, 1x1, int32) is 40 bytes, lenet_4's (84, 1x1) 336;
 * every other layer of lenet writes more. */
static struct {
    uint64_t target_y;
    int crash; /* die by SIGKILL instead of reporting a cycle late */
} fake;

static int fake_run(const acc_program *p, const acc_config *cfg, const acc_memmap *mm,
                    acc_dram *mem, const cosim_options *opt, cosim_result *res, acc_error *err)
{
    int rc = cosim_backend_find("iss")->run(p, cfg, mm, mem, opt, res, err);
    if (rc != 0)
        return rc;
    model_timing t;
    if (model_run(p, cfg, &t, err) != 0)
        return -1;
    res->measured = 1;
    res->count = p->count;
    res->start = malloc((size_t)p->count * sizeof(int64_t));
    res->end = malloc((size_t)p->count * sizeof(int64_t));
    memcpy(res->start, t.start, (size_t)p->count * sizeof(int64_t));
    memcpy(res->end, t.end, (size_t)p->count * sizeof(int64_t));
    res->cycles = t.makespan;
    model_timing_free(&t);
    uint64_t y = 0;
    for (int i = 0; i < p->count; i++)
        if (p->ins[i].op == ACC_OP_STORE)
            y += (uint64_t)p->ins[i].u.dma.n0 * p->ins[i].u.dma.n1 * p->ins[i].u.dma.n2;
    if (y == fake.target_y && fake.crash)
        raise(SIGKILL);
    if (y == fake.target_y)
        res->end[0] += 1;
    return 0;
}

static const cosim_backend fake_backend = {"fake", fake_run};

Test(net_jobs, a_layer_that_fails_a_check_fails_the_run_in_its_own_row, .init = make_tmpdir,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    fake.target_y = 40; /* lenet_5 */
    fake.crash = 0;
    char *json = same_with_jobs(3, &fake_backend, 1);
    char st[256];
    statuses(json, st, sizeof(st));
    cr_assert_str_eq(st, "lenet_1:pass lenet_2:pass lenet_3:pass lenet_4:pass lenet_5:fail");
    cJSON *j = cJSON_Parse(json);
    cr_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "fail");
    cJSON_Delete(j);
    free(json);
}

Test(net_jobs, a_worker_that_dies_is_an_error_row_and_fails_the_run, .init = make_tmpdir,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    fake.target_y = 336; /* lenet_4 */
    fake.crash = 1;
    char *table, *json;
    int r = run_lenet(tu_tmp("net"), 3, &fake_backend, &table, &json);
    cr_assert_eq(r, 1, "status %d\n%s", r, table);
    char st[256];
    statuses(json, st, sizeof(st));
    cr_assert_str_eq(st, "lenet_1:pass lenet_2:pass lenet_3:pass lenet_4:error lenet_5:pass");
    cr_assert(strstr(json, "lenet_4: worker killed by signal 9"), "%s", json);
    cr_assert(strstr(table, "lenet_4: worker killed by signal 9"), "%s", table);
    /* its folder keeps the marker of a run that did not finish */
    char *rep = read_text(tu_tmp("net/lenet_4/report.json"));
    cr_assert(strstr(rep, "\"running\""), "%s", rep);
    free(rep);
    free(table);
    free(json);
}

/* ---------------------------------------------------------------- the program */

/* The cycle ceiling below lenet_1's and lenet_2's lower bound: an array of
 * 4x4 PEs does at most 16 MACs a cycle, lenet_1 has 28*28*6*25 = 117,600
 * MACs (at least 7,350 cycles), lenet_2 10*10*16*150 = 240,000 (15,000);
 * lenet_5's 84*10 = 840 MACs take far fewer than 7,349 cycles. */
Test(net_jobs, layers_past_a_ceiling_are_error_rows_whatever_the_jobs, .init = make_tmpdir,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    char cmd[1024], out1[16384], out3[16384], st1[256], st3[256];
    const char *jobs[2] = {"1", "3"};
    char *out[2] = {out1, out3}, *st[2] = {st1, st3};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof(cmd),
                 "(%s/cosim --net lenet --config small --seed 2 --max-cycles 7349 --jobs %s "
                 "--no-progress --out %s 2>/dev/null)",
                 tu_bin_dir(), jobs[k], tu_tmp("net"));
        cr_assert_eq(tu_run(cmd, out[k], sizeof(out1)), 1, "--jobs %s:\n%s", jobs[k], out[k]);
        char *json = read_text(tu_tmp("net/net_lenet.json"));
        statuses(json, st[k], sizeof(st1));
        free(json);
    }
    cr_assert_str_eq(out3, out1, "the tables differ");
    cr_assert_str_eq(st3, st1);
    cr_assert(!strncmp(st1, "lenet_1:error lenet_2:error lenet_3:", 36), "%s", st1);
    cr_assert(strstr(st1, " lenet_5:pass"), "%s", st1);
    cr_assert(strstr(out1, "ceiling") || strstr(out1, "max-cycles"), "%s", out1);
}

/* The live children of `pid` (from /proc), up to `max`; their count. */
static int children_of(pid_t pid, pid_t *kids, int max)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int n = 0, k;
    while (n < max && fscanf(f, "%d", &k) == 1)
        kids[n++] = (pid_t)k;
    fclose(f);
    return n;
}

/* Temporary files (*.tmp) under a folder, recursively. */
static int temporaries_under(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat sb;
        size_t len = strlen(e->d_name);
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            n += temporaries_under(path);
        else if (len > 4 && !strcmp(e->d_name + len - 4, ".tmp"))
            n++;
    }
    closedir(d);
    return n;
}

static void terminate_network_run(int sig)
{
    char bin[512], root[512];
    snprintf(bin, sizeof(bin), "%s/cosim", tu_bin_dir());
    snprintf(root, sizeof(root), "%s", tu_tmp("net"));
    /* ResNet-18 on the iss with the double-buffering planner: about a
     * second a layer, long enough to be stopped in its middle */
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        signal(SIGINT, SIG_DFL); /* a test run in the background ignores it */
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(bin, bin, "--net", "resnet", "--planner", "double", "--jobs", "2", "--no-progress",
              "--out", root, (char *)NULL);
        _exit(127);
    }
    pid_t kids[8];
    int n = 0;
    for (int i = 0; i < 2000 && n < 2; i++) {
        nanosleep(&(struct timespec){0, 5000000}, NULL);
        n = children_of(pid, kids, 8);
    }
    cr_assert_eq(n, 2, "the run never had two workers");
    cr_assert_eq(kill(pid, sig), 0);
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == sig, "the run ends by the signal it got");
    for (int i = 0; i < n; i++)
        cr_assert(kill(kids[i], 0) != 0, "worker %d outlived the run", (int)kids[i]);
    char path[600];
    snprintf(path, sizeof(path), "%s/net_resnet.json", root);
    char *t = read_text(path);
    cr_assert(strstr(t, "\"running\""), "%s", t);
    free(t);
    cr_assert_eq(temporaries_under(root), 0, "a temporary file was left");
}

Test(net_jobs, a_terminated_run_stops_every_worker, .init = make_tmpdir, .fini = tu_tmpdir_remove)
{
    terminate_network_run(SIGTERM);
}

Test(net_jobs, an_interrupted_run_stops_every_worker, .init = make_tmpdir, .fini = tu_tmpdir_remove)
{
    terminate_network_run(SIGINT);
}

Test(net_jobs, jobs_needs_a_network)
{
    char cmd[512], out[4096];
    snprintf(cmd, sizeof(cmd), "%s/cosim --layer lenet_1 --jobs 2", tu_bin_dir());
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 2, "%s", out);
    cr_assert(strstr(out, "--jobs"), "%s", out);
}

/* The rtl backend (the Verilated simulator of the small configuration,
 * when it is built: `make rtl-sim CONFIG=small`, or $ACC_RTL_SMALL): jobs 3
 * prints the table and writes the summary of jobs 1. */
Test(net_jobs, three_rtl_workers_give_the_table_and_summary_of_one_process, .init = make_tmpdir,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    const char *bin = getenv("ACC_RTL_SMALL") ? getenv("ACC_RTL_SMALL") : "build/rtl/small/cosim";
    if (access(bin, X_OK) != 0)
        cr_skip_test("%s is not built (make build/rtl/small/cosim)", bin);
    char cmd[1024], out[2][16384], *json[2];
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof(cmd),
                 "(%s --net lenet --config small --backend rtl --planner double --seed 4 "
                 "--jobs %d --no-progress --out %s 2>/dev/null)",
                 bin, k ? 3 : 1, tu_tmp("net"));
        cr_assert_eq(tu_run(cmd, out[k], sizeof(out[k])), 0, "%s", out[k]);
        json[k] = read_text(tu_tmp("net/net_lenet.json"));
    }
    cr_assert_str_eq(out[1], out[0], "the tables differ");
    cr_assert_str_eq(json[1], json[0], "net_lenet.json differs");
    char st[256];
    statuses(json[0], st, sizeof(st));
    cr_assert_str_eq(st, "lenet_1:pass lenet_2:pass lenet_3:pass lenet_4:pass lenet_5:pass");
    cr_assert(strstr(json[0], "\"cycles_measured\":\tnull") == NULL, "a layer was not measured");
    free(json[0]);
    free(json[1]);
}
