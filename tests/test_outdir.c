/* test_outdir.c - what a `cosim` run leaves in its output folder, run as
 * the program ($ACC_BIN/cosim) the way users run it: two runs started
 * together into one folder never leave a passing report over the other
 * run's files (the loser of the folder's lock says so and exits 1); a run
 * that fails early or is interrupted leaves no passing report and no
 * temporary file; seeds above 2^53 are stored exactly.  And what `plan`
 * ($ACC_BIN/plan) leaves in its output folder: two plans of one layer
 * started together never leave a .sched beside the other's .json; plans
 * of two layers share the folder. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "tests/testutil.h"

/* ---------------------------------------------------------------- fixtures */

/* ---------------------------------------------------------------- processes */

#define MAX_ARGS 32

/* Splits a command line at blanks (no quoting: the tests' paths have none). */
static void split_args(char *line, char *argv[MAX_ARGS])
{
    int n = 0;
    for (char *tok = strtok(line, " "); tok && n < MAX_ARGS - 1; tok = strtok(NULL, " "))
        argv[n++] = tok;
    argv[n] = NULL;
}

/* Starts `$ACC_BIN/TOOL ARGS` with stdout and stderr in `log`.  With a gate
 * (a pipe) the child waits until every write end of it is closed, so that
 * two children start their runs at the same moment.  The variable `env` (unless NULL) is
 * set to `value` in the child. */
static pid_t spawn_tool(const char *tool, const char *args, const char *log, const int *gate,
                        const char *env, const char *value)
{
    char line[2048];
    snprintf(line, sizeof(line), "%s/%s %s", tu_bin_dir(), tool, args);
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork");
    if (pid == 0) {
        char *argv[MAX_ARGS];
        split_args(line, argv);
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            _exit(126);
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        if (env)
            setenv(env, value, 1);
        if (gate) {
            char c;
            close(gate[1]);
            while (read(gate[0], &c, 1) > 0)
                ;
            close(gate[0]);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static pid_t spawn_cosim(const char *args, const char *log, const int *gate, const char *env,
                         const char *value)
{
    return spawn_tool("cosim", args, log, gate, env, value);
}

/* Waits for a child; returns its exit status, or 128 + the signal. */
static int wait_child(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Runs `cosim ARGS` to the end; returns its exit status (output in out). */
static int run_cosim(const char *args, char *out, size_t size)
{
    char cmd[2048];
    snprintf(cmd, sizeof(cmd), "%s/cosim %s", tu_bin_dir(), args);
    return tu_run(cmd, out, size);
}

/* ---------------------------------------------------------------- files */

static cJSON *load_json(const char *path)
{
    char *text = acc_read_file(path, NULL, NULL);
    if (!text)
        return NULL;
    cJSON *j = cJSON_Parse(text);
    free(text);
    return j;
}

static const char *json_str(const cJSON *j, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, a);
    if (b)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsString(x) ? x->valuestring : "";
}

/* 1 when the two files hold the same bytes (a missing file differs). */
static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = acc_read_file(a, &la, NULL), *y = acc_read_file(b, &lb, NULL);
    int same = x && y && la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static char tmp_example[1024];

/* Temporary files (*.tmp) anywhere under dir; one of them in tmp_example
 * (which the caller clears). */
static int temporaries_under(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        size_t len = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            n += temporaries_under(path);
        } else if (len > 4 && !strcmp(e->d_name + len - 4, ".tmp")) {
            if (n++ == 0 && !tmp_example[0])
                snprintf(tmp_example, sizeof(tmp_example), "%s", path);
        }
    }
    closedir(d);
    return n;
}

/* ---------------------------------------------------------------- concurrent runs */

/* The two runs of a pair: one layer, two seeds and two planners, so that
 * every file a run writes differs between them. */
static const struct {
    const char *planner;
    const char *args;
} pair_run[2] = {
    {"serial", "--layer lenet_2 --config small --planner serial --seed 11"},
    {"double", "--layer lenet_2 --config small --planner double --seed 22"},
};

static const char *const run_files[] = {"x.npy",     "w.npy",          "y_golden.npy",
                                        "y_sim.npy", "schedule.sched", "cycles.csv"};
#define NRUN_FILES (sizeof(run_files) / sizeof(run_files[0]))

/* The loser of a pair must say that the folder is in use, name it and the
 * holder's pid. */
static void check_loser(const char *log, const char *dir, pid_t winner)
{
    char *text = acc_read_file(log, NULL, NULL);
    cr_assert_not_null(text, "%s", log);
    char pid[64];
    snprintf(pid, sizeof(pid), "pid %ld", (long)winner);
    cr_assert(strstr(text, "in use by another run") && strstr(text, dir) && strstr(text, pid),
              "the loser of the lock must name the folder and the holder (%s):\n%s", pid, text);
    free(text);
}

Test(outdir, twenty_pairs_of_parallel_runs_never_pass_over_mixed_files, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove, .timeout = 300)
{
    char args[1024], out[8192];
    /* one clean run of each, alone in its folder: the files each must leave */
    for (int r = 0; r < 2; r++) {
        snprintf(args, sizeof(args), "%s --dump --cycles --no-progress --out %s", pair_run[r].args,
                 tu_tmp(r ? "ref1" : "ref0"));
        cr_assert_eq(run_cosim(args, out, sizeof(out)), 0, "%s", out);
    }
    for (size_t f = 0; f < NRUN_FILES; f++) {
        char a[512], b[512];
        snprintf(a, sizeof(a), "%s/%s", tu_tmp("ref0"), run_files[f]);
        snprintf(b, sizeof(b), "%s/%s", tu_tmp("ref1"), run_files[f]);
        cr_assert_not(same_file(a, b), "%s: the two runs must write different bytes", a);
    }

    char dir[512];
    snprintf(dir, sizeof(dir), "%s", tu_tmp("shared"));
    int conflicts = 0;
    for (int pair = 0; pair < 20; pair++) {
        int gate[2];
        cr_assert_eq(pipe(gate), 0);
        pid_t pid[2];
        char log[2][512];
        for (int r = 0; r < 2; r++) {
            snprintf(log[r], sizeof(log[r]), "%s/log%d", tu_tmpdir, r);
            snprintf(args, sizeof(args), "%s --dump --cycles --no-progress --out %s",
                     pair_run[r].args, dir);
            pid[r] = spawn_cosim(args, log[r], gate, NULL, NULL);
        }
        close(gate[0]);
        close(gate[1]); /* both start now */
        int st[2] = {wait_child(pid[0]), wait_child(pid[1])};

        cr_assert(st[0] == 0 || st[1] == 0, "pair %d: neither run passed (%d, %d)", pair, st[0],
                  st[1]);
        int loser = st[0] != 0 ? 0 : st[1] != 0 ? 1 : -1;
        if (loser >= 0) {
            conflicts++;
            cr_assert_eq(st[loser], 1, "pair %d: the loser exits 1, not %d", pair, st[loser]);
            check_loser(log[loser], dir, pid[1 - loser]);
        }
        /* the report passes and describes one run; every file is that run's */
        char path[600];
        snprintf(path, sizeof(path), "%s/report.json", dir);
        cJSON *j = load_json(path);
        cr_assert_not_null(j, "pair %d: %s missing or not JSON", pair, path);
        cr_assert_str_eq(json_str(j, "status", NULL), "pass", "pair %d", pair);
        const char *planner = json_str(j, "schedule", "planner");
        int r = !strcmp(planner, pair_run[0].planner)   ? 0
                : !strcmp(planner, pair_run[1].planner) ? 1
                                                        : -1;
        cr_assert_geq(r, 0, "pair %d: the report names planner '%s'", pair, planner);
        if (loser >= 0)
            cr_assert_eq(r, 1 - loser, "pair %d: the report is the loser's", pair);
        cJSON_Delete(j);
        for (size_t f = 0; f < NRUN_FILES; f++) {
            char ref[600];
            snprintf(path, sizeof(path), "%s/%s", dir, run_files[f]);
            snprintf(ref, sizeof(ref), "%s/%s", tu_tmp(r ? "ref1" : "ref0"), run_files[f]);
            cr_assert(same_file(path, ref),
                      "pair %d (exit statuses %d, %d): a passing report of the %s run over a %s "
                      "that is not that run's",
                      pair, st[0], st[1], pair_run[r].planner, run_files[f]);
        }
        tmp_example[0] = '\0';
        cr_assert_eq(temporaries_under(dir), 0, "pair %d: %s left behind", pair, tmp_example);
    }
    /* two runs started together overlap: without a single conflict the
     * lock was never exercised */
    cr_assert_gt(conflicts, 0, "20 pairs started together and no run found the folder in use");
}

/* ---------------------------------------------------------------- failed and interrupted runs */

/* A network run interrupted in its middle (SIGINT as from Ctrl-C under
 * `make cosim NET=lenet`, or SIGTERM) after a passing run of the same
 * network into the same folder: no report that remains claims a pass that
 * this run did not make, and no temporary file remains.  The interrupted
 * run plans with the sat planner on an empty cache, so it takes long
 * enough to be interrupted after its first layer. */
static void interrupt_network_run(int sig)
{
    char args[1024], out[8192];
    char root[512];
    snprintf(root, sizeof(root), "%s", tu_tmp("net"));
    snprintf(args, sizeof(args),
             "--net lenet --config small --planner double --seed 1 --no-progress --out %s", root);
    cr_assert_eq(run_cosim(args, out, sizeof(out)), 0, "%s", out);

    snprintf(args, sizeof(args),
             "--net lenet --config small --planner sat --seed 2 --dump --cycles --no-progress "
             "--out %s",
             root);
    pid_t pid = spawn_cosim(args, tu_tmp("log"), NULL, "ACC_PLAN_CACHE", tu_tmp("cache"));
    /* wait for its first layer to pass (a report by the sat planner) */
    char first[600];
    snprintf(first, sizeof(first), "%s/lenet_1/report.json", root);
    int ready = 0;
    for (int i = 0; i < 6000 && !ready; i++) {
        int st;
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0,
                     "the run ended before it could be interrupted; a slower run is needed");
        cJSON *j = load_json(first);
        ready = j && !strcmp(json_str(j, "status", NULL), "pass") &&
                !strcmp(json_str(j, "schedule", "planner"), "sat");
        cJSON_Delete(j);
        if (!ready)
            nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    cr_assert(ready, "the first layer never finished");
    cr_assert_eq(kill(pid, sig), 0);
    cr_assert_eq(wait_child(pid), 128 + sig, "the run ends by the signal it got");

    char path[600];
    snprintf(path, sizeof(path), "%s/net_lenet.json", root);
    cJSON *j = load_json(path);
    cr_assert(!j || strcmp(json_str(j, "status", NULL), "pass") != 0,
              "%s: an interrupted run left a passing network summary", path);
    cJSON_Delete(j);
    int passes = 0;
    for (int i = 1; i <= 5; i++) {
        snprintf(path, sizeof(path), "%s/lenet_%d/report.json", root, i);
        j = load_json(path);
        if (j && !strcmp(json_str(j, "status", NULL), "pass")) {
            passes++;
            cr_assert_str_eq(json_str(j, "schedule", "planner"), "sat",
                             "%s: a pass of the earlier run survived the interrupted one", path);
        }
        cJSON_Delete(j);
    }
    cr_assert_lt(passes, 5, "the run was interrupted before its last layer");
    tmp_example[0] = '\0';
    cr_assert_eq(temporaries_under(root), 0, "%s left behind", tmp_example);
}

Test(outdir, an_interrupted_network_run_leaves_no_passing_report_and_no_temporary_file,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 120)
{
    interrupt_network_run(SIGINT);
}

Test(outdir, a_terminated_network_run_leaves_no_passing_report_and_no_temporary_file,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 120)
{
    interrupt_network_run(SIGTERM);
}

/* A run that fails before any check (a malformed schedule, a missing operand
 * file, an unknown configuration, a planner that cannot fit the layer) into
 * a folder that holds a passing report: the report is gone afterwards. */
Test(outdir, a_run_that_fails_early_leaves_no_passing_report, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    static const char bad_sched[] = "# not a schedule\nfrobnicate 1 2 3\n";
    static const char huge_csv[] = "Layer name, IFMAP Height, IFMAP Width, Filter Height, "
                                   "Filter Width, Channels, Num Filter, Strides, Dilation,\n"
                                   "huge,120,120,15,15,16,4,1,7,\n";
    acc_error err;
    cr_assert_eq(acc_write_file(tu_tmp("bad.sched"), bad_sched, strlen(bad_sched), &err), 0, "%s",
                 err.msg);
    cr_assert_eq(acc_write_file(tu_tmp("huge.csv"), huge_csv, strlen(huge_csv), &err), 0, "%s",
                 err.msg);
    char dir[512];
    snprintf(dir, sizeof(dir), "%s", tu_tmp("out"));
    char bad[4][700];
    snprintf(bad[0], sizeof(bad[0]), "--layer lenet_1 --config small --sched %s",
             tu_tmp("bad.sched"));
    snprintf(bad[1], sizeof(bad[1]), "--layer lenet_1 --config small --x %s --w %s",
             tu_tmp("none.npy"), tu_tmp("none.npy"));
    snprintf(bad[2], sizeof(bad[2]), "--layer lenet_1 --config %s", tu_tmp("none.ini"));
    snprintf(bad[3], sizeof(bad[3]), "--layer %s:huge --config small", tu_tmp("huge.csv"));
    for (int i = 0; i < 4; i++) {
        char args[1024], out[8192], path[700];
        snprintf(args, sizeof(args), "--layer lenet_1 --config small --planner double --out %s",
                 dir);
        cr_assert_eq(run_cosim(args, out, sizeof(out)), 0, "%s", out);
        snprintf(args, sizeof(args), "%s --planner double --out %s", bad[i], dir);
        cr_assert_eq(run_cosim(args, out, sizeof(out)), 1, "%s: %s", bad[i], out);
        snprintf(path, sizeof(path), "%s/report.json", dir);
        cJSON *j = load_json(path);
        cr_assert(!j || strcmp(json_str(j, "status", NULL), "pass") != 0,
                  "%s: the passing report of the run before survived a run that failed (%s)", path,
                  bad[i]);
        cJSON_Delete(j);
        tmp_example[0] = '\0';
        cr_assert_eq(temporaries_under(dir), 0, "%s left behind", tmp_example);
    }
}

/* ---------------------------------------------------------------- seeds */

/* Two seeds above 2^53 that a double cannot tell apart: each report stores
 * its own seed, exactly, and the seed read back reproduces the run. */
Test(outdir, seeds_above_2_pow_53_are_stored_exactly, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    static const char *const seeds[2] = {"9223372036854775809", "9223372036854775810"};
    char args[1024], out[8192], path[600];
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof(args),
                 "--layer lenet_1 --config small --planner double --seed %s --dump --out %s",
                 seeds[i], tu_tmp(i ? "s1" : "s0"));
        cr_assert_eq(run_cosim(args, out, sizeof(out)), 0, "%s", out);
        snprintf(path, sizeof(path), "%s/report.json", tu_tmp(i ? "s1" : "s0"));
        cJSON *j = load_json(path);
        cr_assert_not_null(j, "%s", path);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "seed");
        cr_assert(cJSON_IsString(s), "%s: 'seed' must be a decimal string", path);
        cr_assert_str_eq(s->valuestring, seeds[i], "%s", path);
        cJSON_Delete(j);
    }
    cr_assert_not(same_file(tu_tmp("s0/x.npy"), tu_tmp("s1/x.npy")),
                  "the two seeds give two inputs");

    /* the seed read back from a report runs the same operands again */
    cJSON *j = load_json(tu_tmp("s0/report.json"));
    uint64_t seed;
    cr_assert_eq(acc_parse_u64(json_str(j, "seed", NULL), UINT64_MAX, &seed), 0);
    cJSON_Delete(j);
    snprintf(args, sizeof(args),
             "--layer lenet_1 --config small --planner double --seed %llu --dump --out %s",
             (unsigned long long)seed, tu_tmp("again"));
    cr_assert_eq(run_cosim(args, out, sizeof(out)), 0, "%s", out);
    cr_assert(same_file(tu_tmp("s0/x.npy"), tu_tmp("again/x.npy")), "the stored seed reproduces x");
    cr_assert(same_file(tu_tmp("s0/w.npy"), tu_tmp("again/w.npy")), "the stored seed reproduces w");

    /* the network summary too */
    snprintf(args, sizeof(args),
             "--net lenet --config small --planner double --seed %s --no-progress --out %s",
             seeds[1], tu_tmp("net"));
    cr_assert_eq(run_cosim(args, out, sizeof(out)), 0, "%s", out);
    j = load_json(tu_tmp("net/net_lenet.json"));
    cr_assert_not_null(j);
    cr_assert_str_eq(json_str(j, "seed", NULL), seeds[1], "net_lenet.json");
    cJSON_Delete(j);
}

/* ---------------------------------------------------------------- plan */

/* The value of the directive `.name` of a .sched file ("" if none), in buf. */
static const char *sched_directive(const char *path, const char *name, char *buf, size_t size)
{
    buf[0] = '\0';
    char *text = acc_read_file(path, NULL, NULL);
    if (!text)
        return buf;
    size_t n = strlen(name);
    for (char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (line[0] == '.' && !strncmp(line + 1, name, n) &&
            (line[n + 1] == ' ' || line[n + 1] == '\t')) {
            char *v = line + n + 1;
            v += strspn(v, " \t");
            snprintf(buf, size, "%.*s", (int)strcspn(v, " \t\n#"), v);
            break;
        }
    free(text);
    return buf;
}

/* The two plans of a pair: one layer, two planners, so that their .sched
 * and .json differ. */
static const char *const plan_planner[2] = {"serial", "double"};

Test(outdir, twenty_pairs_of_parallel_plans_of_one_layer_never_mix_their_files,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 300)
{
    char args[1024], out[8192], cmd[2048];
    /* one plan of each, alone in its folder: the .sched each must leave */
    for (int r = 0; r < 2; r++) {
        snprintf(cmd, sizeof(cmd),
                 "%s/plan --layer lenet_1 --config small --planner %s --quiet --out-dir %s",
                 tu_bin_dir(), plan_planner[r], tu_tmp(r ? "ref1" : "ref0"));
        cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    }
    cr_assert_not(same_file(tu_tmp("ref0/lenet_1.sched"), tu_tmp("ref1/lenet_1.sched")),
                  "the two planners must write different schedules");

    char dir[512], sched[600], json[600];
    snprintf(dir, sizeof(dir), "%s", tu_tmp("shared"));
    snprintf(sched, sizeof(sched), "%s/lenet_1.sched", dir);
    snprintf(json, sizeof(json), "%s/lenet_1.json", dir);
    int conflicts = 0;
    for (int pair = 0; pair < 20; pair++) {
        int gate[2];
        cr_assert_eq(pipe(gate), 0);
        pid_t pid[2];
        char log[2][512];
        for (int r = 0; r < 2; r++) {
            snprintf(log[r], sizeof(log[r]), "%s/log%d", tu_tmpdir, r);
            snprintf(args, sizeof(args),
                     "--layer lenet_1 --config small --planner %s --quiet --out-dir %s",
                     plan_planner[r], dir);
            pid[r] = spawn_tool("plan", args, log[r], gate, NULL, NULL);
        }
        close(gate[0]);
        close(gate[1]); /* both start now */
        int st[2] = {wait_child(pid[0]), wait_child(pid[1])};
        cr_assert(st[0] == 0 || st[1] == 0, "pair %d: neither plan succeeded (%d, %d)", pair, st[0],
                  st[1]);
        int loser = st[0] != 0 ? 0 : st[1] != 0 ? 1 : -1;
        if (loser >= 0) {
            conflicts++;
            cr_assert_eq(st[loser], 1, "pair %d: the loser exits 1, not %d", pair, st[loser]);
            char *text = acc_read_file(log[loser], NULL, NULL);
            char want[700], pid_text[64];
            snprintf(want, sizeof(want), "%s/lenet_1.sched and .json: in use by another run", dir);
            snprintf(pid_text, sizeof(pid_text), "pid %ld", (long)pid[1 - loser]);
            cr_assert(text && strstr(text, want) && strstr(text, pid_text),
                      "pair %d: the loser must name the files and the holder (%s):\n%s", pair,
                      pid_text, text ? text : "(no log)");
            free(text);
        }
        /* the .json and the .sched are one plan's */
        char planner[64];
        sched_directive(sched, "planner", planner, sizeof(planner));
        int r = !strcmp(planner, plan_planner[0]) ? 0 : !strcmp(planner, plan_planner[1]) ? 1 : -1;
        cr_assert_geq(r, 0, "pair %d: %s names planner '%s'", pair, sched, planner);
        if (loser >= 0)
            cr_assert_eq(r, 1 - loser, "pair %d: the .sched is the loser's", pair);
        cr_assert(same_file(sched, tu_tmp(r ? "ref1/lenet_1.sched" : "ref0/lenet_1.sched")),
                  "pair %d: %s is not the %s plan's", pair, sched, plan_planner[r]);
        cJSON *j = load_json(json);
        cr_assert_not_null(j, "pair %d: %s missing or not JSON", pair, json);
        cr_assert_str_eq(json_str(j, "planner", NULL), plan_planner[r],
                         "pair %d (exit statuses %d, %d): a .json of one plan beside the .sched of "
                         "the other",
                         pair, st[0], st[1]);
        cJSON_Delete(j);
        tmp_example[0] = '\0';
        cr_assert_eq(temporaries_under(dir), 0, "pair %d: %s left behind", pair, tmp_example);
    }
    cr_assert_gt(conflicts, 0, "20 pairs started together and no plan found the files in use");
}

/* While another process holds a layer's lock, a plan of that layer stops at
 * once with exit status 1 and touches none of its files (nor a --dimacs
 * file); a plan of another layer into the same folder goes on. */
Test(outdir, a_plan_of_a_layer_in_use_touches_nothing_and_another_layer_goes_on,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    char cmd[2048], out[8192];
    const char *dir = tu_tmpdir;
    snprintf(cmd, sizeof(cmd),
             "%s/plan --layer lenet_2 --config small --planner serial --quiet --out-dir %s",
             tu_bin_dir(), dir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "%s", out);
    char *before_sched = acc_read_file(tu_tmp("lenet_2.sched"), NULL, NULL);
    char *before_json = acc_read_file(tu_tmp("lenet_2.json"), NULL, NULL);
    cr_assert(before_sched && before_json);

    /* another process holds the layer's lock: a child that waits */
    int hold[2], ready[2];
    cr_assert_eq(pipe(hold), 0);
    cr_assert_eq(pipe(ready), 0);
    char lock[600];
    snprintf(lock, sizeof(lock), "%s/.lenet_2.lock", dir);
    pid_t holder = fork();
    cr_assert_geq(holder, 0);
    if (holder == 0) {
        close(hold[1]);
        close(ready[0]);
        int fd = acc_lock_take(lock, NULL, NULL);
        if (write(ready[1], fd >= 0 ? "y" : "n", 1) != 1)
            _exit(1);
        char c;
        while (read(hold[0], &c, 1) > 0)
            ;
        _exit(0);
    }
    close(hold[0]);
    close(ready[1]);
    char c = 0;
    cr_assert_eq(read(ready[0], &c, 1), 1);
    cr_assert_eq(c, 'y', "the helper could not take %s", lock);

    snprintf(
        cmd, sizeof(cmd),
        "%s/plan --layer lenet_2 --config small --planner sat --dimacs %s/lenet_2.cnf --out-dir %s",
        tu_bin_dir(), dir, dir);
    int st = tu_run(cmd, out, sizeof(out));
    char want[700], pid_text[64];
    snprintf(want, sizeof(want), "%s/lenet_2.sched and .json: in use by another run", dir);
    snprintf(pid_text, sizeof(pid_text), "pid %ld", (long)holder);
    cr_assert_eq(st, 1, "a plan of a layer in use exits 1, not %d: %s", st, out);
    cr_assert(strstr(out, want) && strstr(out, pid_text) && strstr(out, lock),
              "the message must name the files, the holder (%s) and the lock:\n%s", pid_text, out);
    char *after_sched = acc_read_file(tu_tmp("lenet_2.sched"), NULL, NULL);
    char *after_json = acc_read_file(tu_tmp("lenet_2.json"), NULL, NULL);
    cr_assert(after_sched && !strcmp(after_sched, before_sched), "the .sched was touched");
    cr_assert(after_json && !strcmp(after_json, before_json), "the .json was touched");
    struct stat sb;
    cr_assert_neq(stat(tu_tmp("lenet_2.cnf"), &sb), 0, "a --dimacs file was written");

    /* another layer into the same folder */
    snprintf(cmd, sizeof(cmd),
             "%s/plan --layer lenet_1 --config small --planner double --quiet --out-dir %s",
             tu_bin_dir(), dir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "another layer: %s", out);
    cr_assert_eq(stat(tu_tmp("lenet_1.sched"), &sb), 0);

    close(hold[1]); /* the helper lets go */
    cr_assert_eq(wait_child(holder), 0);
    close(ready[0]);
    snprintf(cmd, sizeof(cmd),
             "%s/plan --layer lenet_2 --config small --planner double --quiet --out-dir %s",
             tu_bin_dir(), dir);
    cr_assert_eq(tu_run(cmd, out, sizeof(out)), 0, "after the holder ended: %s", out);
    free(before_sched);
    free(before_json);
    free(after_sched);
    free(after_json);
}
