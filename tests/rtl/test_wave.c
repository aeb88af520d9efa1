/* test_wave.c - what a traced run (`make wave`, cosim --wave) leaves, run as
 * the program the way users run it: the traced simulator of the small
 * configuration (ACC_WAVE_SIM, build/rtl/small-trace/cosim).  A run that
 * ends, passing or failing, leaves its waveform closed under its final name
 * and no temporary file; a run killed by SIGTERM or SIGINT while it traces
 * leaves no waveform at all (nothing under the final name, no temporary
 * file, no FST writer's .hier file).  A window of instructions holds the
 * issue of the first and the end of every one, a window of cycles exactly
 * its cycles (read back with fstapi's reader and checked against the
 * model's cycles in cycles.csv), and the GTKWave save file opens on the
 * span the waveform holds. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "fstapi.h"

#ifndef ACC_WAVE_SIM
#error "ACC_WAVE_SIM must name the traced simulator (see the Makefile's wave-test)"
#endif

static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_wave_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

/* Starts the traced simulator on `layer` into tmpdir/out with the
 * waveform tmpdir/out/<layer>.fst and the options `extra` (NULL-terminated,
 * may be NULL); stdout and stderr go to tmpdir/log. */
static pid_t spawn_traced_argv(const char *layer, const char *const *extra)
{
    char out[300], wave[400], log[300];
    snprintf(out, sizeof(out), "%s/out", tmpdir);
    snprintf(wave, sizeof(wave), "%s/%s.fst", out, layer);
    snprintf(log, sizeof(log), "%s/log", tmpdir);
    const char *argv[40] = {ACC_WAVE_SIM, "--backend", "rtl",       "--layer", layer,
                            "--config",   "small",     "--planner", "double",  "--no-progress",
                            "--out",      out,         "--wave",    wave};
    int argc = 14;
    for (int i = 0; extra && extra[i]; i++) {
        cr_assert_lt(argc, 39, "too many options");
        argv[argc++] = extra[i];
    }
    argv[argc] = NULL;
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork");
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            _exit(126);
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        execv(ACC_WAVE_SIM, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* The same with one option and its value (or none: NULL). */
static pid_t spawn_traced(const char *layer, const char *extra, const char *value)
{
    const char *const argv[] = {extra, value, NULL};
    return spawn_traced_argv(layer, extra ? argv : NULL);
}

/* Waits for a child; returns its exit status, or 128 + the signal. */
static int wait_child(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static char found[256];

/* Entries of tmpdir/out whose name begins with `prefix` and is not exactly
 * `except` (may be NULL); the first in `found`, with its size in *size. */
static int entries(const char *prefix, const char *except, off_t *size)
{
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/out", tmpdir);
    found[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
            (except && !strcmp(e->d_name, except)))
            continue;
        if (n++ == 0) {
            snprintf(found, sizeof(found), "%s", e->d_name);
            char path[600];
            struct stat st;
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
            if (size)
                *size = stat(path, &st) == 0 ? st.st_size : 0;
        }
    }
    closedir(d);
    return n;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* The FST file was closed by its writer: its header block (tag 0) holds
 * the end time, the variable count and the count of value-change blocks,
 * which the writer fills in only when it closes the file. */
static void check_closed_fst(const char *layer)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/out/%s.fst", tmpdir, layer);
    size_t len;
    acc_error err;
    char *text = acc_read_file_max(path, (size_t)1 << 30, &len, &err);
    cr_assert_not_null(text, "%s", err.msg);
    const unsigned char *h = (const unsigned char *)text;
    cr_assert_geq(len, 73, "%s: %zu bytes, shorter than an FST header", path, len);
    cr_assert_eq(h[0], 0, "%s: not an FST header block", path);
    uint64_t start = be64(h + 9), end = be64(h + 17), vars = be64(h + 49), blocks = be64(h + 65);
    cr_assert(end > start && vars > 0 && blocks > 0,
              "%s: a header that was never completed (time %llu..%llu, %llu variables, %llu "
              "blocks)",
              path, (unsigned long long)start, (unsigned long long)end, (unsigned long long)vars,
              (unsigned long long)blocks);
    free(text);
}

Test(wave, a_completed_traced_run_leaves_a_closed_waveform_and_no_temporary, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 300)
{
    cr_assert_eq(wait_child(spawn_traced("lenet_1", NULL, NULL)), 0, "the run failed; see %s/log",
                 tmpdir);
    check_closed_fst("lenet_1");
    cr_assert_eq(entries("lenet_1.fst", "lenet_1.fst", NULL), 0, "%s left beside the waveform",
                 found);
    cr_assert_eq(entries("lenet_1.gtkw", NULL, NULL), 1, "no GTKWave save file");
}

/* A failed run's waveform is what the user debugs: a run stopped at the
 * wall-time limit (resnet_2 simulates for minutes) leaves it closed under
 * its name. */
Test(wave, a_failed_traced_run_leaves_its_closed_waveform, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 300)
{
    cr_assert_eq(wait_child(spawn_traced("resnet_2", "--max-seconds", "1")), 1,
                 "the run did not fail at the wall-time limit; see %s/log", tmpdir);
    check_closed_fst("resnet_2");
    cr_assert_eq(entries("resnet_2.fst", "resnet_2.fst", NULL), 0, "%s left beside the waveform",
                 found);
}

/* The run is killed once its waveform has some content, long before it
 * ends (resnet_2 simulates for minutes). */
static void kill_traced_run(int sig)
{
    pid_t pid = spawn_traced("resnet_2", NULL, NULL);
    off_t size = 0;
    int tracing = 0;
    for (int i = 0; i < 12000 && !tracing; i++) {
        int st;
        cr_assert_eq(waitpid(pid, &st, WNOHANG), 0,
                     "the run ended before it could be killed; see %s/log", tmpdir);
        tracing = entries("resnet_2.fst", NULL, &size) > 0 && size > 0;
        if (!tracing)
            nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    cr_assert(tracing, "no waveform was ever written");
    nanosleep(&(struct timespec){0, 200000000}, NULL);
    cr_assert_eq(kill(pid, sig), 0);
    cr_assert_eq(wait_child(pid), 128 + sig, "the run ends by the signal it got");
    cr_assert_eq(entries("resnet_2.fst", NULL, NULL), 0,
                 "a killed run left %s, a waveform of a run that did not end", found);
}

Test(wave, a_traced_run_killed_by_sigterm_leaves_no_waveform_and_no_temporary, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 300)
{
    kill_traced_run(SIGTERM);
}

Test(wave, a_traced_run_killed_by_sigint_leaves_no_waveform_and_no_temporary, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 300)
{
    kill_traced_run(SIGINT);
}

/* ---------------------------------------------------------------- the window */

/* The waveform read back: after each time in the file, the values of the
 * `cycles` register (the run's cycle number, docs/debugging.md), of the
 * issue pulse and of the issued instruction's index (-1: x or z). */
typedef struct wave_step {
    uint64_t time;
    int64_t cycles, issue, idx;
} wave_step;

typedef struct wave_read {
    fstHandle h_cycles, h_issue, h_idx;
    wave_step *step;
    int n, cap;
    uint64_t start, end;
    int timescale;
} wave_read;

static int64_t bits_value(const unsigned char *v)
{
    int64_t x = 0;
    for (; *v; v++) {
        if (*v != '0' && *v != '1')
            return -1;
        x = x << 1 | (*v - '0');
    }
    return x;
}

static void on_change(void *user, uint64_t time, fstHandle h, const unsigned char *value)
{
    wave_read *w = user;
    if (w->n == 0 || w->step[w->n - 1].time != time) {
        if (w->n == w->cap) {
            w->cap = w->cap ? 2 * w->cap : 1024;
            w->step = realloc(w->step, (size_t)w->cap * sizeof(*w->step));
            cr_assert_not_null(w->step);
        }
        wave_step *s = &w->step[w->n];
        if (w->n > 0)
            *s = w->step[w->n - 1];
        else
            s->cycles = s->issue = s->idx = -1;
        s->time = time;
        w->n++;
    }
    wave_step *s = &w->step[w->n - 1];
    int64_t x = bits_value(value);
    if (h == w->h_cycles)
        s->cycles = x;
    if (h == w->h_issue)
        s->issue = x;
    if (h == w->h_idx)
        s->idx = x;
}

/* `name` (a variable's name in the hierarchy, which may carry its range
 * after a blank) is `want`. */
static int var_is(const char *name, const char *want)
{
    size_t n = strlen(want);
    return !strncmp(name, want, n) && (name[n] == '\0' || name[n] == ' ' || name[n] == '[');
}

/* Reads tmpdir/out/<layer>.fst. */
static void read_wave(const char *layer, wave_read *w)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/out/%s.fst", tmpdir, layer);
    memset(w, 0, sizeof(*w));
    void *ctx = fstReaderOpen(path);
    cr_assert_not_null(ctx, "%s: fstapi cannot read it", path);
    w->start = fstReaderGetStartTime(ctx);
    w->end = fstReaderGetEndTime(ctx);
    w->timescale = fstReaderGetTimescale(ctx);
    int depth = 0, in_top = 0;
    for (struct fstHier *h = fstReaderIterateHier(ctx); h; h = fstReaderIterateHier(ctx)) {
        if (h->htyp == FST_HT_SCOPE) {
            depth++;
            in_top = depth == 2 && !strcmp(h->u.scope.name, "acc_top");
        } else if (h->htyp == FST_HT_UPSCOPE) {
            depth--;
            in_top = 0;
        } else if (h->htyp == FST_HT_VAR && in_top) {
            if (var_is(h->u.var.name, "cycles"))
                w->h_cycles = h->u.var.handle;
            else if (var_is(h->u.var.name, "trace_issue_o"))
                w->h_issue = h->u.var.handle;
            else if (var_is(h->u.var.name, "trace_issue_idx_o"))
                w->h_idx = h->u.var.handle;
        }
    }
    cr_assert(w->h_cycles && w->h_issue && w->h_idx,
              "%s: acc.acc_top.cycles, trace_issue_o or trace_issue_idx_o is missing", path);
    fstReaderSetFacProcessMaskAll(ctx);
    cr_assert(fstReaderIterBlocks(ctx, on_change, w, NULL), "%s: cannot read the values", path);
    fstReaderClose(ctx);
    cr_assert_gt(w->n, 1, "%s holds %d times", path, w->n);
}

/* One line of tmpdir/out/cycles.csv (index,op,model_start,model_end,start,end):
 * the model's and the measured issue and end cycles of instruction i. */
static void csv_cycles(int i, int64_t *m_issue, int64_t *m_end, int64_t *issue, int64_t *end)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/out/cycles.csv", tmpdir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s was not written", path);
    char line[256];
    int got = 0;
    while (!got && fgets(line, sizeof(line), f)) {
        long long k, a, b, c, d;
        char op[32];
        if (sscanf(line, "%lld,%31[a-z],%lld,%lld,%lld,%lld", &k, op, &a, &b, &c, &d) == 6 &&
            k == i) {
            *m_issue = a, *m_end = b, *issue = c, *end = d;
            got = 1;
        }
    }
    fclose(f);
    cr_assert(got, "%s has no complete line for instruction %d", path, i);
}

/* lenet_1's double-buffered schedule on small traced with --from 1 --to 3
 * and --cycles: the model's issue of instruction 1 and the last end of
 * 1..3, checked to be the measured ones.  Instruction 2 (a compute) issues
 * before instruction 3 (a load) and ends long after it, so the window must
 * outlast the end of instruction 3. */
static void run_window_1_3(int64_t *first_issue, int64_t *last_end, wave_read *w)
{
    const char *const opt[] = {"--from", "1", "--to", "3", "--cycles", NULL};
    cr_assert_eq(wait_child(spawn_traced_argv("lenet_1", opt)), 0, "the run failed; see %s/log",
                 tmpdir);
    int64_t j_end = 0;
    *last_end = -1;
    for (int i = 1; i <= 3; i++) {
        int64_t mi, me, si, se;
        csv_cycles(i, &mi, &me, &si, &se);
        cr_assert(mi == si && me == se, "instruction %d: model %lld..%lld, measured %lld..%lld", i,
                  (long long)mi, (long long)me, (long long)si, (long long)se);
        if (i == 1)
            *first_issue = mi;
        if (me > *last_end)
            *last_end = me;
        j_end = me;
    }
    cr_assert_gt(*last_end, j_end + 2, "instruction 3 must end before another of 1..3 does");
    read_wave("lenet_1", w);
}

Test(wave, an_instruction_window_opens_two_cycles_before_its_first_issues, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 300)
{
    int64_t first_issue, last_end;
    wave_read w;
    run_window_1_3(&first_issue, &last_end, &w);
    cr_assert_eq(w.step[0].cycles, first_issue - 2,
                 "the waveform starts in cycle %lld, not two cycles before instruction 1 issues "
                 "(cycle %lld)",
                 (long long)w.step[0].cycles, (long long)first_issue);
    int seen = 0;
    for (int k = 0; k < w.n && !seen; k++)
        seen = w.step[k].issue == 1 && w.step[k].idx == 1 && w.step[k].cycles == first_issue;
    cr_assert(seen, "the waveform does not show instruction 1 issuing in cycle %lld",
              (long long)first_issue);
    free(w.step);
}

Test(wave, an_instruction_window_lasts_until_two_cycles_after_its_last_ends, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 300)
{
    int64_t first_issue, last_end;
    wave_read w;
    run_window_1_3(&first_issue, &last_end, &w);
    cr_assert_eq(w.step[w.n - 1].cycles, last_end + 2,
                 "the waveform ends in cycle %lld, not two cycles after the last of 1..3 ends "
                 "(cycle %lld)",
                 (long long)w.step[w.n - 1].cycles, (long long)last_end);
    free(w.step);
}

/* A window of cycles 200..300: the file opens in cycle 200 and ends with
 * the clock edge that ends cycle 300. */
Test(wave, a_cycle_window_holds_exactly_its_cycles, .init = make_tmpdir, .fini = remove_tmpdir,
     .timeout = 300)
{
    const char *const opt[] = {"--from-cycle", "200", "--to-cycle", "300", NULL};
    cr_assert_eq(wait_child(spawn_traced_argv("lenet_1", opt)), 0, "the run failed; see %s/log",
                 tmpdir);
    wave_read w;
    read_wave("lenet_1", &w);
    cr_assert_eq(w.step[0].cycles, 200, "the waveform starts in cycle %lld",
                 (long long)w.step[0].cycles);
    cr_assert_eq(w.step[w.n - 2].cycles, 300, "the last cycle in the waveform is %lld",
                 (long long)w.step[w.n - 2].cycles);
    cr_assert_eq(w.step[w.n - 1].cycles, 301, "the waveform ends after the edge into cycle %lld",
                 (long long)w.step[w.n - 1].cycles);
    free(w.step);
}

/* The GTKWave save file opens on the span the waveform holds: GTKWave
 * keeps a 100 ps file's times in ps, [timestart] is the first time, and
 * the zoom z shows 2^-z ps per 200 pixels across the 980-pixel wave pane
 * of the save file's window. */
Test(wave, the_save_file_opens_on_the_traced_span, .init = make_tmpdir, .fini = remove_tmpdir,
     .timeout = 300)
{
    const char *const opt[] = {"--from", "4", "--to", "6", NULL};
    cr_assert_eq(wait_child(spawn_traced_argv("lenet_1", opt)), 0, "the run failed; see %s/log",
                 tmpdir);
    wave_read w;
    read_wave("lenet_1", &w);
    free(w.step);
    cr_assert_eq(w.timescale, -10, "the traced build's timescale is 100 ps, not 1e%d s",
                 w.timescale);
    char path[400];
    snprintf(path, sizeof(path), "%s/out/lenet_1.gtkw", tmpdir);
    acc_error err;
    char *text = acc_read_file(path, NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    const char *ts = strstr(text, "\n[timestart] ");
    cr_assert_not_null(ts, "%s has no [timestart]", path);
    long long start = strtoll(ts + 13, NULL, 10);
    cr_assert_eq(start, (long long)w.start * 100,
                 "[timestart] %lld ps, the waveform starts at %llu ps", start,
                 (unsigned long long)w.start * 100);
    const char *zl = strstr(text, "\n*");
    cr_assert_not_null(zl, "%s has no zoom line", path);
    double zoom = strtod(zl + 2, NULL);
    double shown = pow(2.0, -zoom) / 200.0 * 980.0;
    double span = (double)(w.end - w.start) * 100.0;
    cr_assert(fabs(shown - span) <= span * 1e-3,
              "the zoom %f shows %.0f ps, the waveform holds %.0f", zoom, shown, span);
    free(text);
}
