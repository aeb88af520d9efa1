/* drat_check.h - a forward DRAT proof checker, independent of CaDiCaL.
 *
 * Reads a text DRAT proof of the unsatisfiability of a CNF formula and
 * checks every step in order (docs/planner.md, "Checking a certificate"):
 * an added lemma must be RUP (unit propagation of its negation on the
 * current clauses gives a conflict) or else RAT on its first literal; a
 * deletion removes the clause, except the deletion of a clause that is the
 * reason of a top-level assignment (a unit clause), which is ignored as
 * drat-trim does, and the deletion of a clause that is not there, which is
 * counted and ignored (both keep more clauses: still sound).  The proof
 * is verified as soon as unit propagation of the clauses gives a conflict
 * (the rest is not read: the empty clause follows); an empty clause before
 * that point does not follow.  Lemmas may only use the formula's
 * variables.
 *
 * On request it writes the same proof in LRAT, each lemma with the clause
 * ids its propagation used (lrat_check.h checks that file against the
 * formula, with no search); top-level assignments get unit clauses of their
 * own (RUP, with their hints), so that hints stay short. */
#ifndef ACC_DRAT_CHECK_H
#define ACC_DRAT_CHECK_H

#include <stdio.h>

#include "core/util.h"
#include "planner/sat/dimacs.h"

typedef struct acc_drat_stats {
    long lemmas;                 /* lemmas added (the empty clause included) */
    long rat;                    /* of which RAT (not RUP) */
    long deletions;              /* deletions applied */
    long ignored_unit_deletions; /* deletions of reason clauses, ignored */
    long missing_deletions;      /* deletions of clauses not present, ignored */
    long units;                  /* unit clauses of top-level assignments added to the LRAT */
    long refuted_line;           /* the proof line after which unit propagation of the
                                    clauses gives a conflict (0: the formula's own) */
} acc_drat_stats;

/* Checks the DRAT proof at `proof_path` (text) against `cnf`; with `lrat`
 * non-NULL, writes the LRAT proof there (original clauses are ids
 * 1..cnf->clauses).  Returns 0 when the proof is verified, 1 when it is
 * not (err says which proof line fails and why), -1 when the proof is
 * malformed or cannot be read (err names the file, line and field).
 * st may be NULL. */
int acc_drat_check(const acc_cnf *cnf, const char *proof_path, FILE *lrat, acc_drat_stats *st,
                   acc_error *err);

#endif
