/* vparams - prints the elaboration parameters of a configuration, so that
 * the Makefile builds the Verilated model from the same numbers the model and
 * the planner use:
 *   vparams CONFIG --verilator   -GArrayRows=16 -GArrayCols=16 ...
 *   vparams CONFIG --cflags      -DACC_VM_ROWS=16 ...
 * Options are parsed with getopt_long and may come before or after CONFIG.
 * Exit status: 0 printed, 1 bad configuration, 2 usage error. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"

static void usage(FILE *f)
{
    fputs("usage: vparams CONFIG --verilator|--cflags\n"
          "  --verilator  the configuration as Verilator -G parameters\n"
          "  --cflags     the configuration as -D flags for the C++ harness\n"
          "  -h, --help   this text\n",
          f);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "vparams: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

/* Long options; their codes are above every character so that getopt_long's
 * optopt tells a bad short option from a bad long one. */
enum { CLI_VERILATOR = 256, CLI_CFLAGS, CLI_HELP };

static const struct option long_options[] = {
    {"verilator", no_argument, NULL, CLI_VERILATOR},
    {"cflags", no_argument, NULL, CLI_CFLAGS},
    {"help", no_argument, NULL, CLI_HELP},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    int mode = 0, ch;
    char name[64];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (ch) {
        case 'h':
        case CLI_HELP:
            usage(stdout);
            return 0;
        case CLI_VERILATOR:
        case CLI_CFLAGS:
            if (mode && mode != ch)
                return usage_error("give one of --verilator and --cflags", NULL);
            mode = ch;
            break;
        default: /* '?' */
            if (optopt > 0 && optopt < 256)
                snprintf(name, sizeof(name), "'-%c'", optopt);
            else
                snprintf(name, sizeof(name), "'%.*s'", (int)strcspn(argv[optind - 1], "="),
                         argv[optind - 1]);
            return usage_error(optopt >= 256 ? "option takes no value:" : "unknown option", name);
        }
    }
    if (optind + 1 < argc)
        return usage_error("takes one CONFIG, got also", argv[optind + 1]);
    if (optind >= argc || !mode)
        return usage_error("needs CONFIG and one of --verilator and --cflags", NULL);
    acc_config c;
    acc_error err;
    if (acc_config_load(argv[optind], &c, &err) != 0) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 1;
    }
    if (mode == CLI_VERILATOR)
        printf("-GArrayRows=%d -GArrayCols=%d -GSpadBytes=%u -GSpadBanks=%d -GLineBytes=%d "
               "-GAxiDataBits=%d -GFetchDepth=%d\n",
               c.rows, c.cols, c.spad_bytes, c.spad_banks, c.line_bytes, c.axi_data_bits,
               c.fetch_depth);
    else
        printf("-DACC_VM_ROWS=%d -DACC_VM_COLS=%d -DACC_VM_SPAD_BYTES=%u -DACC_VM_SPAD_BANKS=%d "
               "-DACC_VM_LINE_BYTES=%d -DACC_VM_AXI_DATA_BITS=%d -DACC_VM_FETCH_DEPTH=%d\n",
               c.rows, c.cols, c.spad_bytes, c.spad_banks, c.line_bytes, c.axi_data_bits,
               c.fetch_depth);
    return 0;
}
