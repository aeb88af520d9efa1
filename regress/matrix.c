/* matrix.c - the regression matrix file (matrix.h, docs/regress.md).
 *
 * The text goes to inih's ini_parse_stream through a reader that counts
 * lines (inih's handler gets none) and sees every section header, so an
 * empty or unknown section is reported too.  The handler only stores
 * values with their lines; the sets are checked and expanded afterwards. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "regress/matrix.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/config.h"
#include "planner/registry.h"

/* ---------------------------------------------------------------- keys */

enum { S_LAYERS, S_NETS, S_CONFIGS, S_SEEDS, S_MODES, S_BACKENDS, S_PLANNERS, S_ARGS, S_TAG, S_N };
static const char *const set_keys[S_N] = {"layers",   "nets",     "configs", "seeds", "modes",
                                          "backends", "planners", "args",    "tag"};
enum { L_PARTITION, L_ACCOUNT, L_MEM, L_TIME, L_CPUS, L_ARGS, L_N };
static const char *const slurm_keys[L_N] = {"partition", "account", "mem", "time", "cpus", "args"};

#define MAX_SETS 256
#define MAX_ITEMS 1024

typedef struct raw_set {
    char name[64];
    int line;
    char *val[S_N];
    int vline[S_N];
} raw_set;

typedef struct parse_ctx {
    const char *path;
    const char *next; /* unread text */
    int lineno;       /* the line most recently handed to inih */
    int section;      /* 0 none, 1 [matrix], 2 [slurm], 3 a set */
    raw_set *sets;
    int nsets;
    int name_line, slurm_line[L_N];
    regress_matrix *m;
    acc_error err;
    int failed;
} parse_ctx;

static int ctx_fail(parse_ctx *ctx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int ctx_fail(parse_ctx *ctx, int line, const char *fmt, ...)
{
    if (ctx->failed)
        return 0;
    char body[420];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    acc_fail(&ctx->err, "%s:%d: %s", ctx->path, line, body);
    ctx->failed = 1;
    return 0;
}

static int blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* A "[...]" header line: the section it opens, checked. */
static void open_section(parse_ctx *ctx, const char *s)
{
    const char *close = strchr(s, ']');
    if (!close)
        return; /* inih reports it */
    char name[128];
    size_t n = (size_t)(close - s - 1);
    snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) - 1 ? n : sizeof(name) - 1), s + 1);
    if (strcmp(name, "matrix") == 0) {
        ctx->section = 1;
    } else if (strcmp(name, "slurm") == 0) {
        ctx->section = 2;
    } else if (strncmp(name, "set ", 4) == 0 && name[4] != '\0') {
        const char *sn = name + 4;
        for (int i = 0; i < ctx->nsets; i++)
            if (strcmp(ctx->sets[i].name, sn) == 0) {
                ctx_fail(ctx, ctx->lineno,
                         "section '%s': a second set named '%s' (first on line %d)", name, sn,
                         ctx->sets[i].line);
                return;
            }
        if (ctx->nsets == MAX_SETS) {
            ctx_fail(ctx, ctx->lineno, "section '%s': more than %d sets", name, MAX_SETS);
            return;
        }
        if (strlen(sn) >= sizeof(ctx->sets[0].name)) {
            ctx_fail(ctx, ctx->lineno, "section '%s': a set name has at most %zu characters", name,
                     sizeof(ctx->sets[0].name) - 1);
            return;
        }
        for (const char *c = sn; *c; c++)
            if (!(*c == '_' || *c == '-' || (*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= 'A' && *c <= 'Z'))) {
                ctx_fail(ctx, ctx->lineno,
                         "section '%s': a set name is letters, digits, '_' and '-'", name);
                return;
            }
        raw_set *r = &ctx->sets[ctx->nsets++];
        memset(r, 0, sizeof(*r));
        memcpy(r->name, sn, strlen(sn) + 1);
        r->line = ctx->lineno;
        ctx->section = 3;
    } else {
        ctx_fail(ctx, ctx->lineno,
                 "section '%s': unknown section (expected matrix, slurm or set NAME)", name);
    }
}

/* fgets-style reader over ctx->next that counts lines and sees headers. */
static char *read_line(char *buf, int size, void *stream)
{
    parse_ctx *ctx = stream;
    if (*ctx->next == '\0')
        return NULL;
    size_t len = strcspn(ctx->next, "\n");
    const char *line = ctx->next;
    ctx->next += len + (line[len] == '\n');
    ctx->lineno++;
    while (len > 0 && blank(*line)) {
        line++;
        len--;
    }
    if (len + 2 > (size_t)size) {
        ctx_fail(ctx, ctx->lineno, "line is longer than %d characters", size - 2);
        len = 0;
    }
    memcpy(buf, line, len);
    buf[len] = '\n';
    buf[len + 1] = '\0';
    if (buf[0] == '[')
        open_section(ctx, buf);
    return buf;
}

/* Copies a value without its inline comment and trailing blanks. */
static char *clean_value(const char *value)
{
    size_t n = strcspn(value, "#;");
    while (n > 0 && blank(value[n - 1]))
        n--;
    char *v = acc_malloc(n + 1);
    memcpy(v, value, n);
    v[n] = '\0';
    return v;
}

static int find_key(const char *const *keys, int n, const char *name)
{
    for (int k = 0; k < n; k++)
        if (strcmp(keys[k], name) == 0)
            return k;
    return -1;
}

/* Notes that key `name` is set on this line (*seen: where it was set
 * before, 0 when never); 0 with the error when it is set a second time. */
static int first_time(parse_ctx *ctx, const char *name, int *seen)
{
    if (*seen)
        return ctx_fail(ctx, ctx->lineno, "field '%s': duplicate key (first set on line %d)", name,
                        *seen);
    *seen = ctx->lineno;
    return 1;
}

static int matrix_key(parse_ctx *ctx, const char *name, const char *v)
{
    if (strcmp(name, "name") != 0)
        return ctx_fail(ctx, ctx->lineno,
                        "field '%s': unknown key in section [matrix] (expected name)", name);
    if (!first_time(ctx, name, &ctx->name_line))
        return 0;
    if (v[0] == '\0' || strlen(v) >= sizeof(ctx->m->name) || strcspn(v, " \t/") != strlen(v))
        return ctx_fail(ctx, ctx->lineno,
                        "field 'name': expected one word of up to %zu characters without '/'",
                        sizeof(ctx->m->name) - 1);
    memcpy(ctx->m->name, v, strlen(v) + 1);
    return 1;
}

static int slurm_key(parse_ctx *ctx, const char *name, const char *v)
{
    int k = find_key(slurm_keys, L_N, name);
    if (k < 0)
        return ctx_fail(ctx, ctx->lineno,
                        "field '%s': unknown key in section [slurm] (expected partition, "
                        "account, mem, time, cpus or args)",
                        name);
    if (!first_time(ctx, name, &ctx->slurm_line[k]))
        return 0;
    regress_slurm *s = &ctx->m->slurm;
    if (k == L_MEM || k == L_TIME || k == L_CPUS) {
        uint64_t x;
        uint64_t *dst = k == L_MEM ? &s->mem_mb : k == L_TIME ? &s->time_min : &s->cpus;
        if (acc_parse_u64(v, 1u << 30, &x) != 0 || x == 0)
            return ctx_fail(ctx, ctx->lineno, "field '%s': expected a positive integer, got '%s'",
                            name, v);
        *dst = x;
        return 1;
    }
    char *dst = k == L_PARTITION ? s->partition : k == L_ACCOUNT ? s->account : s->args;
    size_t cap = k == L_ARGS ? sizeof(s->args) : sizeof(s->partition);
    if (strlen(v) >= cap)
        return ctx_fail(ctx, ctx->lineno, "field '%s': longer than %zu characters", name, cap - 1);
    memcpy(dst, v, strlen(v) + 1);
    return 1;
}

static int set_key(parse_ctx *ctx, const char *name, const char *v)
{
    raw_set *r = &ctx->sets[ctx->nsets - 1];
    int k = find_key(set_keys, S_N, name);
    if (k < 0)
        return ctx_fail(ctx, ctx->lineno,
                        "field '%s': unknown key in section [set %s] (expected layers, nets, "
                        "configs, seeds, modes, backends, planners, args or tag)",
                        name, r->name);
    if (!first_time(ctx, name, &r->vline[k]))
        return 0;
    r->val[k] = acc_strdup(v);
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *ctx = user;
    if (ctx->failed)
        return 0;
    if (section[0] == '\0' || ctx->section == 0)
        return ctx_fail(ctx, ctx->lineno, "field '%s': outside any section", name);
    char *v = clean_value(value);
    int rc = ctx->section == 1   ? matrix_key(ctx, name, v)
             : ctx->section == 2 ? slurm_key(ctx, name, v)
                                 : set_key(ctx, name, v);
    free(v);
    return rc;
}

/* ---------------------------------------------------------------- expansion */

/* Splits `s` at blanks and commas into at most MAX_ITEMS words (pointers
 * into the copy *store, which the caller frees).  Returns the count. */
static int split(const char *s, char **store, char **items)
{
    *store = acc_strdup(s);
    int n = 0;
    for (char *p = *store; *p && n < MAX_ITEMS;) {
        while (*p && (blank(*p) || *p == ','))
            *p++ = '\0';
        if (!*p)
            break;
        items[n++] = p;
        while (*p && !blank(*p) && *p != ',')
            p++;
    }
    return n;
}

/* A word of a job id: characters other than A-Z a-z 0-9 _ - become '_'. */
static void id_word(const char *s, char *out, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++) {
        char c = s[i];
        int ok = c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                 (c >= 'A' && c <= 'Z');
        out[i] = ok ? c : '_';
    }
    out[i] = '\0';
}

/* The catalog network of a "<net>_<N>" layer name, or "". */
static void net_of(const char *layer, char *out, size_t size)
{
    out[0] = '\0';
    const char *us = strrchr(layer, '_');
    if (!us || strchr(layer, ':') || strchr(layer, '/'))
        return;
    for (int i = 0; acc_catalog_nets[i]; i++)
        if (strlen(acc_catalog_nets[i]) == (size_t)(us - layer) &&
            strncmp(layer, acc_catalog_nets[i], (size_t)(us - layer)) == 0)
            snprintf(out, size, "%s", acc_catalog_nets[i]);
}

/* The stem of a configuration's name or path (as mk/rtl.mk's CFG_NAME). */
static void config_stem(const char *cfg, char *out, size_t size)
{
    const char *base = strrchr(cfg, '/');
    base = base ? base + 1 : cfg;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ini") == 0)
        n -= 4;
    snprintf(out, size, "%.*s", (int)n, base);
}

/* 1 when the configuration file `cfg` (a path) is not the shipped
 * configuration of the same stem but one exists: their simulators would
 * share build/rtl/<stem>/. */
static int shadows_shipped(const char *cfg, const char *stem)
{
    size_t n = strlen(cfg);
    if (!strchr(cfg, '/') && !(n >= 4 && strcmp(cfg + n - 4, ".ini") == 0))
        return 0; /* a shipped name */
    char shipped[1024];
    snprintf(shipped, sizeof(shipped), "%s/%s.ini", acc_config_dir(), stem);
    char *a = realpath(shipped, NULL), *b = realpath(cfg, NULL);
    int bad = a && b && strcmp(a, b) != 0;
    free(a);
    free(b);
    return bad;
}

typedef struct lists {
    char *store[S_N];
    char *item[S_N][MAX_ITEMS];
    int n[S_N];
} lists;

/* The layers of a set: its layers, then the layers of its nets, each
 * with its network ("" when none) in nets_out. */
static int set_layers(parse_ctx *ctx, const raw_set *r, lists *L, char ***layers, char ***nets)
{
    int cap = L->n[S_LAYERS], count = 0;
    *layers = NULL;
    *nets = NULL;
    for (int i = 0; i < L->n[S_LAYERS]; i++) {
        acc_layer l;
        acc_error e;
        if (acc_layer_lookup(L->item[S_LAYERS][i], &l, &e) != 0)
            return ctx_fail(ctx, r->vline[S_LAYERS], "field 'layers': layer '%s': %s",
                            L->item[S_LAYERS][i], e.msg) -
                   1;
    }
    acc_layer_list *nl = acc_calloc((size_t)L->n[S_NETS] + 1, sizeof(*nl));
    for (int i = 0; i < L->n[S_NETS]; i++) {
        acc_error e;
        if (acc_catalog_net(L->item[S_NETS][i], &nl[i], &e) != 0) {
            for (int j = 0; j < i; j++)
                acc_layer_list_free(&nl[j]);
            free(nl);
            return ctx_fail(ctx, r->vline[S_NETS], "field 'nets': network '%s': %s",
                            L->item[S_NETS][i], e.msg) -
                   1;
        }
        cap += nl[i].count;
    }
    *layers = acc_calloc((size_t)cap + 1, sizeof(char *));
    *nets = acc_calloc((size_t)cap + 1, sizeof(char *));
    for (int i = 0; i < L->n[S_LAYERS]; i++) {
        char net[64];
        net_of(L->item[S_LAYERS][i], net, sizeof(net));
        (*layers)[count] = acc_strdup(L->item[S_LAYERS][i]);
        (*nets)[count++] = acc_strdup(net);
    }
    for (int i = 0; i < L->n[S_NETS]; i++) {
        for (int j = 0; j < nl[i].count; j++) {
            char net[64];
            net_of(nl[i].items[j].name, net, sizeof(net));
            (*layers)[count] = acc_strdup(nl[i].items[j].name);
            (*nets)[count++] = acc_strdup(net);
        }
        acc_layer_list_free(&nl[i]);
    }
    free(nl);
    return count;
}

static void free_strv(char **v)
{
    for (int i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Checks the lists of a set other than layers and nets. */
static int check_lists(parse_ctx *ctx, const raw_set *r, lists *L, uint64_t *seeds,
                       uint32_t *stress, int *stress_on)
{
    for (int i = 0; i < L->n[S_CONFIGS]; i++) {
        acc_config cfg;
        acc_error e;
        if (acc_config_load(L->item[S_CONFIGS][i], &cfg, &e) != 0)
            return ctx_fail(ctx, r->vline[S_CONFIGS], "field 'configs': configuration '%s': %s",
                            L->item[S_CONFIGS][i], e.msg) -
                   1;
        char stem[64];
        config_stem(L->item[S_CONFIGS][i], stem, sizeof(stem));
        if (stem[0] == '\0')
            return ctx_fail(ctx, r->vline[S_CONFIGS], "field 'configs': '%s' has no name",
                            L->item[S_CONFIGS][i]) -
                   1;
        if (shadows_shipped(L->item[S_CONFIGS][i], stem))
            return ctx_fail(ctx, r->vline[S_CONFIGS],
                            "field 'configs': '%s' has the name of the shipped configuration "
                            "'%s' (build/rtl/%s/ holds that one's simulator); rename the file",
                            L->item[S_CONFIGS][i], stem, stem) -
                   1;
        for (int k = 0; k < i; k++) {
            char other[64];
            config_stem(L->item[S_CONFIGS][k], other, sizeof(other));
            if (strcmp(other, stem) == 0)
                return ctx_fail(ctx, r->vline[S_CONFIGS],
                                "field 'configs': '%s' and '%s' have one name, '%s' (their jobs "
                                "and simulators would share it)",
                                L->item[S_CONFIGS][k], L->item[S_CONFIGS][i], stem) -
                       1;
        }
    }
    for (int i = 0; i < L->n[S_SEEDS]; i++)
        if (acc_parse_u64(L->item[S_SEEDS][i], REGRESS_SEED_MAX, &seeds[i]) != 0)
            return ctx_fail(ctx, r->vline[S_SEEDS],
                            "field 'seeds': expected an integer in 0..2^53, got '%s'",
                            L->item[S_SEEDS][i]) -
                   1;
    for (int i = 0; i < L->n[S_MODES]; i++) {
        const char *s = L->item[S_MODES][i];
        uint64_t v;
        stress_on[i] = strncmp(s, "stress:", 7) == 0;
        stress[i] = 0;
        if (strcmp(s, "timing") == 0)
            continue;
        if (!stress_on[i] || acc_parse_u64(s + 7, UINT32_MAX, &v) != 0)
            return ctx_fail(ctx, r->vline[S_MODES],
                            "field 'modes': expected timing or stress:SEED (SEED in "
                            "0..4294967295), got '%s'",
                            s) -
                   1;
        stress[i] = (uint32_t)v;
    }
    for (int i = 0; i < L->n[S_BACKENDS]; i++) {
        const char *b = L->item[S_BACKENDS][i];
        if (strcmp(b, "rtl") != 0 && strcmp(b, "iss") != 0 && strcmp(b, "systemc") != 0)
            return ctx_fail(ctx, r->vline[S_BACKENDS],
                            "field 'backends': unknown backend '%s' (expected rtl, iss or systemc)",
                            b) -
                   1;
        for (int k = 0; k < L->n[S_MODES]; k++)
            if (stress_on[k] && strcmp(b, "rtl") != 0)
                return ctx_fail(ctx, r->vline[S_MODES],
                                "field 'modes': stress mode needs the rtl backend, and backends "
                                "(line %d) has '%s'; put stress jobs in a set of their own",
                                r->vline[S_BACKENDS], b) -
                       1;
    }
    for (int i = 0; i < L->n[S_PLANNERS]; i++) {
        acc_error e;
        if (!plan_lookup(L->item[S_PLANNERS][i], &e))
            return ctx_fail(ctx, r->vline[S_PLANNERS], "field 'planners': %s", e.msg) - 1;
    }
    return 0;
}

static int expand_set(parse_ctx *ctx, const raw_set *r)
{
    static const char *const defaults[S_N] = {NULL, NULL,  NULL, NULL, "timing",
                                              NULL, "sat", "",   ""};
    lists *L = acc_calloc(1, sizeof(*L));
    int rc = -1;
    char **layers = NULL, **nets = NULL;
    uint64_t *seeds = acc_calloc(MAX_ITEMS, sizeof(uint64_t));
    uint32_t *stress = acc_calloc(MAX_ITEMS, sizeof(uint32_t));
    int *stress_on = acc_calloc(MAX_ITEMS, sizeof(int));
    for (int k = 0; k < S_N; k++) {
        const char *v = r->val[k] ? r->val[k] : defaults[k];
        if (k == S_ARGS || k == S_TAG || (!v && (k == S_LAYERS || k == S_NETS)))
            continue;
        if (!v) {
            ctx_fail(ctx, r->line, "field '%s': set '%s' has no %s", set_keys[k], r->name,
                     set_keys[k]);
            goto out;
        }
        L->n[k] = split(v, &L->store[k], L->item[k]);
        if (L->n[k] == 0) {
            ctx_fail(ctx, r->vline[k], "field '%s': empty list", set_keys[k]);
            goto out;
        }
        if (v[0] && L->n[k] == MAX_ITEMS) {
            ctx_fail(ctx, r->vline[k], "field '%s': more than %d items", set_keys[k],
                     MAX_ITEMS - 1);
            goto out;
        }
    }
    if (!r->val[S_LAYERS] && !r->val[S_NETS]) {
        ctx_fail(ctx, r->line, "field 'layers': set '%s' has neither layers nor nets", r->name);
        goto out;
    }
    const char *args = r->val[S_ARGS] ? r->val[S_ARGS] : "";
    const char *tag = r->val[S_TAG] ? r->val[S_TAG] : "";
    if (strlen(args) >= sizeof(ctx->m->jobs[0].args)) {
        ctx_fail(ctx, r->vline[S_ARGS], "field 'args': longer than %zu characters",
                 sizeof(ctx->m->jobs[0].args) - 1);
        goto out;
    }
    char tagw[64];
    id_word(tag, tagw, sizeof(tagw));
    if (strcmp(tag, tagw) != 0 || strlen(tag) >= sizeof(tagw)) {
        ctx_fail(ctx, r->vline[S_TAG],
                 "field 'tag': expected one word of letters, digits, '_' "
                 "and '-' (up to 63), got '%s'",
                 tag);
        goto out;
    }
    int nl = set_layers(ctx, r, L, &layers, &nets);
    if (nl < 0 || check_lists(ctx, r, L, seeds, stress, stress_on) != 0)
        goto out;
    uint64_t total = (uint64_t)nl * (uint64_t)L->n[S_CONFIGS] * (uint64_t)L->n[S_SEEDS] *
                     (uint64_t)L->n[S_MODES] * (uint64_t)L->n[S_BACKENDS] *
                     (uint64_t)L->n[S_PLANNERS];
    if (total + (uint64_t)ctx->m->njobs > REGRESS_MAX_JOBS) {
        ctx_fail(ctx, r->line, "set '%s': the matrix expands into more than %d jobs", r->name,
                 REGRESS_MAX_JOBS);
        goto out;
    }
    ctx->m->jobs = acc_realloc(ctx->m->jobs,
                               ((size_t)ctx->m->njobs + (size_t)total + 1) * sizeof(regress_job));
    for (int a = 0; a < nl; a++)
        for (int c = 0; c < L->n[S_CONFIGS]; c++)
            for (int s = 0; s < L->n[S_SEEDS]; s++)
                for (int m = 0; m < L->n[S_MODES]; m++)
                    for (int b = 0; b < L->n[S_BACKENDS]; b++)
                        for (int p = 0; p < L->n[S_PLANNERS]; p++) {
                            regress_job *j = &ctx->m->jobs[ctx->m->njobs++];
                            memset(j, 0, sizeof(*j));
                            snprintf(j->layer, sizeof(j->layer), "%s", layers[a]);
                            snprintf(j->net, sizeof(j->net), "%s", nets[a]);
                            snprintf(j->config, sizeof(j->config), "%s", L->item[S_CONFIGS][c]);
                            config_stem(j->config, j->config_id, sizeof(j->config_id));
                            j->seed = seeds[s];
                            j->stress = stress_on[m];
                            j->stress_seed = stress[m];
                            snprintf(j->backend, sizeof(j->backend), "%s", L->item[S_BACKENDS][b]);
                            snprintf(j->planner, sizeof(j->planner), "%s", L->item[S_PLANNERS][p]);
                            snprintf(j->args, sizeof(j->args), "%s", args);
                            snprintf(j->tag, sizeof(j->tag), "%s", tag);
                            j->line = r->line;
                            memcpy(j->set, r->name, sizeof(j->set));
                            char lw[256], cw[64], mode[24];
                            id_word(j->layer, lw, sizeof(lw));
                            id_word(j->config_id, cw, sizeof(cw));
                            if (j->stress)
                                snprintf(mode, sizeof(mode), "stress%u", j->stress_seed);
                            else
                                snprintf(mode, sizeof(mode), "timing");
                            snprintf(j->id, sizeof(j->id), "%s.%s.s%llu.%s.%s.%s%s%s", lw, cw,
                                     (unsigned long long)j->seed, mode, j->backend, j->planner,
                                     tag[0] ? "." : "", tag);
                        }
    rc = 0;
out:
    for (int k = 0; k < S_N; k++)
        free(L->store[k]);
    free(L);
    free_strv(layers);
    free_strv(nets);
    free(seeds);
    free(stress);
    free(stress_on);
    return rc;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const regress_job *)a)->id, ((const regress_job *)b)->id);
}

int regress_matrix_parse(const char *text, const char *path, regress_matrix *out, acc_error *err)
{
    ACC_REQUIRE(text && path && out);
    memset(out, 0, sizeof(*out));
    snprintf(out->path, sizeof(out->path), "%s", path);
    char stem[64];
    config_stem(path, stem, sizeof(stem));
    snprintf(out->name, sizeof(out->name), "%s", stem);
    parse_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.path = path;
    ctx.next = text;
    ctx.m = out;
    ctx.sets = acc_calloc(MAX_SETS, sizeof(raw_set));
    int rc = ini_parse_stream(read_line, &ctx, handler, &ctx);
    if (!ctx.failed && rc > 0)
        ctx_fail(&ctx, rc, "malformed line (expected [section], key = value or a comment)");
    if (!ctx.failed && ctx.nsets == 0)
        ctx_fail(&ctx, ctx.lineno ? ctx.lineno : 1, "field 'set': no [set NAME] section");
    for (int i = 0; i < ctx.nsets && !ctx.failed; i++)
        expand_set(&ctx, &ctx.sets[i]);
    if (!ctx.failed && out->njobs > 0) {
        qsort(out->jobs, (size_t)out->njobs, sizeof(regress_job), by_id);
        for (int i = 1; i < out->njobs; i++)
            if (strcmp(out->jobs[i].id, out->jobs[i - 1].id) == 0) {
                int l1 = out->jobs[i - 1].line, l2 = out->jobs[i].line;
                if (l1 == l2) {
                    ctx_fail(&ctx, l1,
                             "section 'set %s': job %s twice (a list of the set repeats an item)",
                             out->jobs[i].set, out->jobs[i].id);
                    break;
                }
                ctx_fail(&ctx, l1 > l2 ? l1 : l2,
                         "field 'tag': job %s is in two sets (lines %d and %d); give one a tag",
                         out->jobs[i].id, l1 < l2 ? l1 : l2, l1 > l2 ? l1 : l2);
                break;
            }
    }
    for (int i = 0; i < ctx.nsets; i++)
        for (int k = 0; k < S_N; k++)
            free(ctx.sets[i].val[k]);
    free(ctx.sets);
    if (ctx.failed) {
        if (err)
            *err = ctx.err;
        regress_matrix_free(out);
        return -1;
    }
    return 0;
}

int regress_matrix_load(const char *path, regress_matrix *out, acc_error *err)
{
    ACC_REQUIRE(path && out);
    memset(out, 0, sizeof(*out));
    size_t len;
    char *text = acc_read_file_max(path, REGRESS_MATRIX_FILE_MAX, &len, err);
    if (!text)
        return -1;
    if (strlen(text) != len) {
        int line = 1;
        for (const char *c = text; *c; c++)
            line += *c == '\n';
        free(text);
        return acc_fail(err, "%s:%d: a NUL byte (not a text file)", path, line);
    }
    int rc = regress_matrix_parse(text, path, out, err);
    free(text);
    return rc;
}

void regress_matrix_free(regress_matrix *m)
{
    if (!m)
        return;
    free(m->jobs);
    m->jobs = NULL;
    m->njobs = 0;
}

char *regress_matrix_path(const char *name, char *buf, size_t size)
{
    size_t n = strlen(name);
    if (strchr(name, '/') || (n >= 4 && strcmp(name + n - 4, ".ini") == 0))
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "regress/matrices/%s.ini", name);
    return buf;
}
