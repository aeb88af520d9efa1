/* test_wave.c - what a traced run (`make wave`, cosim --wave) leaves, run as
 * the program the way users run it: the traced simulator of the small
 * configuration (ACC_WAVE_SIM, build/rtl/small-trace/cosim).  A run that
 * ends, passing or failing, leaves its waveform closed under its final name
 * and no temporary file; a run killed by SIGTERM or SIGINT while it traces
 * leaves no waveform at all (nothing under the final name, no temporary
 * file, no FST writer's .hier file). */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

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
 * waveform tmpdir/out/<layer>.fst and `extra` (one option and its value,
 * or NULL); stdout and stderr go to tmpdir/log. */
static pid_t spawn_traced(const char *layer, const char *extra, const char *value)
{
    char out[300], wave[400], log[300];
    snprintf(out, sizeof(out), "%s/out", tmpdir);
    snprintf(wave, sizeof(wave), "%s/%s.fst", out, layer);
    snprintf(log, sizeof(log), "%s/log", tmpdir);
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork");
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            _exit(126);
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        execl(ACC_WAVE_SIM, ACC_WAVE_SIM, "--backend", "rtl", "--layer", layer, "--config", "small",
              "--planner", "double", "--no-progress", "--out", out, "--wave", wave, extra, value,
              (char *)NULL);
        _exit(127);
    }
    return pid;
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
