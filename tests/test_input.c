/* test_input.c - every reader of the tools refuses an endless input: a
 * device such as /dev/zero is not a regular file, and is refused before a
 * byte is read (docs/formats.md, "Input size limits").  Each command runs
 * under a memory limit and a timeout, so that a reader that does read it
 * fails the test instead of the machine. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "tests/testutil.h"

typedef struct endless_case {
    char args[160]; /* the tool and its arguments; {} is the endless input */
} endless_case;

ParameterizedTestParameters(input, every_reader_refuses_an_endless_device)
{
    static endless_case cases[] = {
        {"asm -d {}"},           /* binary program */
        {"asm {} -o /dev/null"}, /* .sched */
        {"asm --config {}"},     /* .ini */
        {"layers --csv {}"},     /* .csv */
        /* cosim takes its output folder first: one per case */
        {"cosim --layer lenet_1 --sched {} --out build/test-out/input-sched"},   /* .sched */
        {"cosim --layer lenet_1 --config {} --out build/test-out/input-config"}, /* .ini */
        {"cosim --layer lenet_1 --x {} --w {} --out build/test-out/input-npy"},  /* .npy */
        {"proofcheck {} tests/data/proofcheck_ok.drat"},                         /* DIMACS */
        {"proofcheck tests/data/proofcheck_ok.cnf {}"},                          /* DRAT */
        {"proofcheck --lrat-only tests/data/proofcheck_ok.cnf {}"},              /* LRAT */
        {"regress_html --merged {} build/test-out/input-merged"},                /* merged JSON */
    };
    return cr_make_param_array(endless_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(endless_case *c, input, every_reader_refuses_an_endless_device)
{
    char args[256];
    size_t o = 0;
    for (const char *p = c->args; *p && o + 16 < sizeof(args); p++) {
        if (p[0] == '{' && p[1] == '}') {
            o += (size_t)snprintf(args + o, sizeof(args) - o, "/dev/zero");
            p++;
        } else {
            args[o++] = *p;
        }
    }
    args[o] = '\0';
    char cmd[1024], out[4096];
    /* 1 GiB of address space and 60 s: enough for any tool, not for
     * reading /dev/zero to its end */
    snprintf(cmd, sizeof(cmd), "ulimit -v 1048576; timeout 60 %s/%s", tu_bin_dir(), args);
    int st = tu_run(cmd, out, sizeof(out));
    cr_assert_neq(st, 0, "%s: exit status 0", args);
    cr_assert_neq(st, 124, "%s: still reading after 60 s", args);
    cr_assert(strstr(out, "/dev/zero: not a regular file (a character device)"),
              "%s: message lacks the refusal:\n%s", args, out);
}
