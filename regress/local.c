/* local.c - the local executor (local.h) on the worker pool of cosim/pool.h. */
#include "regress/local.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "cosim/pool.h"

/* What a worker sends back: how its line ended. */
typedef struct line_result {
    int status; /* exit status, -1 when killed */
    int sig;    /* the signal that killed it, 0 when none */
} line_result;

typedef struct local_ctx {
    const char *dir;
    char **lines;
    const char *const *ids;
    int n, jobs;
    int done, failed, bad_lines;
    double t0;
    int tty;
} local_ctx;

/* ---------------------------------------------------------------- the worker */

/* The process group of the line a worker runs, for its signal handler. */
static volatile sig_atomic_t line_group;

static void stop_group(int sig)
{
    if (line_group > 0)
        kill(-(pid_t)line_group, sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run_line(int index, void *result, void *vctx)
{
    const local_ctx *c = vctx;
    line_result *r = result;
    r->status = -1;
    line_group = 0;
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = stop_group;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
    pid_t worker = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != worker)
            _exit(127);
#endif
        execl("/bin/sh", "sh", "-c", c->lines[index], (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return;
    setpgid(pid, pid); /* both sides, so the group exists before any signal */
    line_group = pid;
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    r->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---------------------------------------------------------------- progress */

/* The status in a job's result.json, or "error" when there is none. */
static void job_status(const char *dir, const char *id, char *out, size_t size)
{
    char path[4700];
    snprintf(path, sizeof(path), "%s/jobs/%s/result.json", dir, id);
    snprintf(out, size, "error");
    char *text = acc_read_file(path, NULL, NULL);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
    if (cJSON_IsString(st))
        snprintf(out, size, "%s", st->valuestring);
    cJSON_Delete(j);
    free(text);
}

static void line_done(int index, void *result, const char *failure, void *vctx)
{
    local_ctx *c = vctx;
    const line_result *r = result;
    char st[16];
    job_status(c->dir, c->ids[index], st, sizeof(st));
    c->done++;
    int bad_line = failure || r->status != 0;
    c->bad_lines += bad_line;
    c->failed += strcmp(st, "pass") != 0;
    int left = c->n - c->done;
    int running = left < c->jobs ? left : c->jobs;
    double el = acc_now_seconds() - c->t0;
    double eta = c->done ? el / c->done * left : 0;
    if (c->tty) {
        fprintf(stderr, "\r\033[Kregress: %d/%d done, %d failed, %d running, ~%.0f s left", c->done,
                c->n, c->failed, running, eta);
        if (left == 0)
            fputc('\n', stderr);
    } else {
        fprintf(stderr, "regress: [%d/%d] %-5s %s (%d failed, %d running, ~%.0f s left)\n", c->done,
                c->n, st, c->ids[index], c->failed, running, eta);
    }
    if (bad_line) {
        char why[160];
        if (failure)
            snprintf(why, sizeof(why), "%s", failure);
        else if (r->sig)
            snprintf(why, sizeof(why), "killed by signal %d (%s)", r->sig, strsignal(r->sig));
        else
            snprintf(why, sizeof(why), "exit status %d", r->status);
        fprintf(stderr, "%sregress: the job line of %s did not finish: %s\n", c->tty ? "\n" : "",
                c->ids[index], why);
    }
    fflush(stderr);
}

/* ---------------------------------------------------------------- the pool */

int regress_local_run(const char *dir, int jobs, const char *const *ids, int n, acc_error *err)
{
    ACC_REQUIRE(dir && jobs >= 1 && (ids || n == 0) && n >= 0);
    char path[4700];
    snprintf(path, sizeof(path), "%s/jobs.txt", dir);
    char *text = acc_read_file(path, NULL, err);
    if (!text)
        return -1;
    local_ctx c;
    memset(&c, 0, sizeof(c));
    c.dir = dir;
    c.ids = ids;
    c.n = n;
    c.jobs = jobs;
    c.lines = acc_calloc((size_t)n + 1, sizeof(char *));
    int count = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (count++ < n)
            c.lines[count - 1] = l;
    if (count != n) {
        free(c.lines);
        free(text);
        return acc_fail(err, "%s: %d lines, expected %d", path, count, n);
    }
    c.t0 = acc_now_seconds();
    c.tty = isatty(2);
    if (c.tty && n > 0)
        fprintf(stderr, "regress: 0/%d done, %d running", n, n < jobs ? n : jobs);
    line_result *res = acc_calloc((size_t)n + 1, sizeof(*res));
    cosim_pool_run(n, jobs, NULL, sizeof(*res), res, run_line, line_done, &c);
    free(res);
    free(c.lines);
    free(text);
    return c.bad_lines;
}
