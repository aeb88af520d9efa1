/* proofcheck_main.c - build/bin/proofcheck: checks that a DRAT proof
 * refutes a DIMACS CNF formula, with checkers of this project's own
 * (no CaDiCaL code): the forward DRAT checker (planner/sat/drat_check.h)
 * writes the proof in LRAT, then the LRAT checker (planner/sat/lrat_check.h)
 * checks that file against the formula.
 *
 *   proofcheck [--lrat FILE] CNF DRAT     both steps (the LRAT kept in FILE)
 *   proofcheck --lrat-only CNF LRAT      the LRAT step alone
 *
 * Prints "verified" or "FAILED" with the reason, and the figures of each
 * step.  Exit status: 0 verified, 1 not verified or an input is malformed
 * (the message names the file, line and field), 2 usage error.
 * docs/planner.md, "Checking a certificate". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "planner/sat/dimacs.h"
#include "planner/sat/drat_check.h"
#include "planner/sat/lrat_check.h"

static void usage(FILE *f)
{
    fputs("usage: proofcheck [--lrat FILE] CNF DRAT\n"
          "       proofcheck --lrat-only CNF LRAT\n"
          "  CNF          the formula (DIMACS), e.g. a certificate of plan --dimacs\n"
          "  DRAT         a text DRAT proof that it is unsatisfiable (plan --proof)\n"
          "  --lrat FILE  keep the LRAT proof the DRAT checker writes there\n"
          "  --lrat-only  the second argument is an LRAT proof: check it alone\n"
          "  -h, --help   this text\n"
          "Exit status: 0 verified, 1 not verified or malformed input, 2 usage error.\n",
          f);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "proofcheck: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    usage(stderr);
    return 2;
}

static int failed(int rc, const acc_error *err)
{
    if (rc > 0)
        printf("proofcheck: FAILED: %s\n", err->msg);
    fprintf(stderr, "proofcheck: %s%s\n", rc > 0 ? "not verified: " : "", err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {{"lrat", required_argument, NULL, 'l'},
                                          {"lrat-only", no_argument, NULL, 'o'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    const char *lrat_keep = NULL;
    int lrat_only = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "h", longs, NULL)) != -1;) {
        if (c == 'l')
            lrat_keep = optarg;
        else if (c == 'o')
            lrat_only = 1;
        else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            return usage_error("unknown option or missing value", argv[optind - 1]);
        }
    }
    if (argc - optind != 2)
        return usage_error(argc - optind < 2 ? "expected CNF and a proof" : "unexpected argument",
                           argc - optind > 2 ? argv[optind + 2] : NULL);
    if (lrat_only && lrat_keep)
        return usage_error("--lrat and --lrat-only exclude each other", NULL);
    if (acc_cleanup_on_signals() != 0)
        return 1;
    const char *cnf_path = argv[optind], *proof = argv[optind + 1];
    acc_error err;
    acc_cnf cnf;
    double t0 = acc_now_seconds();
    if (acc_cnf_read(cnf_path, &cnf, &err) != 0)
        return failed(-1, &err);
    printf("proofcheck: %s: %d variables, %d clauses (read in %.2f s)\n", cnf_path, cnf.vars,
           cnf.clauses, acc_now_seconds() - t0);

    const char *lrat_path = proof;
    char *tmp = NULL;
    int slot = -1, rc = 0;
    if (!lrat_only) {
        size_t n = strlen(proof) + 8;
        char *base = acc_malloc(n);
        snprintf(base, n, "%s.lrat", proof);
        tmp = acc_tmp_name(lrat_keep ? lrat_keep : base);
        free(base);
        slot = acc_tmp_track(tmp);
        FILE *f = fopen(tmp, "w");
        if (!f) {
            rc = acc_fail(&err, "%s: cannot write the LRAT proof", tmp);
        } else {
            acc_drat_stats ds;
            t0 = acc_now_seconds();
            rc = acc_drat_check(&cnf, proof, f, &ds, &err);
            if (fclose(f) != 0 && rc == 0)
                rc = acc_fail(&err, "%s: cannot write the LRAT proof", tmp);
            if (rc == 0)
                printf("proofcheck: %s: DRAT verified: %ld lemmas (%ld RAT), unit propagation "
                       "refutes the clauses after line %ld; %ld deletions (%ld of unit clauses "
                       "ignored, %ld of absent clauses ignored); %ld unit clauses added to the "
                       "LRAT; %.2f s\n",
                       proof, ds.lemmas, ds.rat, ds.refuted_line, ds.deletions,
                       ds.ignored_unit_deletions, ds.missing_deletions, ds.units,
                       acc_now_seconds() - t0);
        }
        if (rc == 0 && lrat_keep && rename(tmp, lrat_keep) != 0)
            rc = acc_fail(&err, "%s: cannot write the LRAT proof", lrat_keep);
        lrat_path = rc == 0 && lrat_keep ? lrat_keep : tmp;
    }
    if (rc == 0) {
        acc_lrat_stats ls;
        t0 = acc_now_seconds();
        rc = acc_lrat_check(&cnf, lrat_path, &ls, &err);
        if (rc == 0)
            printf("proofcheck: %s: LRAT verified: %ld clauses added (%ld RAT), %ld deleted; "
                   "%.2f s\n",
                   lrat_keep || lrat_only ? lrat_path : "(the DRAT checker's LRAT)", ls.added,
                   ls.rat, ls.deleted, acc_now_seconds() - t0);
    }
    if (tmp) {
        remove(tmp);
        acc_tmp_forget(slot);
        free(tmp);
    }
    acc_cnf_free(&cnf);
    if (rc != 0)
        return failed(rc, &err);
    printf("proofcheck: verified: %s is unsatisfiable\n", cnf_path);
    return 0;
}
