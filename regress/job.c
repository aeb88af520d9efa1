/* job.c - one regression job (job.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "regress/job.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "core/json.h"

/* ---------------------------------------------------------------- commands */

/* Appends a word to the argv being built; 0, or -1 when it is full. */
static int push(regress_argv *a, size_t *used, const char *w)
{
    size_t n = strlen(w) + 1;
    if (*used + n > sizeof(a->buf) || a->argc + 2 > (int)(sizeof(a->argv) / sizeof(a->argv[0])))
        return -1;
    memcpy(a->buf + *used, w, n);
    a->argv[a->argc++] = a->buf + *used;
    a->argv[a->argc] = NULL;
    *used += n;
    return 0;
}

void regress_job_argv(const regress_job *j, regress_argv *out)
{
    ACC_REQUIRE(j && out);
    size_t used = 0;
    char seed[32], stress[32];
    out->argc = 0;
    out->argv[0] = NULL;
    snprintf(seed, sizeof(seed), "%" PRIu64, j->seed);
    snprintf(stress, sizeof(stress), "%" PRIu32, j->stress_seed);
    const char *fixed[] = {"--backend", j->backend, "--layer", j->layer,    "--config",
                           j->config,   "--seed",   seed,      "--planner", j->planner};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        ACC_REQUIRE(push(out, &used, fixed[i]) == 0);
    if (j->stress) {
        ACC_REQUIRE(push(out, &used, "--stress") == 0);
        ACC_REQUIRE(push(out, &used, stress) == 0);
    }
    char args[sizeof(j->args)];
    snprintf(args, sizeof(args), "%s", j->args);
    char *save = NULL;
    for (char *w = strtok_r(args, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        ACC_REQUIRE(push(out, &used, w) == 0); /* args is at most 511 bytes: it fits */
}

char *regress_sim_path(const char *build, const regress_job *j, char *out, size_t size)
{
    if (strcmp(j->backend, "iss") == 0)
        snprintf(out, size, "%s/bin/cosim", build);
    else if (strcmp(j->backend, "systemc") == 0)
        snprintf(out, size, "%s/sc/%s/cosim", build, j->config_id);
    else
        snprintf(out, size, "%s/rtl/%s/cosim", build, j->config_id);
    return out;
}

char *regress_wave_cmd(const regress_job *j, char *out, size_t size)
{
    int n = snprintf(out, size, "make wave LAYER=%s CONFIG=%s SEED=%" PRIu64 " PLANNER=%s",
                     j->layer, j->config, j->seed, j->planner);
    if (j->stress && n > 0 && (size_t)n < size)
        n += snprintf(out + n, size - (size_t)n, " STRESS=%" PRIu32, j->stress_seed);
    if (j->args[0] && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " ARGS=\"%s\"", j->args);
    return out;
}

/* ---------------------------------------------------------------- verdict */

/* The last non-empty line of `log` (trimmed) into msg. */
static void last_line(const char *log, char *msg, size_t size)
{
    msg[0] = '\0';
    if (!log)
        return;
    size_t end = strlen(log);
    while (end > 0 && (log[end - 1] == '\n' || log[end - 1] == ' ' || log[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && log[start - 1] != '\n')
        start--;
    snprintf(msg, size, "%.*s", (int)(end - start), log + start);
}

const char *regress_verdict(const cJSON *report, int exit_status, int signal, const char *log,
                            char *msg, size_t size)
{
    const char *st = report ? acc_json_str(report, "status") : NULL;
    if (signal) {
        snprintf(msg, size, "cosim killed by signal %d (%s)", signal, strsignal(signal));
        return "error";
    }
    if (!st || (strcmp(st, "pass") != 0 && strcmp(st, "fail") != 0) || exit_status > 1 ||
        (strcmp(st, "pass") == 0) != (exit_status == 0)) {
        char line[400];
        last_line(log, line, sizeof(line));
        if (!st)
            snprintf(msg, size, "no report (cosim exited with status %d): %s", exit_status,
                     line[0] ? line : "no output");
        else
            snprintf(msg, size, "report status '%s', cosim exited with status %d: %s", st,
                     exit_status, line[0] ? line : "no output");
        return "error";
    }
    if (strcmp(st, "pass") == 0) {
        msg[0] = '\0';
        return "pass";
    }
    const cJSON *fails = cJSON_GetObjectItemCaseSensitive(report, "failures");
    const char *first = NULL, *best = NULL;
    const cJSON *f;
    cJSON_ArrayForEach(f, fails)
    {
        if (!cJSON_IsString(f))
            continue;
        if (!first)
            first = f->valuestring;
        if (!best && (strstr(f->valuestring, "outputs:") || strstr(f->valuestring, "cycles:")))
            best = f->valuestring;
    }
    snprintf(msg, size, "%s", best ? best : first ? first : "the report says fail");
    return "fail";
}

/* ---------------------------------------------------------------- plan */

int regress_plan_read(const char *dir, cJSON **out, acc_error *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/plan.json", dir);
    char *text = acc_read_file(path, NULL, err);
    if (!text)
        return -1;
    cJSON *p = cJSON_Parse(text);
    free(text);
    if (!p || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(p, "jobs")) ||
        !acc_json_str(p, "root")) {
        cJSON_Delete(p);
        return acc_fail(err, "%s: not a plan written by `regress run` (field 'jobs' or 'root')",
                        path);
    }
    *out = p;
    return 0;
}

/* ---------------------------------------------------------------- the job */

/* Runs argv with stdout and stderr into `log`; the child gets SIGTERM when
 * this process dies.  *status and *sig get how it ended; 0 or -1 (err). */
static int spawn(const char *const *argv, const char *log, int *status, int *sig, acc_error *err)
{
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return acc_fail(err, "%s: cannot create: %s", log, strerror(errno));
    fflush(NULL);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(127);
#else
        (void)parent;
#endif
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], (char *const *)argv);
        dprintf(2, "regress: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int e = errno;
    close(fd);
    if (pid < 0)
        return acc_fail(err, "fork: %s", strerror(e));
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return acc_fail(err, "waitpid: %s", strerror(errno));
    *sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return 0;
}

static cJSON *num_or_null(const cJSON *v)
{
    return cJSON_IsNumber(v) ? cJSON_CreateNumber(v->valuedouble) : cJSON_CreateNull();
}

static const cJSON *path_item(const cJSON *o, const char *a, const char *b)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b);
}

/* The fields of merged.json's job entry taken from the plan's job entry. */
static void copy_plan_fields(cJSON *res, const cJSON *pj)
{
    static const char *const keys[] = {"id",   "net",         "layer",   "config", "seed",
                                       "mode", "stress_seed", "backend", "planner"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(pj, keys[i]);
        cJSON_AddItemToObject(res, keys[i], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
}

cJSON *regress_result_new(const cJSON *pj, const char *status, const char *message,
                          const cJSON *report, const char *dir, double seconds)
{
    const char *id = acc_json_str(pj, "id");
    cJSON *res = cJSON_CreateObject();
    copy_plan_fields(res, pj);
    cJSON_AddStringToObject(res, "status", status);
    cJSON_AddBoolToObject(res, "cached", 0);
    if (message && message[0])
        cJSON_AddStringToObject(res, "message", message);
    else
        cJSON_AddNullToObject(res, "message");
    cJSON_AddItemToObject(res, "cycles_model", num_or_null(path_item(report, "cycles", "model")));
    cJSON_AddItemToObject(res, "cycles_measured",
                          num_or_null(path_item(report, "cycles", "measured")));
    const cJSON *macs = cJSON_GetObjectItemCaseSensitive(report, "macs");
    cJSON_AddItemToObject(res, "macs", num_or_null(macs));
    const cJSON *rows = path_item(report, "config_params", "rows");
    const cJSON *cols = path_item(report, "config_params", "cols");
    if (cJSON_IsNumber(macs) && cJSON_IsNumber(rows) && cJSON_IsNumber(cols) &&
        rows->valuedouble * cols->valuedouble > 0) {
        int64_t pe = (int64_t)rows->valuedouble * (int64_t)cols->valuedouble;
        cJSON_AddNumberToObject(res, "compute_bound",
                                (double)acc_ceil_div((int64_t)macs->valuedouble, pe));
    } else {
        cJSON_AddNullToObject(res, "compute_bound");
    }
    cJSON_AddItemToObject(res, "utilisation",
                          num_or_null(cJSON_GetObjectItemCaseSensitive(report, "utilisation")));
    char rel[512], abs[4096];
    snprintf(rel, sizeof(rel), "jobs/%s/report.json", id ? id : "");
    if (report)
        cJSON_AddStringToObject(res, "report", rel);
    else
        cJSON_AddNullToObject(res, "report");
    snprintf(rel, sizeof(rel), "jobs/%s/timeline.svg", id ? id : "");
    snprintf(abs, sizeof(abs), "%s/%s", dir, rel);
    if (access(abs, R_OK) == 0)
        cJSON_AddStringToObject(res, "timeline", rel);
    else
        cJSON_AddNullToObject(res, "timeline");
    const char *wave = acc_json_str(pj, "wave_cmd");
    cJSON_AddStringToObject(res, "wave_cmd", wave ? wave : "");
    cJSON_AddNumberToObject(res, "seconds", seconds);
    return res;
}

static int write_json(const char *path, const cJSON *j, acc_error *err)
{
    char *text = cJSON_Print(j);
    size_t n = strlen(text);
    text[n] = '\n'; /* cJSON_Print's buffer ends in a NUL: room for the newline */
    int rc = acc_write_file(path, text, n + 1, err);
    free(text);
    return rc;
}

int regress_job_main(const char *dir_arg, int k, acc_error *err)
{
    acc_json_init();
    char dir[4096];
    if (!realpath(dir_arg, dir))
        return acc_fail(err, "%s: %s", dir_arg, strerror(errno));
    cJSON *plan = NULL;
    if (regress_plan_read(dir, &plan, err) != 0)
        return -1;
    int rc = -1;
    const cJSON *jobs = cJSON_GetObjectItemCaseSensitive(plan, "jobs");
    const cJSON *pj = cJSON_GetArrayItem(jobs, k);
    const cJSON *argv = cJSON_GetObjectItemCaseSensitive(pj, "argv");
    const char *id = acc_json_str(pj, "id");
    const char *root = acc_json_str(plan, "root");
    int argc = cJSON_GetArraySize(argv);
    if (k < 0 || !pj || !id || !cJSON_IsArray(argv) || argc < 1 || argc > 90) {
        acc_fail(err, "%s/plan.json: no job %d (it has %d)", dir, k, cJSON_GetArraySize(jobs));
        goto out;
    }
    if (chdir(root) != 0) {
        acc_fail(err, "%s: cannot enter the project folder: %s", root, strerror(errno));
        goto out;
    }
    char jdir[4600], log[4700], report[4700], result[4700];
    snprintf(jdir, sizeof(jdir), "%s/jobs/%s", dir, id);
    snprintf(log, sizeof(log), "%s/cosim.log", jdir);
    snprintf(report, sizeof(report), "%s/report.json", jdir);
    snprintf(result, sizeof(result), "%s/result.json", jdir);
    if (acc_mkdirs(jdir, err) != 0)
        goto out;
    unlink(result);
    unlink(report);
    const char *av[96];
    int n = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, argv)
    {
        av[n++] = cJSON_IsString(a) ? a->valuestring : "";
    }
    av[n++] = "--out";
    av[n++] = jdir;
    av[n++] = "--no-progress";
    av[n] = NULL;
    double t0 = acc_now_seconds();
    int status = -1, sig = 0;
    acc_error serr;
    char *logtext = NULL;
    if (spawn(av, log, &status, &sig, &serr) != 0) {
        logtext = acc_strdup(serr.msg);
        status = 127;
    } else {
        logtext = acc_read_file(log, NULL, NULL);
    }
    double seconds = acc_now_seconds() - t0;
    char *rtext = acc_read_file(report, NULL, NULL);
    cJSON *rep = rtext ? cJSON_Parse(rtext) : NULL;
    free(rtext);
    char msg[1024];
    const char *verdict = regress_verdict(rep, status, sig, logtext, msg, sizeof(msg));
    cJSON *res = regress_result_new(pj, verdict, msg, rep, dir, seconds);
    const char *key = acc_json_str(pj, "key");
    cJSON_AddStringToObject(res, "key", key ? key : "");
    rc = write_json(result, res, err);
    cJSON_Delete(res);
    cJSON_Delete(rep);
    free(logtext);
out:
    cJSON_Delete(plan);
    return rc;
}
