/* asm_main.c - build/bin/asm: the schedule assembler and disassembler, and a
 * configuration checker.
 *
 *   asm FILE.sched -o FILE.bin        assemble (the output is written atomically)
 *   asm -d FILE.bin [-o FILE.sched]   disassemble to canonical text (stdout by default)
 *   asm --config FILE.ini|NAME        load a configuration, print every key and
 *                                     the derived values
 *
 * Options (getopt_long) may come before or after the input file; `--` ends
 * them.  Exit status: 0 success, 1 bad input (the message on stderr names
 * file, line and field), 2 usage error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/config.h"
#include "core/isa.h"
#include "core/sched.h"
#include "core/util.h"

static void usage(FILE *f)
{
    fputs("usage: asm FILE.sched -o FILE.bin        assemble a schedule\n"
          "       asm -d FILE.bin [-o FILE.sched]   disassemble (to stdout by default)\n"
          "       asm --config FILE.ini|NAME        print a configuration and its derived values\n"
          "       asm -h|--help                     this text\n"
          "An output of '-' is stdout.  Exit status: 0 success, 1 bad input, 2 usage error.\n",
          f);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "asm: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

/* Writes the output: '-' is stdout; an existing non-regular file (a device
 * such as /dev/null, a pipe) is written in place; a regular file is replaced
 * atomically so that a failed run never leaves half a file. */
static int write_output(const char *path, const void *data, size_t len, acc_error *err)
{
    struct stat st;
    FILE *f = NULL;
    if (strcmp(path, "-") == 0)
        f = stdout;
    else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        f = fopen(path, "wb");
    else
        return acc_write_file(path, data, len, err);
    if (!f)
        return acc_fail(err, "%s: cannot open for writing", path);
    int bad = fwrite(data, 1, len, f) != len;
    bad |= (f == stdout ? fflush(f) : fclose(f)) != 0;
    return bad ? acc_fail(err, "%s: write failed", path) : 0;
}

static int assemble(const char *in, const char *out)
{
    acc_program p;
    acc_error err;
    if (acc_sched_load(in, &p, NULL, &err) != 0) {
        fprintf(stderr, "asm: %s\n", err.msg);
        return 1;
    }
    size_t len;
    uint8_t *bin = acc_program_encode(&p, &len);
    int rc = write_output(out, bin, len, &err);
    free(bin);
    acc_program_free(&p);
    if (rc != 0) {
        fprintf(stderr, "asm: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int disassemble(const char *in, const char *out)
{
    size_t len;
    acc_error err;
    char *buf = acc_read_file_max(in, ACC_PROGRAM_FILE_MAX, &len, &err);
    if (!buf) {
        fprintf(stderr, "asm: %s\n", err.msg);
        return 1;
    }
    acc_program p;
    int rc = acc_program_decode((const uint8_t *)buf, len, in, &p, &err);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "asm: %s\n", err.msg);
        return 1;
    }
    size_t tlen = 0;
    char *text = acc_sched_text(&p, NULL, NULL, NULL, NULL, &tlen);
    acc_program_free(&p);
    rc = write_output(out ? out : "-", text, tlen, &err);
    free(text);
    if (rc != 0) {
        fprintf(stderr, "asm: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* Prints the configuration as an INI file that loads back to the same
 * values, the derived values as comments. */
static int show_config(const char *spec)
{
    acc_config c;
    acc_error err;
    if (acc_config_load(spec, &c, &err) != 0) {
        fprintf(stderr, "asm: %s\n", err.msg);
        return 1;
    }
    printf("; configuration '%s'\n", c.name);
    printf("[array]\nrows = %d\ncols = %d\n", c.rows, c.cols);
    printf("[scratchpad]\nbytes = %u\nbanks = %d\n", c.spad_bytes, c.spad_banks);
    printf("[axi]\ndata_bits = %d\n", c.axi_data_bits);
    printf("[memory]\nread_latency = %d\nwrite_latency = %d\n", c.read_latency, c.write_latency);
    printf("; derived\n");
    printf("; axi_bytes = %d\n", c.axi_bytes);
    printf("; line_bytes = %d\n", c.line_bytes);
    printf("; fetch_depth = %d\n", c.fetch_depth);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* Long options; their codes are above every character so that getopt_long's
 * optopt tells a bad short option from a bad long one. */
enum { CLI_CONFIG = 256, CLI_HELP };

static const struct option long_options[] = {
    {"config", required_argument, NULL, CLI_CONFIG},
    {"help", no_argument, NULL, CLI_HELP},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
    acc_cleanup_on_signals(); /* an interrupted write leaves no temporary file */
    const char *input = NULL, *output = NULL, *config = NULL;
    int disasm = 0, ch;
    char name[64];
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hdo:", long_options, NULL)) != -1) {
        switch (ch) {
        case 'h':
        case CLI_HELP:
            usage(stdout);
            return 0;
        case 'd':
            disasm = 1;
            break;
        case 'o':
        case CLI_CONFIG: {
            const char **slot = ch == 'o' ? &output : &config;
            if (*slot)
                return usage_error("option given twice", ch == 'o' ? "-o" : "--config");
            *slot = optarg;
            break;
        }
        case ':':
            if (optopt > 0 && optopt < 256)
                snprintf(name, sizeof(name), "-%c", optopt);
            else
                snprintf(name, sizeof(name), "%s", argv[optind - 1]);
            return usage_error("option needs an argument", name);
        default: /* '?' */
            if (optopt > 0 && optopt < 256)
                snprintf(name, sizeof(name), "-%c", optopt);
            else /* without a value given to an option that takes none */
                snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[optind - 1], "="),
                         argv[optind - 1]);
            return usage_error(optopt >= 256 ? "option takes no value" : "unknown option", name);
        }
    }
    for (int i = optind; i < argc; i++) {
        if (input)
            return usage_error("more than one input file", argv[i]);
        input = argv[i];
    }
    if (config) {
        if (input || output || disasm)
            return usage_error("--config takes no other arguments", NULL);
        return show_config(config);
    }
    if (!input)
        return usage_error("no input file", NULL);
    if (disasm)
        return disassemble(input, output);
    if (!output)
        return usage_error("assembling needs -o FILE.bin", NULL);
    return assemble(input, output);
}
