/* plan_main.c - build/bin/plan: plans one layer, validates the schedule and
 * writes it with a JSON summary.
 *
 *   plan --layer SPEC [--config NAME|FILE] [--planner sat|double|serial]
 *        [--budget WORK] [--dimacs FILE [--proof FILE]] [--tiling TK,TH,TW,TC]
 *        [--choice TK,TH,TW,TC,ORDER,BA,BW,BO,MODE] [--out-dir DIR] [--quiet|--verbose]
 *
 * Writes DIR/<layer>.sched (directives, and per instruction a comment with the
 * model's issue and end cycles) and DIR/<layer>.json, both atomically, and
 * prints a one-paragraph summary.  Nothing is written when the schedule does
 * not pass the validator or the model's makespan differs from the planner's
 * claim.  The layer's files in DIR are one run's: the run holds the lock
 * DIR/.<layer>.lock (and FILE.lock with --dimacs FILE) until it has written
 * them, from before it plans when DIR exists; a second run of the same
 * layer stops, touching nothing (docs/planner.md, "The plan tool").  The
 * planners are those of planner/registry.h.  Options are parsed with
 * getopt_long (`--opt VALUE` or `--opt=VALUE`).  Exit status: 0 success,
 * 1 failure (the message is on stderr), 2 usage error.  docs/planner.md
 * describes the planners and the JSON fields. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "planner/baseline.h"
#include "core/catalog.h"
#include "core/config.h"
#include "core/json.h"
#include "core/layer.h"
#include "model/bounds.h"
#include "model/model.h"
#include "planner/opt_gen.h"
#include "planner/registry.h"
#include "planner/sat/opt_space.h"
#include "planner/sat/proof.h"
#include "planner/sat/sat.h"
#include "core/sched.h"
#include "core/util.h"
#include "model/validate.h"

typedef struct options {
    const char *layer;
    const char *config;
    const char *planner;     /* the entry's name, or "choice" with --choice */
    const plan_entry *entry; /* the planner (planner/registry.h) */
    const char *out_dir;
    const char *dimacs;
    const char *proof; /* --proof: the DRAT proof of the --dimacs certificate */
    int64_t budget;    /* sat: work units (planner/sat/sat.h), 0 none */
    int has_tiling, has_choice, quiet, verbose;
    acc_tiling tiling;
    opt_choice choice;
} options;

static void usage(FILE *f)
{
    char names[128];
    plan_names(names, sizeof(names), "|");
    fprintf(f,
            "usage: plan --layer SPEC [--config NAME|FILE] [--planner %s]\n"
            "            [--budget WORK] [--dimacs FILE [--proof FILE]] [--tiling TK,TH,TW,TC]\n"
            "            [--choice TK,TH,TW,TC,ORDER,BA,BW,BO,MODE] [--out-dir DIR] "
            "[--quiet|--verbose]\n"
            "  --layer    NET_N (e.g. resnet_3) or FILE.csv:ROW\n"
            "  --config   configuration name under configs/ or an .ini file (default: default)\n"
            "  --planner  the planner (default %s):\n",
            names, PLAN_DEFAULT);
    plan_print_list(f, "               ");
    fprintf(f,
            "  --budget   work budget of the sat planner: solver conflicts + %d per schedule\n"
            "             timed, a deterministic count (default %lld; 0: none)\n"
            "  --time     the former time limit: S seconds are a budget of S x %d\n",
            ACC_SAT_EVAL_WORK, (long long)ACC_SAT_BUDGET_DEFAULT, ACC_SAT_WORK_PER_SECOND);
    fputs("  --dimacs   sat: write the final UNSAT query there (and FILE.nogoods)\n"
          "  --proof    with --dimacs: a fresh CaDiCaL solves FILE again and writes its DRAT\n"
          "             proof there (check it with build/bin/proofcheck)\n"
          "  --tiling   a fixed tiling instead of the planner's search\n"
          "  --choice   generate exactly this point of the search space (ORDER is kyx, kxy,\n"
          "             ykx, yxk, xky or xyk; BA, BW, BO buffers 1..4; MODE 0 overlap,\n"
          "             1 serial), e.g. to re-time a nogood of a --dimacs certificate\n"
          "  --out-dir  where <layer>.sched and <layer>.json go (default: build/plan)\n"
          "  --quiet    no summary on stdout\n"
          "  --verbose  sat: progress of the search on stderr\n"
          "  -h, --help this text\n"
          "Options take their value as the next argument or after '=' (--budget=10000).\n"
          "Exit status: 0 written, 1 failure (the message is on stderr), 2 usage error.\n",
          f);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "plan: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

/* Parses n comma-separated fields: numbers in 1..1000000, or an order name
 * at position `order_at` (-1: none). */
static int parse_list(const char *s, int n, int order_at, int *v)
{
    const char *p = s;
    for (int k = 0; k < n; k++) {
        if (k == order_at) {
            int found = -1;
            for (int o = 0; o < OPT_ORDER_COUNT; o++) {
                size_t len = strlen(opt_order_name(o));
                if (strncmp(p, opt_order_name(o), len) == 0 && (p[len] == ',' || !p[len]))
                    found = o;
            }
            if (found < 0)
                return -1;
            v[k] = found;
            p += strlen(opt_order_name(found));
        } else {
            char *end;
            long x = strtol(p, &end, 10);
            if (end == p || x < 0 || x > 1000000)
                return -1;
            v[k] = (int)x;
            p = end;
        }
        if (k < n - 1) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    return *p == '\0' ? 0 : -1;
}

static int parse_tiling(const char *s, acc_tiling *t)
{
    int v[4];
    if (parse_list(s, 4, -1, v) != 0 || !v[0] || !v[1] || !v[2] || !v[3])
        return -1;
    *t = (acc_tiling){v[0], v[1], v[2], v[3]};
    return 0;
}

static int parse_choice(const char *s, opt_choice *c)
{
    int v[9];
    if (parse_list(s, 9, 4, v) != 0)
        return -1;
    for (int k = 0; k < 4; k++)
        if (v[k] < 1)
            return -1;
    for (int k = 5; k < 8; k++)
        if (v[k] < 1 || v[k] > OPT_BUFFERS_MAX)
            return -1;
    if (v[8] > 1)
        return -1;
    memset(c, 0, sizeof(*c));
    c->t = (acc_tiling){v[0], v[1], v[2], v[3]};
    c->order = v[4];
    c->buffers[OPT_ACT] = v[5];
    c->buffers[OPT_WGT] = v[6];
    c->buffers[OPT_OUT] = v[7];
    c->serial = v[8];
    return 0;
}

/* Long options; their codes are above every character so that getopt_long's
 * optopt tells a bad short option from a bad long one. */
enum {
    CLI_LAYER = 256,
    CLI_CONFIG,
    CLI_PLANNER,
    CLI_OUT_DIR,
    CLI_TILING,
    CLI_TIME,
    CLI_BUDGET,
    CLI_DIMACS,
    CLI_PROOF,
    CLI_CHOICE,
    CLI_QUIET,
    CLI_VERBOSE,
    CLI_HELP
};

static const struct option long_options[] = {
    {"layer", required_argument, NULL, CLI_LAYER},
    {"config", required_argument, NULL, CLI_CONFIG},
    {"planner", required_argument, NULL, CLI_PLANNER},
    {"out-dir", required_argument, NULL, CLI_OUT_DIR},
    {"tiling", required_argument, NULL, CLI_TILING},
    {"time", required_argument, NULL, CLI_TIME},
    {"budget", required_argument, NULL, CLI_BUDGET},
    {"dimacs", required_argument, NULL, CLI_DIMACS},
    {"proof", required_argument, NULL, CLI_PROOF},
    {"choice", required_argument, NULL, CLI_CHOICE},
    {"quiet", no_argument, NULL, CLI_QUIET},
    {"verbose", no_argument, NULL, CLI_VERBOSE},
    {"help", no_argument, NULL, CLI_HELP},
    {NULL, 0, NULL, 0},
};

/* What getopt_long (opterr 0) objected to, as the user typed it. */
static int option_error(int ch, char **argv)
{
    const char *arg = argv[optind - 1];
    char name[64];
    if (optopt > 0 && optopt < 256) {
        snprintf(name, sizeof(name), "-%c", optopt);
        arg = name;
    } else if (ch == '?' && optopt >= 256) {
        snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
        return usage_error("option takes no value", name);
    }
    return usage_error(ch == ':' ? "missing value for" : "unknown option", arg);
}

/* Parses the command line; returns -1 when it is not usable, 1 for --help. */
static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof(*o));
    o->config = "default";
    o->planner = PLAN_DEFAULT;
    o->out_dir = "build/plan";
    o->budget = ACC_SAT_BUDGET_DEFAULT;
    const char *planner = NULL;
    char *end;
    int ch, li = -1;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":h", long_options, &li)) != -1) {
        if (ch == 'h' || ch == CLI_HELP)
            return 1;
        if (ch == ':' || ch == '?') {
            option_error(ch, argv);
            return -1;
        }
        /* optarg is set for every option with a value (getopt_long's
         * contract); "" keeps the flags' branches free of NULL. */
        const char *val = optarg ? optarg : "";
        if (optarg && !optarg[0] && li >= 0) {
            char name[64];
            snprintf(name, sizeof(name), "--%s", long_options[li].name);
            usage_error("missing value for", name);
            return -1;
        }
        switch (ch) {
        case CLI_LAYER:
            o->layer = val;
            break;
        case CLI_CONFIG:
            o->config = val;
            break;
        case CLI_PLANNER:
            planner = val;
            break;
        case CLI_OUT_DIR:
            o->out_dir = val;
            break;
        case CLI_TILING:
            if (parse_tiling(val, &o->tiling) != 0) {
                usage_error("--tiling expects four positive numbers TK,TH,TW,TC, got", val);
                return -1;
            }
            o->has_tiling = 1;
            break;
        case CLI_TIME: {
            double t = strtod(val, &end);
            if (end == val || *end || !(t >= 0) || t > 1e7) {
                usage_error("--time expects a number of seconds (0: no limit), got", val);
                return -1;
            }
            o->budget = acc_sat_budget_of_seconds(t);
            break;
        }
        case CLI_BUDGET: {
            errno = 0;
            long long b = strtoll(val, &end, 10);
            if (end == val || *end || errno || b < 0) {
                usage_error("--budget expects a whole number of work units (0: none), got", val);
                return -1;
            }
            o->budget = (int64_t)b;
            break;
        }
        case CLI_DIMACS:
            o->dimacs = val;
            break;
        case CLI_PROOF:
            o->proof = val;
            break;
        case CLI_CHOICE:
            if (parse_choice(val, &o->choice) != 0) {
                usage_error("--choice expects TK,TH,TW,TC,ORDER,BA,BW,BO,MODE (e.g. "
                            "16,2,56,64,kyx,2,2,2,0), got",
                            val);
                return -1;
            }
            o->has_choice = 1;
            break;
        case CLI_QUIET:
            o->quiet = 1;
            break;
        case CLI_VERBOSE:
            o->verbose = 1;
            break;
        default:
            usage_error("unknown option", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        usage_error("unexpected argument", argv[optind]);
        return -1;
    }
    if (!o->layer) {
        usage_error("missing --layer", NULL);
        return -1;
    }
    if (planner) {
        acc_error err;
        o->entry = plan_lookup(planner, &err);
        if (!o->entry) {
            usage_error(err.msg, NULL);
            return -1;
        }
    } else {
        o->entry = plan_find(PLAN_DEFAULT);
    }
    o->planner = o->entry->name; /* canonical: "double" for "baseline" */
    if (o->has_choice && o->has_tiling) {
        usage_error("--choice and --tiling exclude each other", NULL);
        return -1;
    }
    if (o->has_choice)
        o->planner = "choice";
    if (o->dimacs && strcmp(o->planner, "sat") != 0) {
        usage_error("--dimacs needs --planner sat", NULL);
        return -1;
    }
    if (o->proof && !o->dimacs) {
        usage_error("--proof needs --dimacs", NULL);
        return -1;
    }
    return 0;
}

/* .sched annotation: the model's cycles of each instruction. */
static void annot_cycles(int index, void *ctx, char *buf, size_t size)
{
    const model_timing *tm = ctx;
    snprintf(buf, size, "issue %lld end %lld", (long long)tm->start[index],
             (long long)tm->end[index]);
}

static int write_sched(const char *path, const acc_program *p, const acc_sched_meta *meta,
                       const model_timing *tm, acc_error *err)
{
    return acc_sched_save(path, p, meta, NULL, annot_cycles, (void *)tm, err);
}

/* Tiling of a program: the first COMPUTE is the first step of the first
 * tile, which has the full tile size. */
static acc_tiling program_tiling(const acc_program *p)
{
    acc_tiling t = {0, 0, 0, 0};
    for (int i = 0; i < p->count; i++) {
        if (p->ins[i].op == ACC_OP_COMPUTE) {
            const acc_compute *c = &p->ins[i].u.cp;
            t.tk = (int)c->tk;
            t.th = (int)c->th;
            t.tw = (int)c->tw;
            t.tc = (int)c->tc;
            break;
        }
    }
    return t;
}

/* Highest scratchpad byte any instruction touches (+1). */
static uint64_t program_spad_extent(const acc_program *p)
{
    uint64_t hi = 0;
    for (int i = 0; i < p->count; i++) {
        acc_range r[3];
        int n = acc_instr_spad_ranges(&p->ins[i], r);
        for (int k = 0; k < n; k++)
            if (r[k].hi > hi)
                hi = r[k].hi;
    }
    return hi;
}

/* Makespan of a baseline, for the JSON's comparison (-1 if it cannot plan
 * the layer). */
static int64_t baseline_makespan(const char *strategy, const acc_layer *l, const acc_config *cfg,
                                 const acc_memmap *mm)
{
    acc_program p;
    acc_error err;
    if (acc_baseline_plan(strategy, l, cfg, mm, NULL, &p, &err) != 0)
        return -1;
    model_timing tm;
    int64_t m = -1;
    if (model_run(&p, cfg, &tm, &err) == 0) {
        m = tm.makespan;
        model_timing_free(&tm);
    }
    acc_program_free(&p);
    return m;
}

/* What the planner produced, besides the program. */
typedef struct outcome {
    int64_t claimed; /* makespan the planner claims (-1: none) */
    int have_choice; /* choice is the point of the space it came from */
    opt_choice choice;
    int is_sat; /* the sat planner's figures below are set */
    acc_sat_result sat;
    int64_t serial_ms, double_ms;
    double seconds;
    int member;        /* --choice: 1 when the choice is a point of the space */
    int64_t choice_lb; /* --choice: its lower bound (docs/planner.md), -1 if none */
} outcome;

/* 64-bit counts and cycles with all their digits (core/json.h). */
static void add_u64(cJSON *o, const char *key, uint64_t v)
{
    cJSON_AddItemToObject(o, key, acc_json_u64_number(v));
}

static void num_or_null(cJSON *o, const char *key, int64_t v)
{
    if (v >= 0)
        add_u64(o, key, (uint64_t)v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The latest makespan under the default jitter (model_jitter_default,
 * docs/model.md "Bounds under a jittery memory"): what a real-time user
 * quotes.  -1 if the program cannot be timed (the validator rejects it first). */
static int64_t worst_makespan(const acc_program *p, const acc_config *cfg, model_jitter *j)
{
    model_bounds mb;
    acc_error err;
    model_jitter_default(cfg, j);
    if (model_run_bounds(p, cfg, j, &mb, &err) != 0)
        return -1;
    int64_t worst = mb.makespan_hi;
    model_bounds_free(&mb);
    return worst;
}

static char *summary_json(const options *o, const acc_layer *l, const acc_config *cfg,
                          const acc_program *p, const model_timing *tm, const opt_bounds *b,
                          const outcome *oc, const acc_validation *v)
{
    const int sat = oc->is_sat;
    const int64_t lower = b->best; /* valid for every schedule, not only the space */
    /* cJSON on acc_malloc, before its first allocation */
    acc_json_init();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "layer", l->name);
    cJSON_AddStringToObject(root, "config", cfg->name);
    cJSON_AddStringToObject(root, "planner", o->planner);
    add_u64(root, "makespan", (uint64_t)tm->makespan);
    model_jitter jit;
    num_or_null(root, "makespan_worst", worst_makespan(p, cfg, &jit));
    cJSON *jj = cJSON_AddObjectToObject(root, "jitter");
    cJSON_AddNumberToObject(jj, "lr_min", jit.lr_min);
    cJSON_AddNumberToObject(jj, "lr_max", jit.lr_max);
    cJSON_AddNumberToObject(jj, "lw_min", jit.lw_min);
    cJSON_AddNumberToObject(jj, "lw_max", jit.lw_max);
    cJSON_AddNumberToObject(jj, "gap_max", jit.gap_max);
    add_u64(root, "lower_bound", (uint64_t)lower);
    cJSON *lb = cJSON_AddObjectToObject(root, "lower_bounds");
    add_u64(lb, "compute", (uint64_t)b->compute);
    add_u64(lb, "dram_read", (uint64_t)b->dram_read);
    add_u64(lb, "dram_write", (uint64_t)b->dram_write);
    add_u64(lb, "array", (uint64_t)b->array);
    num_or_null(lb, "space", sat ? oc->sat.space_bound : -1);
    cJSON_AddBoolToObject(root, "optimal", sat && oc->sat.optimal);
    num_or_null(root, "proven_bound", sat ? oc->sat.proven_bound : -1);
    num_or_null(root, "gap", sat ? tm->makespan - oc->sat.proven_bound : -1);
    cJSON_AddNumberToObject(root, "solve_seconds", oc->seconds);
    if (sat) {
        cJSON *sj = cJSON_AddObjectToObject(root, "sat");
        cJSON_AddStringToObject(sj, "version", ACC_SAT_VERSION);
        cJSON_AddNumberToObject(sj, "budget", (double)o->budget);
        cJSON_AddNumberToObject(sj, "work", (double)oc->sat.work);
        cJSON_AddNumberToObject(sj, "conflicts", (double)oc->sat.conflicts);
        cJSON_AddNumberToObject(sj, "solver_calls", oc->sat.sat_calls);
        cJSON_AddNumberToObject(sj, "evaluations", oc->sat.evaluations);
        cJSON_AddNumberToObject(sj, "nogoods", oc->sat.nogoods);
        cJSON_AddNumberToObject(sj, "improvements", oc->sat.improvements);
        cJSON_AddNumberToObject(sj, "variables", oc->sat.vars);
        add_u64(sj, "clauses", (uint64_t)oc->sat.clauses);
        if (o->dimacs && oc->sat.dimacs_written)
            cJSON_AddStringToObject(sj, "dimacs", o->dimacs);
        else
            cJSON_AddNullToObject(sj, "dimacs");
    }
    cJSON_AddNumberToObject(root, "instructions", p->count);
    add_u64(root, "macs", (uint64_t)layer_macs(l));
    cJSON *db = cJSON_AddObjectToObject(root, "dram_bytes");
    add_u64(db, "read", (uint64_t)tm->dram_read);
    add_u64(db, "written", (uint64_t)tm->dram_written);
    add_u64(db, "compulsory_read", (uint64_t)b->compulsory_read);
    add_u64(db, "compulsory_written", (uint64_t)layer_y_bytes(l));
    acc_tiling t = program_tiling(p);
    cJSON *tj = cJSON_AddObjectToObject(root, "tiling");
    cJSON_AddNumberToObject(tj, "tk", t.tk);
    cJSON_AddNumberToObject(tj, "th", t.th);
    cJSON_AddNumberToObject(tj, "tw", t.tw);
    cJSON_AddNumberToObject(tj, "tc", t.tc);
    if (oc->have_choice) {
        const opt_choice *c = &oc->choice;
        cJSON *cj = cJSON_AddObjectToObject(root, "choice");
        cJSON_AddStringToObject(cj, "order", opt_order_name(c->order));
        cJSON_AddNumberToObject(cj, "act_buffers", c->buffers[OPT_ACT]);
        cJSON_AddNumberToObject(cj, "wgt_buffers", c->buffers[OPT_WGT]);
        cJSON_AddNumberToObject(cj, "out_buffers", c->buffers[OPT_OUT]);
        cJSON_AddBoolToObject(cj, "serial", c->serial);
        if (strcmp(o->planner, "choice") == 0) {
            cJSON_AddBoolToObject(cj, "in_space", oc->member);
            num_or_null(cj, "lower_bound", oc->choice_lb);
        }
    }
    add_u64(root, "peak_scratchpad_bytes", (uint64_t)v->peak_live_bytes);
    add_u64(root, "scratchpad_allocated_bytes", (uint64_t)program_spad_extent(p));
    cJSON_AddNumberToObject(root, "scratchpad_bytes", cfg->spad_bytes);
    cJSON *busy = cJSON_AddObjectToObject(root, "engine_busy");
    add_u64(busy, "load", (uint64_t)tm->busy[ACC_ENG_LD]);
    add_u64(busy, "compute", (uint64_t)tm->busy[ACC_ENG_CP]);
    add_u64(busy, "store", (uint64_t)tm->busy[ACC_ENG_ST]);
    cJSON *bl = cJSON_AddObjectToObject(root, "baselines");
    num_or_null(bl, "serial", oc->serial_ms);
    num_or_null(bl, "double", oc->double_ms);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

/* Runs the chosen planner.  Returns 0 with *prog and *oc filled, or -1 with
 * err. */
static int run_planner(const options *o, const acc_layer *l, const acc_config *cfg,
                       const acc_memmap *mm, acc_program *prog, outcome *oc, acc_error *err)
{
    memset(oc, 0, sizeof(*oc));
    oc->claimed = -1;
    oc->choice_lb = -1;
    oc->serial_ms = oc->double_ms = -1;
    double t0 = acc_now_seconds();
    if (strcmp(o->planner, "choice") == 0) {
        opt_shape s;
        opt_shape_init(&s, l);
        opt_need z;
        acc_error e;
        const opt_choice *c = &o->choice;
        int rc = -1;
        if (c->t.tk > s.Kg || c->t.th > s.OH || c->t.tw > s.OW || c->t.tc > s.Cg)
            acc_fail(err,
                     "layer '%s': choice tiling %d,%d,%d,%d is outside 1..%d, 1..%d, "
                     "1..%d, 1..%d",
                     l->name, c->t.tk, c->t.th, c->t.tw, c->t.tc, s.Kg, s.OH, s.OW, s.Cg);
        else if (opt_tiling_fits(&s, cfg, &c->t, c->buffers, &z, &e) != 0 ||
                 opt_tiling_no_padding_tile(&s, &c->t, &z, &e) != 0)
            acc_fail(err,
                     "layer '%s' on config '%s': the choice is not a point of the "
                     "search space: %s",
                     l->name, cfg->name, e.msg);
        else {
            oc->claimed = opt_build(&s, cfg, mm, c, prog, NULL, &e);
            if (oc->claimed < 0)
                acc_fail(err, "layer '%s': %s", l->name, e.msg);
            else
                rc = 0;
        }
        opt_shape_free(&s);
        if (rc != 0)
            return -1;
        oc->have_choice = 1;
        oc->choice = *c;
        /* where the choice stands in the optimizer's space */
        opt_space sp;
        int idx[OPT_DIMS];
        if (opt_space_init(&sp, l, cfg, mm, oc->claimed, NULL) == 0) {
            if (opt_space_index(&sp, c, idx) == 0) {
                oc->member = opt_space_member(&sp, idx);
                oc->choice_lb = (int64_t)opt_space_eval(&sp, sp.lb, idx);
            }
            opt_space_free(&sp);
        }
    } else {
        plan_request rq;
        plan_request_init(&rq);
        rq.use_cache = 0; /* a fresh solve, with its figures and certificate */
        rq.budget = o->budget;
        rq.tiling = o->has_tiling ? &o->tiling : NULL;
        rq.dimacs_path = o->dimacs;
        rq.log = o->verbose ? stderr : NULL;
        plan_result res;
        if (o->entry->plan(l, cfg, mm, &rq, prog, &res, err) != 0) {
            plan_result_free(&res);
            return -1;
        }
        oc->claimed = res.claimed;
        oc->have_choice = res.have_choice;
        oc->choice = res.choice;
        if (res.have_sat) { /* the solve's figures; ownership moves to *oc */
            oc->is_sat = 1;
            oc->sat = res.sat;
            oc->serial_ms = oc->sat.serial_makespan;
            oc->double_ms = oc->sat.double_makespan;
        }
    }
    oc->seconds = acc_now_seconds() - t0;
    if (!oc->is_sat) {
        oc->serial_ms = baseline_makespan("serial", l, cfg, mm);
        oc->double_ms = baseline_makespan("double", l, cfg, mm);
    }
    return 0;
}

static void print_summary(const options *o, const acc_layer *l, const acc_config *cfg,
                          const acc_program *p, const model_timing *tm, const opt_bounds *b,
                          const outcome *oc, const acc_validation *v, const char *sched_path,
                          const char *json_path)
{
    acc_tiling t = program_tiling(p);
    const int64_t lower = b->best; /* valid for every schedule, not only the space */
    double above = 100.0 * (double)(tm->makespan - lower) / (double)lower;
    model_jitter jit;
    printf("%s on %s, %s planner: makespan %lld cycles (worst case %lld under the default "
           "jitter), lower bound %lld (%.1f%% above it); ",
           l->name, cfg->name, o->planner, (long long)tm->makespan,
           (long long)worst_makespan(p, cfg, &jit), (long long)lower, above);
    if (oc->is_sat && oc->sat.optimal)
        printf("optimal in the search space (proven; %d solver calls, %d schedules timed, "
               "%d nogoods, work %lld); ",
               oc->sat.sat_calls, oc->sat.evaluations, oc->sat.nogoods, (long long)oc->sat.work);
    else if (oc->is_sat)
        printf("NOT proven optimal (budget %lld exhausted; gap %lld cycles to the proven bound "
               "%lld); ",
               (long long)oc->sat.budget, (long long)(tm->makespan - oc->sat.proven_bound),
               (long long)oc->sat.proven_bound);
    else if (strcmp(o->planner, "choice") == 0)
        printf("the choice is %sa point of the search space, its lower bound %lld; ",
               oc->member ? "" : "not ", (long long)oc->choice_lb);
    else
        printf("a baseline proves no optimality; ");
    if (oc->have_choice)
        printf("tiling tk=%d th=%d tw=%d tc=%d, order %s, buffers %d/%d/%d%s; ", oc->choice.t.tk,
               oc->choice.t.th, oc->choice.t.tw, oc->choice.t.tc, opt_order_name(oc->choice.order),
               oc->choice.buffers[OPT_ACT], oc->choice.buffers[OPT_WGT],
               oc->choice.buffers[OPT_OUT], oc->choice.serial ? ", serial" : "");
    else
        printf("tiling tk=%d th=%d tw=%d tc=%d; ", t.tk, t.th, t.tw, t.tc);
    printf("%d instructions, %llu bytes read and %llu written, peak scratchpad %llu of %u "
           "bytes; serial %lld, double %lld cycles; planned in %.3f s. Wrote %s and %s",
           p->count, (unsigned long long)tm->dram_read, (unsigned long long)tm->dram_written,
           (unsigned long long)v->peak_live_bytes, cfg->spad_bytes, (long long)oc->serial_ms,
           (long long)oc->double_ms, oc->seconds, sched_path, json_path);
    if (oc->is_sat && o->dimacs)
        printf(oc->sat.dimacs_written ? " and %s (+ .nogoods)" : " (no %s: nothing proven)",
               o->dimacs);
    if (oc->is_sat && o->proof && oc->sat.dimacs_written)
        printf(" and its DRAT proof %s", o->proof);
    printf(".\n");
}

/* ---------------------------------------------------------------- the output files */

/* Takes the lock of the layer's files in DIR, DIR/.<file>.lock, into
 * locks[0], unless it is held already; `create` makes DIR first, else a
 * missing DIR is left alone (locks[0] stays -1).  0, or -1 with err when
 * another run holds the lock or it cannot be taken. */
static int lock_files(const options *o, const char *file, int create, int locks[2], acc_error *err)
{
    if (locks[0] >= 0)
        return 0;
    struct stat st;
    if (create && acc_mkdirs(o->out_dir, err) != 0)
        return -1;
    if (!create && (stat(o->out_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        return 0; /* nothing to lock yet */
    size_t n = strlen(o->out_dir) + strlen(file) + 32;
    char *path = acc_malloc(n), *what = acc_malloc(n);
    snprintf(path, n, "%s/.%s.lock", o->out_dir, file);
    snprintf(what, n, "%s/%s.sched and .json:", o->out_dir, file);
    int fd = acc_lock_claim(path, what, "--out-dir", err);
    free(path);
    free(what);
    if (fd < 0)
        return -1;
    locks[0] = fd;
    return 0;
}

/* Before planning: with --dimacs FILE, the lock FILE.lock into locks[1]
 * (the sat planner writes FILE while it plans); when DIR exists, the lock
 * of the layer's files (lock_files), so that a second run of the layer
 * stops before it plans and touches nothing.  A DIR that does not exist
 * yet is created and locked only when there is something to write, so a
 * plan that fails creates nothing.  0, or -1 with err (no lock held). */
static int take_locks(const options *o, const char *file, int locks[2], acc_error *err)
{
    if (o->dimacs) {
        size_t n = strlen(o->dimacs) + 8;
        char *path = acc_malloc(n), *what = acc_malloc(n);
        snprintf(path, n, "%s.lock", o->dimacs);
        snprintf(what, n, "%s:", o->dimacs);
        locks[1] = acc_lock_claim(path, what, "--dimacs", err);
        free(path);
        free(what);
        if (locks[1] < 0)
            return -1;
    }
    if (lock_files(o, file, 0, locks, err) != 0) {
        acc_lock_release(locks[1]);
        locks[1] = -1;
        return -1;
    }
    return 0;
}

static void release_locks(int locks[2])
{
    acc_lock_release(locks[1]);
    acc_lock_release(locks[0]);
    locks[0] = locks[1] = -1;
}

/* Removes `path` if it is there.  0, or -1 with err. */
static int remove_old(const char *path, acc_error *err)
{
    if (remove(path) != 0 && errno != ENOENT)
        return acc_fail(err, "%s: cannot remove the earlier run's file: %s", path, strerror(errno));
    return 0;
}

/* A run that fails after the sat planner wrote its certificate removes it
 * (FILE and FILE.nogoods): "nothing written" holds, and no earlier run's
 * .json names a certificate of this one. */
static void drop_certificate(const options *o, const outcome *oc)
{
    if (!o->dimacs || !oc->is_sat || !oc->sat.dimacs_written)
        return;
    size_t n = strlen(o->dimacs) + 16;
    char *nogoods = acc_malloc(n);
    snprintf(nogoods, n, "%s.nogoods", o->dimacs);
    acc_error err;
    if (remove_old(o->dimacs, &err) != 0 || remove_old(nogoods, &err) != 0 ||
        (o->proof && remove_old(o->proof, &err) != 0))
        fprintf(stderr, "plan: %s\n", err.msg);
    free(nogoods);
}

int main(int argc, char **argv)
{
    acc_cleanup_on_signals(); /* an interrupted plan leaves no temporary file */
    options o;
    int prc = parse_args(argc, argv, &o);
    if (prc == 1) {
        usage(stdout);
        return 0;
    }
    if (prc != 0)
        return 2;

    acc_error err;
    acc_layer layer;
    acc_config cfg;
    char note[512];
    if (acc_layer_resolve(o.layer, &layer, note, sizeof(note), &err) != 0 ||
        acc_config_load(o.config, &cfg, &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        return 1;
    }
    if (note[0])
        fprintf(stderr, "plan: warning: %s\n", note);
    if (acc_layer_check(&layer, &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        return 1;
    }
    acc_memmap mm;
    acc_memmap_default(&layer, &mm);

    char file[ACC_NAME_MAX];
    acc_layer_file_name(layer.name, file, sizeof(file));
    int locks[2] = {-1, -1};
    if (take_locks(&o, file, locks, &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        return 1;
    }

    acc_program prog;
    outcome oc;
    if (run_planner(&o, &layer, &cfg, &mm, &prog, &oc, &err) != 0) {
        fprintf(stderr, "plan: %s\n", err.msg);
        release_locks(locks);
        return 1;
    }

    model_timing tm;
    if (model_run(&prog, &cfg, &tm, &err) != 0) {
        fprintf(stderr, "plan: the schedule is not executable: %s\n", err.msg);
        drop_certificate(&o, &oc);
        acc_program_free(&prog);
        acc_sat_result_free(&oc.sat);
        release_locks(locks);
        return 1;
    }
    int rc = 0;
    acc_validation v;
    if (acc_validate(&prog, &layer, &cfg, &mm, &v, stderr, &err) != 0) {
        fprintf(stderr,
                "plan: the %s schedule of %s on %s is invalid (%d violations); "
                "nothing written\n",
                o.planner, layer.name, cfg.name, v.violations);
        rc = 1;
    } else if (oc.claimed >= 0 && oc.claimed != tm.makespan) {
        fprintf(stderr,
                "plan: the %s planner claims makespan %lld, the model gives %lld; "
                "nothing written\n",
                o.planner, (long long)oc.claimed, (long long)tm.makespan);
        rc = 1;
    }

    /* the certificate's proof: a fresh solver, before anything is written */
    if (rc == 0 && o.proof && oc.is_sat && oc.sat.dimacs_written &&
        acc_sat_write_proof(o.dimacs, o.proof, &err) != 20) {
        fprintf(stderr, "plan: %s\n", err.msg);
        rc = 1;
    }

    opt_bounds b;
    opt_universal_bounds(&layer, &cfg, &b);
    size_t n = strlen(o.out_dir) + strlen(file) + 16;
    char *sched_path = acc_malloc(n), *json_path = acc_malloc(n);
    snprintf(sched_path, n, "%s/%s.sched", o.out_dir, file);
    snprintf(json_path, n, "%s/%s.json", o.out_dir, file);

    if (rc == 0) {
        acc_sched_meta meta;
        memset(&meta, 0, sizeof(meta));
        snprintf(meta.layer, sizeof(meta.layer), "%s", layer.name);
        snprintf(meta.config, sizeof(meta.config), "%s", cfg.name);
        snprintf(meta.planner, sizeof(meta.planner), "%s", o.planner);
        meta.has_memmap = 1;
        meta.memmap = mm;
        char *json = summary_json(&o, &layer, &cfg, &prog, &tm, &b, &oc, &v);
        /* locked (if not since before planning), the earlier run's .json
         * goes first: whenever this run stops, a .json beside the .sched is
         * the .sched's own */
        if (lock_files(&o, file, 1, locks, &err) != 0 || remove_old(json_path, &err) != 0 ||
            write_sched(sched_path, &prog, &meta, &tm, &err) != 0 ||
            acc_write_file(json_path, json, strlen(json), &err) != 0) {
            fprintf(stderr, "plan: %s\n", err.msg);
            rc = 1;
        } else if (!o.quiet) {
            print_summary(&o, &layer, &cfg, &prog, &tm, &b, &oc, &v, sched_path, json_path);
        }
        free(json);
    }
    if (rc != 0)
        drop_certificate(&o, &oc);
    free(sched_path);
    free(json_path);
    acc_validation_free(&v);
    model_timing_free(&tm);
    acc_program_free(&prog);
    acc_sat_result_free(&oc.sat);
    release_locks(locks);
    return rc;
}
