/* test_proofcheck.c - the certificate checkers (planner/sat/drat_check.h,
 * lrat_check.h, dimacs.h) and the proofs of planner/sat/proof.h.
 *
 * Small formulas with proofs written by hand, whose verdicts are argued in
 * the comments (never taken from the checker): RUP and RAT lemmas and
 * deletions verify, in DRAT and in the LRAT the DRAT checker writes; a
 * lemma that does not follow, a lemma that needs a deleted clause, a proof
 * that never reaches a conflict, and LRAT hints that do not propagate are
 * rejected with the line.  Then a real certificate: plan --dimacs --proof
 * on a catalog layer, whose proof verifies (the tool and the library);
 * the same proof against the certificate without the unit clause of T's
 * top bit (a satisfiable formula, as a fresh CaDiCaL confirms) and with
 * its first lemma corrupted is rejected.  Last, the lemmas of the
 * certificate that lie outside the CNF, on the same catalog layer: the
 * unit clauses fix T at the claimed makespan - 1, the nogood clauses
 * exclude exactly the points listed beside them, in order, and each of
 * those points is a member of the space whose program re-times to its
 * recorded makespan, above T; without the implied clauses (interval
 * reasoning) the query stays unsatisfiable, with a proof that verifies. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/catalog.h"
#include "model/model.h"
#include "planner/opt_gen.h"
#include "planner/sat/dimacs.h"
#include "planner/sat/drat_check.h"
#include "planner/sat/lrat_check.h"
#include "planner/sat/opt_space.h"
#include "planner/sat/proof.h"
#include "planner/sat/sat.h"
#include "tests/testutil.h"

/* Writes text to tu_tmpdir/name; returns the path (static, one of four). */
static const char *put(const char *name, const char *text)
{
    static char paths[4][160];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 160, "%s/%s", tu_tmpdir, name);
    FILE *f = fopen(p, "w");
    cr_assert(f != NULL, "%s", p);
    fputs(text, f);
    fclose(f);
    return p;
}

typedef struct verdict {
    int drat, lrat; /* the checkers' return values (lrat: -2 not run) */
    acc_drat_stats ds;
    acc_lrat_stats ls;
    char msg[512];
} verdict;

/* Checks proof text `drat` against formula text `cnf`: the DRAT checker,
 * then (when it verified) the LRAT checker on the LRAT it wrote. */
static verdict check(const char *cnf, const char *drat)
{
    verdict v;
    memset(&v, 0, sizeof(v));
    v.lrat = -2;
    const char *cp = put("f.cnf", cnf), *dp = put("p.drat", drat);
    char lp[160];
    snprintf(lp, sizeof(lp), "%s/p.lrat", tu_tmpdir);
    acc_cnf f;
    acc_error e;
    cr_assert_eq(acc_cnf_read(cp, &f, &e), 0, "%s", e.msg);
    FILE *out = fopen(lp, "w");
    cr_assert(out != NULL);
    v.drat = acc_drat_check(&f, dp, out, &v.ds, &e);
    fclose(out);
    if (v.drat != 0)
        snprintf(v.msg, sizeof(v.msg), "%s", e.msg);
    else {
        v.lrat = acc_lrat_check(&f, lp, &v.ls, &e);
        if (v.lrat != 0)
            snprintf(v.msg, sizeof(v.msg), "%s", e.msg);
    }
    acc_cnf_free(&f);
    return v;
}

/* Checks LRAT text against formula text. */
static int check_lrat(const char *cnf, const char *lrat, char *msg, size_t size)
{
    const char *cp = put("f.cnf", cnf), *lp = put("h.lrat", lrat);
    acc_cnf f;
    acc_error e;
    cr_assert_eq(acc_cnf_read(cp, &f, &e), 0, "%s", e.msg);
    int rc = acc_lrat_check(&f, lp, NULL, &e);
    snprintf(msg, size, "%s", rc ? e.msg : "");
    acc_cnf_free(&f);
    return rc;
}

/* The four clauses over 1 and 2: unsatisfiable; variable 3 unused. */
static const char *const F4 = "p cnf 3 4\n1 2 0\n1 -2 0\n-1 2 0\n-1 -2 0\n";

/* 2 is forced by (2 3) and (2 -3), then (-2 -5) and (-2 5) clash:
 * unsatisfiable, but unit propagation alone finds nothing (no unit
 * clause), and 1 is not implied: -1 satisfies (-1 2) and leaves the rest
 * binary.  Variables 4 and 6 are unused. */
static const char *const F5 = "p cnf 6 5\n-1 2 0\n2 3 0\n2 -3 0\n-2 -5 0\n-2 5 0\n";

/* ------------------------------------------------------------ valid proofs */

Test(proofcheck, a_rup_proof_with_deletions_verifies_in_drat_and_lrat, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    /* 1: -1 makes (1 2) and (1 -2) clash; then 1 gives 2 by (-1 2) and
     * (-1 -2) clashes: refuted after line 1, the rest is not read */
    verdict v = check(F4, "1 0\nd 1 2 0\nd 1 -2 0\n0\n");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
    cr_assert_eq(v.lrat, 0, "%s", v.msg);
    cr_assert_eq(v.ds.lemmas, 1);
    cr_assert_eq(v.ds.rat, 0);
    cr_assert_eq(v.ds.deletions, 0, "nothing is read after the conflict");
    cr_assert_eq(v.ds.refuted_line, 1);
    /* F5 without (-1 2), which 2 does not need: -2 makes (2 3), (2 -3)
     * clash; then 2 makes (-2 5), (-2 -5) clash */
    v = check(F5, "d -1 2 0\n2 0\nd 2 3 0\n0\n");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
    cr_assert_eq(v.lrat, 0, "%s", v.msg);
    cr_assert_eq(v.ds.deletions, 1);
    cr_assert_eq(v.ls.deleted, 1, "the LRAT deletes it too");
    cr_assert_eq(v.ds.refuted_line, 2);
}

Test(proofcheck, a_rat_lemma_verifies_in_drat_and_lrat, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    /* -6 1: not RUP (6, -1 propagate nothing), RAT on -6: no clause has 6.
     * 1: not RUP (see F5); RAT on 1: the one clause with -1 is (-1 2), the
     * resolvent (1 2) is RUP (-1, -2 make (2 3), (2 -3) clash).  Then 1
     * gives 2 by (-1 2), and (-2 5), (-2 -5) clash: the rest follows. */
    verdict v = check(F5, "-6 1 0\n1 0\n2 0\n0\n");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
    cr_assert_eq(v.lrat, 0, "%s", v.msg);
    cr_assert_eq(v.ds.rat, 2, "-6 1 and 1 are RAT, not RUP");
    cr_assert_geq(v.ls.rat, 2, "the LRAT checks them as RAT too");
}

Test(proofcheck, a_deletion_of_a_unit_reason_is_ignored_as_drat_trim_does, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    /* (1) is the reason of 1 at top level (no conflict yet: (-1 2 3) and
     * (-1 2 -3) become binary); its deletion is ignored, so 2 stays RUP
     * (-2 and 1 make them clash), and 2 refutes with (-2 4), (-2 -4) */
    static const char *const f = "p cnf 4 5\n1 0\n-1 2 3 0\n-1 2 -3 0\n-2 4 0\n-2 -4 0\n";
    verdict v = check(f, "d 1 0\n2 0\n0\n");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
    cr_assert_eq(v.lrat, 0, "%s", v.msg);
    cr_assert_eq(v.ds.ignored_unit_deletions, 1);
    cr_assert_eq(v.ds.deletions, 0);
    cr_assert_eq(v.ds.refuted_line, 2);
}

Test(proofcheck, a_proof_ending_in_a_conflict_verifies_without_the_empty_clause,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove)
{
    /* after 1, unit propagation clashes; the LRAT gets the empty clause */
    verdict v = check(F4, "1 0\n");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
    cr_assert_eq(v.lrat, 0, "%s", v.msg);
    cr_assert_eq(v.ds.refuted_line, 1);
    /* a formula refuted by unit propagation needs no proof at all */
    v = check("p cnf 1 2\n1 0\n-1 0\n", "");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
    cr_assert_eq(v.lrat, 0, "%s", v.msg);
    cr_assert_eq(v.ds.refuted_line, 0);
}

/* ---------------------------------------------------------- invalid proofs */

Test(proofcheck, a_lemma_that_does_not_follow_is_rejected_with_its_line, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    /* (1 2) (-1 2) is satisfiable with 2; -2 is not RUP (2 propagates
     * nothing), not RAT on -2: the resolvent with (1 2), (-2 1), is not RUP */
    verdict v = check("p cnf 2 2\n1 2 0\n-1 2 0\n", "c a comment\n-2 0\n0\n");
    cr_assert_eq(v.drat, 1);
    cr_assert(strstr(v.msg, "p.drat:2: lemma 3"), "%s", v.msg);
    cr_assert(strstr(v.msg, "not RUP"), "%s", v.msg);
}

Test(proofcheck, a_lemma_that_needs_a_deleted_clause_is_rejected, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    /* without (1 -2), -1 only gives 2: 1 is not RUP; not RAT either: the
     * resolvent with (-1 -2) is (1 -2), and -1, 2 clash with no clause */
    verdict v = check(F4, "d 1 -2 0\n1 0\n0\n");
    cr_assert_eq(v.drat, 1);
    cr_assert(strstr(v.msg, "p.drat:2: lemma 5"), "%s", v.msg);
    /* the same lemma without the deletion is fine */
    v = check(F4, "1 0\n0\n");
    cr_assert_eq(v.drat, 0, "%s", v.msg);
}

Test(proofcheck, a_proof_that_never_reaches_a_conflict_is_rejected, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    /* (2 3 1) is RUP (-2 -3 clash in (2 3)) but leaves F5 without a
     * conflict; the empty proof too */
    verdict v = check(F5, "2 3 1 0\n");
    cr_assert_eq(v.drat, 1);
    cr_assert(strstr(v.msg, "ends without the empty clause"), "%s", v.msg);
    v = check(F5, "");
    cr_assert_eq(v.drat, 1);
    /* and an empty clause that does not follow */
    v = check(F5, "0\n");
    cr_assert_eq(v.drat, 1);
    cr_assert(strstr(v.msg, "p.drat:1: the empty clause does not follow"), "%s", v.msg);
}

Test(proofcheck, lrat_hints_that_do_not_propagate_are_rejected, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    char msg[512];
    /* 1 with hint (1 2) alone: -1 gives 2, no conflict; (1 -2) was needed */
    cr_assert_eq(check_lrat(F4, "5 1 0 1 0\n6 0 5 3 4 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "h.lrat:1: clause 5: the hints end without a conflict"), "%s", msg);
    /* the right hints verify */
    cr_assert_eq(check_lrat(F4, "5 1 0 1 2 0\n6 0 5 3 4 0\n", msg, sizeof(msg)), 0, "%s", msg);
    /* -1 satisfies (-1 2); nothing assigned leaves (1 2) two free literals */
    cr_assert_eq(check_lrat(F4, "5 1 0 3 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "hint 3 is satisfied"), "%s", msg);
    cr_assert_eq(check_lrat(F4, "5 0 1 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "hint 1 is not unit (2 unassigned literals)"), "%s", msg);
    /* a deleted clause as hint */
    cr_assert_eq(check_lrat(F4, "4 d 2 0\n5 1 0 1 2 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "hint 2 is not a present clause"), "%s", msg);
    /* RAT without the group of a candidate: -1 with no hints, (1 2) and
     * (1 -2) contain 1 */
    cr_assert_eq(check_lrat(F4, "5 -1 0 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "has no hint group -1"), "%s", msg);
    /* RAT on 1 in F5: the one candidate (-1 2), clause 1, adds -2; (2 3)
     * then gives 3 and (2 -3) clashes.  Without hint 3 the group ends
     * without a conflict */
    cr_assert_eq(check_lrat(F5, "6 1 0 -1 2 3 0\n7 2 0 6 1 0\n8 0 7 4 5 0\n", msg, sizeof(msg)), 0,
                 "%s", msg);
    cr_assert_eq(check_lrat(F5, "6 1 0 -1 2 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "clause 6: the hints of RAT group -1 end without a conflict"), "%s", msg);
    /* a proof that never adds the empty clause */
    cr_assert_eq(check_lrat(F4, "5 1 0 1 2 0\n", msg, sizeof(msg)), 1);
    cr_assert(strstr(msg, "never adds the empty clause"), "%s", msg);
}

/* ------------------------------------------------------ a real certificate */

/* Runs `bin/tool args`; the exit status, its output in out. */
static int run(char *out, size_t size, const char *tool, const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s/%s %s", tu_bin_dir(), tool, args);
    return tu_run(cmd, out, size);
}

/* The certificate text without its last clause (T's top bit), the header
 * count lowered. */
static void drop_last_clause(const char *in, const char *out)
{
    char *text = acc_read_file_max(in, ACC_DIMACS_FILE_MAX, NULL, NULL);
    cr_assert(text != NULL);
    size_t n = strlen(text);
    cr_assert(n > 2 && text[n - 1] == '\n');
    text[n - 1] = '\0';
    char *last = strrchr(text, '\n');
    cr_assert(last != NULL);
    *last = '\0';
    char *hdr = strstr(text, "\np cnf ");
    cr_assert(hdr != NULL);
    int vars, clauses;
    cr_assert_eq(sscanf(hdr, "\np cnf %d %d", &vars, &clauses), 2);
    FILE *f = fopen(out, "w");
    cr_assert(f != NULL);
    fwrite(text, 1, (size_t)(hdr - text), f);
    fprintf(f, "\np cnf %d %d%s\n", vars, clauses - 1, strchr(hdr + 1, '\n'));
    fclose(f);
    free(text);
}

Test(proofcheck, the_proof_of_a_real_certificate_verifies_and_a_damaged_one_does_not,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 600)
{
    char out[8192], cnf[160], drat[160], lrat[160], args[600];
    snprintf(cnf, sizeof(cnf), "%s/lenet_2.cnf", tu_tmpdir);
    snprintf(drat, sizeof(drat), "%s/lenet_2.drat", tu_tmpdir);
    snprintf(lrat, sizeof(lrat), "%s/lenet_2.lrat", tu_tmpdir);
    snprintf(args, sizeof(args),
             "--layer lenet_2 --config small --out-dir %s --quiet --dimacs %s --proof %s",
             tu_tmpdir, cnf, drat);
    cr_assert_eq(run(out, sizeof(out), "plan", args), 0, "%s", out);
    cr_assert_eq(access(drat, R_OK), 0, "plan --proof wrote no %s", drat);
    /* the tool: both steps, the LRAT kept */
    snprintf(args, sizeof(args), "--lrat %s %s %s", lrat, cnf, drat);
    cr_assert_eq(run(out, sizeof(out), "proofcheck", args), 0, "%s", out);
    cr_assert(strstr(out, "proofcheck: verified"), "%s", out);
    /* the library, and the LRAT alone */
    acc_cnf f;
    acc_error e;
    cr_assert_eq(acc_cnf_read(cnf, &f, &e), 0, "%s", e.msg);
    acc_drat_stats ds;
    cr_assert_eq(acc_drat_check(&f, drat, NULL, &ds, &e), 0, "%s", e.msg);
    cr_assert_gt(ds.lemmas, 0);
    cr_assert_eq(acc_lrat_check(&f, lrat, NULL, &e), 0, "%s", e.msg);
    /* the proof does not verify by unit propagation alone */
    const char *empty = put("empty.drat", "");
    cr_assert_eq(acc_drat_check(&f, empty, NULL, NULL, &e), 1);
    acc_cnf_free(&f);

    /* without the unit of T's top bit (0: T is below half the saturation
     * value) T may be anything: satisfiable for a fresh CaDiCaL, and no
     * checker may accept a refutation of it */
    char cut[160];
    snprintf(cut, sizeof(cut), "%s/cut.cnf", tu_tmpdir);
    drop_last_clause(cnf, cut);
    cr_assert_eq(acc_sat_solve_dimacs(cut, &e), 10, "%s", e.msg);
    cr_assert_eq(acc_cnf_read(cut, &f, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_drat_check(&f, drat, NULL, NULL, &e), 1, "a satisfiable formula refuted");
    acc_cnf_free(&f);
    snprintf(args, sizeof(args), "%s %s", cut, drat);
    cr_assert_neq(run(out, sizeof(out), "proofcheck", args), 0, "%s", out);
    cr_assert(strstr(out, "FAILED"), "%s", out);

    /* the first lemma replaced by the negation of a unit clause of the
     * formula (the last, T's top bit): neither RUP (it agrees with the
     * propagation, which found no conflict above) nor RAT (its one
     * candidate is that unit, the resolvent the lemma itself) */
    char *text = acc_read_file_max(cnf, ACC_DIMACS_FILE_MAX, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    size_t n = strlen(text);
    text[n - 1] = '\0';
    int unit = atoi(strrchr(text, '\n') + 1);
    free(text);
    cr_assert_neq(unit, 0);
    char *proof = acc_read_file_max(drat, (size_t)1 << 30, NULL, &e);
    cr_assert(proof != NULL, "%s", e.msg);
    char *line = proof; /* the first added lemma */
    while (line[0] == 'd' || line[0] == 'c')
        line = strchr(line, '\n') + 1;
    long lineno = 1;
    for (char *q = proof; q < line; q++)
        lineno += *q == '\n';
    char bad[160];
    snprintf(bad, sizeof(bad), "%s/bad.drat", tu_tmpdir);
    FILE *o = fopen(bad, "w");
    cr_assert(o != NULL);
    fwrite(proof, 1, (size_t)(line - proof), o);
    fprintf(o, "%d 0%s", -unit, strchr(line, '\n'));
    fclose(o);
    free(proof);
    cr_assert_eq(acc_cnf_read(cnf, &f, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_drat_check(&f, bad, NULL, NULL, &e), 1, "a corrupted lemma accepted");
    char where[200];
    snprintf(where, sizeof(where), "bad.drat:%ld: lemma", lineno);
    cr_assert(strstr(e.msg, where), "%s (expected %s)", e.msg, where);
    acc_cnf_free(&f);
}

Test(proofcheck, the_proof_writer_refuses_a_satisfiable_formula, .init = tu_tmpdir_make,
     .fini = tu_tmpdir_remove)
{
    const char *cnf = put("sat.cnf", "p cnf 2 2\n1 2 0\n-1 2 0\n");
    char drat[160];
    snprintf(drat, sizeof(drat), "%s/sat.drat", tu_tmpdir);
    acc_error e;
    cr_assert_eq(acc_sat_write_proof(cnf, drat, &e), -1);
    cr_assert(strstr(e.msg, "satisfiable"), "%s", e.msg);
    cr_assert_neq(access(drat, F_OK), 0, "no proof is left behind");
    /* and writes one the checkers accept for F4 */
    cnf = put("f4.cnf", F4);
    cr_assert_eq(acc_sat_write_proof(cnf, drat, &e), 20, "%s", e.msg);
    acc_cnf f;
    cr_assert_eq(acc_cnf_read(cnf, &f, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_drat_check(&f, drat, NULL, NULL, &e), 0, "%s", e.msg);
    acc_cnf_free(&f);
}

/* -------------------------------------- the certificate's outside lemmas */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

typedef struct var_line {
    int dim, value, lit;
} var_line;

Test(proofcheck, the_certificate_fixes_t_below_the_claim_and_its_nogoods_are_the_listed_points,
     .init = tu_tmpdir_make, .fini = tu_tmpdir_remove, .timeout = 600)
{
    char out[8192], cnf[160], args[600], path[200];
    snprintf(cnf, sizeof(cnf), "%s/lenet_2.cnf", tu_tmpdir);
    snprintf(args, sizeof(args), "--layer lenet_2 --config small --out-dir %s --quiet --dimacs %s",
             tu_tmpdir, cnf);
    cr_assert_eq(run(out, sizeof(out), "plan", args), 0, "%s", out);
    /* the claim */
    snprintf(path, sizeof(path), "%s/lenet_2.json", tu_tmpdir);
    acc_error e;
    char *text = acc_read_file(path, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert(j != NULL);
    const cJSON *ms = cJSON_GetObjectItemCaseSensitive(j, "makespan");
    cr_assert(cJSON_IsNumber(ms));
    const long long T = (long long)ms->valuedouble - 1;
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "optimal")));
    cJSON_Delete(j);

    /* the groups of clauses, from the header comment */
    text = acc_read_file_max(cnf, ACC_DIMACS_FILE_MAX, NULL, &e);
    cr_assert(text != NULL, "%s", e.msg);
    const char *m = strstr(text, "After the encoding come ");
    cr_assert(m != NULL);
    int units = 0, nogoods = 0, tw = 0;
    cr_assert_eq(sscanf(m, "After the encoding come %d implied clauses", &units), 1);
    m = strstr(m, "then the ");
    cr_assert(m && sscanf(m, "then the %d nogood", &nogoods) == 1);
    m = strstr(m + 9, "then the ");
    cr_assert(m && sscanf(m, "then the %d unit clauses that fix T", &tw) == 1);
    long long tc = -1;
    m = strstr(text, "at most T = ");
    cr_assert(m && sscanf(m, "at most T = %lld", &tc) == 1);
    cr_assert_eq(tc, T, "the comment's T is the claim - 1");
    free(text);
    cr_assert_gt(nogoods, 0);
    cr_assert_gt(tw, 0);
    acc_cnf f;
    cr_assert_eq(acc_cnf_read(cnf, &f, &e), 0, "%s", e.msg);
    int **clause = malloc((size_t)f.clauses * sizeof(int *));
    int *size = malloc((size_t)f.clauses * sizeof(int));
    int *p = f.lits;
    for (int k = 0; k < f.clauses; k++) {
        clause[k] = p;
        size[k] = 0;
        while (p[size[k]])
            size[k]++;
        p += size[k] + 1;
    }

    /* T: the last tw clauses are units, bit j of T in clause j */
    long long t = 0;
    for (int b = 0; b < tw; b++) {
        int k = f.clauses - tw + b;
        cr_assert_eq(size[k], 1, "clause %d fixes a bit of T", k + 1);
        if (clause[k][0] > 0)
            t |= 1ll << b;
    }
    cr_assert_eq(t, T, "the units fix T = %lld, the claim is %lld + 1", t, T);

    /* the nogoods: the literal of each value, then the points in order */
    snprintf(path, sizeof(path), "%s.nogoods", cnf);
    FILE *nf = fopen(path, "r");
    cr_assert(nf != NULL);
    static const char *const dims[OPT_DIMS] = {
        "tk", "th", "tw", "tc", "order", "act_buffers", "wgt_buffers", "out_buffers", "serial"};
    var_line *vars = NULL;
    int nvars = 0, listed = 0;
    acc_tiling first_tiling = {0};
    acc_layer l;
    acc_config cfg;
    cr_assert_eq(acc_layer_lookup("lenet_2", &l, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_config_load("small", &cfg, &e), 0, "%s", e.msg);
    acc_memmap mm;
    acc_memmap_default(&l, &mm);
    opt_shape sh;
    opt_shape_init(&sh, &l);
    opt_space sp;
    cr_assert_eq(opt_space_init(&sp, &l, &cfg, &mm, 1ll << 32, &e), 0, "%s", e.msg);
    char line[512];
    while (fgets(line, sizeof(line), nf)) {
        char name[32];
        int v, lit;
        if (sscanf(line, "# var %31s %d %d", name, &v, &lit) == 3) {
            int d = 0;
            while (d < OPT_DIMS && strcmp(dims[d], name) != 0)
                d++;
            cr_assert_lt(d, OPT_DIMS, "%s", line);
            vars = realloc(vars, (size_t)(nvars + 1) * sizeof(var_line));
            vars[nvars++] = (var_line){d, v, lit};
            continue;
        }
        if (line[0] == '#')
            continue;
        opt_choice c;
        memset(&c, 0, sizeof(c));
        char order[8];
        long long rec;
        cr_assert_eq(sscanf(line, "%d %d %d %d %7s %d %d %d %d %lld", &c.t.tk, &c.t.th, &c.t.tw,
                            &c.t.tc, order, &c.buffers[0], &c.buffers[1], &c.buffers[2], &c.serial,
                            &rec),
                     10, "%s", line);
        c.order = -1;
        for (int o = 0; o < OPT_ORDER_COUNT; o++)
            if (strcmp(order, opt_order_name(o)) == 0)
                c.order = o;
        cr_assert_geq(c.order, 0, "%s", line);
        /* the clause excludes exactly this point */
        const int value[OPT_DIMS] = {c.t.tk,       c.t.th,       c.t.tw,       c.t.tc,  c.order,
                                     c.buffers[0], c.buffers[1], c.buffers[2], c.serial};
        int want[OPT_DIMS];
        for (int d = 0; d < OPT_DIMS; d++) {
            int found = 0;
            for (int k = 0; k < nvars && !found; k++)
                if (vars[k].dim == d && vars[k].value == value[d]) {
                    want[d] = -vars[k].lit;
                    found = 1;
                }
            cr_assert(found, "%s: no literal for %s = %d", line, dims[d], value[d]);
        }
        int k = f.clauses - tw - nogoods + listed;
        cr_assert_eq(size[k], OPT_DIMS, "nogood clause %d", k + 1);
        int got[OPT_DIMS];
        memcpy(got, clause[k], sizeof(got));
        qsort(got, OPT_DIMS, sizeof(int), cmp_int);
        qsort(want, OPT_DIMS, sizeof(int), cmp_int);
        cr_assert_eq(memcmp(got, want, sizeof(got)), 0, "clause %d is not the nogood of line %s",
                     k + 1, line);
        /* a point of the space, re-timed to its makespan, above T */
        int idx[OPT_DIMS];
        cr_assert_eq(opt_space_index(&sp, &c, idx), 0, "%s", line);
        cr_assert(opt_space_member(&sp, idx), "%s: not a point of the space", line);
        acc_program prog;
        int64_t mk = opt_build(&sh, &cfg, &mm, &c, &prog, NULL, &e);
        cr_assert_geq(mk, 0, "%s", e.msg);
        model_timing tm;
        cr_assert_eq(model_run(&prog, &cfg, &tm, &e), 0, "%s", e.msg);
        cr_assert_eq(tm.makespan, rec, "%s re-times to %lld", line, (long long)tm.makespan);
        cr_assert_gt(rec, T, "%s is not above T", line);
        if (listed == 0)
            first_tiling = c.t;
        model_timing_free(&tm);
        acc_program_free(&prog);
        listed++;
    }
    fclose(nf);
    cr_assert_eq(listed, nogoods, "every nogood clause has its line");

    /* the implied clauses exclude no member whose lower bound is <= T (the
     * encoding excludes none of them either: they are what the nogoods
     * exclude), with the literals of the certificate's own value list:
     * every tiling with order kyx, two buffers of each kind and overlap,
     * and every order, buffer count and mode with the nogoods' first
     * tiling */
    int checked = 0;
    const int first_k = f.clauses - tw - nogoods - units;
    for (int pass = 0; pass < 2; pass++) {
        for (long long n = 0;; n++) {
            opt_choice c;
            memset(&c, 0, sizeof(c));
            if (pass == 0) { /* tk, th, tw, tc over 1..max */
                long long r = n;
                const int mx[4] = {sh.Kg, sh.OH, sh.OW, sh.Cg};
                int v[4];
                for (int d = 0; d < 4; d++) {
                    v[d] = (int)(r % mx[d]) + 1;
                    r /= mx[d];
                }
                if (r)
                    break;
                c.t.tk = v[0], c.t.th = v[1], c.t.tw = v[2], c.t.tc = v[3];
                c.order = 0;
                c.buffers[0] = c.buffers[1] = c.buffers[2] = 2;
            } else {
                long long r = n;
                c.order = (int)(r % OPT_ORDER_COUNT);
                r /= OPT_ORDER_COUNT;
                for (int b = 0; b < 3; b++) {
                    c.buffers[b] = (int)(r % 4) + 1;
                    r /= 4;
                }
                c.serial = (int)(r % 2);
                if (r / 2)
                    break;
                c.t = first_tiling;
            }
            int idx[OPT_DIMS];
            if (opt_space_index(&sp, &c, idx) != 0 || !opt_space_member(&sp, idx) ||
                (long long)opt_space_eval(&sp, sp.lb, idx) > T)
                continue;
            const int value[OPT_DIMS] = {c.t.tk,       c.t.th,       c.t.tw,       c.t.tc,  c.order,
                                         c.buffers[0], c.buffers[1], c.buffers[2], c.serial};
            for (int k = first_k; k < first_k + units; k++) {
                int sat = 0;
                for (int i = 0; i < size[k] && !sat; i++) {
                    const int lit = clause[k][i], var = abs(lit);
                    for (int q = 0; q < nvars && !sat; q++)
                        if (vars[q].lit == var || vars[q].lit == -var) {
                            /* the literal of this value: true when chosen */
                            const int chosen = value[vars[q].dim] == vars[q].value;
                            const int truth = vars[q].lit == var ? chosen : !chosen;
                            sat = lit > 0 ? truth : !truth;
                        }
                }
                cr_assert(sat,
                          "implied clause %d excludes the member %d %d %d %d order %d buffers "
                          "%d/%d/%d serial %d, whose lower bound is <= T",
                          k + 1, value[0], value[1], value[2], value[3], value[4], value[5],
                          value[6], value[7], value[8]);
            }
            checked++;
        }
    }
    cr_assert_gt(checked, 0, "members with a lower bound <= T were checked");

    /* the implied clauses (interval reasoning) are not needed: without them
     * the query is still unsatisfiable, for a fresh CaDiCaL and by a proof
     * the checkers verify */
    cr_assert_gt(units, 0, "the case has implied clauses");
    char lean[160], lean_drat[160];
    snprintf(lean, sizeof(lean), "%s/lean.cnf", tu_tmpdir);
    snprintf(lean_drat, sizeof(lean_drat), "%s/lean.drat", tu_tmpdir);
    FILE *lf = fopen(lean, "w");
    cr_assert(lf != NULL);
    fprintf(lf, "p cnf %d %d\n", f.vars, f.clauses - units);
    for (int k = 0; k < f.clauses; k++) {
        if (k >= f.clauses - tw - nogoods - units && k < f.clauses - tw - nogoods)
            continue;
        for (int i = 0; i < size[k]; i++)
            fprintf(lf, "%d ", clause[k][i]);
        fprintf(lf, "0\n");
    }
    fclose(lf);
    cr_assert_eq(acc_sat_solve_dimacs(lean, &e), 20, "%s", e.msg);
    cr_assert_eq(acc_sat_write_proof(lean, lean_drat, &e), 20, "%s", e.msg);
    acc_cnf lc;
    cr_assert_eq(acc_cnf_read(lean, &lc, &e), 0, "%s", e.msg);
    cr_assert_eq(acc_drat_check(&lc, lean_drat, NULL, NULL, &e), 0, "%s", e.msg);
    acc_cnf_free(&lc);
    free(vars);
    free(clause);
    free(size);
    opt_space_free(&sp);
    opt_shape_free(&sh);
    acc_cnf_free(&f);
}
