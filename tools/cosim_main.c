/* cosim_main.c - the `cosim` program: plan, run and check one layer (or
 * every layer of a network) on a backend.  docs/cosim.md is its manual.
 * Exit status: 0 every check passed, 1 a check failed or an input was bad,
 * 2 usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "cosim/harness.h"
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
            "  --wave FILE.fst     waveform (measured backends built with tracing)\n"
            "  --from I --to J     trace only instructions I..J\n"
            "  --from-cycle A --to-cycle B   trace only cycles A..B\n"
            "  --no-progress       no progress bar on stderr\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 all checks pass, 1 a check failed or bad input, 2 usage error.\n");
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

/* Returns 0, or the exit status of a usage error / --help. */
static int parse_args(int argc, char **argv, cli *c, int *done)
{
    *done = 0;
    memset(c, 0, sizeof(*c));
    c->rc.seed = 1;
    c->rc.opt.wave_from_instr = c->rc.opt.wave_to_instr = -1;
    c->rc.opt.wave_from_cycle = c->rc.opt.wave_to_cycle = -1;
    static const char *const with_value[] = {"--layer",   "--config",     "--seed",     "--backend",
                                             "--planner", "--sched",      "--x",        "--w",
                                             "--out",     "--net",        "--wave",     "--from",
                                             "--to",      "--from-cycle", "--to-cycle", NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            *done = 1;
            return 0;
        }
        if (!strcmp(a, "--dump")) {
            c->rc.dump = 1;
            continue;
        }
        if (!strcmp(a, "--cycles")) {
            c->rc.write_cycles = 1;
            continue;
        }
        if (!strcmp(a, "--no-progress")) {
            c->no_progress = 1;
            continue;
        }
        /* --opt VALUE or --opt=VALUE */
        char name[32];
        const char *val = NULL;
        const char *eq = strchr(a, '=');
        size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
        if (nlen >= sizeof(name))
            return usage_error("unknown option '%s'", a);
        memcpy(name, a, nlen);
        name[nlen] = '\0';
        int known = 0;
        for (int k = 0; with_value[k]; k++)
            known |= !strcmp(with_value[k], name);
        if (!known)
            return usage_error("unknown option '%s'", a);
        if (eq) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc)
                return usage_error("option '%s' needs a value", name);
            val = argv[++i];
        }
        uint64_t n;
        if (!strcmp(name, "--layer")) {
            c->rc.layer = val;
        } else if (!strcmp(name, "--config")) {
            c->rc.config = val;
        } else if (!strcmp(name, "--seed")) {
            if (parse_num(name, val, UINT64_MAX, &c->rc.seed))
                return 2;
        } else if (!strcmp(name, "--backend")) {
            c->rc.backend = val;
        } else if (!strcmp(name, "--planner")) {
            c->rc.planner = val;
        } else if (!strcmp(name, "--sched")) {
            c->rc.sched_path = val;
        } else if (!strcmp(name, "--x")) {
            c->rc.x_path = val;
        } else if (!strcmp(name, "--w")) {
            c->rc.w_path = val;
        } else if (!strcmp(name, "--out")) {
            c->rc.out_dir = val;
        } else if (!strcmp(name, "--net")) {
            c->net = val;
        } else if (!strcmp(name, "--wave")) {
            c->rc.opt.wave_path = val;
        } else {
            if (parse_num(name, val, (uint64_t)INT64_MAX, &n))
                return 2;
            if (!strcmp(name, "--from"))
                c->rc.opt.wave_from_instr = (int64_t)n;
            else if (!strcmp(name, "--to"))
                c->rc.opt.wave_to_instr = (int64_t)n;
            else if (!strcmp(name, "--from-cycle"))
                c->rc.opt.wave_from_cycle = (int64_t)n;
            else
                c->rc.opt.wave_to_cycle = (int64_t)n;
        }
    }
    if (!c->rc.layer == !c->net)
        return usage_error("%s", c->net ? "give --layer or --net, not both"
                                        : "give --layer SPEC or --net NET");
    if (!c->rc.x_path != !c->rc.w_path)
        return usage_error("%s", "--x and --w go together");
    if (c->net && (c->rc.sched_path || c->rc.x_path || c->rc.opt.wave_path))
        return usage_error("%s", "--net runs planned schedules on seeded operands; it does not "
                                 "take --sched, --x/--w or --wave");
    acc_error err;
    if (c->rc.planner && !plan_lookup(c->rc.planner, &err))
        return usage_error("%s", err.msg);
    const cosim_options *o = &c->rc.opt;
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
