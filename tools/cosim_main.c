/* cosim_main.c - the `cosim` program: plan, run and check one layer (or
 * every layer of a network) on a backend.  docs/cosim.md is its manual.
 * Options are parsed with getopt_long: `--opt VALUE` or `--opt=VALUE`.
 * Exit status: 0 every check passed, 1 a check failed or an input was bad,
 * 2 usage error (unknown option, missing value, ...). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "cosim/harness.h"
#include "cosim/pool.h"
#include "model/bounds.h"
#include "planner/registry.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cosim --layer SPEC [options]\n"
            "       cosim --net NET [options]\n"
            "\n"
            "Plans (or loads) a schedule for a convolution layer, runs it on a backend and\n"
            "checks outputs against golden (bit-exact) and cycles against the timing model.\n"
            "\n"
            "  --layer SPEC        <net>_<N> (e.g. resnet_3) or <path>.csv:<row>\n"
            "  --net NET           every layer of a catalog network (resnet, vgg, ...)\n"
            "  --config NAME|FILE  accelerator configuration (default: default)\n"
            "  --seed N            seed of the random operands (default 1)\n"
            "  --backend NAME      iss (functional), rtl (Verilated RTL) or systemc (the RTL in\n"
            "                      a SystemC platform); default iss\n"
            "  --planner NAME      the planner (default %s):\n",
            PLAN_DEFAULT);
    plan_print_list(f, "                      ");
    fprintf(f,
            "  --sched FILE        run this .sched instead of planning\n"
            "  --x FILE.npy        input  x int8 [C,H,W]        (with --w)\n"
            "  --w FILE.npy        weights w int8 [C/G,FH,FW,K] (with --x)\n"
            "  --dump              write x.npy, w.npy, y_golden.npy, y_sim.npy beside the report\n"
            "  --cycles            write cycles.csv beside the report (every instruction's\n"
            "                      model and measured issue/end cycles)\n"
            "  --out DIR           output directory (default build/cosim/<layer>;\n"
            "                      with --net the root, default build/cosim)\n"
            "  --jobs N            with --net: run N layers at once, each in a worker\n"
            "                      process (default 1; 0: one per processor, here %d)\n"
            "  --wave FILE.fst     waveform (measured backends built with tracing)\n"
            "  --from I --to J     trace only instructions I..J\n"
            "  --from-cycle A --to-cycle B   trace only cycles A..B\n"
            "  --no-progress       no progress bar on stderr\n"
            "  --max-bytes N       refuse a schedule that moves more than N bytes (default\n"
            "                      %llu; 0: no ceiling)\n"
            "  --max-cycles N      refuse a schedule whose model time passes N cycles\n"
            "                      (default %lld; 0: no ceiling)\n"
            "  --max-seconds S     stop the backend after S seconds of wall time (default\n"
            "                      %.0f; 0: no limit)\n"
            "  --stress SEED       stress mode (rtl backend): a hostile memory and host from\n"
            "                      SEED; cycles checked against the bounds of the jitter\n"
            "  --jitter LR0:LR1:LW0:LW1:G  stress jitter: read latency LR0..LR1, write\n"
            "                      latency LW0..LW1, gaps and READY stalls up to G cycles\n"
            "                      (default Lr:2Lr:Lw:2Lw:%d)\n"
            "  --inject PORT:N[:decerr]  the N-th burst (from 1) of PORT (load, store, fetch)\n"
            "                      answers SLVERR (or DECERR): the run must stop with\n"
            "                      AXI_ERROR at the instruction of that burst\n"
            "  -h, --help          this text\n"
            "Options take their value as the next argument or after '=' (--seed=3).\n"
            "\n"
            "Exit status: 0 all checks pass, 1 a check failed or bad input, 2 usage error.\n",
            cosim_pool_cores(), (unsigned long long)COSIM_MAX_BYTES_DEFAULT,
            (long long)COSIM_MAX_CYCLES_DEFAULT, COSIM_MAX_SECONDS_DEFAULT,
            MODEL_JITTER_DEFAULT_GAP);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "cosim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(try `cosim --help`)\n");
    return 2;
}

typedef struct cli {
    cosim_run_config rc;
    const char *net;
    int no_progress;
    int jobs_given;
} cli;

/* Parses a non-negative number option; 0 or -1. */
static int parse_num(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    if (acc_parse_u64(s, max, out) != 0) {
        fprintf(stderr, "cosim: %s: '%s' is not a number in 0..%llu\n(try `cosim --help`)\n", opt,
                s, (unsigned long long)max);
        return -1;
    }
    return 0;
}

/* Long options; their codes are above every character so that getopt_long's
 * optopt tells a bad short option from a bad long one. */
enum {
    CLI_LAYER = 256,
    CLI_NET,
    CLI_CONFIG,
    CLI_SEED,
    CLI_BACKEND,
    CLI_PLANNER,
    CLI_SCHED,
    CLI_X,
    CLI_W,
    CLI_DUMP,
    CLI_CYCLES,
    CLI_OUT,
    CLI_JOBS,
    CLI_WAVE,
    CLI_FROM,
    CLI_TO,
    CLI_FROM_CYCLE,
    CLI_TO_CYCLE,
    CLI_NO_PROGRESS,
    CLI_MAX_BYTES,
    CLI_MAX_CYCLES,
    CLI_MAX_SECONDS,
    CLI_STRESS,
    CLI_JITTER,
    CLI_INJECT,
    CLI_HELP
};

static const struct option long_options[] = {
    {"layer", required_argument, NULL, CLI_LAYER},
    {"net", required_argument, NULL, CLI_NET},
    {"config", required_argument, NULL, CLI_CONFIG},
    {"seed", required_argument, NULL, CLI_SEED},
    {"backend", required_argument, NULL, CLI_BACKEND},
    {"planner", required_argument, NULL, CLI_PLANNER},
    {"sched", required_argument, NULL, CLI_SCHED},
    {"x", required_argument, NULL, CLI_X},
    {"w", required_argument, NULL, CLI_W},
    {"dump", no_argument, NULL, CLI_DUMP},
    {"cycles", no_argument, NULL, CLI_CYCLES},
    {"out", required_argument, NULL, CLI_OUT},
    {"jobs", required_argument, NULL, CLI_JOBS},
    {"wave", required_argument, NULL, CLI_WAVE},
    {"from", required_argument, NULL, CLI_FROM},
    {"to", required_argument, NULL, CLI_TO},
    {"from-cycle", required_argument, NULL, CLI_FROM_CYCLE},
    {"to-cycle", required_argument, NULL, CLI_TO_CYCLE},
    {"no-progress", no_argument, NULL, CLI_NO_PROGRESS},
    {"max-bytes", required_argument, NULL, CLI_MAX_BYTES},
    {"max-cycles", required_argument, NULL, CLI_MAX_CYCLES},
    {"max-seconds", required_argument, NULL, CLI_MAX_SECONDS},
    {"stress", required_argument, NULL, CLI_STRESS},
    {"jitter", required_argument, NULL, CLI_JITTER},
    {"inject", required_argument, NULL, CLI_INJECT},
    {"help", no_argument, NULL, CLI_HELP},
    {NULL, 0, NULL, 0},
};

/* The option getopt_long (opterr 0) objected to, as the user typed it. */
static const char *bad_option(char **argv, char buf[3])
{
    if (optopt > 0 && optopt < 256) {
        buf[0] = '-';
        buf[1] = (char)optopt;
        buf[2] = '\0';
        return buf;
    }
    return argv[optind - 1];
}

/* One trace-window bound. */
static int parse_window(const char *opt, const char *val, int64_t *out)
{
    uint64_t n;
    if (parse_num(opt, val, (uint64_t)INT64_MAX, &n))
        return -1;
    *out = (int64_t)n;
    return 0;
}

/* --jitter LR0:LR1:LW0:LW1:G; 0 or -1 (message printed). */
static int parse_jitter(const char *val, cosim_stress *st)
{
    int v[5];
    char tail;
    if (sscanf(val, "%d:%d:%d:%d:%d%c", &v[0], &v[1], &v[2], &v[3], &v[4], &tail) != 5) {
        fprintf(stderr, "cosim: --jitter: '%s' is not LR0:LR1:LW0:LW1:G\n(try `cosim --help`)\n",
                val);
        return -1;
    }
    model_jitter j = {v[0], v[1], v[2], v[3], v[4]};
    acc_error err;
    if (model_jitter_check(&j, &err)) {
        fprintf(stderr, "cosim: --jitter: %s\n(try `cosim --help`)\n", err.msg);
        return -1;
    }
    st->lr_min = v[0];
    st->lr_max = v[1];
    st->lw_min = v[2];
    st->lw_max = v[3];
    st->gap_max = v[4];
    return 0;
}

/* --inject PORT:N[:slverr|decerr]; 0 or -1 (message printed). */
static int parse_inject(const char *val, cosim_stress *st)
{
    static const char *const ports[] = {"load", "store", "fetch"};
    char port[16], resp[16] = "slverr";
    long long n = 0;
    char tail;
    int k = sscanf(val, "%15[a-z]:%lld:%15[a-z]%c", port, &n, resp, &tail);
    int p = -1;
    for (int i = 0; i < 3 && (k == 2 || k == 3); i++)
        if (!strcmp(port, ports[i]))
            p = i;
    if (p < 0 || n < 1 || (strcmp(resp, "slverr") && strcmp(resp, "decerr"))) {
        fprintf(stderr,
                "cosim: --inject: '%s' is not PORT:N[:slverr|decerr] with PORT load, store or "
                "fetch and N >= 1\n(try `cosim --help`)\n",
                val);
        return -1;
    }
    st->inject_port = (cosim_port)(COSIM_PORT_LOAD + p);
    st->inject_burst = n;
    st->inject_resp = strcmp(resp, "decerr") ? 2 : 3;
    return 0;
}

/* Returns 0, or the exit status of a usage error / --help (*done set). */
static int parse_args(int argc, char **argv, cli *c, int *done)
{
    *done = 0;
    memset(c, 0, sizeof(*c));
    c->rc.seed = 1;
    c->rc.opt.wave_from_instr = c->rc.opt.wave_to_instr = -1;
    c->rc.opt.wave_from_cycle = c->rc.opt.wave_to_cycle = -1;
    cosim_options *o = &c->rc.opt;
    char sbuf[3];
    int ch;
    opterr = 0;
    optind = 1;
    while ((ch = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (ch) {
        case 'h':
        case CLI_HELP:
            usage(stdout);
            *done = 1;
            return 0;
        case ':':
            return usage_error("option '%s' needs a value", bad_option(argv, sbuf));
        case '?':
            if (optopt >= 256) { /* a known long option given a value */
                char name[64];
                snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="),
                         argv[optind - 1]);
                return usage_error("option '%s' takes no value", name);
            }
            return usage_error("unknown option '%s'", bad_option(argv, sbuf));
        case CLI_LAYER:
            c->rc.layer = optarg;
            break;
        case CLI_NET:
            c->net = optarg;
            break;
        case CLI_CONFIG:
            c->rc.config = optarg;
            break;
        case CLI_SEED:
            if (parse_num("--seed", optarg, UINT64_MAX, &c->rc.seed))
                return 2;
            break;
        case CLI_BACKEND:
            c->rc.backend = optarg;
            break;
        case CLI_PLANNER:
            c->rc.planner = optarg;
            break;
        case CLI_SCHED:
            c->rc.sched_path = optarg;
            break;
        case CLI_X:
            c->rc.x_path = optarg;
            break;
        case CLI_W:
            c->rc.w_path = optarg;
            break;
        case CLI_DUMP:
            c->rc.dump = 1;
            break;
        case CLI_CYCLES:
            c->rc.write_cycles = 1;
            break;
        case CLI_OUT:
            c->rc.out_dir = optarg;
            break;
        case CLI_JOBS: { /* 0: one per processor */
            uint64_t v;
            if (parse_num("--jobs", optarg, 4096, &v))
                return 2;
            c->rc.jobs = v ? (int)v : cosim_pool_cores();
            c->jobs_given = 1;
            break;
        }
        case CLI_WAVE:
            o->wave_path = optarg;
            break;
        case CLI_FROM:
            if (parse_window("--from", optarg, &o->wave_from_instr))
                return 2;
            break;
        case CLI_TO:
            if (parse_window("--to", optarg, &o->wave_to_instr))
                return 2;
            break;
        case CLI_FROM_CYCLE:
            if (parse_window("--from-cycle", optarg, &o->wave_from_cycle))
                return 2;
            break;
        case CLI_TO_CYCLE:
            if (parse_window("--to-cycle", optarg, &o->wave_to_cycle))
                return 2;
            break;
        case CLI_NO_PROGRESS:
            c->no_progress = 1;
            break;
        case CLI_MAX_BYTES: { /* 0: no ceiling */
            uint64_t v;
            if (parse_num("--max-bytes", optarg, UINT64_MAX, &v))
                return 2;
            c->rc.max_bytes = v ? v : UINT64_MAX;
            break;
        }
        case CLI_MAX_CYCLES: {
            uint64_t v;
            if (parse_num("--max-cycles", optarg, (uint64_t)INT64_MAX, &v))
                return 2;
            c->rc.max_cycles = v ? (int64_t)v : INT64_MAX;
            break;
        }
        case CLI_MAX_SECONDS: {
            uint64_t v;
            if (parse_num("--max-seconds", optarg, 365u * 24 * 3600, &v))
                return 2;
            c->rc.max_seconds = v ? (double)v : -1;
            break;
        }
        case CLI_STRESS: {
            uint64_t v;
            if (parse_num("--stress", optarg, UINT32_MAX, &v))
                return 2;
            o->stress.on = 1;
            o->stress.seed = v;
            break;
        }
        case CLI_JITTER:
            if (parse_jitter(optarg, &o->stress))
                return 2;
            break;
        case CLI_INJECT:
            if (parse_inject(optarg, &o->stress))
                return 2;
            break;
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s' (options start with --)", argv[optind]);
    if (!c->rc.layer == !c->net)
        return usage_error("%s", c->net ? "give --layer or --net, not both"
                                        : "give --layer SPEC or --net NET");
    if (!c->rc.x_path != !c->rc.w_path)
        return usage_error("%s", "--x and --w go together");
    if (c->net && (c->rc.sched_path || c->rc.x_path || o->wave_path))
        return usage_error("%s", "--net runs planned schedules on seeded operands; it does not "
                                 "take --sched, --x/--w or --wave");
    if (c->jobs_given && !c->net)
        return usage_error("%s", "--jobs runs the layers of a --net in parallel; one --layer "
                                 "runs in one process");
    if (o->stress.lr_min > 0 && !o->stress.on)
        return usage_error("%s", "--jitter needs --stress SEED");
    acc_error err;
    if (c->rc.planner && !plan_lookup(c->rc.planner, &err))
        return usage_error("%s", err.msg);
    if ((o->wave_from_instr >= 0 && o->wave_to_instr >= 0 &&
         o->wave_from_instr > o->wave_to_instr) ||
        (o->wave_from_cycle >= 0 && o->wave_to_cycle >= 0 && o->wave_from_cycle > o->wave_to_cycle))
        return usage_error("%s", "an empty trace window (--from after --to)");
    return 0;
}

int main(int argc, char **argv)
{
    cli c;
    int done;
    int st = parse_args(argc, argv, &c, &done);
    if (st != 0 || done)
        return st;
    /* Ctrl-C or a kill leaves no temporary file (report.json then holds the
     * run's "running" marker, docs/cosim.md) */
    acc_cleanup_on_signals();
    c.rc.opt.progress = !c.no_progress && isatty(STDERR_FILENO);
    c.rc.summary = stdout;
    c.rc.log = stderr;
    acc_error err;
    int r;
    if (c.net) {
        r = cosim_run_net(c.net, &c.rc, &err);
    } else {
        cosim_report rep;
        r = cosim_run(&c.rc, &rep, &err);
    }
    fflush(stdout);
    if (r < 0) {
        fprintf(stderr, "cosim: error: %s\n", err.msg);
        return 1;
    }
    return r == 0 ? 0 : 1;
}
