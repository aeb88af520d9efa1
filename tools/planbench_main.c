/* planbench_main.c - build/bin/planbench: the sat planner's figures on every
 * layer of a network (default: ResNet-18 on the default configuration), for
 * `make bench`.
 *
 *   planbench [--net NET] [--config NAME|FILE] [--budget WORK | --time SECONDS]
 *
 * Per layer: solve time (CPU seconds of the process: the figure that does
 * not depend on what else runs on the machine), the search's deterministic
 * work (solver conflicts + ACC_SAT_EVAL_WORK per schedule timed, sat.h) and
 * schedules timed, makespan, the lower bound valid for the search
 * space and makespan / that bound, whether optimality is proven, speedup
 * over each baseline, DRAM traffic / compulsory traffic, and the validator's
 * verdict on the schedule.  A layer of the same shape as an earlier one
 * (the same cache key, planner/opt_cache.h) is not planned again: the
 * search is deterministic, so its row repeats the earlier one's figures.
 * Then the count proven, the median, largest and total solve time of the
 * distinct shapes, the geometric means and the totals, and
 * the array-efficiency table: per layer the makespan against
 * ceil(MACs / (R*C)) (the array doing nothing but useful MACs) and against
 * the compulsory-traffic bound (every needed input and weight byte read and
 * every output byte written once, docs/planner.md "Bounds in the JSON"),
 * the MAC utilisation, and the network's sums.  Exit
 * status 0 when every schedule is valid and takes its claimed makespan, 1
 * otherwise, 2 on a usage error (options are parsed with getopt_long). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/catalog.h"
#include "core/config.h"
#include "core/layer.h"
#include "model/model.h"
#include "planner/opt_cache.h"
#include "planner/sat/sat.h"
#include "model/validate.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: planbench [--net NET] [--config NAME|FILE] [--budget WORK | --time SECONDS]\n"
            "  every layer of NET (default resnet) on the configuration (default default),\n"
            "  planned by the sat planner with a work budget per layer (default %lld; 0 none):\n"
            "  solver conflicts + %d per schedule timed, a deterministic count; --time S is\n"
            "  the former time limit, a budget of S x %d\n"
            "  -h, --help  this text\n",
            (long long)ACC_SAT_BUDGET_DEFAULT, ACC_SAT_EVAL_WORK, ACC_SAT_WORK_PER_SECOND);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "planbench: %s '%s'\n", msg, arg);
    usage(stderr);
    return 2;
}

/* Long options; their codes are above every character so that getopt_long's
 * optopt tells a bad short option from a bad long one. */
enum { CLI_NET = 256, CLI_CONFIG, CLI_TIME, CLI_BUDGET, CLI_HELP };

static const struct option long_options[] = {
    {"net", required_argument, NULL, CLI_NET},   {"config", required_argument, NULL, CLI_CONFIG},
    {"time", required_argument, NULL, CLI_TIME}, {"budget", required_argument, NULL, CLI_BUDGET},
    {"help", no_argument, NULL, CLI_HELP},       {NULL, 0, NULL, 0},
};

/* One layer's row of the array-efficiency table. */
typedef struct eff_row {
    const char *name;
    int64_t makespan, ideal, traffic;
    uint64_t macs;
} eff_row;

/* The array-efficiency table: per
 * layer makespan / ceil(MACs/(R*C)) ("x ideal"), makespan / the
 * compulsory-traffic bound ("x traffic"), and the MAC utilisation
 * MACs / (makespan * R * C); then the network's sums. */
static void print_efficiency(const eff_row *e, int n, const acc_config *cfg)
{
    if (n == 0)
        return;
    const double pes = (double)cfg->rows * (double)cfg->cols;
    printf("\narray efficiency (%dx%d array): ideal = ceil(MACs / %d), every PE doing a useful "
           "MAC every cycle;\ntraffic = compulsory-traffic bound (needed inputs and weights read "
           "once, outputs written once)\n\n",
           cfg->rows, cfg->cols, cfg->rows * cfg->cols);
    printf("%-12s %10s %10s %10s %8s %9s %6s\n", "layer", "makespan", "ideal", "traffic", "x ideal",
           "x traffic", "util");
    int64_t ms = 0, ideal = 0;
    double macs = 0, worst = 0;
    const char *worst_name = "";
    for (int i = 0; i < n; i++) {
        double xi = (double)e[i].makespan / (double)e[i].ideal;
        double xt = (double)e[i].makespan / (double)e[i].traffic;
        double util = 100.0 * (double)e[i].macs / ((double)e[i].makespan * pes);
        printf("%-12s %10lld %10lld %10lld %8.3f %9.3f %5.1f%%\n", e[i].name,
               (long long)e[i].makespan, (long long)e[i].ideal, (long long)e[i].traffic, xi, xt,
               util);
        ms += e[i].makespan;
        ideal += e[i].ideal;
        macs += (double)e[i].macs;
        if (xi > worst) {
            worst = xi;
            worst_name = e[i].name;
        }
    }
    printf("%-12s %10lld %10lld %10s %8.3f %9s %5.1f%%\n", "total", (long long)ms, (long long)ideal,
           "", (double)ms / (double)ideal, "", 100.0 * macs / ((double)ms * pes));
    printf("worst layer: %s at %.3fx ideal\n", worst_name, worst);
}

/* A layer's figures, for the later layers of the same shape (the same
 * cache key: the search is deterministic, so they get the same schedule). */
typedef struct solved {
    uint64_t key;
    const char *name;
    int64_t work, makespan, lower_bound;
    int evaluations, optimal, valid;
    int eff_at; /* its row of the array-efficiency table */
    double ratio, univ, ser, dbl, traffic;
} solved;

/* CPU seconds of this process (user + system). */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *net = "resnet", *config = "default";
    int64_t budget = ACC_SAT_BUDGET_DEFAULT;
    double limit;
    char name[64], *end;
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (ch) {
        case 'h':
        case CLI_HELP:
            usage(stdout);
            return 0;
        case CLI_NET:
            net = optarg;
            break;
        case CLI_CONFIG:
            config = optarg;
            break;
        case CLI_TIME:
            limit = strtod(optarg, &end);
            if (end == optarg || *end || !(limit >= 0) || limit > 1e7)
                return usage_error("--time expects a number of seconds, got", optarg);
            budget = acc_sat_budget_of_seconds(limit);
            break;
        case CLI_BUDGET: {
            long long b = strtoll(optarg, &end, 10);
            if (end == optarg || *end || b < 0)
                return usage_error("--budget expects a whole number of work units, got", optarg);
            budget = (int64_t)b;
            break;
        }
        case ':':
            return usage_error("option needs a value:", argv[optind - 1]);
        default: /* '?' */
            if (optopt > 0 && optopt < 256)
                snprintf(name, sizeof(name), "-%c", optopt);
            else
                snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="),
                         argv[optind - 1]);
            return usage_error(optopt >= 256 ? "option takes no value:" : "unknown option", name);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    acc_error err;
    acc_layer_list list;
    acc_config cfg;
    if (acc_catalog_net(net, &list, &err) != 0 || acc_config_load(config, &cfg, &err) != 0) {
        fprintf(stderr, "planbench: %s\n", err.msg);
        return 1;
    }
    printf("sat planner (%s) on %s, configuration %s (%dx%d, %u bytes, %d-bit bus, latency "
           "%d/%d), budget %lld work units per layer%s\n",
           ACC_SAT_VERSION, net, cfg.name, cfg.rows, cfg.cols, cfg.spad_bytes, cfg.axi_data_bits,
           cfg.read_latency, cfg.write_latency, (long long)budget, budget > 0 ? "" : " (none)");
    printf("solve s: CPU seconds; work: solver conflicts + %d per schedule timed "
           "(deterministic); timed: schedules generated and timed\n",
           ACC_SAT_EVAL_WORK);
    printf("lower bound: valid for every schedule of the search space (docs/planner.md); "
           "universal: valid for every schedule\n\n");
    printf("%-12s %8s %10s %7s %10s %10s %7s %9s %6s %8s %8s %9s %6s\n", "layer", "solve s", "work",
           "timed", "makespan", "lower bnd", "ms/lb", "ms/univ", "proven", "x serial", "x double",
           "dram/comp", "valid");
    /* array efficiency, one row per planned layer */
    eff_row *eff = acc_calloc((size_t)list.count + 1, sizeof(eff_row));
    int neff = 0;
    const uint64_t pes = (uint64_t)cfg.rows * (uint64_t)cfg.cols;
    double log_ratio = 0, log_univ = 0, log_ser = 0, log_dbl = 0, sum_ser = 0, total_s = 0,
           max_s = 0;
    double *times = acc_calloc((size_t)list.count + 1, sizeof(double));
    solved *done = acc_calloc((size_t)list.count + 1, sizeof(solved));
    int ndone = 0, repeats = 0;
    int64_t total_work = 0;
    const char *max_name = "";
    int proven = 0, failures = 0, n = 0;
    for (int i = 0; i < list.count; i++) {
        const acc_layer *l = &list.items[i];
        acc_memmap mm;
        acc_memmap_default(l, &mm);
        const uint64_t key = opt_cache_key(l, &cfg, &mm);
        const solved *same = NULL;
        for (int k = 0; k < ndone && !same; k++)
            if (done[k].key == key)
                same = &done[k];
        if (same) { /* planned already under another name */
            printf("%-12s %8s %10lld %7d %10lld %10lld %7.4f %9.3f %6s %8.3f %8.3f %9.3f %6s  "
                   "(the shape of %s)\n",
                   l->name, "-", (long long)same->work, same->evaluations,
                   (long long)same->makespan, (long long)same->lower_bound, same->ratio, same->univ,
                   same->optimal ? "yes" : "no", same->ser, same->dbl, same->traffic,
                   same->valid ? "yes" : "NO", same->name);
            eff[neff] = eff[same->eff_at];
            eff[neff].name = l->name;
            neff++;
            log_ratio += log(same->ratio);
            log_univ += log(same->univ);
            log_ser += log(same->ser > 0 ? same->ser : 1);
            log_dbl += log(same->dbl > 0 ? same->dbl : 1);
            sum_ser += same->ser;
            proven += same->optimal;
            failures += !same->valid;
            repeats++;
            continue;
        }
        acc_sat_options o;
        memset(&o, 0, sizeof(o));
        o.budget = budget;
        acc_sat_result r;
        const double c0 = cpu_seconds();
        int rc = acc_sat_plan(l, &cfg, &mm, &o, &r, &err);
        const double cpu = cpu_seconds() - c0;
        if (rc != 0) {
            printf("%-10s cannot run: %s\n", l->name, err.msg);
            failures++;
            continue;
        }
        model_timing tm;
        acc_validation v;
        int ok = model_run(&r.program, &cfg, &tm, &err) == 0;
        int64_t model_ms = ok ? tm.makespan : -1;
        if (ok)
            model_timing_free(&tm);
        int valid = ok && acc_validate(&r.program, l, &cfg, &mm, &v, NULL, &err) == 0;
        if (ok)
            acc_validation_free(&v);
        valid = valid && model_ms == r.makespan;
        failures += !valid;
        const opt_bounds *u = &r.universal;
        double ratio = (double)r.makespan / (double)r.lower_bound;
        double univ = (double)r.makespan / (double)u->best;
        double ser = r.serial_makespan > 0 ? (double)r.serial_makespan / (double)r.makespan : 0;
        double dbl = r.double_makespan > 0 ? (double)r.double_makespan / (double)r.makespan : 0;
        uint64_t read = 0, written = 0;
        for (int k = 0; k < r.program.count; k++) {
            const acc_instr *in = &r.program.ins[k];
            if (in->op == ACC_OP_LOAD || in->op == ACC_OP_STORE) {
                uint64_t b = (uint64_t)in->u.dma.n0 * in->u.dma.n1 * in->u.dma.n2;
                *(in->op == ACC_OP_LOAD ? &read : &written) += b;
            }
        }
        double traffic = (double)(read + written) / (double)(u->compulsory_read + layer_y_bytes(l));
        printf("%-12s %8.2f %10lld %7d %10lld %10lld %7.4f %9.3f %6s %8.3f %8.3f %9.3f %6s\n",
               l->name, cpu, (long long)r.work, r.evaluations, (long long)r.makespan,
               (long long)r.lower_bound, ratio, univ, r.optimal ? "yes" : "no", ser, dbl, traffic,
               valid ? "yes" : "NO");
        fflush(stdout);
        done[ndone] =
            (solved){key,   l->name, r.work, r.makespan, r.lower_bound, r.evaluations, r.optimal,
                     valid, neff,    ratio,  univ,       ser,           dbl,           traffic};
        ndone++;
        eff[neff].name = l->name;
        eff[neff].makespan = r.makespan;
        eff[neff].macs = layer_macs(l);
        eff[neff].ideal = (int64_t)((eff[neff].macs + pes - 1) / pes);
        eff[neff].traffic = acc_max64(u->dram_read, u->dram_write);
        neff++;
        log_ratio += log(ratio);
        log_univ += log(univ);
        log_ser += log(ser > 0 ? ser : 1);
        log_dbl += log(dbl > 0 ? dbl : 1);
        sum_ser += ser;
        total_s += cpu;
        total_work += r.work;
        if (cpu > max_s) {
            max_s = cpu;
            max_name = l->name;
        }
        times[n] = cpu;
        proven += r.optimal;
        n++;
        acc_sat_result_free(&r);
    }
    if (n > 0) {
        qsort(times, (size_t)n, sizeof(double), cmp_double);
        double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        const int all = n + repeats;
        printf("\n%d layers: %d proven optimal; %d distinct shapes planned (each later layer of a "
               "shape has its schedule),\nsolve CPU time total %.1f s, median %.2f s, max %.2f s "
               "(%s); work total %lld\n"
               "geometric mean: makespan / lower bound %.4f, makespan / universal bound %.3f,\n"
               "speedup over serial %.3f (arithmetic mean %.3f), over double %.3f\n",
               all, proven, n, total_s, median, max_s, max_name, (long long)total_work,
               exp(log_ratio / all), exp(log_univ / all), exp(log_ser / all), sum_ser / all,
               exp(log_dbl / all));
    }
    free(times);
    free(done);
    print_efficiency(eff, neff, &cfg);
    free(eff);
    if (failures)
        printf("%d layer(s) failed: cannot run, invalid, or model and claim differ\n", failures);
    acc_layer_list_free(&list);
    return failures ? 1 : 0;
}
