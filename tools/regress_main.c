/* regress_main.c - the `regress` program: a regression matrix run on a
 * local pool or a Slurm cluster, merged into JSON, a table and JUnit XML.
 * docs/regress.md is its manual.
 * Exit status: 0 every job passed (or the command did its work), 1 a job
 * failed or did not run (compare: the files differ), 2 bad input or usage. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "cosim/pool.h"
#include "regress/job.h"
#include "regress/html.h"
#include "regress/merge.h"
#include "regress/run.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: regress run --matrix M [--out DIR] [--build B] [--jobs N] [--engine local|slurm]\n"
        "                   [--force]\n"
        "       regress list --matrix M        the jobs of a matrix and their cosim commands\n"
        "       regress needs --matrix M       the make arguments that build its simulators\n"
        "       regress job DIR K              run job K of the run in DIR (a line of jobs.txt)\n"
        "       regress merge DIR              merge DIR's results again\n"
        "       regress compare A.json B.json  equal merged results, but for seconds and engine\n"
        "\n"
        "  --matrix M   a name under regress/matrices/ (smoke, default) or an .ini path\n"
        "  --out DIR    the run's folder (default B/regress/<matrix name>)\n"
        "  --build B    the build folder holding the simulators (default build)\n"
        "  --jobs N     local workers (default: one per processor, here %d)\n"
        "  --engine E   local (default) or slurm (mk/regress-slurm.sh)\n"
        "  --force      run every job, even one whose stored result has the same key\n"
        "Exit status: 0 every job passed, 1 a job failed or did not run, 2 bad input.\n",
        cosim_pool_cores());
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "regress: %s%s%s\n(try `regress --help`)\n", msg, arg ? ": " : "",
            arg ? arg : "");
    return 2;
}

int main(int argc, char **argv)
{
    acc_cleanup_on_signals();
    if (argc < 2)
        return usage_error("give a command", NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "job") == 0 || strcmp(cmd, "merge") == 0 || strcmp(cmd, "compare") == 0) {
        int want = strcmp(cmd, "merge") == 0 ? 3 : 4;
        if (argc != want)
            return usage_error(want == 3 ? "merge takes DIR" : "this command takes two arguments",
                               cmd);
        acc_error err;
        if (strcmp(cmd, "compare") == 0) {
            char diff[1024];
            int rc = regress_compare(argv[2], argv[3], diff, sizeof(diff));
            if (rc != 0)
                fprintf(stderr, "regress compare: %s\n", diff);
            return rc < 0 ? 2 : rc;
        }
        if (strcmp(cmd, "merge") == 0) {
            cJSON *merged = NULL;
            if (regress_merge(argv[2], &merged, &err) != 0) {
                fprintf(stderr, "regress: %s\n", err.msg);
                return 2;
            }
            regress_summary_print(stdout, merged);
            char herr[512];
            int rc = regress_html_write(argv[2], merged, herr, sizeof(herr));
            if (rc != 0)
                fprintf(stderr, "regress: %s\n", herr);
            cJSON_Delete(merged);
            return rc != 0 ? 2 : 0;
        }
        uint64_t k;
        if (acc_parse_u64(argv[3], 1000000, &k) != 0)
            return usage_error("K is a job number", argv[3]);
        if (regress_job_main(argv[2], (int)k, &err) != 0) {
            fprintf(stderr, "regress: %s\n", err.msg);
            return 2;
        }
        return 0;
    }
    if (strcmp(cmd, "run") != 0 && strcmp(cmd, "list") != 0 && strcmp(cmd, "needs") != 0)
        return usage_error("unknown command", cmd);
    regress_options o = {NULL, NULL, "build", cosim_pool_cores(), 0, 0};
    static const struct option opts[] = {
        {"matrix", required_argument, NULL, 'm'}, {"out", required_argument, NULL, 'o'},
        {"build", required_argument, NULL, 'b'},  {"jobs", required_argument, NULL, 'j'},
        {"engine", required_argument, NULL, 'e'}, {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    optind = 2;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        uint64_t v;
        switch (c) {
        case 'm':
            o.matrix = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'b':
            o.build = optarg;
            break;
        case 'j':
            if (acc_parse_u64(optarg, 4096, &v) != 0)
                return usage_error("--jobs: expected an integer in 0..4096", optarg);
            o.jobs = v ? (int)v : cosim_pool_cores();
            break;
        case 'e':
            if (strcmp(optarg, "local") != 0 && strcmp(optarg, "slurm") != 0)
                return usage_error("--engine: expected local or slurm", optarg);
            o.slurm = strcmp(optarg, "slurm") == 0;
            break;
        case 'f':
            o.force = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            return usage_error("option needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument", argv[optind]);
    if (!o.matrix)
        return usage_error("give --matrix", NULL);
    if (strcmp(cmd, "list") == 0)
        return regress_list(o.matrix, o.build);
    if (strcmp(cmd, "needs") == 0)
        return regress_needs(o.matrix, o.build);
    return regress_run(&o);
}
