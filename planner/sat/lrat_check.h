/* lrat_check.h - an LRAT proof checker: the small, trusted step of
 * checking a certificate (docs/planner.md, "Checking a certificate").
 *
 * An LRAT proof lists lines "ID LITS 0 HINTS 0" (add clause ID) and
 * "ID d IDS 0" (delete those clauses); the formula's clauses are ids
 * 1..clauses, added ids increase strictly.  An added clause C is checked
 * without search: its literals are assigned false, then each positive hint
 * must name a present clause that is unit (one literal unassigned, which
 * is assigned true) or falsified (a conflict: C holds).  When the positive
 * hints end without a conflict and negative hints follow, C must be RAT on
 * its first literal p: every present clause D containing -p, unless D and
 * C clash on another literal, has a group "-ID(D) HINTS" whose hints give a
 * conflict once D's other literals are assigned false too.  The proof is
 * verified when it adds the empty clause. */
#ifndef ACC_LRAT_CHECK_H
#define ACC_LRAT_CHECK_H

#include "core/util.h"
#include "planner/sat/dimacs.h"

typedef struct acc_lrat_stats {
    long added;   /* clauses added and checked */
    long rat;     /* of which by RAT */
    long deleted; /* clauses deleted */
} acc_lrat_stats;

/* Checks the LRAT proof at `path` against `cnf`.  Returns 0 when verified,
 * 1 when not (err names the line and clause and says why), -1 when the file
 * is malformed or cannot be read (err names the file, line and field).
 * st may be NULL. */
int acc_lrat_check(const acc_cnf *cnf, const char *path, acc_lrat_stats *st, acc_error *err);

#endif
