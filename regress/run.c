/* run.c - `regress run`, `regress needs` and `regress list` (run.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "regress/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/json.h"
#include "regress/job.h"
#include "regress/key.h"
#include "regress/local.h"
#include "regress/html.h"
#include "regress/merge.h"

static int load(const char *matrix, regress_matrix *m)
{
    char path[1024];
    acc_error err;
    regress_matrix_path(matrix, path, sizeof(path));
    if (regress_matrix_load(path, m, &err) != 0) {
        fprintf(stderr, "regress: %s\n", err.msg);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- needs, list */

static int shipped(const char *config)
{
    size_t n = strlen(config);
    return !strchr(config, '/') && !(n >= 4 && strcmp(config + n - 4, ".ini") == 0);
}

int regress_needs(const char *matrix, const char *build)
{
    regress_matrix m;
    if (load(matrix, &m) != 0)
        return 2;
    char **seen = acc_calloc((size_t)m.njobs + 1, sizeof(char *));
    int nseen = 0;
    printf("%s/bin/cosim", build);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < m.njobs; i++) {
            const regress_job *j = &m.jobs[i];
            if (strcmp(j->backend, "iss") == 0 || shipped(j->config) != (pass == 0))
                continue;
            char sim[1024];
            regress_sim_path(build, j, sim, sizeof(sim));
            int dup = 0;
            for (int k = 0; k < nseen && !dup; k++)
                dup = strcmp(seen[k], sim) == 0;
            if (dup)
                continue;
            seen[nseen++] = acc_strdup(sim);
            if (pass == 0)
                printf(" %s", sim);
            else
                printf("%sCONFIG=%s %s", nseen == 1 ? "\n" : "\n", j->config, sim);
        }
    }
    printf("\n");
    for (int k = 0; k < nseen; k++)
        free(seen[k]);
    free(seen);
    regress_matrix_free(&m);
    return 0;
}

int regress_list(const char *matrix, const char *build)
{
    regress_matrix m;
    if (load(matrix, &m) != 0)
        return 2;
    for (int i = 0; i < m.njobs; i++) {
        char sim[1024];
        regress_argv av;
        regress_job_argv(&m.jobs[i], &av);
        printf("%s  %s", m.jobs[i].id, regress_sim_path(build, &m.jobs[i], sim, sizeof(sim)));
        for (int a = 0; a < av.argc; a++)
            printf(" %s", av.argv[a]);
        printf("\n");
    }
    printf("%d jobs\n", m.njobs);
    regress_matrix_free(&m);
    return 0;
}

/* ---------------------------------------------------------------- run */

/* Appends s single-quoted for sh to f. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* 1 when DIR/jobs/<id>/result.json holds a verdict (pass or fail) of the
 * same key. */
static int cached_result(const char *dir, const char *id, const char *key)
{
    char path[5300];
    snprintf(path, sizeof(path), "%s/jobs/%s/result.json", dir, id);
    char *text = acc_read_file(path, NULL, NULL);
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    free(text);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "key");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(j, "status");
    int ok = cJSON_IsString(k) && strcmp(k->valuestring, key) == 0 && cJSON_IsString(st) &&
             (strcmp(st->valuestring, "pass") == 0 || strcmp(st->valuestring, "fail") == 0);
    cJSON_Delete(j);
    return ok;
}

static cJSON *plan_job(const regress_job *j, const char *sim, const char *key, int cached)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", j->id);
    if (j->net[0])
        cJSON_AddStringToObject(o, "net", j->net);
    else
        cJSON_AddNullToObject(o, "net");
    cJSON_AddStringToObject(o, "layer", j->layer);
    cJSON_AddStringToObject(o, "config", j->config);
    cJSON_AddNumberToObject(o, "seed", (double)j->seed);
    cJSON_AddStringToObject(o, "mode", j->stress ? "stress" : "timing");
    if (j->stress)
        cJSON_AddNumberToObject(o, "stress_seed", j->stress_seed);
    else
        cJSON_AddNullToObject(o, "stress_seed");
    cJSON_AddStringToObject(o, "backend", j->backend);
    cJSON_AddStringToObject(o, "planner", j->planner);
    cJSON_AddStringToObject(o, "args", j->args);
    char wave[1024];
    cJSON_AddStringToObject(o, "wave_cmd", regress_wave_cmd(j, wave, sizeof(wave)));
    cJSON_AddStringToObject(o, "key", key);
    cJSON_AddBoolToObject(o, "cached", cached);
    cJSON *argv = cJSON_AddArrayToObject(o, "argv");
    cJSON_AddItemToArray(argv, cJSON_CreateString(sim));
    regress_argv av;
    regress_job_argv(j, &av);
    for (int a = 0; a < av.argc; a++)
        cJSON_AddItemToArray(argv, cJSON_CreateString(av.argv[a]));
    return o;
}

/* The Slurm executor: exports the matrix's [slurm] resources (a variable
 * already set in the environment wins) and runs mk/regress-slurm.sh DIR.
 * Returns its exit status (-1: it could not be started). */
static int run_slurm(const regress_slurm *s, const char *root, const char *dir)
{
    char v[64];
    struct {
        const char *name, *value;
    } env[] = {{"REGRESS_SLURM_PARTITION", s->partition},
               {"REGRESS_SLURM_ACCOUNT", s->account},
               {"REGRESS_SLURM_ARGS", s->args}};
    for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
        if (env[i].value[0])
            setenv(env[i].name, env[i].value, 0);
    const struct {
        const char *name;
        uint64_t value;
    } nums[] = {{"REGRESS_SLURM_MEM", s->mem_mb},
                {"REGRESS_SLURM_TIME", s->time_min},
                {"REGRESS_SLURM_CPUS", s->cpus}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        if (nums[i].value) {
            snprintf(v, sizeof(v), "%llu", (unsigned long long)nums[i].value);
            setenv(nums[i].name, v, 0);
        }
    char script[4200];
    snprintf(script, sizeof(script), "%s/mk/regress-slurm.sh", root);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/bash", "bash", script, dir, (char *)NULL);
        fprintf(stderr, "regress: cannot run bash %s: %s\n", script, strerror(errno));
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Writes plan.json and jobs.txt; *ids gets the ids of jobs.txt's lines. */
static int write_plan(const regress_options *o, const regress_matrix *m, const char *root,
                      const char *build, const char *dir, const char *self, const char ***ids,
                      int *nrun)
{
    acc_error err;
    err.msg[0] = '\0';
    cJSON *plan = cJSON_CreateObject();
    cJSON_AddStringToObject(plan, "matrix", m->name);
    cJSON_AddStringToObject(plan, "matrix_file", m->path);
    cJSON_AddStringToObject(plan, "engine", o->slurm ? "slurm" : "local");
    cJSON_AddStringToObject(plan, "root", root);
    cJSON_AddStringToObject(plan, "build", build);
    cJSON *jobs = cJSON_AddArrayToObject(plan, "jobs");
    char *lines = NULL;
    size_t lsize = 0;
    FILE *lf = open_memstream(&lines, &lsize);
    ACC_REQUIRE(lf != NULL);
    *ids = acc_calloc((size_t)m->njobs + 1, sizeof(char *));
    *nrun = 0;
    int rc = 0;
    for (int i = 0; i < m->njobs && rc == 0; i++) {
        const regress_job *j = &m->jobs[i];
        char sim[1024], key[17];
        regress_sim_path(build, j, sim, sizeof(sim));
        if (access(sim, X_OK) != 0) {
            fprintf(stderr, "regress: %s: not built (`make regress MATRIX=%s` builds it)\n", sim,
                    o->matrix);
            rc = -1;
            break;
        }
        if (regress_job_key(j, sim, key, &err) != 0) {
            fprintf(stderr, "regress: job %s: %s\n", j->id, err.msg);
            rc = -1;
            break;
        }
        int cached = !o->force && cached_result(dir, j->id, key);
        cJSON_AddItemToArray(jobs, plan_job(j, sim, key, cached));
        if (cached)
            continue;
        char result[5300];
        snprintf(result, sizeof(result), "%s/jobs/%s/result.json", dir, j->id);
        unlink(result); /* a job that does not run now has no result */
        put_quoted(lf, self);
        fputs(" job ", lf);
        put_quoted(lf, dir);
        fprintf(lf, " %d\n", i);
        (*ids)[(*nrun)++] = m->jobs[i].id;
    }
    fclose(lf);
    char path[5300];
    if (rc == 0) {
        char *text = cJSON_Print(plan);
        snprintf(path, sizeof(path), "%s/plan.json", dir);
        rc = acc_write_file(path, text, strlen(text), &err);
        free(text);
    }
    if (rc == 0) {
        snprintf(path, sizeof(path), "%s/jobs.txt", dir);
        rc = acc_write_file(path, lines, lsize, &err);
    }
    if (rc != 0 && err.msg[0])
        fprintf(stderr, "regress: %s\n", err.msg);
    free(lines);
    cJSON_Delete(plan);
    return rc;
}

int regress_run(const regress_options *o)
{
    ACC_REQUIRE(o && o->matrix && o->build && o->jobs >= 1);
    acc_json_init();
    regress_matrix m;
    if (load(o->matrix, &m) != 0)
        return 2;
    int status = 2;
    const char **ids = NULL;
    int lock = -1;
    char root[4096], build[4096], dir[4096], self[4096], path[4700];
    acc_error err;
    err.msg[0] = '\0';
    ssize_t sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (!getcwd(root, sizeof(root)) || !realpath(o->build, build) || sn <= 0) {
        fprintf(stderr, "regress: %s: %s\n", o->build, strerror(errno));
        goto out;
    }
    self[sn] = '\0';
    if (o->out)
        snprintf(path, sizeof(path), "%s", o->out);
    else
        snprintf(path, sizeof(path), "%s/regress/%s", build, m.name);
    if (acc_mkdirs(path, &err) != 0 || !realpath(path, dir)) {
        fprintf(stderr, "regress: %s\n", err.msg[0] ? err.msg : strerror(errno));
        goto out;
    }
    snprintf(path, sizeof(path), "%s/.lock", dir);
    lock = acc_lock_claim(path, "the regression folder", "--out", &err);
    if (lock < 0) {
        fprintf(stderr, "regress: %s\n", err.msg);
        goto out;
    }
    int nrun = 0;
    if (write_plan(o, &m, root, build, dir, self, &ids, &nrun) != 0)
        goto out;
    fprintf(stderr, "regress: %s: %d jobs, %d to run, %d cached; results in %s\n", m.name, m.njobs,
            nrun, m.njobs - nrun, dir);
    status = 0;
    if (nrun > 0 && o->slurm) {
        int rc = run_slurm(&m.slurm, root, dir);
        if (rc != 0) {
            fprintf(stderr, "regress: mk/regress-slurm.sh %s failed (status %d)\n", dir, rc);
            status = 1;
        }
    } else if (nrun > 0) {
        int bad = regress_local_run(dir, o->jobs, ids, nrun, &err);
        if (bad < 0) {
            fprintf(stderr, "regress: %s\n", err.msg);
            status = 1;
        } else if (bad > 0) {
            status = 1;
        }
    }
    cJSON *merged = NULL;
    if (regress_merge(dir, &merged, &err) != 0) {
        fprintf(stderr, "regress: %s\n", err.msg);
        status = 2;
        goto out;
    }
    regress_summary_print(stdout, merged);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(merged, "summary");
    if (cJSON_GetObjectItemCaseSensitive(s, "passed")->valueint !=
        cJSON_GetObjectItemCaseSensitive(s, "jobs")->valueint)
        status = status ? status : 1;
    char herr[512];
    if (regress_html_write(dir, merged, herr, sizeof(herr)) != 0) {
        fprintf(stderr, "regress: %s\n", herr);
        status = status ? status : 1;
    }
    printf("results: %s/merged.json, %s/junit.xml, %s/summary.txt, %s/index.html\n", dir, dir, dir,
           dir);
    cJSON_Delete(merged);
out:
    acc_lock_release(lock);
    free(ids);
    regress_matrix_free(&m);
    return status;
}
